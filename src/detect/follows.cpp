// Follow similarity: follows to the followed accounts' owners (popularity and weight), weights back
// to the followers' owners (each account's follow-list weight), shared follows summed per pair
// where they are found and then at the pair's home, where each pair is tested.
#include "detect/follows.hpp"

#include "common/hash.hpp"
#include "detect/significance.hpp"
#include "mpi/collectives.hpp"
#include "partition/ownership.hpp"
#include "signals/table.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <tbb/parallel_sort.h>
#include <tuple>

namespace lockstep::detect {

namespace {

constexpr std::size_t kWeights = 64; // follow_weight is below 64

struct FollowEntry {
  std::uint64_t followed = 0, account = 0;
  std::int64_t first_ms = 0;
};

struct AccountWeight {
  std::uint64_t account = 0, weight = 0;
};

// A pair's shared follows summed: how many, and their weight.
struct PairSum {
  std::uint64_t a = 0, b = 0;
  std::uint32_t shared = 0, weight = 0;
};

// One followed account two accounts share: the evidence of a pair.
struct SharedFollow {
  std::uint64_t a = 0, b = 0, followed = 0;
  std::int64_t time_a = 0, time_b = 0;
  std::uint32_t weight = 0;
};

// Where each followed account's run of followers starts in `sorted` (plus the end).
std::vector<std::size_t> followed_runs(const std::vector<FollowEntry> &sorted) {
  std::vector<std::size_t> runs;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i == 0 || sorted[i].followed != sorted[i - 1].followed)
      runs.push_back(i);
  }
  runs.push_back(sorted.size());
  return runs;
}

// Sorts pair sums by (a, b) and adds up those of one pair.
std::vector<PairSum> reduce_pairs(std::vector<PairSum> sums) {
  tbb::parallel_sort(sums.begin(), sums.end(), [](const PairSum &x, const PairSum &y) {
    return std::tie(x.a, x.b) < std::tie(y.a, y.b);
  });
  std::size_t kept = 0;
  for (std::size_t i = 0; i < sums.size(); ++i) {
    if (kept > 0 && sums[kept - 1].a == sums[i].a && sums[kept - 1].b == sums[i].b) {
      sums[kept - 1].shared += sums[i].shared;
      sums[kept - 1].weight += sums[i].weight;
    } else {
      sums[kept++] = sums[i];
    }
  }
  sums.resize(kept);
  sums.shrink_to_fit();
  return sums;
}

// The followers of the followed accounts this rank owns (by a hash of their key), their weights,
// and the sums of squared popularity by weight that the null needs (all ranks).
struct Popularity {
  std::vector<FollowEntry> by_followed; // at the followed account's owner, by (followed, account)
  std::vector<std::size_t> runs;
  std::vector<std::uint32_t> run_weight;
  std::array<std::uint64_t, kWeights> squares{}; // sum of p_f^2 by weight (all ranks)
  std::uint64_t followed = 0, capped = 0;        // all ranks
};

Popularity followed_popularity(const mpi::Comm &comm, const FollowTable &follows,
                               std::uint64_t followers, const FollowRule &rule,
                               const mpi::ExchangeOptions &exchange) {
  Popularity out;
  std::vector<FollowEntry> entries(follows.account.size());
  for (std::size_t i = 0; i < entries.size(); ++i)
    entries[i] = {follows.followed[i], follows.account[i], follows.first_ms[i]};
  out.by_followed = mpi::route(
      comm, std::move(entries),
      [&](const FollowEntry &e) { return partition::key_owner(e.followed, comm.size()); },
      exchange);
  tbb::parallel_sort(out.by_followed.begin(), out.by_followed.end(),
                     [](const FollowEntry &x, const FollowEntry &y) {
                       return std::tie(x.followed, x.account) < std::tie(y.followed, y.account);
                     });
  out.runs = followed_runs(out.by_followed);
  std::uint64_t capped = 0;
  for (std::size_t r = 0; r + 1 < out.runs.size(); ++r) {
    const auto p = static_cast<std::uint64_t>(out.runs[r + 1] - out.runs[r]);
    const auto weight = follow_weight(p, followers);
    out.run_weight.push_back(weight);
    out.squares[weight] += p * p;
    capped += p > rule.max_followers;
  }
  const auto squares =
      mpi::allreduce(comm, std::span<const std::uint64_t>(out.squares), mpi::Op::sum);
  std::copy(squares.begin(), squares.end(), out.squares.begin());
  out.followed =
      mpi::allreduce(comm, static_cast<std::uint64_t>(out.runs.size() - 1), mpi::Op::sum);
  out.capped = mpi::allreduce(comm, capped, mpi::Op::sum);
  return out;
}

