// Recruitment by a principal's audience. A cluster kept because its members are most of its
// principal's audience (cluster/networks.hpp) names the author a network amplifies. Camouflaged
// amplifiers (timed by hand, each sharing only some of the principal's posts) tie pairwise too
// weakly for the dataset-wide FDR cut, which grows stricter with every candidate pair the dataset
// adds, so a growing dataset loses them one by one. Once the principal is known, the rest of its
// audience is a small, named family of hypotheses, tested on its own:
//   - for a cluster c kept by its principal P's audience A (the accounts that retweeted or replied
//     to P): its members in A, M, and the candidates C, the accounts of A in no kept cluster;
//   - the family: every pair with one end in C and the other in M or C, |C||M| + |C|(|C|-1)/2
//     hypotheses (|C| < |M|, as members are more than half of A);
//   - each recruitable edge in the family (detect::Edge: its popularity p at most alpha, the
//     weight rules met) is tested by Benjamini-Hochberg at alpha over the family's hypotheses, on
//     its popularity p. Within P's audience, sharing P is given: the audience null's share of P is
//     no longer evidence, and the popularity null asks whether the pair chose the same posts at
//     the same times beyond their activity and the posts' popularity.
// The edges that pass become provisional (and recruited). Clustering then runs again with them as
// ties, and a kept cluster confirms them like any provisional edge. Recruitment only ever adds to
// a cluster already kept by its principal's audience, and fewer accounts than it has members.
// Identical results for any rank and thread count.
#pragma once

#include "cluster/clusters.hpp"
#include "cluster/networks.hpp"

#include <cstdint>
#include <vector>

namespace lockstep::cluster {

// Tests the families of `audiences` (on rank 0, from keep_networks; other ranks pass none) over
// this rank's recruitable edges (detected.recruitable, at the owner of a); those that pass become
// provisional and recruited edges in detected.edges (detect::recruit_edges). `result` holds the
// kept clusters' accounts. Collective.
RecruitTotals recruit_audiences(const mpi::Comm &comm, const DetectConfig &job,
                                const detect::PartitionData &data,
                                std::vector<PrincipalAudience> audiences,
                                const ClusterResult &result, detect::DetectResult &detected);

} // namespace lockstep::cluster
