// A brute-force oracle for the co-action engine, kept apart from the fast path: every pair of
// actions on the same key is compared directly (O(n^2) per key), and pairs are summarised with
// plain containers.
#pragma once

#include "detect/coaction.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <vector>

namespace lockstep::testing {

struct OraclePair {
  std::uint64_t keys = 0, coactions = 0, posts_a = 0, posts_b = 0;
  std::int64_t min_dt = 0, median_dt = 0;
  long double sum_dt = 0;
};

// Every account pair (a < b) with at least one co-action within `window_ms` (no hub cap).
inline std::map<std::pair<std::uint64_t, std::uint64_t>, OraclePair>
oracle_coactions(const std::vector<detect::Action> &actions, std::int64_t window_ms) {
  std::map<std::uint64_t, std::vector<detect::Action>> by_key;
  for (const auto &action : actions)
    by_key[action.key].push_back(action);
  struct Found {
    std::set<std::uint64_t> keys, posts_a, posts_b;
    std::vector<std::int64_t> dts;
  };
  std::map<std::pair<std::uint64_t, std::uint64_t>, Found> found;
  for (const auto &[key, list] : by_key) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      for (std::size_t j = i + 1; j < list.size(); ++j) {
        const auto &x = list[i], &y = list[j];
        const auto dt = x.time_ms > y.time_ms ? x.time_ms - y.time_ms : y.time_ms - x.time_ms;
        if (x.account == y.account || dt > window_ms)
          continue;
        const auto &lo = x.account < y.account ? x : y;
        const auto &hi = x.account < y.account ? y : x;
        auto &f = found[{lo.account, hi.account}];
        f.keys.insert(key);
        f.posts_a.insert(lo.post);
        f.posts_b.insert(hi.post);
        f.dts.push_back(dt);
      }
    }
  }
  std::map<std::pair<std::uint64_t, std::uint64_t>, OraclePair> out;
  for (auto &[pair, f] : found) {
    std::sort(f.dts.begin(), f.dts.end());
    OraclePair o{f.keys.size(),
                 f.dts.size(),
                 f.posts_a.size(),
                 f.posts_b.size(),
                 f.dts.front(),
                 f.dts[(f.dts.size() - 1) / 2],
                 0};
    for (const auto dt : f.dts)
      o.sum_dt += dt;
    out[pair] = o;
  }
  return out;
}

} // namespace lockstep::testing
