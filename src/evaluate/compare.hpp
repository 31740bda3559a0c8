// Two runs' clusters side by side, for scheduled analyses: which clusters are new, grown, shrunk,
// unchanged or gone, and which accounts joined, left or moved between clusters. Clusters are
// matched by their members: a cluster of the new run continues the old cluster it shares the most
// members with when their Jaccard similarity is at least 0.5. Pure functions; no I/O.
#pragma once

#include "evaluate/metrics.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::evaluate {

inline constexpr double kSameClusterJaccard = 0.5;

struct ClusterChange {
  std::string before, after; // cluster ids; empty for a new (before) or gone (after) cluster
  std::string status;        // new, grown, shrunk, same, gone
  std::uint64_t size_before = 0, size_after = 0;
  std::uint64_t kept = 0; // members in both
  double jaccard = 0;
};

struct AccountChange {
  std::string account, before, after; // cluster ids, empty when in none
  std::string status;                 // joined, left, moved
};

struct Comparison {
  std::vector<ClusterChange> clusters; // the new run's clusters in id order, then the gone ones
  std::vector<AccountChange> accounts; // accounts whose cluster changed, by account id
  std::uint64_t new_clusters = 0, grown = 0, shrunk = 0, same = 0, gone = 0;
  std::uint64_t joined = 0, left = 0, moved = 0;
};

Comparison compare_clusterings(const Clustering &before, const Clustering &after);

std::string comparison_clusters_csv(const Comparison &comparison);
std::string comparison_accounts_csv(const Comparison &comparison);
std::string comparison_summary(const Comparison &comparison);

} // namespace lockstep::evaluate
