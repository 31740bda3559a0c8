// Each follow goes, with its follower's cluster, to the owner of the followed account's key, where
// every account's key waits with its cluster; member-to-member follows go on to the cluster's
// owner.
#include "cluster/follows.hpp"

#include "cluster/profile.hpp"
#include "common/time.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/collectives.hpp"
#include "partition/ownership.hpp"
#include "store/schema.hpp"

#include <algorithm>
#include <tuple>

namespace lockstep::cluster {

namespace {

struct AccountKey {
  std::uint64_t key = 0, account = 0, cluster = 0;
};

struct FollowProbe {
  std::uint64_t followed_key = 0, source = 0, cluster = 0;
  std::int64_t first_ms = 0;
};

struct FollowHit {
  std::uint64_t cluster = 0, source = 0, target = 0;
  std::int64_t first_ms = 0;
};

} // namespace

FollowsAmongMembers follows_among_members(const mpi::Comm &comm, const detect::PartitionData &data,
                                          const std::vector<AccountCluster> &accounts,
                                          mpi::ExchangeOptions exchange) {
  const auto begin = data.accounts.rows.begin;
  const auto ranks = comm.size();
  std::vector<AccountKey> keys;
  for (std::size_t i = 0; i < accounts.size(); ++i)
    keys.push_back({data.accounts.key[i], begin + i, accounts[i].cluster});
  std::vector<FollowProbe> probes;
  const auto &f = data.follows;
  for (std::size_t i = 0; i < f.account.size(); ++i)
    probes.push_back(
        {f.followed[i], f.account[i], accounts[f.account[i] - begin].cluster, f.first_ms[i]});
  const auto owner = [&](std::uint64_t key) { return partition::key_owner(key, ranks); };
  keys = mpi::route(
      comm, std::move(keys), [&](const AccountKey &k) { return owner(k.key); }, exchange);
  probes = mpi::route(
      comm, std::move(probes), [&](const FollowProbe &p) { return owner(p.followed_key); },
      exchange);
  std::sort(keys.begin(), keys.end(),
            [](const AccountKey &x, const AccountKey &y) { return x.key < y.key; });
  std::uint64_t inside_dataset = 0;
  std::vector<FollowHit> hits;
  for (const auto &p : probes) {
    auto it = std::lower_bound(keys.begin(), keys.end(), p.followed_key,
                               [](const AccountKey &k, std::uint64_t key) { return k.key < key; });
    for (; it != keys.end() && it->key == p.followed_key; ++it) {
      if (it->account == p.source)
        continue;
      ++inside_dataset;
      if (p.cluster != 0 && it->cluster == p.cluster)
        hits.push_back({p.cluster, p.source, it->account, p.first_ms});
    }
  }
  hits = mpi::route(
      comm, std::move(hits),
      [ranks](const FollowHit &h) { return cluster_owner(h.cluster, ranks); }, exchange);
  std::sort(hits.begin(), hits.end(), [](const FollowHit &x, const FollowHit &y) {
    return std::tie(x.cluster, x.source, x.target) < std::tie(y.cluster, y.source, y.target);
  });

  FollowsAmongMembers out;
  const auto n = static_cast<double>(data.total_accounts);
  out.dataset_density =
      n < 2
          ? 0
          : static_cast<double>(mpi::allreduce(comm, inside_dataset, mpi::Op::sum)) / (n * (n - 1));
  for (const auto &h : hits) {
    auto &m = out.clusters[h.cluster];
    ++m.follows;
    // A pair follows each other when the reverse follow is here too (counted once, from below).
    const FollowHit reverse{h.cluster, h.target, h.source, 0};
    m.mutual +=
        h.source < h.target && std::binary_search(hits.begin(), hits.end(), reverse,
                                                  [](const FollowHit &x, const FollowHit &y) {
                                                    return std::tie(x.cluster, x.source, x.target) <
                                                           std::tie(y.cluster, y.source, y.target);
                                                  });
    if (h.first_ms != store::schema::kUnknownTime)
      ++m.by_day[time::floor_div(h.first_ms, 86'400'000)];
  }
  return out;
}

} // namespace lockstep::cluster
