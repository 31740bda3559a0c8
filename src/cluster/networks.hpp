// Networks, not audiences. Fans of one celebrity retweet its posts soon after they appear,
// independently of each other; as a dataset grows, each celebrity gains fans and fan pairs that
// pass the edge test, and they chain into clusters. A cluster tied mostly by signals whose keys
// have an author (retweet, retweet_slow, reply, quote: more than half of its inside co-actions)
// is therefore kept only with evidence that fans do not have:
//   - principal's audience: its members are more than half of the accounts that acted on its most
//     shared author-keyed keys (those of clusters.csv), so the posts it amplifies reach mostly this
//     group, as a ring's principal's do, where a celebrity's reach thousands;
//   - creation cohort: more of its members were created in its cohort week than the dataset's
//     share of accounts created that week makes likely (binomial tail, times the weeks its members
//     were created in, and times the clusters tested, at most alpha);
//   - automation clients: more of its members post mostly (over half their posts) from automation
//     clients than the dataset's share of such accounts makes likely (binomial tail, times the
//     clusters tested, at most alpha);
//   - in step beyond habits: more than half of its inside edges pass the edge test only through
//     the engagement null (detect/engagement.hpp): its members chose the same posts of an author,
//     or acted on them at the same moments, beyond what each one's own engagement predicts, which
//     fans sharing a taste do not.
// Other clusters are kept by their co-actions alone. Each kept cluster says why (kept_because).
// Clusters are formed over significant and provisional edges (detect::Edge); the test above is
// what confirms a provisional edge: one inside a kept cluster becomes significant. A cluster kept
// by its principal's audience then recruits from the rest of that audience (cluster/recruit.hpp).
#pragma once

#include "cluster/clusters.hpp"

#include <cstdint>
#include <string>

namespace lockstep::cluster {

// Bits of ClusterProfile::kept_because.
enum KeptBecause : std::uint8_t {
  kept_by_coactions = 1,   // tied mostly by signals without an author
  kept_by_audience = 2,    // its members are most of its principal's audience
  kept_by_cohort = 4,      // created together
  kept_by_automation = 8,  // posting from automation clients together
  kept_by_engagement = 16, // in step beyond its members' own habits
};

// "co-actions", "principal's audience;creation cohort", ...
std::string kept_because_text(std::uint8_t kept_because);

// A retweet or reply interaction (row i of `in`): its target is the author of the post acted on.
bool names_an_author(const detect::InteractionTable &in, std::size_t i);

// The binomial upper tail P(X >= k) for X ~ Binomial(n, p).
double binomial_tail(std::uint64_t k, std::uint64_t n, double p);

// A kept cluster's principal, when the cluster is most of the principal's audience.
struct PrincipalAudience {
  std::uint64_t cluster = 0; // its id after keep_networks
  std::uint64_t author = 0;  // key of the principal's userid (/interactions target_key)
};

// Sets each profile's kept_because, drops the clusters with none (their members leave every
// cluster), and numbers the rest 1, 2, ... in their order. Returns, on rank 0, the principals of
// the clusters kept by their principal's audience, by cluster. Collective.
std::vector<PrincipalAudience> keep_networks(const mpi::Comm &comm, double alpha,
                                             const detect::PartitionData &data,
                                             const detect::DetectResult &detected,
                                             ClusterResult &result);

} // namespace lockstep::cluster
