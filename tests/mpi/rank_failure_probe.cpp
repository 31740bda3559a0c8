// A program whose last rank throws while the others wait in a collective: the job must end on all
// ranks, name the failing rank and the reason, and exit non-zero (1, or 2 for a usage error).
#include "mpi/comm.hpp"
#include "mpi/failure.hpp"

#include <stdexcept>
#include <string>

int main(int argc, char **argv) {
  lockstep::mpi::Environment environment(argc, argv);
  const lockstep::mpi::Comm comm;
  const std::string kind = argc > 1 ? argv[1] : "runtime";
  return lockstep::mpi::run_guarded(comm, [&] {
    comm.barrier();
    if (comm.rank() == comm.size() - 1) {
      if (kind == "usage")
        throw std::invalid_argument("deliberate usage error");
      throw std::runtime_error("deliberate failure");
    }
    comm.barrier(); // the other ranks wait here: without the abort this would hang
    return 0;
  });
}
