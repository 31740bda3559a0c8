// Collective I/O of 1-D columns: every rank contributes one contiguous slab (any size, empty
// allowed) and the slabs are laid out in rank order. Columns are chunked, compressed as their file
// says (File::create), with unlimited maximum length so that later runs can append.
#pragma once

#include "store/file.hpp"
#include "store/h5type.hpp"
#include "store/schema.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace lockstep::store {

struct ColumnOptions {
  std::uint64_t chunk_elements = 1 << 16;                // chunk length; shrunk for short columns
  std::optional<Compression> compression = std::nullopt; // nothing: the group's (its file's)
  std::uint64_t stage_bytes = 4 << 20; // a string column's bytes are written this much at a time
};

// How column `name` under `group` is stored: none without filters, deflate with the shuffle
// filter, else deflate_unshuffled.
Compression column_compression(const Group &group, const std::string &name);

// Where one rank's slab lies in a column.
struct Slab {
  std::uint64_t offset = 0;
  std::uint64_t count = 0;
};

// Slab of `local_count` elements for this rank when the ranks' slabs are laid out in rank order;
// also returns the column's total length. Collective.
struct SlabLayout {
  Slab local;
  std::uint64_t total = 0;
};
SlabLayout layout_slabs(const mpi::Comm &comm, std::uint64_t local_count);

// The slab of [0, total) that rank `rank` of `ranks` reads when a column is split evenly.
Slab even_share(std::uint64_t total, int rank, int ranks);

namespace detail {
void write_raw(const Group &group, const std::string &name, hid_t mem_type, hid_t file_type,
               const void *data, std::uint64_t local_count, const ColumnOptions &options);
void read_raw(const Group &group, const std::string &name, hid_t mem_type, void *data, Slab slab);
void append_raw(const Group &group, const std::string &name, hid_t mem_type, hid_t file_type,
                const void *data, std::uint64_t local_count, const ColumnOptions &options);

// This rank's slab of a column, appended part by part: the column is extended by every rank's
// slab at once (collective), then each write() puts the next part of this rank's slab in place.
// An unfiltered column's parts are written by each rank alone; a filtered one's collectively, so
// every rank must call write() equally often (with empty parts once it has nothing left).
class SlabAppender {
public:
  SlabAppender(const Group &group, const std::string &name, hid_t mem_type, hid_t file_type,
               std::uint64_t local_count, const ColumnOptions &options);
  // Writes the next `count` elements of this rank's slab from `data`; throws past its end.
  void write(const void *data, std::uint64_t count);
  bool collective() const { return mode_ == H5FD_MPIO_COLLECTIVE; }
  // The column's row where this rank's slab starts (its length before, when no rank adds any).
  std::uint64_t first() const { return first_; }
  std::uint64_t left() const { return count_ - written_; }

private:
  std::optional<DatasetHandle> dataset_; // none when no rank appends anything
  hid_t mem_type_;
  std::string path_;
  std::uint64_t first_ = 0, count_ = 0, written_ = 0;
  H5FD_mpio_xfer_t mode_ = H5FD_MPIO_COLLECTIVE;
};

// Puts the next `count` elements of this rank's slab into `buffer` (called in slab order).
using StageFill = std::function<void(void *buffer, std::uint64_t count)>;
// Writes the rest of `column`'s slab made `stage_elements` at a time into one buffer, reused from
// stage to stage: a column as large as the texts needs no whole second copy of itself to be
// written. Collective for a filtered column (every rank takes part in as many stages).
void append_staged(const mpi::Comm &comm, SlabAppender &column, std::size_t element_bytes,
                   std::uint64_t stage_elements, const StageFill &fill);
} // namespace detail

// Creates dataset `name` under `group` and writes every rank's `local` slab into it. Collective.
template <ColumnType T>
void write_column(const Group &group, const std::string &name, std::span<const T> local,
                  const ColumnOptions &options = {}) {
  detail::write_raw(group, name, native_type<T>(), file_type<T>(), local.data(), local.size(),
                    options);
}

template <ColumnType T>
void write_column(const Group &group, const std::string &name, const std::vector<T> &local,
                  const ColumnOptions &options = {}) {
  write_column(group, name, std::span<const T>(local), options);
}

// Appends every rank's `local` slab, in rank order, to column `name` (created empty, with full
// chunks, when it does not exist yet). Collective.
template <ColumnType T>
void append_column(const Group &group, const std::string &name, const std::vector<T> &local,
                   const ColumnOptions &options = {}) {
  detail::append_raw(group, name, native_type<T>(), file_type<T>(), local.data(), local.size(),
                     options);
}

// Reads `slab` of column `name` on this rank (slabs may differ per rank, may be empty). Collective.
template <ColumnType T>
std::vector<T> read_column(const Group &group, const std::string &name, Slab slab) {
  std::vector<T> values(slab.count);
  detail::read_raw(group, name, native_type<T>(), values.data(), slab);
  return values;
}

// The schema type of T.
template <ColumnType T>
constexpr schema::Type schema_type() {
  if constexpr (std::is_same_v<T, std::uint8_t>)
    return schema::Type::uint8;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return schema::Type::int32;
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return schema::Type::uint32;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return schema::Type::int64;
  else {
    static_assert(std::is_same_v<T, std::uint64_t>, "the store has no column of this type");
    return schema::Type::uint64;
  }
}

// `column`'s name, once T is its type (a programming error otherwise).
std::string checked_name(const schema::Column &column, schema::Type type);

// The same for a described column (store/schema.hpp), whose type T must be.
template <ColumnType T>
void write_column(const Group &group, const schema::Column &column, const std::vector<T> &local,
                  const ColumnOptions &options = {}) {
  write_column(group, checked_name(column, schema_type<T>()), local, options);
}
template <ColumnType T>
void append_column(const Group &group, const schema::Column &column, const std::vector<T> &local,
                   const ColumnOptions &options = {}) {
  append_column(group, checked_name(column, schema_type<T>()), local, options);
}
template <ColumnType T>
std::vector<T> read_column(const Group &group, const schema::Column &column, Slab slab) {
  return read_column<T>(group, checked_name(column, schema_type<T>()), slab);
}

// A column of T appended part by part (detail::SlabAppender): the whole of every rank's slab need
// never be in memory at once. Collective to construct.
template <ColumnType T>
class ColumnAppender {
public:
  ColumnAppender(const Group &group, const std::string &name, std::uint64_t local_count,
                 const ColumnOptions &options = {})
      : slab_(group, name, native_type<T>(), file_type<T>(), local_count, options) {}
  ColumnAppender(const Group &group, const schema::Column &column, std::uint64_t local_count,
                 const ColumnOptions &options = {})
      : ColumnAppender(group, checked_name(column, schema_type<T>()), local_count, options) {}
  // Writes the next part of this rank's slab; collective for a filtered column.
  void write(std::span<const T> part) { slab_.write(part.data(), part.size()); }
  bool collective() const { return slab_.collective(); }
  std::uint64_t first() const { return slab_.first(); }
  std::uint64_t left() const { return slab_.left(); }

private:
  detail::SlabAppender slab_;
};

// The length of column `name`.
std::uint64_t column_length(const Group &group, const std::string &name);

} // namespace lockstep::store
