// Cluster matching by overlap: members are counted per (new cluster, old cluster) pair in one pass
// over the accounts.
#include "evaluate/compare.hpp"

#include "common/csv.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <map>
#include <set>

namespace lockstep::evaluate {

namespace {

using Members = std::map<std::string, std::uint64_t>; // cluster id -> size

Members sizes(const Clustering &clustering) {
  Members out;
  for (const auto &[account, cluster] : clustering) {
    if (!cluster.empty())
      ++out[cluster];
  }
  return out;
}

// Cluster ids are numbers in results files; order them as numbers, others after, by text.
bool id_less(const std::string &x, const std::string &y) {
  std::uint64_t a = 0, b = 0;
  const bool x_number = std::from_chars(x.data(), x.data() + x.size(), a).ec == std::errc();
  const bool y_number = std::from_chars(y.data(), y.data() + y.size(), b).ec == std::errc();
  if (x_number != y_number)
    return x_number;
  return x_number ? a < b : x < y;
}

std::string cluster_of(const Clustering &clustering, const std::string &account) {
  const auto it = clustering.find(account);
  return it == clustering.end() ? std::string() : it->second;
}

} // namespace

Comparison compare_clusterings(const Clustering &before, const Clustering &after) {
  const auto size_before = sizes(before), size_after = sizes(after);
  std::map<std::pair<std::string, std::string>, std::uint64_t> overlap; // (after, before)
  for (const auto &[account, cluster] : after) {
    if (const auto old = cluster_of(before, account); !cluster.empty() && !old.empty())
      ++overlap[{cluster, old}];
  }
  Comparison c;
  std::vector<std::string> ids;
  for (const auto &[id, size] : size_after)
    ids.push_back(id);
  std::sort(ids.begin(), ids.end(), id_less);
  std::set<std::string> continued;
  for (const auto &id : ids) {
    ClusterChange change{"", id, "new", 0, size_after.at(id), 0, 0};
    for (auto it = overlap.lower_bound({id, ""}); it != overlap.end() && it->first.first == id;
         ++it) {
      const auto &old = it->first.second;
      const double jaccard =
          double(it->second) / double(size_before.at(old) + change.size_after - it->second);
      if (jaccard > change.jaccard) {
        change.jaccard = jaccard;
        change.kept = it->second;
        change.before = old;
        change.size_before = size_before.at(old);
      }
    }
    if (change.jaccard >= kSameClusterJaccard) {
      continued.insert(change.before);
      change.status = change.size_after > change.size_before   ? "grown"
                      : change.size_after < change.size_before ? "shrunk"
                                                               : "same";
    } else {
      change = {"", id, "new", 0, size_after.at(id), 0, 0};
    }
    c.clusters.push_back(change);
  }
  std::vector<std::string> gone;
  for (const auto &[id, size] : size_before) {
    if (!continued.contains(id))
      gone.push_back(id);
  }
  std::sort(gone.begin(), gone.end(), id_less);
  for (const auto &id : gone)
    c.clusters.push_back({id, "", "gone", size_before.at(id), 0, 0, 0});
  for (const auto &change : c.clusters) {
    c.new_clusters += change.status == "new";
    c.grown += change.status == "grown";
    c.shrunk += change.status == "shrunk";
    c.same += change.status == "same";
    c.gone += change.status == "gone";
  }

  std::set<std::string> accounts;
  for (const auto *clustering : {&before, &after}) {
    for (const auto &[account, cluster] : *clustering) {
      if (!cluster.empty())
        accounts.insert(account);
    }
  }
  // "moved" means into a cluster that does not continue the old one.
  std::map<std::string, std::string> continues; // after -> before
  for (const auto &change : c.clusters) {
    if (!change.before.empty() && !change.after.empty())
      continues[change.after] = change.before;
  }
  for (const auto &account : accounts) {
    const auto old = cluster_of(before, account), now = cluster_of(after, account);
    std::string status;
    if (old.empty())
      status = "joined";
    else if (now.empty())
      status = "left";
    else if (!continues.contains(now) || continues.at(now) != old)
      status = "moved";
    else
      continue;
    c.accounts.push_back({account, old, now, status});
    c.joined += status == "joined";
    c.left += status == "left";
    c.moved += status == "moved";
  }
  return c;
}

std::string comparison_clusters_csv(const Comparison &comparison) {
  std::string out = "cluster_id,previous_cluster_id,status,size,previous_size,kept,jaccard\n";
  for (const auto &c : comparison.clusters) {
    out += fmt::format("{},{},{},{},{},{},{:.4f}\n", c.after, c.before, c.status, c.size_after,
                       c.size_before, c.kept, c.jaccard);
  }
  return out;
}

std::string comparison_accounts_csv(const Comparison &comparison) {
  std::string out = "account_id,previous_cluster_id,cluster_id,status\n";
  for (const auto &a : comparison.accounts) {
    csv::append_field(out, a.account);
    out += fmt::format(",{},{},{}\n", a.before, a.after, a.status);
  }
  return out;
}

std::string comparison_summary(const Comparison &c) {
  return fmt::format("clusters: {} new, {} grown, {} shrunk, {} unchanged in size, {} gone; "
                     "accounts: {} joined a cluster, {} left every cluster, {} moved to another\n",
                     c.new_clusters, c.grown, c.shrunk, c.same, c.gone, c.joined, c.left, c.moved);
}

} // namespace lockstep::evaluate
