// Wall-clock time per named phase, accumulated over a run, for the log and the run manifest.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace lockstep {

class PhaseTimes {
public:
  void add(const std::string &phase, double seconds) {
    for (auto &[name, total] : phases_) {
      if (name == phase) {
        total += seconds;
        return;
      }
    }
    phases_.emplace_back(phase, seconds);
  }
  const std::vector<std::pair<std::string, double>> &phases() const { return phases_; }
  std::string describe() const {
    std::string out;
    for (const auto &[name, seconds] : phases_) {
      out += (out.empty() ? "" : ", ") + name + " " + std::to_string(seconds).substr(0, 5) + " s";
    }
    return out;
  }

private:
  std::vector<std::pair<std::string, double>> phases_;
};

// Adds the time from construction to destruction to `times` under `phase`.
class ScopedPhase {
public:
  ScopedPhase(PhaseTimes &times, std::string phase)
      : times_(times), phase_(std::move(phase)), start_(std::chrono::steady_clock::now()) {}
  ~ScopedPhase() {
    times_.add(phase_,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  }
  ScopedPhase(const ScopedPhase &) = delete;
  ScopedPhase &operator=(const ScopedPhase &) = delete;

private:
  PhaseTimes &times_;
  std::string phase_;
  std::chrono::steady_clock::time_point start_;
};

} // namespace lockstep
