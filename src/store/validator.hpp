// The checking helpers behind `lockstep validate`, shared by the store's validator and the results
// file's: typed whole-column reads on rank 0 with a digest each, string columns, and violations
// reported once per check with the first bad row.
#pragma once

#include "common/hash.hpp"
#include "mpi/comm.hpp"
#include "store/column.hpp"
#include "store/error.hpp"
#include "store/file.hpp"
#include "store/h5type.hpp"
#include "store/strings.hpp"

#include <fmt/format.h>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lockstep::store {

class Validator {
public:
  Validator(const mpi::Comm &comm, const Group &root) : comm_(comm), root_(root) {}

  // Every column `table` describes (store/schema.hpp) is there, with its type and the length of
  // the table's first column; nothing is read, so a described column no check reads is still
  // checked. Collective.
  void check_table(const schema::Table &table) {
    const Group group = root_.open_group(table.name);
    std::optional<std::uint64_t> rows;
    for (const auto &column : table.columns) {
      const std::string path = "/" + std::string(table.name) + "/" + column.name;
      if (!group.has(column.name)) {
        fail(path + " is missing");
        continue;
      }
      std::uint64_t length = 0;
      if (column.type == schema::Type::string) {
        length = column_length(group.open_group(column.name), "offsets");
      } else {
        if (!stored_as(group, column.name, file_type_of(column.type), path))
          fail(fmt::format("{} is not {}", path, schema::type_name(column.type)));
        length = column_length(group, column.name);
      }
      if (!rows)
        rows = length;
      else if (length != *rows)
        fail(fmt::format("{} has {} rows, /{}/{} {}", path, length, table.name,
                         table.columns.front().name, *rows));
    }
  }

  // Reads a whole column on rank 0 after checking its type; empty elsewhere. Collective.
  template <ColumnType T>
  std::vector<T> column(const std::string &table, const std::string &name) {
    const std::string path = "/" + table + "/" + name;
    const Group group = root_.open_group(table);
    if (!group.has(name)) {
      fail(path + " is missing");
      return {};
    }
    if (!stored_as(group, name, file_type<T>(), path))
      fail(path + " has the wrong element type");
    const std::uint64_t length = column_length(group, name);
    auto values = read_column<T>(group, name, comm_.is_root() ? Slab{0, length} : Slab{});
    if (comm_.is_root()) {
      digests_.emplace_back(
          path, fmt::format("{:016x}",
                            hash64(std::string_view(reinterpret_cast<const char *>(values.data()),
                                                    values.size() * sizeof(T)))));
    }
    return values;
  }

  // Checks a string column of `rows` rows: offsets start at 0, never decrease, stay in bytes.
  // Checks a string column of `rows` rows (offsets start at 0, never decrease, stay in bytes)
  // and returns its strings on rank 0 when the offsets are sound (empty otherwise).
  std::vector<std::string> strings(const std::string &table, const std::string &name,
                                   std::uint64_t rows) {
    const Group group = root_.open_group(table);
    if (!group.has(name)) {
      fail("/" + table + "/" + name + " is missing");
      return {};
    }
    const auto offsets = column<std::uint64_t>(table + "/" + name, "offsets");
    const auto bytes = column<std::uint8_t>(table + "/" + name, "bytes");
    if (!comm_.is_root())
      return {};
    const std::string path = "/" + table + "/" + name;
    const std::size_t before = violations_.size();
    if (offsets.size() != rows)
      fail(fmt::format("{} has {} rows, its table {}", path, offsets.size(), rows));
    if (!offsets.empty() && offsets.front() != 0)
      fail(path + "/offsets does not start at 0");
    if (!std::is_sorted(offsets.begin(), offsets.end()))
      fail(path + "/offsets decrease");
    if (!offsets.empty() && offsets.back() > bytes.size())
      fail(path + "/offsets run past bytes");
    std::vector<std::string> out;
    if (violations_.size() != before)
      return out;
    const auto *data = reinterpret_cast<const char *>(bytes.data());
    for (std::size_t i = 0; i < offsets.size(); ++i) {
      const std::uint64_t end = i + 1 < offsets.size() ? offsets[i + 1] : bytes.size();
      out.emplace_back(data + offsets[i], end - offsets[i]);
    }
    return out;
  }

  void fail(const std::string &violation) {
    if (comm_.is_root())
      violations_.push_back(violation);
  }
  void expect(bool ok, const std::function<std::string()> &violation) {
    if (!ok)
      fail(violation());
  }
  // Reports at most one violation per check, with the first bad row.
  template <typename Predicate>
  void each(std::uint64_t n, const std::string &what, Predicate ok) {
    for (std::uint64_t i = 0; i < n; ++i) {
      if (!ok(i)) {
        fail(fmt::format("{} (first at row {})", what, i));
        return;
      }
    }
  }

  std::vector<std::string> violations_;
  std::vector<std::pair<std::string, std::string>> digests_;

private:
  // Whether dataset `name` of `group` holds elements of `file_type`.
  static bool stored_as(const Group &group, const std::string &name, hid_t file_type,
                        const std::string &path) {
    DatasetHandle dataset(checked(H5Dopen2(group.id(), name.c_str(), H5P_DEFAULT), path));
    DatatypeHandle type(checked(H5Dget_type(dataset.id()), path));
    return H5Tequal(type.id(), file_type) > 0;
  }

  static hid_t file_type_of(schema::Type type) {
    switch (type) {
    case schema::Type::uint8:
      return file_type<std::uint8_t>();
    case schema::Type::int32:
      return file_type<std::int32_t>();
    case schema::Type::uint32:
      return file_type<std::uint32_t>();
    case schema::Type::int64:
      return file_type<std::int64_t>();
    case schema::Type::uint64:
    case schema::Type::string:
      break;
    }
    return file_type<std::uint64_t>();
  }

  const mpi::Comm &comm_;
  const Group &root_;
};

} // namespace lockstep::store
