// Each round's pairs tested as it comes; the engagement null's candidates priced at the end.
#include "detect/pair_tests.hpp"

#include "detect/engagement.hpp"
#include "detect/fdr.hpp"
#include "partition/lookup.hpp"
#include "signals/table.hpp"

#include <algorithm>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

namespace lockstep::detect {

namespace {

// The expected co-actions of every pair under the null model. Pairs come in runs of the same a:
// a's profile is spread into a dense array over the signal's bins once per run, and each
// partner's profile is summed against it. Profiles of accounts owned elsewhere (a pair's home
// holds one of its two accounts, see pair_home) are fetched from their owners first. Collective.
std::vector<double> expected_per_pair(const mpi::Comm &comm, const PartitionData &data,
                                      const ActivityProfiles &profiles,
                                      const std::vector<PairSignal> &pairs,
                                      const KeyConcentration &concentration, std::int64_t window_ms,
                                      mpi::ExchangeOptions exchange) {
  const auto first = data.accounts.rows.begin, count = data.accounts.rows.count;
  const auto is_local = [&](std::uint64_t account) { return account - first < count; };
  std::vector<std::uint64_t> remote;
  for (const auto &pair : pairs) {
    for (const auto account : {pair.a, pair.b}) {
      if (!is_local(account))
        remote.push_back(account);
    }
  }
  std::sort(remote.begin(), remote.end());
  remote.erase(std::unique(remote.begin(), remote.end()), remote.end());
  const auto fetched = partition::remote_lookup(
      comm, remote,
      [&](std::uint64_t account) { return partition::owner_of(data.account_begin, account); },
      [&](std::uint64_t account) { return encode_profile(profiles[account - first]); }, exchange);
  std::vector<ActivityProfile> remote_profiles(fetched.size());
  tbb::parallel_for(std::size_t{0}, fetched.size(),
                    [&](std::size_t i) { remote_profiles[i] = decode_profile(fetched[i]); });
  const auto profile_of = [&](std::uint64_t account) -> ProfileView {
    if (is_local(account))
      return profiles[account - first];
    const auto i = std::lower_bound(remote.begin(), remote.end(), account) - remote.begin();
    return remote_profiles[static_cast<std::size_t>(i)];
  };

  std::vector<std::size_t> run_begin; // runs of pairs with the same a
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (i == 0 || pairs[i].a != pairs[i - 1].a)
      run_begin.push_back(i);
  }
  run_begin.push_back(pairs.size());
  const auto coefficients = null_coefficients(concentration, window_ms);
  tbb::enumerable_thread_specific<DenseProfile> dense(coefficients);
  std::vector<double> expected(pairs.size());
  tbb::parallel_for(std::size_t{0}, run_begin.size() - 1, [&](std::size_t r) {
    auto &held = dense.local();
    const auto a = profile_of(pairs[run_begin[r]].a);
    held.hold(a);
    for (std::size_t i = run_begin[r]; i < run_begin[r + 1]; ++i)
      expected[i] = held.expected_with(profile_of(pairs[i].b));
    held.release(a);
  });
  return expected;
}

// Tests one engine result's pairs against the null model (the audience null where the engine
// grouped the keys by author) and the popularity null; evidence is kept for the pairs whose
// popularity p passes alpha (only those can make an edge significant or provisional).
std::vector<EdgeSignal> test_pairs(const DetectConfig &config, std::uint8_t signal,
                                   const CoactionResult &found,
                                   const std::vector<double> &expected) {
  const double log10_alpha = std::log10(config.alpha);
  std::vector<EdgeSignal> part;
  part.reserve(found.pairs.size());
  for (std::size_t i = 0; i < found.pairs.size(); ++i) {
    EdgeSignal pair{signal, 0, found.pairs[i], expected[i], 0, 0, {}};
    const auto observed = observed_statistic(signal, pair.stats);
    pair.log10_p_popularity = log10_poisson_tail(observed, expected[i]);
    pair.log10_p =
        found.group_begin.empty()
            ? pair.log10_p_popularity
            : log10_audience_tail(observed, expected[i], pair.log10_p_popularity, found.groups(i));
    if (pair.log10_p_popularity <= log10_alpha)
      pair.evidence = found.evidence(i, config.evidence_per_edge);
    part.push_back(std::move(pair));
  }
  return part;
}

} // namespace

