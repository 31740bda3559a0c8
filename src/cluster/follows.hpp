// How the members of each cluster follow one another (the store's /follows): follows from member
// to member, pairs that follow each other, and when each such follow was first collected (a
// network following itself into visibility), with the dataset's own follow density to compare.
// Counted where the followed accounts' keys are, summed on each cluster's owner rank.
#pragma once

#include "cluster/clusters.hpp"

#include <cstdint>
#include <map>
#include <vector>

namespace lockstep::cluster {

struct MemberFollows {
  std::uint64_t follows = 0, mutual = 0;
  std::map<std::int64_t, std::uint64_t> by_day; // first collection day (days since 1970) -> follows
};

struct FollowsAmongMembers {
  std::map<std::uint64_t, MemberFollows> clusters; // on the cluster's owner rank, by id
  // Follows from one account of the dataset to another, over N (N - 1) for N accounts (all ranks).
  double dataset_density = 0;
};

// Collective.
FollowsAmongMembers follows_among_members(const mpi::Comm &comm, const detect::PartitionData &data,
                                          const std::vector<AccountCluster> &accounts,
                                          mpi::ExchangeOptions exchange);

} // namespace lockstep::cluster
