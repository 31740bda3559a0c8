// The `lockstep` command line: subcommands, global options and exit statuses
// (0 success, 1 job failure, 2 usage or input error).
#pragma once

#include "mpi/comm.hpp"

#include <string>

namespace lockstep::app {

int run_cli(const mpi::Comm &comm, int argc, char **argv);

// "lockstep X.Y.Z" and the versions of MPI, HDF5, oneTBB and Boost it was built with.
std::string version_report();

} // namespace lockstep::app
