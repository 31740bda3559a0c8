// The local sort ceiling of the co-action engine: how fast this machine sorts N engine records
// (32-byte actions by key, then time) with the same oneTBB sort the engine uses. The detect
// benchmark compares each signal's time per action with it. Usage: sort_ceiling N [THREADS].
#include "detect/coaction.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <oneapi/tbb/global_control.h>
#include <random>
#include <tbb/parallel_sort.h>
#include <tuple>
#include <vector>

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sort_ceiling N [THREADS]\n");
    return 2;
  }
  const auto n = std::strtoull(argv[1], nullptr, 10);
  const int threads = argc > 2 ? std::atoi(argv[2]) : 1;
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  std::mt19937_64 rng(1);
  std::vector<lockstep::detect::Action> records(n);
  for (auto &r : records)
    r = {rng() % (n / 8 + 1), static_cast<std::int64_t>(rng() % 1'209'600'000), rng() % 100'000,
         rng()};
  const auto start = std::chrono::steady_clock::now();
  tbb::parallel_sort(records.begin(), records.end(), [](const auto &x, const auto &y) {
    return std::tie(x.key, x.time_ms, x.account, x.post) <
           std::tie(y.key, y.time_ms, y.account, y.post);
  });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%llu records sorted in %.3f s with %d threads: %.3g records/s\n",
              static_cast<unsigned long long>(n), seconds, threads, double(n) / seconds);
  return 0;
}
