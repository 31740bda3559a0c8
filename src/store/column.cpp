// Collective column I/O: slab layout, dataset creation and hyperslab transfers.
#include "store/column.hpp"

#include "mpi/collectives.hpp"
#include "store/error.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <memory>
#include <optional>
#include <stdexcept>

namespace lockstep::store {
namespace {

PropListHandle transfer(H5FD_mpio_xfer_t mode) {
  PropListHandle dxpl(checked(H5Pcreate(H5P_DATASET_XFER), "H5Pcreate(transfer)"));
  check_status(H5Pset_dxpl_mpio(dxpl.id(), mode), "H5Pset_dxpl_mpio");
  return dxpl;
}

PropListHandle collective_transfer() {
  return transfer(H5FD_MPIO_COLLECTIVE);
}

PropListHandle chunked_creation(std::uint64_t total, const ColumnOptions &options,
                                Compression compression) {
  PropListHandle dcpl(checked(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate(dataset create)"));
  const hsize_t chunk =
      std::clamp<std::uint64_t>(total, 1, std::max<std::uint64_t>(1, options.chunk_elements));
  check_status(H5Pset_chunk(dcpl.id(), 1, &chunk), "H5Pset_chunk");
  const auto columns = options.compression.value_or(compression);
  if (columns == Compression::deflate)
    check_status(H5Pset_shuffle(dcpl.id()), "H5Pset_shuffle");
  if (columns != Compression::none)
    check_status(H5Pset_deflate(dcpl.id(), 1), "H5Pset_deflate");
  check_status(H5Pset_fill_time(dcpl.id(), H5D_FILL_TIME_NEVER), "H5Pset_fill_time");
  return dcpl;
}

// Selects `slab` in the file space and returns a matching memory space (both "none" if empty).
DataspaceHandle select_slab(hid_t file_space, Slab slab) {
  const hsize_t count = slab.count;
  DataspaceHandle memory(checked(H5Screate_simple(1, &count, nullptr), "H5Screate_simple"));
  if (slab.count == 0) {
    check_status(H5Sselect_none(file_space), "H5Sselect_none");
    check_status(H5Sselect_none(memory.id()), "H5Sselect_none");
  } else {
    const hsize_t start = slab.offset;
    check_status(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &start, nullptr, &count, nullptr),
                 "H5Sselect_hyperslab");
  }
  return memory;
}

std::uint64_t dataspace_length(hid_t dataset, const std::string &path) {
  DataspaceHandle space(checked(H5Dget_space(dataset), "H5Dget_space(" + path + ")"));
  if (H5Sget_simple_extent_ndims(space.id()) != 1)
    throw Error(path + " is not a 1-D column");
  hsize_t dims = 0;
  check_status(H5Sget_simple_extent_dims(space.id(), &dims, nullptr), "H5Sget_simple_extent_dims");
  return dims;
}

} // namespace

namespace {

// How an open column is stored (column_compression).
Compression compression_of(hid_t dataset) {
  PropListHandle dcpl(checked(H5Dget_create_plist(dataset), "H5Dget_create_plist"));
  const int filters = H5Pget_nfilters(dcpl.id());
  if (filters <= 0)
    return Compression::none;
  for (unsigned i = 0; i < static_cast<unsigned>(filters); ++i) {
    unsigned flags = 0, filter_config = 0;
    std::size_t values = 0;
    if (H5Pget_filter2(dcpl.id(), i, &flags, &values, nullptr, 0, nullptr, &filter_config) ==
        H5Z_FILTER_SHUFFLE)
      return Compression::deflate;
  }
  return Compression::deflate_unshuffled;
}

} // namespace

Compression column_compression(const Group &group, const std::string &name) {
  DatasetHandle dataset(H5Dopen2(group.id(), name.c_str(), H5P_DEFAULT));
  if (!dataset)
    throw_hdf5_error("cannot open column " + group.path_of(name));
  return compression_of(dataset.id());
}

SlabLayout layout_slabs(const mpi::Comm &comm, std::uint64_t local_count) {
  const auto counts = mpi::allgather(comm, local_count);
  SlabLayout layout;
  for (int r = 0; r < comm.size(); ++r) {
    if (r == comm.rank())
      layout.local = Slab{layout.total, local_count};
    layout.total += counts[static_cast<std::size_t>(r)];
  }
  return layout;
}

Slab even_share(std::uint64_t total, int rank, int ranks) {
  const auto r = static_cast<std::uint64_t>(rank), p = static_cast<std::uint64_t>(ranks);
  const std::uint64_t base = total / p, extra = total % p;
  const std::uint64_t offset = r * base + std::min(r, extra);
  return Slab{offset, base + (r < extra ? 1 : 0)};
}

namespace detail {

void write_raw(const Group &group, const std::string &name, hid_t mem_type, hid_t file_type,
               const void *data, std::uint64_t local_count, const ColumnOptions &options) {
  const std::string path = group.path_of(name);
  const SlabLayout layout = layout_slabs(group.comm(), local_count);
  const hsize_t dims = layout.total, max_dims = H5S_UNLIMITED;
  DataspaceHandle file_space(checked(H5Screate_simple(1, &dims, &max_dims), "H5Screate_simple"));
  const auto dcpl = chunked_creation(layout.total, options, group.column_compression());
  DatasetHandle dataset(H5Dcreate2(group.id(), name.c_str(), file_type, file_space.id(),
                                   H5P_DEFAULT, dcpl.id(), H5P_DEFAULT));
  if (!dataset)
    throw_hdf5_error("cannot create column " + path);
  if (layout.total == 0)
    return; // every rank knows the total, so all skip the write together

  const auto memory = select_slab(file_space.id(), layout.local);
  const auto dxpl = collective_transfer();
  static const char placeholder = 0; // HDF5 rejects a null buffer even when nothing is selected
  const void *buffer = data != nullptr ? data : &placeholder;
  check_status(H5Dwrite(dataset.id(), mem_type, memory.id(), file_space.id(), dxpl.id(), buffer),
               "writing column " + path);
}

namespace {

// Column `name` under `group` (created empty, with full chunks, when missing), open and extended by
// `added` rows, with the length it had; none when nothing is added. Collective.
std::optional<std::pair<DatasetHandle, std::uint64_t>>
extended_column(const Group &group, const std::string &name, hid_t file_type, std::uint64_t added,
                const ColumnOptions &options) {
  const std::string path = group.path_of(name);
  if (!group.has(name)) {
    const hsize_t dims = 0, max_dims = H5S_UNLIMITED;
    DataspaceHandle space(checked(H5Screate_simple(1, &dims, &max_dims), "H5Screate_simple"));
    const auto dcpl = chunked_creation(options.chunk_elements, options, group.column_compression());
    DatasetHandle created(H5Dcreate2(group.id(), name.c_str(), file_type, space.id(), H5P_DEFAULT,
                                     dcpl.id(), H5P_DEFAULT));
    if (!created)
      throw_hdf5_error("cannot create column " + path);
  }
  if (added == 0)
    return std::nullopt; // every rank knows the total, so all skip together
  DatasetHandle dataset(H5Dopen2(group.id(), name.c_str(), H5P_DEFAULT));
  if (!dataset)
    throw_hdf5_error("cannot open column " + path);
  const std::uint64_t current = dataspace_length(dataset.id(), path);
  const hsize_t extent = current + added;
  check_status(H5Dset_extent(dataset.id(), &extent), "extending column " + path);
  return std::make_pair(std::move(dataset), current);
}

// Writes this rank's `slab` of an open column from `data`: collective, or by this rank alone.
void write_slab(hid_t dataset, hid_t mem_type, Slab slab, const void *data, const std::string &path,
                H5FD_mpio_xfer_t mode = H5FD_MPIO_COLLECTIVE) {
  DataspaceHandle file_space(checked(H5Dget_space(dataset), "H5Dget_space(" + path + ")"));
  const auto memory = select_slab(file_space.id(), slab);
  const auto dxpl = transfer(mode);
  static const char placeholder = 0; // HDF5 rejects a null buffer even when nothing is selected
  const void *buffer = data != nullptr ? data : &placeholder;
  check_status(H5Dwrite(dataset, mem_type, memory.id(), file_space.id(), dxpl.id(), buffer),
               "appending to column " + path);
}

} // namespace

void append_raw(const Group &group, const std::string &name, hid_t mem_type, hid_t file_type,
                const void *data, std::uint64_t local_count, const ColumnOptions &options) {
  const SlabLayout layout = layout_slabs(group.comm(), local_count);
  const auto column = extended_column(group, name, file_type, layout.total, options);
  if (!column)
    return;
  const auto &[dataset, current] = *column;
  write_slab(dataset.id(), mem_type, Slab{current + layout.local.offset, layout.local.count}, data,
             group.path_of(name));
}

SlabAppender::SlabAppender(const Group &group, const std::string &name, hid_t mem_type,
                           hid_t file_type, std::uint64_t local_count, const ColumnOptions &options)
    : mem_type_(mem_type), path_(group.path_of(name)), count_(local_count) {
  const SlabLayout layout = layout_slabs(group.comm(), local_count);
  auto column = extended_column(group, name, file_type, layout.total, options);
  if (!column) { // no rank writes anything: the mode does not matter, but where rows would start
    first_ = column_length(group, name); // does (a string column's next offsets point there)
    return;
  }
  // Unfiltered chunks are written by each rank alone, with no wait for the others between parts.
  mode_ = compression_of(column->first.id()) == Compression::none ? H5FD_MPIO_INDEPENDENT
                                                                  : H5FD_MPIO_COLLECTIVE;
  first_ = column->second + layout.local.offset;
  dataset_.emplace(std::move(column->first));
}

void SlabAppender::write(const void *data, std::uint64_t count) {
  if (count > left()) {
    throw std::logic_error(
        fmt::format("appending {} rows to {} with {} of this rank's left", count, path_, left()));
  }
  if (!dataset_ || (count == 0 && !collective()))
    return;
  write_slab(dataset_->id(), mem_type_, Slab{first_ + written_, count}, data, path_, mode_);
  written_ += count;
}

void append_staged(const mpi::Comm &comm, SlabAppender &column, std::size_t element_bytes,
                   std::uint64_t stage_elements, const StageFill &fill) {
  // A filtered column's stages are collective: every rank takes part in as many, the last empty.
  const std::uint64_t stage = std::max<std::uint64_t>(1, stage_elements);
  std::uint64_t stages = (column.left() + stage - 1) / stage;
  if (column.collective())
    stages = mpi::allreduce(comm, stages, mpi::Op::max);
  const auto buffer =
      std::make_unique_for_overwrite<std::byte[]>(std::min(column.left(), stage) * element_bytes);
  for (std::uint64_t k = 0; k < stages; ++k) {
    const std::uint64_t count = std::min(stage, column.left());
    if (count > 0)
      fill(buffer.get(), count);
    column.write(buffer.get(), count);
  }
}

void read_raw(const Group &group, const std::string &name, hid_t mem_type, void *data, Slab slab) {
  const std::string path = group.path_of(name);
  DatasetHandle dataset(H5Dopen2(group.id(), name.c_str(), H5P_DEFAULT));
  if (!dataset)
    throw_hdf5_error("cannot open column " + path);
  const std::uint64_t length = dataspace_length(dataset.id(), path);
  if (slab.offset + slab.count > length) {
    throw Error("reading " + path + ": slab [" + std::to_string(slab.offset) + ", " +
                std::to_string(slab.offset + slab.count) + ") lies beyond its length " +
                std::to_string(length));
  }
  DataspaceHandle file_space(checked(H5Dget_space(dataset.id()), "H5Dget_space(" + path + ")"));
  const auto memory = select_slab(file_space.id(), slab);
  const auto dxpl = collective_transfer();
  static char placeholder = 0;
  void *buffer = data != nullptr ? data : &placeholder;
  check_status(H5Dread(dataset.id(), mem_type, memory.id(), file_space.id(), dxpl.id(), buffer),
               "reading column " + path);
}

} // namespace detail

std::string checked_name(const schema::Column &column, schema::Type type) {
  if (column.type != type)
    throw std::logic_error(fmt::format("column {} is {}, not {}", column.name,
                                       schema::type_name(column.type), schema::type_name(type)));
  return column.name;
}

std::uint64_t column_length(const Group &group, const std::string &name) {
  const std::string path = group.path_of(name);
  DatasetHandle dataset(H5Dopen2(group.id(), name.c_str(), H5P_DEFAULT));
  if (!dataset)
    throw_hdf5_error("cannot open column " + path);
  return dataspace_length(dataset.id(), path);
}

} // namespace lockstep::store
