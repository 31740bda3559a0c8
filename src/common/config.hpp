// The one configuration tree. Command-line options and job files write into it; the effective
// values are printed at start and recorded with the results.
#pragma once

#include <cstdint>
#include <string>

namespace lockstep {

struct GeneralConfig {
  std::string log_level = "info"; // trace, debug, info, warn, error, off
  bool log_all_ranks = false;     // let every rank print progress, not only rank 0
  int threads = 0;                // oneTBB worker threads per rank; 0 = all available
};

// `lockstep check-env`: checks that MPI and parallel HDF5 work where the job will run.
struct CheckEnvConfig {
  std::string dir = ".";        // where the probe HDF5 file is written (the job's file system)
  std::uint64_t megabytes = 64; // total size of the probe file
  bool keep_file = false;       // keep the probe file for inspection
};

struct Config {
  GeneralConfig general;
  CheckEnvConfig check_env;
};

// A readable multi-line listing of every value, for the log and the run manifest.
std::string describe(const Config &config);

} // namespace lockstep
