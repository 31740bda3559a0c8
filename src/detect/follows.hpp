// Follow similarity: accounts that follow the same accounts far beyond chance. A followed account
// f followed by p_f of the N accounts with follow lists weighs w_f = floor(log2(N / p_f)), so the
// same obscure accounts are evidence and the same celebrities are not. A pair's statistic is its
// shared weight S = sum of w_f over the accounts both follow. The null model keeps every account's
// number of follows d_u and every followed account's popularity: u follows f with chance
// d_u p_f / M (M: all follows), independently, so f is shared by u and v about
// d_u d_v p_f^2 / M^2 times. Grouped by weight, the shared weight is then a sum of Poisson counts
// times their weights, and its tail is bounded by Chernoff's inequality (log10_weighted_tail):
// the p reported is never below the exact one. Pairs also need min_shared followed accounts in
// common and a shared weight of min_overlap of the lighter follow list (organic communities share
// niche accounts, but a small part of what they follow). Evidence: the rarest followed accounts
// both follow, with when each follow was first collected.
#pragma once

#include "detect/detect.hpp"
#include "detect/partition_data.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/comm.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace lockstep::detect {

struct FollowRule {
  std::uint64_t max_followers = 500; // followed accounts with more followers pair no one
  std::uint64_t min_shared = 2;
  double min_overlap = 0.2;
  std::uint32_t evidence_per_edge = 5;
  double alpha = 0.05; // evidence is kept for pairs whose p passes it
  // A rank's (pair, followed account) records per round: past it, pairs go through in rounds, by
  // their first account (a hash); 0: one round. Results do not depend on it.
  std::size_t round_bytes = 0;
};

// The weight of a followed account with `followers` of `accounts` accounts with follow lists.
std::uint32_t follow_weight(std::uint64_t followers, std::uint64_t accounts);

// Shared followed accounts of one weight expected under the null: `rate` of them, each weighing
// `weight`.
struct WeightedRate {
  std::uint32_t weight = 0;
  double rate = 0;
};

// log10 of Chernoff's bound on P(S >= observed) for S = sum of weight_c * X_c, X_c ~
// Poisson(rate_c) independent: min over theta > 0 of K(theta) - theta * observed, with
// K(theta) = sum rate_c (exp(theta weight_c) - 1). 0 when observed is at most the mean.
double log10_weighted_tail(double observed, std::span<const WeightedRate> rates);

// What the follows step found, over all ranks.
struct FollowsFound {
  std::vector<EdgeSignal> tested; // pairs at their homes (pair_home), sorted by (a, b)
  std::uint64_t follows = 0, followers = 0, followed = 0;
  std::uint64_t capped_followed = 0; // followed by more than max_followers: pair no one
  std::uint64_t shared = 0;          // (pair, followed account) records
  std::uint64_t pairs = 0;           // account pairs sharing a followed account
  std::uint64_t too_few_shared = 0;  // of those, under min_shared
  std::uint64_t below_overlap = 0;   // and under min_overlap
  std::uint64_t rounds = 1;          // the pairs went through (FollowRule::round_bytes)
};

// The follows signal over this rank's follows. Collective.
FollowsFound find_follow_pairs(const mpi::Comm &comm, const PartitionData &data,
                               const FollowRule &rule, const mpi::ExchangeOptions &exchange);

} // namespace lockstep::detect
