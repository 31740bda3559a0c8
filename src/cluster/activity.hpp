// When and how a cluster's members posted, for the report: posts per hour of the week (with the
// whole dataset's as the baseline), posts per day, member creation dates per week, and posts per
// client. Counted where the members' posts are and summed on each cluster's owner rank.
#pragma once

#include "cluster/clusters.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <vector>

namespace lockstep::cluster {

enum class ActivityKind : std::uint8_t {
  hour_of_week = 0,  // bucket 0..167: Monday 00:00-01:00 UTC is 0
  day = 1,           // bucket: days since 1970-01-01 (UTC)
  created_week = 2,  // bucket: the Monday (days since 1970) of the member's creation week
  client = 3,        // bucket: /dictionaries/client id
  follows_gained = 4 // bucket: the day (since 1970) a member-to-member follow was first collected
};

struct ActivityCount {
  std::uint64_t cluster = 0;
  std::int64_t bucket = 0;
  std::uint64_t count = 0;
  ActivityKind kind = ActivityKind::hour_of_week;
};

// Per cluster (by id, on the cluster's owner rank) its activity counts, sorted by (kind, bucket);
// `baseline` receives every post's hour of the week over the dataset (on every rank). Collective.
std::map<std::uint64_t, std::vector<ActivityCount>>
cluster_activity(const mpi::Comm &comm, const detect::PartitionData &data,
                 const std::vector<AccountCluster> &accounts,
                 std::array<std::uint64_t, 168> &baseline, mpi::ExchangeOptions exchange);

} // namespace lockstep::cluster
