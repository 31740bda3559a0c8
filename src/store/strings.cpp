// String columns as offsets + bytes.
#include "store/strings.hpp"

#include "mpi/collectives.hpp"
#include "store/error.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <stdexcept>

namespace lockstep::store {

namespace {

// The bytes of all of `local`'s strings.
template <typename Strings>
std::uint64_t total_bytes(const Strings &local) {
  std::uint64_t bytes = 0;
  for (const auto &s : local)
    bytes += s.size();
  return bytes;
}

// Where each of `local`'s strings starts when the first starts at `first`.
template <typename Strings>
std::vector<std::uint64_t> string_offsets(const Strings &local, std::uint64_t first) {
  std::vector<std::uint64_t> offsets;
  offsets.reserve(local.size());
  for (const auto &s : local) {
    offsets.push_back(first);
    first += s.size();
  }
  return offsets;
}

// Offsets (starting at `base` + the bytes of lower ranks) and bytes of this rank's strings.
template <typename Strings>
std::pair<std::vector<std::uint64_t>, std::vector<std::uint8_t>>
pack_strings(const mpi::Comm &comm, const Strings &local, std::uint64_t base) {
  const std::uint64_t local_bytes = total_bytes(local);
  auto offsets = string_offsets(local, base + layout_slabs(comm, local_bytes).local.offset);
  std::vector<std::uint8_t> bytes;
  bytes.reserve(local_bytes);
  for (const auto &s : local)
    bytes.insert(bytes.end(), s.begin(), s.end());
  return {std::move(offsets), std::move(bytes)};
}

// The bytes of consecutive strings, a stage at a time: each call continues where the last ended.
template <typename Strings>
class StringBytes {
public:
  explicit StringBytes(const Strings &strings) : strings_(strings) {}

