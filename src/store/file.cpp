// File and group creation with the MPI-IO driver.
#include "store/file.hpp"

#include "store/error.hpp"

namespace lockstep::store {
namespace {

PropListHandle mpio_file_access(const mpi::Comm &comm) {
  PropListHandle fapl(checked(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate(file access)"));
  check_status(H5Pset_fapl_mpio(fapl.id(), comm.raw(), MPI_INFO_NULL), "H5Pset_fapl_mpio");
  check_status(H5Pset_all_coll_metadata_ops(fapl.id(), true), "H5Pset_all_coll_metadata_ops");
  check_status(H5Pset_coll_metadata_write(fapl.id(), true), "H5Pset_coll_metadata_write");
  return fapl;
}

} // namespace

File File::create(const std::string &path, const mpi::Comm &comm, Compression columns) {
  silence_hdf5_errors();
  const auto fapl = mpio_file_access(comm);
  FileHandle handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id()));
  if (!handle)
    throw_hdf5_error("cannot create HDF5 file '" + path + "'");
  return File(std::move(handle), path, comm, columns);
}

File File::open(const std::string &path, const mpi::Comm &comm, Access access) {
  silence_hdf5_errors();
  const auto fapl = mpio_file_access(comm);
  const unsigned flags = access == Access::read_only ? H5F_ACC_RDONLY : H5F_ACC_RDWR;
  FileHandle handle(H5Fopen(path.c_str(), flags, fapl.id()));
  if (!handle)
    throw_hdf5_error("cannot open HDF5 file '" + path + "'");
  return File(std::move(handle), path, comm, Compression::deflate);
}

Group File::root() const {
  GroupHandle handle(checked(H5Gopen2(id(), "/", H5P_DEFAULT), "H5Gopen2(/) in " + path_));
  return Group(std::move(handle), "/", comm_, columns_);
}

void File::close() {
  if (!handle_)
    return;
  check_status(H5Fclose(handle_.release()), "closing " + path_);
}

Group Group::create_group(const std::string &name) const {
  GroupHandle handle(H5Gcreate2(id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!handle)
    throw_hdf5_error("cannot create group '" + path_of(name) + "'");
  return Group(std::move(handle), path_of(name), comm_, columns_);
}

Group Group::open_group(const std::string &name) const {
  GroupHandle handle(H5Gopen2(id(), name.c_str(), H5P_DEFAULT));
  if (!handle)
    throw_hdf5_error("cannot open group '" + path_of(name) + "'");
  return Group(std::move(handle), path_of(name), comm_, columns_);
}

bool Group::has(const std::string &name) const {
  const htri_t exists = H5Lexists(id(), name.c_str(), H5P_DEFAULT);
  if (exists < 0)
    throw_hdf5_error("H5Lexists(" + path_of(name) + ")");
  return exists > 0;
}

std::string Group::path_of(const std::string &name) const {
  return path_ == "/" ? "/" + name : path_ + "/" + name;
}

} // namespace lockstep::store
