// The co-action engine at 1 to 4 ranks against the brute-force oracle, the window's inclusive
// edge (CooRTweet's simulate_data construction: pairs at W found, pairs at W + 1 not), the hub cap,
// and evidence selection.
#include "account_ranges.hpp"
#include "coaction_oracle.hpp"
#include "detect/coaction.hpp"
#include "mpi/collectives.hpp"
#include "mpi/serialize.hpp"
#include "mpi_test.hpp"

#include <random>

namespace lockstep::testing {
namespace {

using detect::Action;
using detect::PairSignal;

// Random actions, the same on every rank; each rank keeps those of the accounts it owns.
std::vector<Action> random_actions(std::uint64_t seed, std::uint64_t accounts, std::size_t n,
                                   std::uint64_t keys, std::int64_t span_ms) {
  std::mt19937_64 rng(seed);
  std::vector<Action> all;
  for (std::size_t i = 0; i < n; ++i) {
    all.push_back({rng() % keys, static_cast<std::int64_t>(rng() % span_ms), rng() % accounts, i});
  }
  return all;
}

std::vector<Action> owned(const std::vector<Action> &all, std::span<const std::uint64_t> begin,
                          int rank) {
  std::vector<Action> mine;
  for (const auto &a : all) {
    if (partition::owner_of(begin, a.account) == rank)
      mine.push_back(a);
  }
  return mine;
}

// Every rank's pairs, gathered on all ranks in (a, b) order (whole: PairSignal is plain data).
std::vector<PairSignal> gather_pairs(const mpi::Comm &comm, const std::vector<PairSignal> &local) {
  auto out = mpi::allgatherv(comm, local);
  std::sort(out.begin(), out.end(), [](const PairSignal &x, const PairSignal &y) {
    return std::tie(x.a, x.b) < std::tie(y.a, y.b);
  });
  return out;
}

class Coaction : public MpiTest {};

TEST_F(Coaction, MatchesBruteForceOracleAtAnyRankCount) {
  const std::uint64_t accounts = 60;
  const auto begin = uneven_account_ranges(comm.size(), accounts);
  for (const std::int64_t window : {0, 1000, 60'000, -1}) {
    // The last case runs the 60 s window with a tiny pair budget: the pairs go through in rounds.
    detect::EngineOptions engine;
    if (window < 0)
      engine.pair_budget_bytes = 4096;
    const std::int64_t w = std::max<std::int64_t>(window, 60'000 * (window < 0));
    const auto all = random_actions(42 + std::uint64_t(w), accounts, 3000, 40, 3'600'000);
    const auto expected = oracle_coactions(all, w);
    const auto result = detect::find_coactions(comm, owned(all, begin, comm.rank()), {w, 1'000'000},
                                               3'600'000, begin, engine);
    EXPECT_EQ(result.rounds > 1, window < 0) << "rounds " << result.rounds;
    ASSERT_EQ(result.evidence_begin.size(), result.pairs.size() + 1);
    for (std::size_t i = 0; i < result.pairs.size(); ++i) {
      EXPECT_EQ(result.evidence(i, 100).size(),
                std::min<std::uint64_t>(result.pairs[i].coactions, engine.evidence_per_pair));
    }
    for (const auto &p : result.pairs)
      EXPECT_EQ(partition::pair_home(begin, p.a, p.b), comm.rank()) << "pairs live at their home";
    if (result.rounds == 1) { // rounds are each sorted
      EXPECT_TRUE(std::is_sorted(result.pairs.begin(), result.pairs.end(),
                                 [](const PairSignal &x, const PairSignal &y) {
                                   return std::tie(x.a, x.b) < std::tie(y.a, y.b);
                                 }));
    }
    const auto found = gather_pairs(comm, result.pairs);
    ASSERT_EQ(found.size(), expected.size()) << "window " << w;
    std::uint64_t coactions = 0;
    for (const auto &p : found) {
      const auto it = expected.find({p.a, p.b});
      ASSERT_NE(it, expected.end()) << p.a << "," << p.b;
      const auto &o = it->second;
      EXPECT_EQ(p.keys, o.keys);
      EXPECT_EQ(p.coactions, o.coactions);
      EXPECT_EQ(p.posts_a, o.posts_a);
      EXPECT_EQ(p.posts_b, o.posts_b);
      EXPECT_EQ(p.min_dt_ms, o.min_dt);
      EXPECT_EQ(p.median_dt_ms, o.median_dt);
      const double mean = double(o.sum_dt / static_cast<long double>(o.coactions));
      EXPECT_NEAR(p.mean_dt_ms, mean, 1e-9 * std::max(1.0, mean));
      coactions += p.coactions;
    }
    EXPECT_EQ(result.totals.window_pairs, coactions);
    EXPECT_EQ(result.totals.emitted_pairs, coactions);
    EXPECT_EQ(result.totals.actions, all.size());
  }
}

// Drops pairs whose posts' ids sum to a multiple of 3: a filter that keeps most pairs.
class EveryThirdPairDropped : public detect::PairFilter {
public:
  bool accepts(const Action &x, const Action &y) const override {
    return (x.post + y.post) % 3 != 0;
  }
};

// Later rounds walk only the windows that can hold a pair of their slice (from where the first
// round found each action's partners end). With hub caps cutting windows short, accounts acting
// many times inside one window, and a filter, rounds give exactly what one round gives.
TEST_F(Coaction, RoundsGiveWhatOneRoundGivesUnderHubCapsAndFilters) {
  const std::uint64_t accounts = 80;
  const auto begin = uneven_account_ranges(comm.size(), accounts);
  auto all = random_actions(9, accounts, 4000, 12, 3'600'000); // 12 busy keys
  for (std::uint64_t i = 0; i < 400; ++i) // account 3 acts in bursts: many same-account actions
    all.push_back({i % 12, static_cast<std::int64_t>(i * 9000 % 3'600'000), 3, 4000 + i});
  const EveryThirdPairDropped filter;
  for (const auto *with : {static_cast<const detect::PairFilter *>(nullptr),
                           static_cast<const detect::PairFilter *>(&filter)}) {
    detect::EngineOptions one, many;
    one.filter = many.filter = with;
    many.pair_budget_bytes = 8192;
    const detect::WindowRule rule{120'000, 7};
    const auto whole =
        detect::find_coactions(comm, owned(all, begin, comm.rank()), rule, 3'600'000, begin, one);
    const auto rounds =
        detect::find_coactions(comm, owned(all, begin, comm.rank()), rule, 3'600'000, begin, many);
    ASSERT_EQ(whole.rounds, 1u);
    ASSERT_GT(rounds.rounds, 3u);
    EXPECT_GT(whole.totals.capped_keys, 0u);
    const auto expected = gather_pairs(comm, whole.pairs), found = gather_pairs(comm, rounds.pairs);
    ASSERT_EQ(found.size(), expected.size());
    ASSERT_GT(found.size(), 500u);
    for (std::size_t i = 0; i < found.size(); ++i) {
      ASSERT_EQ(std::tie(found[i].a, found[i].b), std::tie(expected[i].a, expected[i].b));
      EXPECT_EQ(found[i].coactions, expected[i].coactions);
      EXPECT_EQ(found[i].keys, expected[i].keys);
      EXPECT_EQ(found[i].min_dt_ms, expected[i].min_dt_ms);
    }
    EXPECT_EQ(rounds.totals.emitted_pairs, whole.totals.emitted_pairs);
    EXPECT_EQ(rounds.totals.window_pairs, whole.totals.window_pairs);
  }
}

// Pairs are split evenly between ranks with equal account ranges: homing every pair at the owner
// of its lower account would give rank 0 of 2 three quarters of them.
TEST_F(Coaction, PairsAreSpreadEvenlyOverRanks) {
  const std::uint64_t accounts = 4000;
  const auto begin = even_account_ranges(comm.size(), accounts);
  const auto all = random_actions(5, accounts, 40'000, 2'000, 3'600'000);
  const auto result = detect::find_coactions(comm, owned(all, begin, comm.rank()),
                                             {600'000, 1'000'000}, 3'600'000, begin, {});
  const auto mine = static_cast<double>(result.pairs.size());
  const auto mean = static_cast<double>(mpi::allreduce(
                        comm, static_cast<std::uint64_t>(result.pairs.size()), mpi::Op::sum)) /
                    comm.size();
  ASSERT_GT(mean, 5000);
  EXPECT_NEAR(mine / mean, 1.0, 0.05) << "rank " << comm.rank();
}

// CooRTweet's simulate_data: coordinated shares land within the window, the others just outside.
TEST_F(Coaction, WindowIsInclusiveLikeThePeers) {
  const std::int64_t window = 60'000;
  const std::uint64_t accounts = 40;
  const auto begin = uneven_account_ranges(comm.size(), accounts);
  std::vector<Action> all;
  std::uint64_t post = 0;
  // Accounts 0-9 share objects 0-19 exactly at W apart (in pairs 2i, 2i+1); accounts 10-39 share
  // objects 100-119 at W + 1 ms apart.
  for (std::uint64_t object = 0; object < 20; ++object) {
    const std::int64_t t = static_cast<std::int64_t>(object) * 10'000'000;
    const std::uint64_t u = (object % 5) * 2;
    all.push_back({object, t, u, post++});
    all.push_back({object, t + window, u + 1, post++});
    all.push_back({object + 100, t, 10 + object, post++});
    all.push_back({object + 100, t + window + 1, 30 + (object % 10), post++});
  }
  const auto result = detect::find_coactions(comm, owned(all, begin, comm.rank()), {window, 500},
                                             3'600'000, begin, {});
  const auto found = gather_pairs(comm, result.pairs);
  ASSERT_EQ(found.size(), 5u);
  for (const auto &p : found) {
    EXPECT_EQ(p.a % 2, 0u);
    EXPECT_EQ(p.b, p.a + 1);
    EXPECT_EQ(p.coactions, 4u); // objects u/2, u/2 + 5, + 10, + 15
    EXPECT_EQ(p.min_dt_ms, window);
  }
}

TEST_F(Coaction, HubCapKeepsTheNearestPartnersAndCountsTheRest) {
  // One key, 10 accounts a second apart: each action has 9 - i later partners in a 60 s window.
  std::vector<Action> run;
  for (std::uint64_t i = 0; i < 10; ++i)
    run.push_back({7, static_cast<std::int64_t>(i) * 1000, i, i});
  std::vector<detect::CoactionPair> pairs;
  detect::ScanTotals totals;
  detect::scan_key(run, {60'000, 3}, pairs, totals);
  EXPECT_EQ(totals.window_pairs, 45u); // all accounts differ, so the count past the cap is exact
  EXPECT_EQ(totals.emitted_pairs, 3u * 7 + 2 + 1); // min(3, 9 - i) for i = 0..8
  EXPECT_EQ(pairs.size(), totals.emitted_pairs);
  EXPECT_EQ(totals.capped_keys, 1u);
  for (const auto &p : pairs)
    EXPECT_LE(p.b - p.a, 3u) << "the nearest partners in time are the ones kept";
}

TEST_F(Coaction, SameAccountNeverPairsWithItself) {
  std::vector<Action> run{{1, 0, 5, 0}, {1, 10, 5, 1}, {1, 20, 6, 2}};
  std::vector<detect::CoactionPair> pairs;
  detect::ScanTotals totals;
  detect::scan_key(run, {60'000, 100}, pairs, totals);
  ASSERT_EQ(pairs.size(), 2u);
  for (const auto &p : pairs) {
    EXPECT_EQ(p.a, 5u);
    EXPECT_EQ(p.b, 6u);
  }
}

TEST_F(Coaction, EvidenceIsTheClosestCoactionsInOrder) {
  std::vector<detect::CoactionPair> pairs{
      {1, 2, 10, 0, 5000, 0, 1}, {1, 2, 11, 0, 1000, 2, 3}, {1, 2, 12, 0, 3000, 4, 5}};
  detect::sort_pairs(pairs);
  std::vector<std::size_t> group_begin;
  const auto summary = detect::aggregate_pairs(pairs, group_begin);
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_EQ(group_begin, (std::vector<std::size_t>{0, 3}));
  const auto &s = summary.front();
  EXPECT_EQ(s.keys, 3u);
  EXPECT_EQ(s.min_dt_ms, 1000);
  EXPECT_EQ(s.median_dt_ms, 3000);
  EXPECT_DOUBLE_EQ(s.mean_dt_ms, 3000);
  const auto evidence = detect::select_evidence(pairs, 2);
  ASSERT_EQ(evidence.size(), 2u);
  EXPECT_EQ(evidence[0].key, 11u);
  EXPECT_EQ(evidence[1].key, 12u);
}

} // namespace
} // namespace lockstep::testing
