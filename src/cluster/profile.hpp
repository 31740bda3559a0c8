// The second half of clustering: member roles and the per-cluster explanation, gathered from the
// ranks that own the members' posts, actions and interactions to each cluster's owner rank.
#pragma once

#include "cluster/clusters.hpp"
#include "mpi/alltoallv.hpp"
#include "partition/ownership.hpp"

#include <algorithm>
#include <vector>

namespace lockstep::cluster {

// What the rank that refined a cluster's component knows of it from the inside edges.
struct EdgeProfile {
  std::uint64_t id = 0, size = 0, smallest_account = 0, component = 0, edges = 0;
  std::uint64_t engagement_edges = 0; // edges significant by the engagement null (by_engagement)
  double score_sum = 0;
  double median_delay_s = 0;
  std::uint64_t coactions[kSignalSlots] = {};
};

// The rank that gathers cluster `id`'s profile.
inline int cluster_owner(std::uint64_t id, int ranks) {
  return static_cast<int>((id - 1) % static_cast<std::uint64_t>(ranks));
}

// An account's key (/accounts/key, what other tables refer to users by), its dense id and cluster.
struct AccountKey {
  std::uint64_t key = 0, account = 0, cluster = 0;
};

// Sends `keys` and `probes` (each naming an account by key_of(probe)) to the owners of those keys
// and there calls visit(probe, key) for every account key a probe names. Collective.
template <typename Probe, typename KeyOf, typename Visit>
void match_account_keys(const mpi::Comm &comm, std::vector<AccountKey> keys,
                        std::vector<Probe> probes, KeyOf key_of, Visit visit,
                        mpi::ExchangeOptions exchange) {
  const auto owner = [&](std::uint64_t key) { return partition::key_owner(key, comm.size()); };
  keys = mpi::route(
      comm, std::move(keys), [&](const AccountKey &k) { return owner(k.key); }, exchange);
  probes = mpi::route(
      comm, std::move(probes), [&](const Probe &p) { return owner(key_of(p)); }, exchange);
  std::sort(keys.begin(), keys.end(),
            [](const AccountKey &x, const AccountKey &y) { return x.key < y.key; });
  for (const auto &p : probes) {
    auto it = std::lower_bound(keys.begin(), keys.end(), key_of(p),
                               [](const AccountKey &k, std::uint64_t key) { return k.key < key; });
    for (; it != keys.end() && it->key == key_of(p); ++it)
      visit(p, *it);
  }
}

// Assigns each member's role (accounts: this rank's, with cluster, degree and acted_first/second
// filled) and returns, on rank 0, every cluster's profile in id order; `baseline` receives the
// dataset's posts per hour of the week, `dataset_follow_density` the follows between its accounts
// over N (N - 1). Collective.
std::vector<ClusterProfile>
profile_clusters(const mpi::Comm &comm, const ClusterConfig &config,
                 const detect::PartitionData &data, const detect::DetectResult &detected,
                 const std::vector<EdgeProfile> &edge_profiles,
                 std::vector<AccountCluster> &accounts, std::vector<std::uint64_t> &baseline,
                 double &dataset_follow_density, mpi::ExchangeOptions exchange);

} // namespace lockstep::cluster
