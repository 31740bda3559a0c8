// Metric computations.
#include "evaluate/metrics.hpp"

#include <set>

namespace lockstep::evaluate {
namespace {

double ratio(double num, double den) {
  return den > 0 ? num / den : 0.0;
}
double pairs(double n) {
  return n * (n - 1) / 2;
}

const std::string &cluster_of(const Clustering &clustering, const std::string &account) {
  static const std::string none;
  const auto it = clustering.find(account);
  return it == clustering.end() ? none : it->second;
}

} // namespace

double adjusted_rand_index(const std::vector<std::string> &a, const std::vector<std::string> &b) {
  std::map<std::pair<std::string, std::string>, double> joint;
  std::map<std::string, double> rows, cols;
  for (std::size_t i = 0; i < a.size(); ++i) {
    joint[{a[i], b[i]}] += 1;
    rows[a[i]] += 1;
    cols[b[i]] += 1;
  }
  double index = 0, row_sum = 0, col_sum = 0;
  for (const auto &[key, n] : joint)
    index += pairs(n);
  for (const auto &[key, n] : rows)
    row_sum += pairs(n);
  for (const auto &[key, n] : cols)
    col_sum += pairs(n);
  const double total = pairs(static_cast<double>(a.size()));
  const double expected = total > 0 ? row_sum * col_sum / total : 0;
  const double maximum = (row_sum + col_sum) / 2;
  if (maximum == expected)
    return 1.0;
  return (index - expected) / (maximum - expected);
}

Metrics score(const std::vector<TruthRow> &truth, const Clustering &clustering) {
  Metrics m;
  std::set<std::string> known;
  std::map<std::uint32_t, std::vector<const TruthRow *>> members;
  std::map<std::string, std::uint64_t> cluster_sizes;
  for (const auto &[account, cluster] : clustering) {
    if (!cluster.empty())
      ++cluster_sizes[cluster];
  }
  std::vector<std::string> true_labels, found_labels; // over campaign accounts, for the ARI
  for (const TruthRow &row : truth) {
    known.insert(row.account);
    ++m.accounts;
    const std::string &cluster = cluster_of(clustering, row.account);
    const bool clustered = !cluster.empty();
    m.clustered += clustered ? 1 : 0;
    if (row.campaign != 0) {
      ++m.campaign_accounts;
      (clustered ? m.true_positives : m.false_negatives) += 1;
      members[row.campaign].push_back(&row);
      true_labels.push_back(std::to_string(row.campaign));
      // An unclustered account is its own singleton, so it never counts as grouped correctly.
      found_labels.push_back(clustered ? "c:" + cluster : "alone:" + row.account);
    } else {
      ++m.organic_accounts;
      m.false_positives += clustered ? 1 : 0;
    }
  }
  for (const auto &[account, cluster] : clustering) {
    if (!cluster.empty() && !known.count(account))
      ++m.unknown_accounts;
  }
  m.precision = ratio(double(m.true_positives), double(m.true_positives + m.false_positives));
  m.recall = ratio(double(m.true_positives), double(m.campaign_accounts));
  m.f1 = ratio(2 * m.precision * m.recall, m.precision + m.recall);
  m.organic_false_positive_rate = ratio(double(m.false_positives), double(m.organic_accounts));
  m.adjusted_rand_index =
      true_labels.empty() ? 0.0 : adjusted_rand_index(true_labels, found_labels);

  for (const auto &[campaign, rows] : members) {
    CampaignRecovery recovery{campaign, rows.front()->style, rows.size(), "", 0.0};
    std::map<std::string, std::uint64_t> overlap;
    for (const TruthRow *row : rows) {
      const std::string &cluster = cluster_of(clustering, row->account);
      if (!cluster.empty())
        ++overlap[cluster];
    }
    for (const auto &[cluster, shared] : overlap) { // map order: ties go to the smallest id
      const double jaccard =
          ratio(double(shared), double(rows.size() + cluster_sizes[cluster] - shared));
      if (jaccard > recovery.jaccard) {
        recovery.jaccard = jaccard;
        recovery.best_cluster = cluster;
      }
    }
    m.campaigns.push_back(recovery);
  }
  return m;
}

EdgeMetrics score_edges(const std::vector<TruthRow> &truth, const EdgeList &edges) {
  std::map<std::string, const TruthRow *> by_account;
  for (const auto &row : truth)
    by_account[row.account] = &row;
  std::set<std::string> inside, touched;
  EdgeMetrics m;
  m.edges = edges.size();
  for (const auto &[a, b] : edges) {
    const auto ia = by_account.find(a), ib = by_account.find(b);
    if (ia == by_account.end() || ib == by_account.end()) {
      ++m.unknown_endpoints;
      continue;
    }
    touched.insert(a);
    touched.insert(b);
    if (ia->second->campaign != 0 && ia->second->campaign == ib->second->campaign) {
      ++m.inside_edges;
      inside.insert(a);
      inside.insert(b);
    }
  }
  std::map<std::string, StyleRecall> styles;
  for (const auto &row : truth) {
    if (row.campaign == 0) {
      ++m.organic_accounts;
      m.organic_with_edge += touched.contains(row.account);
      continue;
    }
    ++m.campaign_accounts;
    auto &style = styles[row.style];
    style.style = row.style;
    ++style.accounts;
    if (inside.contains(row.account)) {
      ++m.campaign_with_inside_edge;
      ++style.with_inside_edge;
    }
  }
  for (auto &[name, style] : styles)
    m.styles.push_back(style);
  const auto ratio = [](std::uint64_t x, std::uint64_t n, double empty) {
    return n == 0 ? empty : static_cast<double>(x) / static_cast<double>(n);
  };
  m.edge_precision = ratio(m.inside_edges, m.edges, 1);
  m.campaign_recall = ratio(m.campaign_with_inside_edge, m.campaign_accounts, 0);
  m.organic_edge_rate = ratio(m.organic_with_edge, m.organic_accounts, 0);
  return m;
}

} // namespace lockstep::evaluate
