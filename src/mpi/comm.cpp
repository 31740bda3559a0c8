// Communicator and environment implementation.
#include "mpi/comm.hpp"

#include "mpi/launch.hpp"

#include <stdexcept>
#include <string>

namespace lockstep::mpi {

void check(int rc, const char *what) {
  if (rc == MPI_SUCCESS)
    return;
  char message[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(rc, message, &length);
  throw std::runtime_error(std::string(what) + " failed: " + std::string(message, length));
}

Comm::Comm(MPI_Comm comm) : comm_(comm) {
  check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
}

int Comm::ranks_on_node() const {
  MPI_Comm node = MPI_COMM_NULL;
  check(MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node),
        "MPI_Comm_split_type");
  int ranks = 1;
  check(MPI_Comm_size(node, &ranks), "MPI_Comm_size");
  check(MPI_Comm_free(&node), "MPI_Comm_free");
  return ranks;
}

void Comm::barrier() const {
  check(MPI_Barrier(comm_), "MPI_Barrier");
}

Environment::Environment(int &argc, char **&argv) {
  choose_single_node_transport();
  int provided = 0;
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  if (provided < MPI_THREAD_FUNNELED) {
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
}

Environment::~Environment() {
  if (!finalized())
    MPI_Finalize();
}

void finalize() {
  if (!finalized())
    check(MPI_Finalize(), "MPI_Finalize");
}

bool finalized() {
  int done = 0;
  MPI_Finalized(&done);
  return done != 0;
}

std::string library_version() {
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(version, &length);
  std::string text(version, length);
  const auto newline = text.find_first_of("\r\n");
  if (newline != std::string::npos)
    text.resize(newline);
  while (!text.empty() && (text.back() == '\0' || text.back() == ' '))
    text.pop_back();
  return text;
}

} // namespace lockstep::mpi
