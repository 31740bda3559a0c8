// Job-wide failure: message with the rank, then MPI_Abort (or, once MPI has ended, this rank's
// exit alone: the others have finished their part).
#include "mpi/failure.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace lockstep::mpi {

void abort_job(const Comm &comm, std::string_view reason, int exit_code) {
  std::fprintf(stderr, "lockstep: rank %d of %d failed: %.*s\n", comm.rank(), comm.size(),
               static_cast<int>(reason.size()), reason.data());
  std::fflush(stderr);
  std::fflush(stdout);
  if (finalized()) // past mpi::finalize: only rank 0's local publishing is left
    std::_Exit(exit_code);
  MPI_Abort(MPI_COMM_WORLD, exit_code);
  std::_Exit(exit_code); // MPI_Abort does not return; this keeps [[noreturn]] honest
}

int exit_code_for(const std::exception &error) {
  // Errors the user can fix (bad arguments, bad input) belong to the std::invalid_argument family;
  // programming errors are other std::logic_errors (this layer's own among them) and exit 1.
  if (dynamic_cast<const std::invalid_argument *>(&error) != nullptr)
    return kExitUsage;
  return kExitFailure;
}

} // namespace lockstep::mpi
