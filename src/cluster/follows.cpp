// Each follow goes, with its follower's cluster, to the owner of the followed account's key, where
// every account's key waits with its cluster (match_account_keys); member-to-member follows go on
// to the cluster's owner.
#include "cluster/follows.hpp"

#include "cluster/profile.hpp"
#include "common/time.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/collectives.hpp"
#include "store/schema.hpp"

#include <algorithm>
#include <tuple>

namespace lockstep::cluster {

namespace {

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
  std::uint64_t inside_dataset = 0;
  std::vector<FollowHit> hits;
  match_account_keys(
      comm, std::move(keys), std::move(probes), [](const FollowProbe &p) { return p.followed_key; },
      [&](const FollowProbe &p, const AccountKey &k) {
        if (k.account == p.source)
          return;
        ++inside_dataset;
        if (p.cluster != 0 && k.cluster == p.cluster)
          hits.push_back({p.cluster, p.source, k.account, p.first_ms});
      },
      exchange);
  hits = mpi::route(
      comm, std::move(hits),
      [ranks](const FollowHit &h) { return cluster_owner(h.cluster, ranks); }, exchange);
  const auto by_pair = [](const FollowHit &x, const FollowHit &y) {
    return std::tie(x.cluster, x.source, x.target) < std::tie(y.cluster, y.source, y.target);
  };
  std::sort(hits.begin(), hits.end(), by_pair);

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
        h.source < h.target && std::binary_search(hits.begin(), hits.end(), reverse, by_pair);
    if (h.first_ms != store::schema::kUnknownTime)
      ++m.by_day[time::floor_div(h.first_ms, 86'400'000)];
  }
  return out;
}

} // namespace lockstep::cluster
