// Shared HDF5 files opened by all ranks of a communicator (MPI-IO driver, collective metadata),
// and groups inside them. Every call here is collective: all ranks call it with the same values.
#pragma once

#include "mpi/comm.hpp"
#include "store/handle.hpp"

#include <string>

namespace lockstep::store {

class Group;

enum class Access { read_only, read_write };

// How a file's new columns are stored: as they are, shuffled and deflated (level 1), or deflated
// alone. Deflate makes a store about 3 times smaller and costs about 4 times the time to write and
// to read (README, "Where the time goes"). Results files deflate alone: their columns (per-account
// features, mostly doubles, many constant) came out 10-15% smaller and 20% faster to write
// unshuffled on QUT's benchmark and on a generated release.
enum class Compression { none, deflate, deflate_unshuffled };

class File {
public:
  // Creates (or truncates) `path` on every rank of `comm`; its columns are compressed as
  // `columns` says unless a column's options say otherwise.
  static File create(const std::string &path, const mpi::Comm &comm,
                     Compression columns = Compression::deflate);
  static File open(const std::string &path, const mpi::Comm &comm, Access access);

  Group root() const;
  const std::string &path() const { return path_; }
  const mpi::Comm &comm() const { return comm_; }
  hid_t id() const { return handle_.id(); }
  // Flushes and closes now (the destructor closes too, without reporting errors).
  void close();

private:
  File(FileHandle handle, std::string path, mpi::Comm comm, Compression columns)
      : handle_(std::move(handle)), path_(std::move(path)), comm_(comm), columns_(columns) {}
  FileHandle handle_;
  std::string path_;
  mpi::Comm comm_;
  Compression columns_;
};

class Group {
public:
  Group(GroupHandle handle, std::string path, mpi::Comm comm, Compression columns)
      : handle_(std::move(handle)), path_(std::move(path)), comm_(comm), columns_(columns) {}

  Group create_group(const std::string &name) const;
  Group open_group(const std::string &name) const;
  // Whether a link `name` (a group or dataset) exists directly under this group.
  bool has(const std::string &name) const;
  // The full path of `name` under this group ("/posts" + "text" -> "/posts/text").
  std::string path_of(const std::string &name) const;

  hid_t id() const { return handle_.id(); }
  const std::string &path() const { return path_; }
  const mpi::Comm &comm() const { return comm_; }
  // How new columns under this group are compressed, unless their options say otherwise.
  Compression column_compression() const { return columns_; }

private:
  GroupHandle handle_;
  std::string path_;
  mpi::Comm comm_;
  Compression columns_;
};

} // namespace lockstep::store
