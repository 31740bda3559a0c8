// The resident-memory sampler behind each phase's peak: one background thread, awake only while
// a phase is open, reads /proc/self/statm every 10 ms into every open phase's peak.
#include "common/phase_times.hpp"

#include "common/memory.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <time.h>
#include <unistd.h>

namespace lockstep {

namespace {

class Sampler {
public:
  Sampler() : thread_([this](std::stop_token stop) { run(stop); }) {}
  ~Sampler() {
    {
      // Under the lock the thread tests its wait's condition with: no wake-up is lost.
      std::lock_guard lock(mutex_);
      thread_.request_stop();
    }
    wake_.notify_all();
  }
  void open(double *peak) {
    const double now = resident_mb();
    std::lock_guard lock(mutex_);
    *peak = std::max(*peak, now);
    open_.push_back(peak);
    wake_.notify_all();
  }
  void close(double *peak) {
    const double now = resident_mb();
    std::lock_guard lock(mutex_);
    *peak = std::max(*peak, now);
    open_.erase(std::remove(open_.begin(), open_.end(), peak), open_.end());
  }
  double peek(const double *peak) {
    std::lock_guard lock(mutex_);
    return *peak;
  }

private:
  void run(const std::stop_token &stop) {
    std::unique_lock lock(mutex_);
    while (!stop.stop_requested()) {
      if (open_.empty()) {
        wake_.wait(lock, [&] { return stop.stop_requested() || !open_.empty(); });
        continue;
      }
      lock.unlock();
      const double now = resident_mb();
      lock.lock();
      for (auto *peak : open_)
        *peak = std::max(*peak, now);
      wake_.wait_for(lock, std::chrono::milliseconds(10), [&] { return stop.stop_requested(); });
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<double *> open_;
  std::jthread thread_; // last: started once the rest exists
};

Sampler &sampler() {
  static Sampler instance;
  return instance;
}

} // namespace

double resident_mb() {
  std::ifstream statm("/proc/self/statm");
  double pages = 0, resident = 0;
  if (!(statm >> pages >> resident))
    return 0;
  return resident * static_cast<double>(sysconf(_SC_PAGE_SIZE)) / kBytesPerMegabyte;
}

void PhaseTimes::add(const std::string &phase, double seconds, double peak_mb) {
  for (auto &entry : phases_) {
    if (entry.name == phase) {
      entry.seconds += seconds;
      entry.peak_mb = std::max(entry.peak_mb, peak_mb);
      return;
    }
  }
  phases_.push_back({phase, seconds, peak_mb, 1});
}

namespace {

// The start time of process `pid` (clock ticks after boot, /proc/PID/stat's field 22), or -1.
double start_ticks(const std::string &pid) {
  std::ifstream stat_file("/proc/" + pid + "/stat");
  std::string stat;
  std::getline(stat_file, stat);
  const auto after_name = stat.rfind(')'); // the command name may hold spaces
  if (after_name == std::string::npos)
    return -1;
  std::istringstream fields(stat.substr(after_name + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) { // field 22: starttime
    if (i == 22)
      return std::stod(field);
  }
  return -1;
}

// True when this process's parent is the launcher that started it: Open MPI's mpiexec (or its
// daemon on another node), PRRTE's, or Slurm's step daemon.
bool started_by_launcher() {
  std::ifstream comm_file("/proc/" + std::to_string(getppid()) + "/comm");
  std::string name;
  std::getline(comm_file, name);
  for (const char *launcher :
       {"mpiexec", "mpirun", "orterun", "orted", "prterun", "prted", "slurmstepd"}) {
    if (name == launcher)
      return true;
  }
  return false;
}

// Seconds since the launcher started this process (mpiexec's own start-up counts: it is part of
// what the user waits for), or since this process started without one, against the boot clock
// now. Negative where /proc cannot tell.
double seconds_since_process_start() {
  double started = started_by_launcher() ? start_ticks(std::to_string(getppid())) : -1;
  if (started < 0)
    started = start_ticks("self");
  if (started < 0)
    return -1;
  timespec now{};
  clock_gettime(CLOCK_BOOTTIME, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec) -
         started / static_cast<double>(sysconf(_SC_CLK_TCK));
}

} // namespace

void PhaseTimes::add_start_up() {
  static std::atomic<bool> taken{false};
  if (taken.exchange(true))
    return;
  const double seconds = seconds_since_process_start();
  if (seconds >= 0)
    add("start-up", seconds, resident_mb());
}

void PhaseTimes::add_passes(const std::string &phase, std::uint64_t passes) {
  for (auto &entry : phases_) {
    if (entry.name == phase) {
      entry.passes = std::max(entry.passes, passes);
      return;
    }
  }
  phases_.push_back({phase, 0, 0, passes});
}

std::string PhaseTimes::describe() const {
  std::string out;
  for (const auto &entry : phases_)
    out += (out.empty() ? "" : ", ") + entry.name + " " +
           std::to_string(entry.seconds).substr(0, 5) + " s";
  return out;
}

std::string PhaseTimes::describe_memory() const {
  std::string out;
  for (const auto &entry : phases_) {
    out += (out.empty() ? "" : ", ") + entry.name + " " +
           std::to_string(static_cast<long long>(entry.peak_mb + 0.5)) + " MB";
    if (entry.passes > 1)
      out += " in " + std::to_string(entry.passes) + " passes";
  }
  return out;
}

ScopedPhase::ScopedPhase(PhaseTimes &times, std::string phase)
    : times_(times), phase_(std::move(phase)), start_(std::chrono::steady_clock::now()) {
  sampler().open(&peak_mb_);
}

double ScopedPhase::seconds_so_far() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

double ScopedPhase::peak_mb_so_far() const {
  return sampler().peek(&peak_mb_);
}

ScopedPhase::~ScopedPhase() {
  sampler().close(&peak_mb_);
  times_.add(phase_,
             std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(),
             peak_mb_);
}

} // namespace lockstep