std::vector<Action> actions_of(const ActionTable &table, std::uint8_t signal) {
  std::vector<Action> out; // counted first: grown by doubling, it paged in twice its size afresh
  out.reserve(
      static_cast<std::size_t>(std::count(table.signal.begin(), table.signal.end(), signal)));
  for (std::size_t i = 0; i < table.signal.size(); ++i) {
    if (table.signal[i] == signal)
      out.push_back({table.key[i], table.time_ms[i], table.account[i], table.post[i]});
  }
  return out;
}

PairTester::PairTester(const DetectConfig &config, const PartitionData &data, Signal signal,
                       ActivityProfiles profiles, TestedParts &tested, std::size_t held_bytes)
    : config_(config), data_(data), signal_(signal), profiles_(std::move(profiles)),
      tested_(tested), held_bytes_(held_bytes) {}

void PairTester::test_round(const mpi::Comm &comm, const CoactionResult &round) {
  const auto expected = expected_per_pair(comm, data_, profiles_, round.pairs, round.concentration,
                                          signal_.window_ms, exchange_options(config_));
  auto part = test_pairs(config_, signal_.id, round, expected);
  candidates_ += part.size();
  const double log10_alpha = std::log10(config_.alpha);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < part.size(); ++i) {
    auto &pair = part[i];
    if (pair.log10_p_popularity <= log10_alpha)
      small_popularity_p_.push_back(pair.log10_p_popularity);
    if (signal_.groups != nullptr && pair.log10_p_popularity <= log10_alpha &&
        pair.log10_p > pair.log10_p_popularity) {
      if (waiting_.group_begin.empty())
        waiting_.group_begin.push_back(0);
      const auto groups = round.groups(i);
      waiting_.pairs.push_back(round.pairs[i]);
      waiting_.group_items.insert(waiting_.group_items.end(), groups.begin(), groups.end());
      waiting_.group_begin.push_back(waiting_.group_items.size());
      waiting_tested_.push_back(std::move(pair));
      continue;
    }
    if (kept != i)
      part[kept] = std::move(pair);
    ++kept;
  }
  part.resize(kept);
  keep(std::move(part));
}

void PairTester::keep(std::vector<EdgeSignal> tested_round) {
  held_in_bytes_ += held_bytes(tested_round);
  if (held_.empty())
    held_ = std::move(tested_round);
  else
    held_.insert(held_.end(), std::make_move_iterator(tested_round.begin()),
                 std::make_move_iterator(tested_round.end()));
  if (held_in_bytes_ > held_bytes_) {
    tested_.add(std::move(held_));
    held_ = {};
    held_in_bytes_ = 0;
  }
}

PairTester::Totals PairTester::finish(const mpi::Comm &comm, const CoactionResult &engine) {
  Totals totals;
  totals.candidates = mpi::allreduce(comm, candidates_, mpi::Op::sum);
  if (signal_.groups != nullptr) {
    const auto cut =
        fdr_threshold(comm, std::move(small_popularity_p_), totals.candidates, config_.alpha);
    std::vector<std::size_t> priced;
    for (std::size_t i = 0; i < waiting_tested_.size(); ++i) {
      if (waiting_tested_[i].log10_p_popularity <= cut)
        priced.push_back(i);
    }
    waiting_.key_firsts = engine.key_firsts;
    const auto actions = actions_of(data_.actions, signals::source(signal_.id));
    add_engagement(comm, actions, *signal_.groups, priced, signal_.window_ms, data_.account_begin,
                   exchange_options(config_), waiting_);
    for (const auto i : priced) {
      auto &pair = waiting_tested_[i];
      const auto unpriced = pair.log10_p;
      pair.log10_p = log10_audience_tail(observed_statistic(signal_.id, pair.stats), pair.expected,
                                         pair.log10_p_popularity, waiting_.groups(i));
      pair.engagement_gain = static_cast<float>(unpriced - pair.log10_p);
    }
    totals.engagement_priced =
        mpi::allreduce(comm, static_cast<std::uint64_t>(priced.size()), mpi::Op::sum);
    keep(std::move(waiting_tested_));
    waiting_ = CoactionResult();
  }
  if (!held_.empty())
    tested_.add(std::move(held_));
  held_ = {};
  held_in_bytes_ = 0;
  return totals;
}

} // namespace lockstep::detect
