// String columns as offsets + bytes.
#include "store/strings.hpp"

#include "mpi/collectives.hpp"
#include "store/error.hpp"

namespace lockstep::store {

namespace {

// Offsets (starting at `base` + the bytes of lower ranks) and bytes of this rank's strings.
template <typename String>
std::pair<std::vector<std::uint64_t>, std::vector<std::uint8_t>>
pack_strings(const mpi::Comm &comm, const std::vector<String> &local, std::uint64_t base) {
  std::uint64_t local_bytes = 0;
  for (const auto &s : local)
    local_bytes += s.size();
  const std::uint64_t first = base + layout_slabs(comm, local_bytes).local.offset;
  std::vector<std::uint64_t> offsets;
  std::vector<std::uint8_t> bytes;
  offsets.reserve(local.size());
  bytes.reserve(local_bytes);
  for (const auto &s : local) {
    offsets.push_back(first + bytes.size());
    bytes.insert(bytes.end(), s.begin(), s.end());
  }
  return {std::move(offsets), std::move(bytes)};
}

template <typename String>
void write_string_column(const Group &group, const std::string &name,
                         const std::vector<String> &local, const ColumnOptions &options) {
  const auto [offsets, bytes] = pack_strings(group.comm(), local, 0);
  const Group strings = group.create_group(name);
  write_column(strings, "offsets", offsets, options);
  write_column(strings, "bytes", bytes, options);
}

template <typename String>
void append_string_column(const Group &group, const std::string &name,
                          const std::vector<String> &local, const ColumnOptions &options) {
  const Group strings = group.has(name) ? group.open_group(name) : group.create_group(name);
  const std::uint64_t base = strings.has("bytes") ? column_length(strings, "bytes") : 0;
  const auto [offsets, bytes] = pack_strings(group.comm(), local, base);
  append_column(strings, "offsets", offsets, options);
  append_column(strings, "bytes", bytes, options);
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

void append_strings(const Group &group, const std::string &name,
                    const std::vector<std::string> &local, const ColumnOptions &options) {
  append_string_column(group, name, local, options);
}

void append_strings(const Group &group, const std::string &name,
                    const std::vector<std::string_view> &local, const ColumnOptions &options) {
  append_string_column(group, name, local, options);
}

std::vector<std::string> read_strings(const Group &group, const std::string &name, Slab rows) {
  const Group strings = group.open_group(name);
  const std::uint64_t row_count = column_length(strings, "offsets");
  const std::uint64_t byte_count = column_length(strings, "bytes");
  if (rows.offset + rows.count > row_count) {
    throw Error("reading " + strings.path() + ": rows beyond its length");
  }
  // One offset past the slab tells where its last string ends.
  const bool has_next = rows.count > 0 && rows.offset + rows.count < row_count;
  const auto offsets = read_column<std::uint64_t>(
      strings, "offsets", Slab{rows.offset, rows.count + (has_next ? 1 : 0)});
  const std::uint64_t begin = rows.count > 0 ? offsets.front() : 0;
  const std::uint64_t end = rows.count == 0 ? 0 : has_next ? offsets.back() : byte_count;
  if (begin > end || end > byte_count)
    throw Error(strings.path() + ": offsets out of order");
  const auto bytes = read_column<std::uint8_t>(strings, "bytes", Slab{begin, end - begin});
  std::vector<std::string> out(rows.count);
  for (std::uint64_t i = 0; i < rows.count; ++i) {
    const std::uint64_t from = offsets[i] - begin;
    const std::uint64_t to = (i + 1 < offsets.size() ? offsets[i + 1] : end) - begin;
    if (from > to || to > bytes.size())
      throw Error(strings.path() + ": offsets out of order");
    out[i].assign(reinterpret_cast<const char *>(bytes.data()) + from, to - from);
  }
  return out;
}

} // namespace lockstep::store
