// String columns without variable-length HDF5 strings (which cannot be written in parallel): a
// group NAME holding `bytes` (uint8, every row's UTF-8 concatenated in row order) and `offsets`
// (uint64, where each row's bytes start; a row ends where the next starts, the last at the end
// of `bytes`). Collective, like every column.
#pragma once

#include "store/column.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace lockstep::store {

void write_strings(const Group &group, const std::string &name,
                   const std::vector<std::string> &local, const ColumnOptions &options = {});
void write_strings(const Group &group, const std::string &name,
                   const std::vector<std::string_view> &local, const ColumnOptions &options = {});

// Appends every rank's strings, in rank order, to string column `name` (created when missing).
void append_strings(const Group &group, const std::string &name,
                    const std::vector<std::string> &local, const ColumnOptions &options = {});
// The same from views of strings held elsewhere (no copy of each string).
void append_strings(const Group &group, const std::string &name,
                    const std::vector<std::string_view> &local, const ColumnOptions &options = {});

std::vector<std::string> read_strings(const Group &group, const std::string &name, Slab rows);

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

} // namespace lockstep::store