// Calls visit(x, y, weight) for every two followers x, y (x.account < y.account) of every
// followed account with 2 to max_followers followers on this rank.
template <typename Visit>
void for_each_follower_pair(const Popularity &popularity, const FollowRule &rule, Visit visit) {
  const auto &sorted = popularity.by_followed;
  for (std::size_t r = 0; r + 1 < popularity.runs.size(); ++r) {
    const auto followers = popularity.runs[r + 1] - popularity.runs[r];
    if (followers < 2 || followers > rule.max_followers)
      continue;
    for (auto i = popularity.runs[r]; i < popularity.runs[r + 1]; ++i) {
      for (auto j = i + 1; j < popularity.runs[r + 1]; ++j)
        visit(sorted[i], sorted[j], popularity.run_weight[r]);
    }
  }
}

// Each account's number of follows and the weight of its follow list, indexed by dense id, on
// every rank. Collective.
struct ListSizes {
  std::vector<std::uint64_t> follows, weight;
};
ListSizes list_sizes(const mpi::Comm &comm, const PartitionData &data, const Popularity &popularity,
                     const mpi::ExchangeOptions &exchange) {
  const auto first_account = data.accounts.rows.begin;
  std::vector<std::uint64_t> degree(data.accounts.rows.count, 0), weight(degree.size(), 0);
  for (const auto account : data.follows.account)
    ++degree[account - first_account];
  std::vector<AccountWeight> weights;
  weights.reserve(popularity.by_followed.size());
  for (std::size_t r = 0; r + 1 < popularity.runs.size(); ++r) {
    for (auto i = popularity.runs[r]; i < popularity.runs[r + 1]; ++i)
      weights.push_back({popularity.by_followed[i].account, popularity.run_weight[r]});
  }
  const auto owned = mpi::route(
      comm, std::move(weights),
      [&](const AccountWeight &w) { return partition::owner_of(data.account_begin, w.account); },
      exchange);
  for (const auto &w : owned)
    weight[w.account - first_account] += w.weight;
  return {mpi::allgatherv(comm, degree), mpi::allgatherv(comm, weight)};
}

// The shared follows of the pairs whose first account is in `round` of `rounds` (by a hash),
// summed at the pairs' homes and sorted by (a, b). Collective.
std::vector<PairSum> pair_sums(const mpi::Comm &comm, const PartitionData &data,
                               const Popularity &popularity, const FollowRule &rule,
                               const mpi::ExchangeOptions &exchange, std::uint64_t round,
                               std::uint64_t rounds) {
  std::vector<PairSum> local;
  for_each_follower_pair(popularity, rule,
                         [&](const FollowEntry &x, const FollowEntry &y, std::uint32_t weight) {
                           if (rounds == 1 || mix64(x.account) % rounds == round)
                             local.push_back({x.account, y.account, 1, weight});
                         });
  return reduce_pairs(mpi::route(
      comm, reduce_pairs(std::move(local)),
      [&](const PairSum &s) { return partition::pair_home(data.account_begin, s.a, s.b); },
      exchange));
}

// The (pair, followed account) records this rank's followed accounts make (`records`), and the
// rounds that keep a round's records (held about three times: made, reduced, received) within
// rule.round_bytes on every rank. Collective.
std::uint64_t pair_rounds(const mpi::Comm &comm, const Popularity &popularity,
                          const FollowRule &rule, std::uint64_t &records) {
  records = 0;
  for (std::size_t r = 0; r + 1 < popularity.runs.size(); ++r) {
    const auto p = static_cast<std::uint64_t>(popularity.runs[r + 1] - popularity.runs[r]);
    if (p >= 2 && p <= rule.max_followers)
      records += p * (p - 1) / 2;
  }
  const auto largest = mpi::allreduce(comm, records, mpi::Op::max);
  if (rule.round_bytes == 0)
    return 1;
  const auto bytes = 3 * largest * sizeof(PairSum);
  return std::max<std::uint64_t>(1, (bytes + rule.round_bytes - 1) / rule.round_bytes);
}

