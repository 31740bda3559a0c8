// The co-action engine, generic over signals: actions (account acted on key at time) are shuffled
// by key, sorted per key by time, scanned with a sliding window for pairs of different accounts
// with |dt| <= W, and the pairs are routed to the owner of their lower account and aggregated per
// account pair. Hub keys (more partners inside one window than a cap) are capped and counted;
// pairs past a per-rank memory budget go through in rounds of account slices.
#pragma once

#include "mpi/alltoallv.hpp"
#include "mpi/comm.hpp"
#include "partition/ownership.hpp"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace lockstep::detect {

// One account acting on one key: the unit every signal is made of.
struct Action {
  std::uint64_t key = 0;
  std::int64_t time_ms = 0;
  std::uint64_t account = 0; // dense account id
  std::uint64_t post = 0;    // row of /posts
};

struct WindowRule {
  std::int64_t window_ms = 60'000; // two actions co-act when |dt| <= window_ms (inclusive)
  std::uint32_t hub_cap = 500;     // at most this many later partners per action in a window
};

// Which pairs of one key's actions count, beyond "different accounts within the window" (for
// example: only posts whose texts are near-duplicates). Called on the rank that owns the key.
class PairFilter {
public:
  virtual ~PairFilter() = default;
  virtual bool accepts(const Action &x, const Action &y) const = 0;
};

// Two actions by different accounts on the same key inside the window; a < b. With key groups
// (EngineOptions::key_groups) each carries its key's group and the group's audience share.
struct CoactionPair {
  std::uint64_t a = 0, b = 0;
  std::uint64_t key = 0;
  std::int64_t time_a = 0, time_b = 0;
  std::uint64_t post_a = 0, post_b = 0;
  std::uint64_t group = 0;
  double share = 0;
};

// A key's group for the audience null (detect/audience.hpp): the author of the post it names,
// and the share of the signal's other accounts that act on that author's posts.
struct KeyGroup {
  std::uint64_t key = 0;
  std::uint64_t group = 0;
  double share = 0;
};

// One group's part of an account pair's co-actions: its audience share and the distinct keys of
// it the two co-acted on. `engaged`, when set (not negative), is the keys of it the two would
// co-act on given their own engagement with the group (detect/engagement.hpp), of at most
// `most_keys` (the fewer of the two accounts' keys of the group).
struct GroupShare {
  double share = 0;
  std::uint64_t keys = 0;
  std::uint64_t group = 0;
  double engaged = -1;
  std::uint64_t most_keys = 0;
};

// A key at its owner: when it was first acted on and by how many distinct accounts.
struct KeyFirst {
  std::uint64_t key = 0;
  std::int64_t first_ms = 0;
  std::uint64_t accounts = 0;
};

// What one signal's scan saw, summed over ranks by the caller when needed.
struct ScanTotals {
  std::uint64_t actions = 0;
  std::uint64_t keys = 0;
  // Co-action pairs of different accounts. Past an action's hub cap the rest of its window is
  // counted without looking at accounts, so same-account pairs there are included.
  std::uint64_t window_pairs = 0;
  std::uint64_t emitted_pairs = 0; // pairs kept (window_pairs minus those over the hub cap)
  std::uint64_t capped_keys = 0;   // keys where some action had more partners than the cap
  ScanTotals &operator+=(const ScanTotals &other);
};

// Scans the actions of one key, sorted by (time, account, post), appending pairs to `out`.
// Action i pairs with the next actions j while t_j - t_i <= window; only the first hub_cap of
// them are looked at. Same-account pairs are never pairs; with a filter, pairs it refuses are
// not pairs either (the rest of a capped window is counted unfiltered).
void scan_key(std::span<const Action> by_time, const WindowRule &rule,
              std::vector<CoactionPair> &out, ScanTotals &totals,
              const PairFilter *filter = nullptr);

// Evidence for one pair: one co-action, with both posts and times.
struct Evidence {
  std::uint64_t key = 0;
  std::uint64_t post_a = 0, post_b = 0;
  std::int64_t time_a = 0, time_b = 0;
};

// Everything one signal says about one account pair.
struct PairSignal {
  std::uint64_t a = 0, b = 0;
  std::uint64_t keys = 0;      // distinct keys co-acted on
  std::uint64_t coactions = 0; // co-action pairs (CooRTweet's edge weight)
  std::uint64_t posts_a = 0;   // distinct posts of a in the pairs (QUT's weight a -> b)
  std::uint64_t posts_b = 0;   // distinct posts of b (QUT's weight b -> a)
  // Distinct posts on the earlier and the later side of each co-action, whoever made them
  // (CooRTweet's n_content_id and n_content_id_y; on ties a's post is the earlier).
  std::uint64_t posts_earlier = 0, posts_later = 0;
  std::int64_t min_dt_ms = 0;
  std::int64_t median_dt_ms = 0; // the lower median of |dt|
  double mean_dt_ms = 0;
};

// CooRTweet's edge_symmetry_score: min over max of the distinct earlier- and later-side posts.
double symmetry(const PairSignal &pair);

// Aggregates pairs sorted by (a, b, key, ...) into one PairSignal per account pair; `group_begin`
// receives where each pair's records start in `sorted` (plus the end).
std::vector<PairSignal> aggregate_pairs(std::span<const CoactionPair> sorted,
                                        std::vector<std::size_t> &group_begin);

// The `limit` co-actions of one pair's records closest in time (ties by key, time, posts).
std::vector<Evidence> select_evidence(std::span<const CoactionPair> group, std::size_t limit);

// Orders pairs by (a, b, key, time_a, time_b, post_a, post_b): a total order, so the aggregate
// (floating-point sums included) does not depend on the order pairs arrived in.
void sort_pairs(std::vector<CoactionPair> &pairs);

