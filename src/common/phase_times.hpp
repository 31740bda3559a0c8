// Wall-clock time and peak resident memory per named phase, accumulated over a run, for the log
// and the run manifest. A phase's peak is sampled (every 10 ms, and when it opens and closes),
// since the kernel's high-water mark only grows: a phase that allocates and frees within 10 ms
// can peak higher than it says.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lockstep {

// This process's resident memory now, in MB (0 where /proc cannot tell).
double resident_mb();

class PhaseTimes {
public:
  struct Phase {
    std::string name;
    double seconds = 0;
    double peak_mb = 0;       // the largest resident memory seen while it ran
    std::uint64_t passes = 1; // over its data, where memory bounds it (the most of its runs)
  };
  // Adds to `phase` (a phase run again adds its time, and keeps the larger peak).
  void add(const std::string &phase, double seconds, double peak_mb = 0);
  // Records that `phase` went over its data in `passes` passes (keeps the most).
  void add_passes(const std::string &phase, std::uint64_t passes);
  // Puts the phases of `earlier` (timed before these, by another table) first.
  void prepend(const PhaseTimes &earlier) {
    phases_.insert(phases_.begin(), earlier.phases_.begin(), earlier.phases_.end());
  }
  // Adds "start-up": the time from the launcher's start (mpiexec, when it is this process's
  // parent), else from this process's (exec, loading libraries, MPI_Init), to now, once per
  // process (the first table to ask gets it; a second command in the same process started long
  // before). Nothing where /proc cannot tell.
  void add_start_up();
  const std::vector<Phase> &phases() const { return phases_; }
  std::string describe() const;        // "read 0.35 s, parse 2.2 s, ..."
  std::string describe_memory() const; // "read 410 MB, pairs 876 MB in 3 passes, ..."

private:
  std::vector<Phase> phases_;
};

// Adds the time from construction to destruction, and the peak memory meanwhile, to `times` under
// `phase`. Phases may overlap and nest: each sees every sample taken while it is open.
class ScopedPhase {
public:
  ScopedPhase(PhaseTimes &times, std::string phase);
  ~ScopedPhase();
  ScopedPhase(const ScopedPhase &) = delete;
  ScopedPhase &operator=(const ScopedPhase &) = delete;
  // While it is still open: its time and peak so far.
  double seconds_so_far() const;
  double peak_mb_so_far() const;

private:
  PhaseTimes &times_;
  std::string phase_;
  std::chrono::steady_clock::time_point start_;
  double peak_mb_ = 0;
};

} // namespace lockstep