  void fill(void *buffer, std::uint64_t count) {
    auto *out = static_cast<char *>(buffer);
    while (count > 0) {
      const std::string_view row = strings_[row_];
      const std::uint64_t take = std::min<std::uint64_t>(count, row.size() - within_);
      std::memcpy(out, row.data() + within_, take);
      out += take;
      count -= take;
      within_ += take;
      if (within_ == row.size()) {
        ++row_;
        within_ = 0;
      }
    }
  }

private:
  const Strings &strings_;
  std::size_t row_ = 0;
  std::uint64_t within_ = 0; // bytes of row_ already given
};

template <typename Strings>
void write_string_column(const Group &group, const std::string &name, const Strings &local,
                         const ColumnOptions &options) {
  const auto [offsets, bytes] = pack_strings(group.comm(), local, 0);
  const Group strings = group.create_group(name);
  write_column(strings, "offsets", offsets, options);
  write_column(strings, "bytes", bytes, options);
}

// A string column's group, created when missing.
Group string_group(const Group &group, const std::string &name) {
  return group.has(name) ? group.open_group(name) : group.create_group(name);
}

// Appends the offsets, then the bytes a stage at a time, copied straight from the strings. The
// bytes' column is extended first: where this rank's bytes start is where its offsets start.
template <typename String>
void append_string_column(const Group &group, const std::string &name,
                          const std::vector<String> &local, const ColumnOptions &options) {
  const Group strings = string_group(group, name);
  detail::SlabAppender bytes(strings, "bytes", native_type<std::uint8_t>(),
                             file_type<std::uint8_t>(), total_bytes(local), options);
  append_column(strings, "offsets", string_offsets(local, bytes.first()), options);
  StringBytes<std::vector<String>> rows(local);
  detail::append_staged(group.comm(), bytes, 1, options.stage_bytes,
                        [&](void *buffer, std::uint64_t count) { rows.fill(buffer, count); });
}

} // namespace

void write_strings(const Group &group, const std::string &name,
                   const std::vector<std::string> &local, const ColumnOptions &options) {
  write_string_column(group, name, local, options);
}

void write_strings(const Group &group, const std::string &name,
                   const std::vector<std::string_view> &local, const ColumnOptions &options) {
  write_string_column(group, name, local, options);
}

void write_strings(const Group &group, const std::string &name, const StringColumn &local,
                   const ColumnOptions &options) {
  write_string_column(group, name, local, options);
}

void append_strings(const Group &group, const std::string &name,
                    const std::vector<std::string> &local, const ColumnOptions &options) {
  append_string_column(group, name, local, options);
}

void append_strings(const Group &group, const std::string &name,
                    const std::vector<std::string_view> &local, const ColumnOptions &options) {
  append_string_column(group, name, local, options);
}

StringAppender::StringAppender(const Group &group, const std::string &name,
                               std::uint64_t local_rows, std::uint64_t local_bytes,
                               const ColumnOptions &options)
    : strings_(string_group(group, name)), offsets_(strings_, "offsets", local_rows, options),
      bytes_(strings_, "bytes", local_bytes, options), next_offset_(bytes_.first()) {}

void StringAppender::write(std::span<const std::string_view> rows) {
  part_offsets_.clear();
  part_bytes_.clear();
  for (const auto row : rows) {
    part_offsets_.push_back(next_offset_);
    next_offset_ += row.size();
    part_bytes_.insert(part_bytes_.end(), row.begin(), row.end());
  }
  if (part_bytes_.size() > bytes_.left()) {
    throw std::logic_error(fmt::format("appending to {}: {} bytes, {} of this rank's left",
                                       strings_.path(), part_bytes_.size(), bytes_.left()));
  }
  offsets_.write(part_offsets_);
  bytes_.write(part_bytes_);
}

namespace {

// The rows of a slab of string column `strings`: its offsets, made relative to the slab's first
// byte and ending with its last, and its bytes.
std::pair<std::vector<std::uint64_t>, std::vector<std::uint8_t>> read_slab(const Group &strings,
                                                                           Slab rows) {
  const std::uint64_t row_count = column_length(strings, "offsets");
  const std::uint64_t byte_count = column_length(strings, "bytes");
  if (rows.offset + rows.count > row_count) {
    throw Error("reading " + strings.path() + ": rows beyond its length");
  }
  // One offset past the slab tells where its last string ends.
  const bool has_next = rows.count > 0 && rows.offset + rows.count < row_count;
  auto offsets = read_column<std::uint64_t>(strings, "offsets",
                                            Slab{rows.offset, rows.count + (has_next ? 1 : 0)});
  const std::uint64_t begin = rows.count > 0 ? offsets.front() : 0;
  const std::uint64_t end = rows.count == 0 ? 0 : has_next ? offsets.back() : byte_count;
  if (begin > end || end > byte_count)
    throw Error(strings.path() + ": offsets out of order");
  if (!has_next)
    offsets.push_back(end);
  for (auto &offset : offsets) {
    if (offset < begin || offset > end)
      throw Error(strings.path() + ": offsets out of order");
    offset -= begin;
  }
  return {std::move(offsets),
          read_column<std::uint8_t>(strings, "bytes", Slab{begin, end - begin})};
}

void check_offsets(const std::vector<std::uint64_t> &offsets, std::uint64_t bytes) {
  if (offsets.empty() || offsets.front() != 0 || offsets.back() != bytes)
    throw Error("a string column's offsets must start at 0 and end at its bytes' length");
  for (std::size_t i = 1; i < offsets.size(); ++i) {
    if (offsets[i] < offsets[i - 1])
      throw Error("a string column's offsets out of order");
  }
}

} // namespace

StringColumn::StringColumn(std::initializer_list<std::string_view> rows) {
  for (const auto row : rows)
    push_back(row);
}

StringColumn::StringColumn(std::vector<std::uint8_t> bytes, std::vector<std::uint64_t> offsets)
    : bytes_(std::move(bytes)), offsets_(std::move(offsets)) {
  check_offsets(offsets_, bytes_.size());
}

void StringColumn::push_back(std::string_view row) {
  bytes_.insert(bytes_.end(), row.begin(), row.end());
  offsets_.push_back(bytes_.size());
}

std::vector<std::string> read_strings(const Group &group, const std::string &name, Slab rows) {
  const auto [offsets, bytes] = read_slab(group.open_group(name), rows);
  std::vector<std::string> out(rows.count);
  for (std::uint64_t i = 0; i < rows.count; ++i) {
    if (offsets[i] > offsets[i + 1])
      throw Error(group.path_of(name) + ": offsets out of order");
    out[i].assign(reinterpret_cast<const char *>(bytes.data()) + offsets[i],
                  offsets[i + 1] - offsets[i]);
  }
  return out;
}

StringColumn read_string_column(const Group &group, const std::string &name, Slab rows) {
  const Group strings = group.open_group(name);
  auto [offsets, bytes] = read_slab(strings, rows);
  try {
    return StringColumn(std::move(bytes), std::move(offsets));
  } catch (const Error &) {
    throw Error(strings.path() + ": offsets out of order");
  }
}

} // namespace lockstep::store