// The signal's time bins as slots of dense arrays, leaving long empty stretches out: bins go in
// pages of kPageBins (about 10 days of 15-minute bins) and only pages where an action falls, on
// any rank, get slots, in bin order. Data in bursts years apart needs slots for the bursts only.
// Consecutive pages that both hold actions have consecutive slots, so a bin's neighbour is the
// next slot whenever the neighbour's page has slots at all.
struct BinAxis {
  static constexpr std::int64_t kPageBins = 1024;
  std::int64_t first_bin = 0;          // the first bin of page 0
  std::vector<std::int64_t> page_slot; // each page's first slot; -1 for a page without actions
  std::size_t slots = 0;

  // Every page from `first` to `last` (tests and small tables).
  static BinAxis covering(std::int64_t first, std::int64_t last);
  bool holds(std::int64_t bin) const;        // whether bin's page has slots
  std::size_t slot(std::int64_t bin) const { // of a bin that holds
    const auto offset = bin - first_bin;
    return static_cast<std::size_t>(page_slot[static_cast<std::size_t>(offset / kPageBins)] +
                                    offset % kPageBins);
  }
};

// The axis of the bins of every rank's actions. Collective.
BinAxis bin_axis(const mpi::Comm &comm, std::span<const Action> actions, std::int64_t bin_ms);

// How concentrated the signal's actions are on few keys, per time bin (over all ranks): the
// chance that two actions in bin t hit the same key if each picked a key in proportion to the
// keys' activity in that bin is sum_k c_kt^2 / N_t^2 (a Simpson index). The null model uses it.
struct KeyConcentration {
  std::int64_t bin_ms = 3'600'000;
  BinAxis axis;                      // slots of the bins below
  std::vector<double> actions;       // N_t, per slot
  std::vector<double> sum_squares;   // sum over keys of c_kt^2, per slot
  double at(std::int64_t bin) const; // the Simpson index of `bin`; 0 where no action falls
};

// Counts actions per (key, bin) in actions sorted by (key, time). Local: sum over ranks after.
void add_concentration(std::span<const Action> by_key_time, KeyConcentration &concentration);

// The group of `key` in a table of key groups sorted by key (EngineOptions::key_groups); none
// (group and share 0) when it is not there.
KeyGroup group_of(std::span<const KeyGroup> key_groups, std::uint64_t key);

struct CoactionResult;

// How the engine runs, besides the window rule.
struct EngineOptions {
  mpi::ExchangeOptions exchange;
  const PairFilter *filter = nullptr; // consulted on the rank owning each key (see key_owner)
  std::size_t evidence_per_pair = 5;  // co-actions kept per pair, the closest in time
  // Co-action records one rank holds at once. Past it the pairs go through in rounds: each round
  // scans the keys again and keeps the pairs whose lower account is in that round's slice of
  // every rank's account range, so a pair is whole in one round and results do not change.
  std::size_t pair_budget_bytes = std::size_t{1} << 30;
  // With `grouped`, every pair records its key's group from `key_groups` (those of the keys this
  // rank owns, see key_owner, sorted by key; a rank may own none) and the result holds each
  // pair's groups (CoactionResult::groups).
  bool grouped = false;
  std::span<const KeyGroup> key_groups;
  // Pairs with fewer co-actions are counted (CoactionResult::sparse_pairs) and dropped before
  // they are aggregated: a signal whose pairs are mostly chance meetings keeps only the pairs
  // that met more than once.
  std::uint64_t min_coactions = 1;
  std::string label = "co-action"; // names the signal in the log's lines about rounds
  // When set, each round's pairs (with their evidence and groups; key_firsts and concentration
  // are the signal's) are handed to it and then dropped, and CoactionResult::pairs ends empty: the
  // caller tests a round while the engine holds no other. Called on every rank, every round.
  std::function<void(const CoactionResult &)> on_round;
};

struct CoactionResult {
  std::vector<PairSignal> pairs;  // pairs at home on this rank (pair_home), sorted by (a, b)
  ScanTotals totals;              // summed over all ranks
  KeyConcentration concentration; // over all ranks
  std::uint64_t rounds = 1;       // rounds the pairs went through
  std::uint64_t sparse_pairs = 0; // pairs under EngineOptions::min_coactions, dropped (all ranks)
  // Pair i's closest co-actions (at most evidence_per_pair, closest first) are
  // evidence_items[evidence_begin[i], evidence_begin[i + 1]).
  std::vector<std::size_t> evidence_begin;
  std::vector<Evidence> evidence_items;

  // With key groups, pair i's groups are group_items[group_begin[i], group_begin[i + 1]): each
  // group of its co-acted keys once, with its distinct keys, the largest share first (ties by
  // group). Both empty without key groups.
  std::vector<std::size_t> group_begin;
  std::vector<GroupShare> group_items;
  // With key groups, every key this rank owns (key_owner), sorted by key.
  std::vector<KeyFirst> key_firsts;

  std::vector<Evidence> evidence(std::size_t pair, std::size_t limit) const;
  std::span<const GroupShare> groups(std::size_t pair) const;
};

// The whole distributed engine for one signal. `account_begin` (size ranks+1) gives the dense
// account range each rank owns; pairs go to their home (pair_home). `bin_ms` is the time bin of the
// key concentration. Collective.
CoactionResult find_coactions(const mpi::Comm &comm, std::vector<Action> actions,
                              const WindowRule &rule, std::int64_t bin_ms,
                              std::span<const std::uint64_t> account_begin,
                              const EngineOptions &options);

// floor(time / bin): the time bin of an action.
std::int64_t bin_of(std::int64_t time_ms, std::int64_t bin_ms);

} // namespace lockstep::detect
