// Account-level detection metrics against ground truth: precision, recall, F1, the organic
// false-positive rate, per-campaign recovery (best cluster by Jaccard), and the adjusted Rand
// index over campaign accounts. Pure functions of two labellings; no I/O.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lockstep::evaluate {

struct TruthRow {
  std::string account;
  std::uint32_t campaign = 0; // 0 = organic
  std::string style;
};

// account -> cluster id; accounts in no cluster are absent (or map to "").
using Clustering = std::map<std::string, std::string>;

struct CampaignRecovery {
  std::uint32_t campaign = 0;
  std::string style;
  std::uint64_t size = 0;
  std::string best_cluster; // empty when no member is in any cluster
  double jaccard = 0;
};

struct Metrics {
  std::uint64_t accounts = 0; // in the truth
  std::uint64_t campaign_accounts = 0;
  std::uint64_t organic_accounts = 0;
  std::uint64_t clustered = 0; // truth accounts that are in some cluster
  std::uint64_t true_positives = 0, false_positives = 0, false_negatives = 0;
  std::uint64_t unknown_accounts = 0; // clustered accounts that the truth does not know
  double precision = 0, recall = 0, f1 = 0;
  double organic_false_positive_rate = 0;
  double adjusted_rand_index = 0;
  std::vector<CampaignRecovery> campaigns;
};

Metrics score(const std::vector<TruthRow> &truth, const Clustering &clustering);

// The coordination graph against the truth: how many edges join two accounts of one campaign,
// how many campaign accounts have such an edge (per style too), how many organic accounts have any.
using EdgeList = std::vector<std::pair<std::string, std::string>>;
struct StyleRecall {
  std::string style;
  std::uint64_t accounts = 0, with_inside_edge = 0;
};
struct EdgeMetrics {
  std::uint64_t edges = 0, inside_edges = 0, unknown_endpoints = 0;
  double edge_precision = 0; // inside_edges / edges (1 when there are no edges)
  std::uint64_t campaign_accounts = 0, campaign_with_inside_edge = 0;
  double campaign_recall = 0;
  std::uint64_t organic_accounts = 0, organic_with_edge = 0;
  double organic_edge_rate = 0;
  std::vector<StyleRecall> styles; // campaign styles in name order
};
EdgeMetrics score_edges(const std::vector<TruthRow> &truth, const EdgeList &edges);

// Adjusted Rand index of two labellings of the same items (Hubert & Arabie 1985). Defined as 1
// when the index is degenerate (both labellings put every item apart, or together).
double adjusted_rand_index(const std::vector<std::string> &a, const std::vector<std::string> &b);

} // namespace lockstep::evaluate
