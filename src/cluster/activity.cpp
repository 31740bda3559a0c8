// Local counts in ordered maps (members' posts are few next to the dataset), then one exchange.
#include "cluster/activity.hpp"

#include "cluster/profile.hpp"
#include "common/time.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/collectives.hpp"

#include <tuple>

namespace lockstep::cluster {

std::map<std::uint64_t, std::vector<ActivityCount>>
cluster_activity(const mpi::Comm &comm, const detect::PartitionData &data,
                 const std::vector<AccountCluster> &accounts,
                 std::array<std::uint64_t, 168> &baseline, mpi::ExchangeOptions exchange) {
  const auto begin = data.accounts.rows.begin;
  std::map<std::tuple<std::uint64_t, ActivityKind, std::int64_t>, std::uint64_t> local;
  std::array<std::uint64_t, 168> hours{};
  const auto &posts = data.posts;
  for (std::size_t p = 0; p < posts.account.size(); ++p) {
    const auto how = time::hour_of_week(posts.time_ms[p]);
    ++hours[static_cast<std::size_t>(how)];
    const auto cluster = accounts[posts.account[p] - begin].cluster;
    if (cluster == 0)
      continue;
    ++local[{cluster, ActivityKind::hour_of_week, how}];
    ++local[{cluster, ActivityKind::day, time::floor_div(posts.time_ms[p], 86'400'000)}];
    ++local[{cluster, ActivityKind::client, posts.client[p]}];
  }
  for (std::size_t a = 0; a < accounts.size(); ++a) {
    if (accounts[a].cluster != 0 && data.accounts.created_day[a] != kUnknownDay) {
      ++local[{accounts[a].cluster, ActivityKind::created_week,
               time::week_monday(data.accounts.created_day[a])}];
    }
  }
  const auto summed = mpi::allreduce(comm, std::span<const std::uint64_t>(hours), mpi::Op::sum);
  std::copy(summed.begin(), summed.end(), baseline.begin());

  std::vector<ActivityCount> counts;
  for (const auto &[key, count] : local)
    counts.push_back({std::get<0>(key), std::get<2>(key), count, std::get<1>(key)});
  const auto ranks = comm.size();
  counts = mpi::route(
      comm, std::move(counts),
      [ranks](const ActivityCount &c) { return cluster_owner(c.cluster, ranks); }, exchange);
  std::map<std::uint64_t, std::map<std::pair<ActivityKind, std::int64_t>, std::uint64_t>> merged;
  for (const auto &c : counts)
    merged[c.cluster][{c.kind, c.bucket}] += c.count;
  std::map<std::uint64_t, std::vector<ActivityCount>> out;
  for (const auto &[cluster, buckets] : merged) {
    auto &list = out[cluster];
    for (const auto &[key, count] : buckets)
      list.push_back({cluster, key.second, count, key.first});
  }
  return out;
}

} // namespace lockstep::cluster