// Rarest first (the heaviest), then by key: the evidence order.
bool by_pair_rarest_first(const SharedFollow &x, const SharedFollow &y) {
  return std::tie(x.a, x.b, y.weight, x.followed) < std::tie(y.a, y.b, x.weight, y.followed);
}

// The evidence of the tested pairs (sorted by (a, b)) that pass alpha: the followed accounts they
// share, rarest first, found by walking the follower pairs again. Collective.
void add_evidence(const mpi::Comm &comm, const PartitionData &data, const Popularity &popularity,
                  const FollowRule &rule, const mpi::ExchangeOptions &exchange,
                  std::vector<EdgeSignal> &tested) {
  struct AccountPair {
    std::uint64_t a = 0, b = 0;
    // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 reads a defaulted <=> as comparing to 0
    auto operator<=>(const AccountPair &) const = default;
  };
  std::vector<AccountPair> passing;
  const double log10_alpha = std::log10(rule.alpha);
  for (const auto &signal : tested) {
    if (signal.log10_p <= log10_alpha)
      passing.push_back({signal.stats.a, signal.stats.b});
  }
  auto all = mpi::allgatherv(comm, passing);
  std::sort(all.begin(), all.end());
  std::vector<SharedFollow> found;
  if (!all.empty()) {
    for_each_follower_pair(
        popularity, rule, [&](const FollowEntry &x, const FollowEntry &y, std::uint32_t weight) {
          if (std::binary_search(all.begin(), all.end(), AccountPair{x.account, y.account}))
            found.push_back({x.account, y.account, x.followed, x.first_ms, y.first_ms, weight});
        });
  }
  auto at_home = mpi::route(
      comm, std::move(found),
      [&](const SharedFollow &f) { return partition::pair_home(data.account_begin, f.a, f.b); },
      exchange);
  std::sort(at_home.begin(), at_home.end(), by_pair_rarest_first);
  auto signal = tested.begin();
  for (const auto &f : at_home) {
    while (signal != tested.end() &&
           std::tie(signal->stats.a, signal->stats.b) < std::tie(f.a, f.b))
      ++signal;
    if (signal != tested.end() && signal->evidence.size() < rule.evidence_per_edge)
      signal->evidence.push_back({f.followed, 0, 0, f.time_a, f.time_b});
  }
}

// Tests one round's pairs at their homes (the p before the signal's Bonferroni adjustment), and
// counts those left out.
void test_pairs(const std::vector<PairSum> &pairs, const ListSizes &sizes,
                const Popularity &popularity, const FollowRule &rule, FollowsFound &found) {
  const double all_follows = static_cast<double>(found.follows);
  std::vector<WeightedRate> rates;
  for (const auto &pair : pairs) {
    if (pair.shared < rule.min_shared) {
      ++found.too_few_shared;
      continue;
    }
    const auto lighter = std::min(sizes.weight[pair.a], sizes.weight[pair.b]);
    if (static_cast<double>(pair.weight) < rule.min_overlap * static_cast<double>(lighter)) {
      ++found.below_overlap;
      continue;
    }
    const double scale = static_cast<double>(sizes.follows[pair.a]) / all_follows *
                         (static_cast<double>(sizes.follows[pair.b]) / all_follows);
    rates.clear();
    double expected = 0;
    for (std::uint32_t w = 0; w < kWeights; ++w) {
      if (popularity.squares[w] == 0)
        continue;
      rates.push_back({w, scale * static_cast<double>(popularity.squares[w])});
      expected += rates.back().rate;
    }
    EdgeSignal signal;
    signal.signal = kFollowsSignal;
    signal.stats.a = pair.a;
    signal.stats.b = pair.b;
    signal.stats.keys = signal.stats.coactions = pair.shared;
    signal.stats.posts_a = signal.stats.posts_b = pair.shared;
    signal.stats.posts_earlier = signal.stats.posts_later = pair.shared;
    signal.expected = expected;
    signal.log10_p = signal.log10_p_popularity =
        log10_weighted_tail(static_cast<double>(pair.weight), rates);
    found.tested.push_back(std::move(signal));
  }
}

} // namespace

