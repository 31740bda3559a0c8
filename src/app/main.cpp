// Entry point of the `lockstep` executable: huge pages on, MPI up, command line, MPI down.
#include "app/cli.hpp"
#include "app/huge_pages.hpp"
#include "mpi/comm.hpp"

int main(int argc, char **argv) {
  lockstep::app::restart_with_huge_pages(argv);
  lockstep::mpi::Environment environment(argc, argv);
  return lockstep::app::run_cli(lockstep::mpi::Comm(), argc, argv);
}
