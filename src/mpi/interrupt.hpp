// Cooperative stopping for batch schedulers: SIGUSR1 or SIGTERM (Slurm's --signal before the time
// limit, scancel --signal) sets a flag; long jobs call stop_if_requested at their checkpoints, and
// when any rank saw the signal every rank stops there together with kExitInterrupted, so a
// resubmitted job resumes from the last checkpoint.
#pragma once

#include "mpi/comm.hpp"

#include <stdexcept>
#include <string>

namespace lockstep::mpi {

inline constexpr int kExitInterrupted = 3;

// Installs the handlers (idempotent).
void install_stop_handlers();

// Whether this process received a stop signal (local, not collective).
bool stop_signal_received();

// Thrown on every rank at once by stop_if_requested.
class Interrupted : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Collective: throws Interrupted("stopped after WHERE ...") on every rank when any rank received a
// stop signal.
void stop_if_requested(const Comm &comm, const std::string &where);

} // namespace lockstep::mpi
