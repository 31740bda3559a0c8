// String columns without variable-length HDF5 strings (which cannot be written in parallel): a
// group NAME holding `bytes` (uint8, every row's UTF-8 concatenated in row order) and `offsets`
// (uint64, where each row's bytes start; a row ends where the next starts, the last at the end
// of `bytes`). Collective, like every column.
#pragma once

#include "common/index_iterator.hpp"
#include "store/column.hpp"

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::store {

// A string column held as it is stored: every row's bytes in one buffer and where each row
// starts, a row being a view into the buffer. 10^7 texts are two allocations rather than 10^7,
// and a row costs 8 bytes besides its own rather than a 32-byte std::string and, past 15 bytes,
// a heap block (QUT's 702,480 36-byte content ids: 30 MB rather than 56 MB).
class StringColumn {
public:
  using Iterator = IndexIterator<const StringColumn>;

  StringColumn() = default;
  StringColumn(std::initializer_list<std::string_view> rows);
  // Rows [offsets[i], offsets[i + 1]) of `bytes`, offsets.size() - 1 of them; throws unless the
  // offsets start at 0, never decrease and end at bytes.size().
  StringColumn(std::vector<std::uint8_t> bytes, std::vector<std::uint64_t> offsets);

  void push_back(std::string_view row);
  std::size_t size() const { return offsets_.size() - 1; }
  bool empty() const { return size() == 0; }
  std::string_view operator[](std::size_t row) const {
    return {reinterpret_cast<const char *>(bytes_.data()) + offsets_[row],
            offsets_[row + 1] - offsets_[row]};
  }
  Iterator begin() const { return {this, 0}; }
  Iterator end() const { return {this, size()}; }
  std::uint64_t held_bytes() const { return bytes_.capacity() + 8 * offsets_.capacity(); }

private:
  std::vector<std::uint8_t> bytes_;
  std::vector<std::uint64_t> offsets_{0}; // one more than rows: the last ends at bytes_.size()
};

void write_strings(const Group &group, const std::string &name,
                   const std::vector<std::string> &local, const ColumnOptions &options = {});
void write_strings(const Group &group, const std::string &name,
                   const std::vector<std::string_view> &local, const ColumnOptions &options = {});
void write_strings(const Group &group, const std::string &name, const StringColumn &local,
                   const ColumnOptions &options = {});

// Appends every rank's strings, in rank order, to string column `name` (created when missing).
void append_strings(const Group &group, const std::string &name,
                    const std::vector<std::string> &local, const ColumnOptions &options = {});
// The same from views of strings held elsewhere (no copy of each string).
void append_strings(const Group &group, const std::string &name,
                    const std::vector<std::string_view> &local, const ColumnOptions &options = {});

// A string column appended a part of rows at a time (ColumnAppender): every rank's rows and bytes
// are known from the start, and each part's offsets and bytes go to the file as they come, so no
// rank holds its whole column. Collective to construct; write() as ColumnAppender's.
class StringAppender {
public:
  StringAppender(const Group &group, const std::string &name, std::uint64_t local_rows,
                 std::uint64_t local_bytes, const ColumnOptions &options = {});
  StringAppender(const Group &group, const schema::Column &column, std::uint64_t local_rows,
                 std::uint64_t local_bytes, const ColumnOptions &options = {})
      : StringAppender(group, checked_name(column, schema::Type::string), local_rows, local_bytes,
                       options) {}
  // Throws when the rows or their bytes go past what the constructor was told.
  void write(std::span<const std::string_view> rows);
  bool collective() const { return bytes_.collective(); }
  // Whether this rank has written all the rows and bytes it was told of.
  bool complete() const { return offsets_.left() == 0 && bytes_.left() == 0; }

private:
  Group strings_;
  ColumnAppender<std::uint64_t> offsets_;
  ColumnAppender<std::uint8_t> bytes_;
  std::uint64_t next_offset_ = 0;           // the next row's first byte
  std::vector<std::uint64_t> part_offsets_; // reused from part to part
  std::vector<std::uint8_t> part_bytes_;
};

std::vector<std::string> read_strings(const Group &group, const std::string &name, Slab rows);
// The same rows held packed, as they are stored.
StringColumn read_string_column(const Group &group, const std::string &name, Slab rows);

// The same for a described string column (store/schema.hpp).
template <typename Strings>
void write_strings(const Group &group, const schema::Column &column, const Strings &local,
                   const ColumnOptions &options = {}) {
  write_strings(group, checked_name(column, schema::Type::string), local, options);
}
template <typename Strings>
void append_strings(const Group &group, const schema::Column &column, const Strings &local,
                    const ColumnOptions &options = {}) {
  append_strings(group, checked_name(column, schema::Type::string), local, options);
}
inline std::vector<std::string> read_strings(const Group &group, const schema::Column &column,
                                             Slab rows) {
  return read_strings(group, checked_name(column, schema::Type::string), rows);
}
inline StringColumn read_string_column(const Group &group, const schema::Column &column,
                                       Slab rows) {
  return read_string_column(group, checked_name(column, schema::Type::string), rows);
}

} // namespace lockstep::store
