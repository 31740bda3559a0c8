// Time-throttled progress lines through the project logger.
#include "common/progress.hpp"

#include "common/log.hpp"

namespace lockstep {

ProgressLine::ProgressLine(std::string phase, std::uint64_t total,
                           std::chrono::milliseconds interval)
    : phase_(std::move(phase)), total_(total), interval_(interval), start_(Clock::now()),
      last_print_(start_) {}

void ProgressLine::update(std::uint64_t done) {
  const auto now = Clock::now();
  if (now - last_print_ < interval_)
    return;
  last_print_ = now;
  print(done, false);
}

void ProgressLine::finish(std::uint64_t done) {
  print(done, true);
}

double ProgressLine::elapsed_seconds() const {
  return std::chrono::duration<double>(Clock::now() - start_).count();
}

void ProgressLine::print(std::uint64_t done, bool final) const {
  const double seconds = elapsed_seconds();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  if (total_ > 0) {
    const double percent = 100.0 * static_cast<double>(done) / static_cast<double>(total_);
    log::info("{}: {}/{} ({:.1f}%) {:.3g}/s{}", phase_, done, total_, percent, rate,
              final ? fmt::format(" in {:.2f} s", seconds) : "");
  } else {
    log::info("{}: {} {:.3g}/s{}", phase_, done, rate,
              final ? fmt::format(" in {:.2f} s", seconds) : "");
  }
}

} // namespace lockstep