std::uint32_t follow_weight(std::uint64_t followers, std::uint64_t accounts) {
  // floor(log2(accounts / followers)): the largest w with followers <= accounts >> w.
  std::uint32_t weight = 0;
  while (followers > 0 && weight + 1 < kWeights && (accounts >> (weight + 1)) >= followers)
    ++weight;
  return weight;
}

double log10_weighted_tail(double observed, std::span<const WeightedRate> rates) {
  double mean = 0, heaviest = 0;
  for (const auto &r : rates) {
    mean += r.rate * r.weight;
    if (r.rate > 0)
      heaviest = std::max(heaviest, static_cast<double>(r.weight));
  }
  if (observed <= mean)
    return 0;
  if (heaviest == 0) // nothing weighs anything: S is 0 for sure
    return -std::numeric_limits<double>::max();
  const auto slope = [&](double theta) { // K'(theta)
    double sum = 0;
    for (const auto &r : rates)
      sum += r.rate * r.weight * std::exp(theta * r.weight);
    return sum;
  };
  double low = 0, high = 1;
  while (slope(high) < observed && high * heaviest < 700)
    high *= 2;
  for (int i = 0; i < 200 && high - low > 1e-12 * high; ++i) {
    const double mid = (low + high) / 2;
    (slope(mid) < observed ? low : high) = mid;
  }
  const double theta = high;
  double exponent = -theta * observed; // K(theta) - theta observed
  for (const auto &r : rates)
    exponent += r.rate * std::expm1(theta * r.weight);
  return std::min(0.0, exponent / std::log(10.0));
}

FollowsFound find_follow_pairs(const mpi::Comm &comm, const PartitionData &data,
                               const FollowRule &rule, const mpi::ExchangeOptions &exchange) {
  FollowsFound found;
  found.follows =
      mpi::allreduce(comm, static_cast<std::uint64_t>(data.follows.account.size()), mpi::Op::sum);
  if (found.follows == 0)
    return found;
  std::vector<std::uint64_t> followers(data.follows.account);
  followers.erase(std::unique(followers.begin(), followers.end()), followers.end()); // by account
  found.followers =
      mpi::allreduce(comm, static_cast<std::uint64_t>(followers.size()), mpi::Op::sum);
  const auto popularity = followed_popularity(comm, data.follows, found.followers, rule, exchange);
  found.followed = popularity.followed;
  found.capped_followed = popularity.capped;
  const auto sizes = list_sizes(comm, data, popularity, exchange);
  found.rounds = pair_rounds(comm, popularity, rule, found.shared);
  for (std::uint64_t round = 0; round < found.rounds; ++round) {
    const auto pairs = pair_sums(comm, data, popularity, rule, exchange, round, found.rounds);
    found.pairs += pairs.size();
    test_pairs(pairs, sizes, popularity, rule, found);
  }
  // The null knows no communities, whose members follow the same niche accounts and so are
  // improbable under it; a family-wise cut over the signal's own tests keeps their tails out.
  const auto tests =
      mpi::allreduce(comm, static_cast<std::uint64_t>(found.tested.size()), mpi::Op::sum);
  for (auto &signal : found.tested)
    signal.log10_p = signal.log10_p_popularity = bonferroni_log10(signal.log10_p, tests);
  std::sort(found.tested.begin(), found.tested.end(), [](const EdgeSignal &x, const EdgeSignal &y) {
    return std::tie(x.stats.a, x.stats.b) < std::tie(y.stats.a, y.stats.b); // rounds interleave
  });
  add_evidence(comm, data, popularity, rule, exchange, found.tested);
  const std::vector<std::uint64_t> counts{found.shared, found.pairs, found.too_few_shared,
                                          found.below_overlap};
  const auto totals = mpi::allreduce(comm, std::span<const std::uint64_t>(counts), mpi::Op::sum);
  found.shared = totals[0];
  found.pairs = totals[1];
  found.too_few_shared = totals[2];
  found.below_overlap = totals[3];
  return found;
}

} // namespace lockstep::detect
