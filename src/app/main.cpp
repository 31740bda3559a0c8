// Entry point of the `lockstep` executable: MPI up, command line, MPI down.
#include "app/cli.hpp"
#include "mpi/comm.hpp"

int main(int argc, char **argv) {
  lockstep::mpi::Environment environment(argc, argv);
  return lockstep::app::run_cli(lockstep::mpi::Comm(), argc, argv);
}
