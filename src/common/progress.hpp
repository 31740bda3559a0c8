// A periodic progress line for long phases: "phase: done/total (pct) rate/s", throttled in time.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace lockstep {

class ProgressLine {
public:
  // `total` may be 0 when unknown; `interval` is the least time between two lines.
  ProgressLine(std::string phase, std::uint64_t total,
               std::chrono::milliseconds interval = std::chrono::seconds(5));

  // Records that `done` units are complete; logs a line if `interval` has passed since the last.
  void update(std::uint64_t done);
  // Logs the final line with the total and the mean rate.
  void finish(std::uint64_t done);

  double elapsed_seconds() const;

private:
  using Clock = std::chrono::steady_clock;
  void print(std::uint64_t done, bool final) const;

  std::string phase_;
  std::uint64_t total_;
  std::chrono::milliseconds interval_;
  Clock::time_point start_;
  Clock::time_point last_print_;
};

} // namespace lockstep
