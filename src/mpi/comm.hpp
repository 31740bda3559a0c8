// The communicator value type and the MPI environment. Knows nothing about Lockstep's data.
#pragma once

#include <mpi.h>
#include <string>

namespace lockstep::mpi {

// Throws std::runtime_error naming `what` when an MPI call did not return MPI_SUCCESS
// (only reachable when the communicator's error handler returns errors).
void check(int rc, const char *what);

// A non-owning view of an MPI communicator with its rank and size cached.
class Comm {
public:
  Comm() : Comm(MPI_COMM_WORLD) {}
  explicit Comm(MPI_Comm comm);

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }
  MPI_Comm raw() const { return comm_; }
  void barrier() const;
  // How many of the communicator's ranks share this rank's node (its shared memory). Collective.
  int ranks_on_node() const;

private:
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
};

// Initialises MPI (MPI_THREAD_FUNNELED: only the main thread calls MPI; oneTBB workers never do),
// on shared memory when every rank runs on this node (launch.hpp), and finalises it on
// destruction.
class Environment {
public:
  Environment(int &argc, char **&argv);
  ~Environment();
  Environment(const Environment &) = delete;
  Environment &operator=(const Environment &) = delete;
};

// Ends MPI now rather than when the Environment goes (which then does nothing). A command whose
// last step needs no MPI (rank 0 writing its manifest) calls it before that step, so that its
// phase table can time MPI's shutdown. Every rank calls it; no MPI call may follow.
void finalize();

// Whether finalize() (or the Environment's end) has ended MPI.
bool finalized();

// The MPI library's own version line, e.g. "Open MPI v4.1.4, ...".
std::string library_version();

} // namespace lockstep::mpi
