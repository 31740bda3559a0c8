// Ending the whole job when one rank fails: the failing rank prints its rank and reason and calls
// MPI_Abort, which stops every rank (a rank that merely exited would leave the others hanging in
// their next collective).
#pragma once

#include "mpi/comm.hpp"
#include "mpi/interrupt.hpp"

#include <cstdio>
#include <exception>
#include <string_view>

namespace lockstep::mpi {

// Exit statuses: 1 for a failure of the job, 2 for a usage or input error the user can fix.
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Prints "lockstep: rank R of P failed: REASON" to stderr and aborts every rank with `exit_code`
// (after mpi::finalize, exits this rank alone with it).
[[noreturn]] void abort_job(const Comm &comm, std::string_view reason,
                            int exit_code = kExitFailure);

// The exit status that abort_job uses for an exception (kExitUsage for user-fixable errors).
int exit_code_for(const std::exception &error);

// Runs `body` (returning an exit status); any exception ends the whole job through abort_job.
// A collective stop (Interrupted, thrown on every rank together) is not a failure: rank 0 says
// where the job stopped and every rank returns kExitInterrupted.
template <typename Body>
int run_guarded(const Comm &comm, Body &&body) {
  try {
    return body();
  } catch (const Interrupted &stop) {
    if (comm.is_root())
      std::fprintf(stderr, "lockstep: %s\n", stop.what());
    return kExitInterrupted;
  } catch (const std::exception &error) {
    abort_job(comm, error.what(), exit_code_for(error));
  } catch (...) {
    abort_job(comm, "unknown exception", kExitFailure);
  }
}

} // namespace lockstep::mpi
