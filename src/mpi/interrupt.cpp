// Signal handlers only set a lock-free flag; everything else happens at the checkpoints.
#include "mpi/interrupt.hpp"

#include "mpi/collectives.hpp"

#include <atomic>
#include <csignal>

namespace lockstep::mpi {

namespace {

std::atomic<int> stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_stop_signal(int signal) {
  stop_signal.store(signal);
}

} // namespace

void install_stop_handlers() {
  std::signal(SIGUSR1, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

bool stop_signal_received() {
  return stop_signal.load() != 0;
}

void stop_if_requested(const Comm &comm, const std::string &where) {
  const int any = allreduce(comm, stop_signal.load() != 0 ? 1 : 0, Op::max);
  if (any != 0) {
    throw Interrupted("stopped on request after " + where +
                      "; run the same command again to resume from there");
  }
}

} // namespace lockstep::mpi
