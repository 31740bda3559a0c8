// The local sort ceiling of the co-action engine: how fast this machine sorts N engine records
// with the same oneTBB sorts the engine uses, either actions (32 bytes, by key then time) or
// co-action pairs (56 bytes, by account pair then key, times and posts: detect::sort_pairs). The
// detect benchmark compares each signal's time with sorting its actions, and with sorting its
// actions and then the pairs it emitted. Usage: sort_ceiling N [THREADS] [actions|pairs].
#include "detect/coaction.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <oneapi/tbb/global_control.h>
#include <random>
#include <string>
#include <tbb/parallel_sort.h>
#include <tuple>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double sort_actions(std::uint64_t n, std::mt19937_64 &rng) {
  std::vector<lockstep::detect::Action> records(n);
  for (auto &r : records)
    r = {rng() % (n / 8 + 1), static_cast<std::int64_t>(rng() % 1'209'600'000), rng() % 100'000,
         rng()};
  const auto start = Clock::now();
  tbb::parallel_sort(records.begin(), records.end(), [](const auto &x, const auto &y) {
    return std::tie(x.key, x.time_ms, x.account, x.post) <
           std::tie(y.key, y.time_ms, y.account, y.post);
  });
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double sort_pairs(std::uint64_t n, std::mt19937_64 &rng) {
  std::vector<lockstep::detect::CoactionPair> records(n);
  for (auto &r : records) {
    const auto a = rng() % 100'000, b = rng() % 100'000;
    const auto time = static_cast<std::int64_t>(rng() % 1'209'600'000);
    r = {std::min(a, b), std::max(a, b), rng() % (n / 8 + 1), time, time + 1000, rng(), rng()};
  }
  const auto start = Clock::now();
  lockstep::detect::sort_pairs(records);
  return std::chrono::duration<double>(Clock::now() - start).count();
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sort_ceiling N [THREADS] [actions|pairs]\n");
    return 2;
  }
  const auto n = std::strtoull(argv[1], nullptr, 10);
  const int threads = argc > 2 ? std::atoi(argv[2]) : 1;
  const std::string kind = argc > 3 ? argv[3] : "actions";
  if (kind != "actions" && kind != "pairs") {
    std::fprintf(stderr, "sort_ceiling: records are 'actions' or 'pairs', not '%s'\n", argv[3]);
    return 2;
  }
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  std::mt19937_64 rng(1);
  const double seconds = kind == "actions" ? sort_actions(n, rng) : sort_pairs(n, rng);
  std::printf("%llu %s sorted in %.3f s with %d threads: %.3g records/s\n",
              static_cast<unsigned long long>(n), kind.c_str(), seconds, threads,
              double(n) / seconds);
  return 0;
}
