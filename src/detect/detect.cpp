// The detect pipeline on one rank: features, each signal through the engine, tests, fusion.
#include "detect/detect.hpp"

#include "common/error.hpp"
#include "common/log.hpp"
#include "common/memory.hpp"
#include "detect/audience.hpp"
#include "detect/checkpoint.hpp"
#include "detect/fdr.hpp"
#include "detect/follows.hpp"
#include "detect/near_duplicate.hpp"
#include "detect/pair_tests.hpp"
#include "detect/significance.hpp"
#include "detect/similarity.hpp"
#include "detect/synchrony.hpp"
#include "detect/tested_parts.hpp"
#include "mpi/collectives.hpp"
#include "mpi/interrupt.hpp"
#include "partition/lookup.hpp"
#include "store/schema.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <memory>
#include <tbb/parallel_sort.h>

namespace lockstep::detect {

namespace {

// Orders similar pairs, recruitable edges and edges, and them with account pairs, by (a, b).
struct ByPair {
  using Pair = std::pair<std::uint64_t, std::uint64_t>;
  static Pair of(const SimilarPair &p) { return {p.a, p.b}; }
  static Pair of(const RecruitableEdge &e) { return {e.a, e.b}; }
  static Pair of(const Edge &e) { return {e.a, e.b}; }
  static Pair of(const Pair &p) { return p; }
  bool operator()(const auto &x, const auto &y) const { return of(x) < of(y); }
} constexpr by_pair;

WindowRule window_rule(double window_seconds, std::uint32_t hub_cap) {
  return {std::llround(window_seconds * 1000), hub_cap};
}

// One signal's actions through the engine and the null model: the audience null with the keys'
// groups (key_groups at their owners), the popularity null without. Collective.
SignalSummary run_engine(const mpi::Comm &comm, const DetectConfig &config,
                         const PartitionData &data, std::uint8_t signal, const WindowRule &rule,
                         std::vector<Action> actions, const PairFilter *filter,
                         const std::vector<KeyGroup> *groups, DetectResult &result,
                         TestedParts &tested) {
  const auto start = std::chrono::steady_clock::now();
  SignalSummary summary{signal, std::string(signals::name(signal)), rule, {}, 0, 0};
  summary.bin_ms = null_bin_ms(summary.rule.window_ms);
  const auto pairs_phase = summary.name + " pairs", null_phase = summary.name + " null model";
  auto phase = std::make_unique<ScopedPhase>(result.times, pairs_phase);
  PairTester tester(config, data, {signal, rule.window_ms, groups},
                    activity_profiles(actions, data.accounts.rows.begin, data.accounts.rows.count,
                                      summary.bin_ms),
                    tested, result.memory.tested_bytes);
  EngineOptions engine;
  engine.exchange = exchange_options(config);
  engine.filter = filter;
  engine.evidence_per_pair = config.evidence_per_edge;
  engine.pair_budget_bytes = result.memory.pair_budget_bytes;
  engine.min_coactions = signals::row(signal).min_coactions;
  engine.label = summary.name;
  if (groups != nullptr) {
    engine.grouped = true;
    engine.key_groups = *groups;
  }
  engine.on_round = [&](const CoactionResult &round) { // the pairs phase pauses meanwhile
    phase = std::make_unique<ScopedPhase>(result.times, null_phase);
    tester.test_round(comm, round);
    phase = std::make_unique<ScopedPhase>(result.times, pairs_phase);
  };
  const auto found = find_coactions(comm, std::move(actions), summary.rule, summary.bin_ms,
                                    data.account_begin, engine);
  summary.totals = found.totals;
  summary.pair_rounds = found.rounds;
  result.times.add_passes(pairs_phase, found.rounds);
  result.times.add_passes(null_phase, found.rounds);
  summary.sparse_pairs = found.sparse_pairs;
  phase = std::make_unique<ScopedPhase>(
      result.times, summary.name + (groups != nullptr ? " engagement" : " null model"));
  const auto totals = tester.finish(comm, found);
  summary.candidates = totals.candidates;
  summary.engagement_priced = totals.engagement_priced;
  phase.reset();
  release_free_memory(); // the rounds' records and pairs, before the next signal's
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  summary.peak_rss_mb = mpi::allreduce(comm, peak_resident_mb(), mpi::Op::max);
  log::info("{}: {} actions on {} keys, {} co-action pairs in {} s windows ({} over the hub cap "
            "on {} keys), {} candidate pairs{}",
            summary.name, summary.totals.actions, summary.totals.keys, summary.totals.window_pairs,
            static_cast<double>(rule.window_ms) / 1000,
            summary.totals.window_pairs - summary.totals.emitted_pairs, summary.totals.capped_keys,
            summary.candidates,
            summary.sparse_pairs == 0
                ? std::string()
                : fmt::format(" ({} pairs with fewer than {} co-actions dropped)",
                              summary.sparse_pairs, signals::row(signal).min_coactions));
  return summary;
}

// Runs one step of detect, or takes what it added from the checkpoint; then saves it and stops
// there if a stop was requested. Collective.
template <typename Body>
void run_step(const mpi::Comm &comm, const Checkpoint &checkpoint, const std::string &step,
              DetectResult &result, TestedParts &tested, Body body) {
  StepOutput out;
  if (checkpoint.load(comm, step, out, tested)) {
    log::info("{}: taken from the checkpoint of an interrupted run", step);
    result.signals.insert(result.signals.end(), out.signals.begin(), out.signals.end());
    result.near_duplicate = out.near_duplicate;
    result.family_posts.insert(result.family_posts.end(), out.family_posts.begin(),
                               out.family_posts.end());
    result.similarity = out.similarity;
    result.similar_pairs.insert(result.similar_pairs.end(), out.similar_pairs.begin(),
                                out.similar_pairs.end());
    return;
  }
  const auto signals_before = result.signals.size();
  const auto tested_before = tested.size();
  const auto family_posts_before = result.family_posts.size();
  const auto similar_before = result.similar_pairs.size();
  body();
  if (checkpoint.enabled()) {
    out.signals.assign(result.signals.begin() + std::ptrdiff_t(signals_before),
                       result.signals.end());
    out.near_duplicate = result.near_duplicate;
    out.family_posts.assign(result.family_posts.begin() + std::ptrdiff_t(family_posts_before),
                            result.family_posts.end());
    out.similarity = result.similarity;
    out.similar_pairs.assign(result.similar_pairs.begin() + std::ptrdiff_t(similar_before),
                             result.similar_pairs.end());
    checkpoint.save(comm, step, std::move(out), tested, tested_before);
  }
  mpi::stop_if_requested(comm, step);
}

// The signals that read the store's actions (their row has a source), in the order they run: by
// number.
std::vector<std::uint8_t> action_signals() {
  return signals::ids_where([](const signals::Signal &s) { return s.source.has_value(); });
}

// Every enabled action signal; one EdgeSignal per pair and signal, unadjusted, into `tested`.
void run_signals(const mpi::Comm &comm, const DetectConfig &config, const PartitionData &data,
                 const Checkpoint &checkpoint, DetectResult &result, TestedParts &tested) {
  // The audience null's key groups per store signal: retweet_slow reuses retweet's.
  std::map<std::uint8_t, std::vector<KeyGroup>> groups_of_source;
  for (const std::uint8_t signal : action_signals()) {
    const auto found = config.signals.find(std::string(signals::name(signal)));
    if (found == config.signals.end() || !found->second.enabled)
      continue;
    const auto &c = found->second;
    run_step(comm, checkpoint, found->first, result, tested, [&] {
      const auto source = signals::source(signal);
      auto actions = actions_of(data.actions, source);
      const std::vector<KeyGroup> *groups = nullptr;
      if (config.audience_null && signals::has_authors(signal)) {
        auto [it, added] = groups_of_source.try_emplace(source);
        if (added) {
          ScopedPhase phase(result.times, std::string(signals::name(signal)) + " audiences");
          it->second = key_groups(comm, actions, action_groups(data, source, actions),
                                  exchange_options(config));
        }
        groups = &it->second;
      }
      result.signals.push_back(run_engine(comm, config, data, signal,
                                          window_rule(c.window_seconds, c.hub_cap),
                                          std::move(actions), nullptr, groups, result, tested));
    });
  }
}

// What a round of near-duplicate texts may hold on a rank: under a bound, half of what the phases'
// working set leaves after the exchange buffers, the tested pairs held and the largest rank's
// shingle sets with their sketches (the other half is the allocator's slack), and at most four of
// the engine's records rounds; without one, four exchange rounds. A firm bound that leaves less
// than the smallest round is a UsageError naming the bound that would do. Collective.
std::size_t near_duplicate_round_bytes(const mpi::Comm &comm, const DetectConfig &config,
                                       const MemoryPlan &plan, const LocalTexts &texts) {
  constexpr double kSmallestRoundMb = 16;
  const auto engine_rounds = 4 * std::min(plan.pair_budget_bytes, config.exchange_megabytes << 20);
  const auto texts_mb = mpi::allreduce(
      comm,
      static_cast<double>(texts.held_bytes() + texts.key.size() * sizeof(text::MinHasher::Sketch)) /
          kBytesPerMegabyte,
      mpi::Op::max);
  log::info("near_duplicate: the shingle sets and sketches of a rank's distinct texts take up to "
            "{:.0f} MB ({:.0f} bytes per text on this rank)",
            texts_mb,
            texts.key.empty()
                ? 0.0
                : texts_mb * kBytesPerMegabyte / static_cast<double>(texts.key.size()));
  if (plan.bound_mb == 0)
    return engine_rounds;
  const double left_mb = plan.working_mb - 2.0 * static_cast<double>(config.exchange_megabytes) -
                         static_cast<double>(plan.tested_bytes) / kBytesPerMegabyte - texts_mb;
  if (left_mb / 2 < kSmallestRoundMb) {
    const auto needed = static_cast<std::uint64_t>(
        std::ceil(static_cast<double>(plan.bound_mb) + 2 * kSmallestRoundMb - left_mb));
    const auto why = fmt::format(
        "near-duplicate texts: the shingle sets of a rank's distinct texts take {:.0f} MB, which "
        "leaves {:.0f} MB of the {} MB bound per rank ({}) for the LSH rounds",
        texts_mb, left_mb, plan.bound_mb, plan.source);
    if (plan.firm)
      throw UsageError(
          fmt::format("{}. Give --memory-mb {} or more, or run on more ranks", why, needed));
    log::warn("{}; running with {:.0f} MB rounds past the bound", why, kSmallestRoundMb);
    return static_cast<std::size_t>(kSmallestRoundMb * kBytesPerMegabyte);
  }
  return std::min(engine_rounds, static_cast<std::size_t>(left_mb / 2 * kBytesPerMegabyte));
}

// Near-duplicate texts: verified text pairs first, then the engine over text families with the
// filter that keeps only post pairs of near-duplicate texts. Collective.
void add_near_duplicates(const mpi::Comm &comm, const DetectConfig &config,
                         const PartitionData &data, DetectResult &result, TestedParts &tested) {
  const auto &c = config.near_duplicate;
  const auto rule = near_duplicate_rule(c);
  auto exchange = exchange_options(config);
  // No exchange round larger than the engine's records round.
  exchange.max_round_bytes = std::min(exchange.max_round_bytes, result.memory.pair_budget_bytes);
  LocalTexts texts;
  NearDuplicateTexts found;
  {
    ScopedPhase phase(result.times, "near_duplicate texts");
    texts = shingle_local_texts(data.posts, rule.shingles, rule.min_shingles);
    const auto round_bytes = near_duplicate_round_bytes(comm, config, result.memory, texts);
    found = find_near_duplicate_texts(comm, texts, rule, exchange, round_bytes);
  }
  auto &s = result.near_duplicate;
  s.texts = found.texts;
  s.short_texts = found.short_texts;
  s.band_rounds = found.band_rounds;
  result.times.add_passes("near_duplicate texts", found.band_rounds);
  s.candidates = found.candidates;
  s.verified = found.verified;
  s.capped_buckets = found.capped_buckets;
  s.capped_pairs = found.capped_pairs;
  s.prefiltered_pairs = found.prefiltered_pairs;
  s.families = found.families;
  log::info("near_duplicate: {} distinct texts ({} with fewer than {} shingles left out), {} "
            "candidate pairs from {} x {} LSH bands in {} round(s), {} verified at Jaccard >= {} "
            "in {} families "
            "({} buckets over the cap of {}, {} pairs not looked at; {} pairs skipped by the "
            "sketch prefilter)",
            s.texts, s.short_texts, c.min_shingles, s.candidates, c.bands, c.rows, s.band_rounds,
            s.verified, c.min_jaccard, s.families, s.capped_buckets, c.bucket_cap, s.capped_pairs,
            s.prefiltered_pairs);
  auto actions = near_duplicate_actions(data.posts, texts, found);
  for (const auto &action : actions) {
    if (found.in_family(data.posts.text_key[action.post - data.posts.rows.begin]))
      result.family_posts.push_back(action);
  }
  texts = LocalTexts{};
  const NearDuplicateFilter filter(comm, data.posts, actions, found, exchange);
  result.signals.push_back(run_engine(comm, config, data, kNearDuplicateSignal,
                                      window_rule(c.window_seconds, c.hub_cap), std::move(actions),
                                      &filter, nullptr, result, tested));
}

// Original posts at the same moments (detect/synchrony.hpp), whatever they say. Collective.
void add_synchrony(const mpi::Comm &comm, const DetectConfig &config, const PartitionData &data,
                   DetectResult &result, TestedParts &tested) {
  const auto &c = config.signals.at(std::string(signals::name(kSynchronySignal)));
  const auto asked = window_rule(c.window_seconds, c.hub_cap);
  auto actions = synchrony_actions(data.posts, synchrony_key_ms(asked.window_ms));
  const auto rule = synchrony_rule(comm, actions, asked);
  if (rule.window_ms != asked.window_ms)
    log::info("synchrony: most posts' times are whole minutes, so the window is {} s",
              static_cast<double>(rule.window_ms) / 1000);
  result.signals.push_back(run_engine(comm, config, data, kSynchronySignal, rule,
                                      std::move(actions), nullptr, nullptr, result, tested));
}

// Follow similarity (detect/follows.hpp): its tested pairs join the others. Collective.
void add_follows(const mpi::Comm &comm, const DetectConfig &config, const PartitionData &data,
                 DetectResult &result, TestedParts &tested) {
  ScopedPhase phase(result.times, std::string(signals::name(kFollowsSignal)));
  const auto &c = config.follows;
  const FollowRule rule{c.max_followers,          c.min_shared, c.min_overlap,
                        config.evidence_per_edge, config.alpha, result.memory.pair_budget_bytes};
  auto found = find_follow_pairs(comm, data, rule, exchange_options(config));
  SignalSummary summary;
  summary.signal = kFollowsSignal;
  summary.name = signals::name(kFollowsSignal);
  summary.rule.hub_cap =
      static_cast<std::uint32_t>(std::min<std::uint64_t>(c.max_followers, UINT32_MAX));
  summary.totals.actions = found.follows;
  summary.totals.keys = found.followed;
  summary.totals.window_pairs = summary.totals.emitted_pairs = found.shared;
  summary.totals.capped_keys = found.capped_followed;
  summary.candidates =
      mpi::allreduce(comm, static_cast<std::uint64_t>(found.tested.size()), mpi::Op::sum);
  summary.sparse_pairs = found.too_few_shared + found.below_overlap;
  summary.pair_rounds = found.rounds;
  result.times.add_passes(std::string(signals::name(kFollowsSignal)), found.rounds);
  log::info(
      "follows: {} follows of {} accounts to {} accounts ({} with more than {} followers pair "
      "no one); {} pairs share a followed account, {} with fewer than {} and {} below the "
      "overlap of {} left out, {} tested, in {} round(s)",
      found.follows, found.followers, found.followed, found.capped_followed, c.max_followers,
      found.pairs, found.too_few_shared, c.min_shared, found.below_overlap, c.min_overlap,
      summary.candidates, found.rounds);
  tested.add(std::move(found.tested));
  summary.seconds = phase.seconds_so_far();
  summary.peak_rss_mb = mpi::allreduce(comm, peak_resident_mb(), mpi::Op::max);
  result.signals.push_back(std::move(summary));
}

// Behavioural similarity's kept pairs, fused with the co-action signals' pairs (each edge gets
// its shared targets and cosine). Collective.
void add_similarity(const mpi::Comm &comm, const DetectConfig &config, const PartitionData &data,
                    DetectResult &result) {
  ScopedPhase phase(result.times, std::string(signals::name(kSimilaritySignal)));
  const auto &c = config.similarity;
  auto similar =
      find_similar_accounts(comm, data, {c.top_n, c.max_target_accounts}, exchange_options(config));
  result.similar_pairs = similar.pairs;
  result.similarity = {similar.terms, similar.skipped_terms, similar.candidate_pairs};
  log::info("similarity: {} accounts with interactions, {} targets ({} with more than {} accounts "
            "skipped), {} pairs sharing a target, {} kept as top {} of either side",
            similar.accounts, similar.terms, similar.skipped_terms, c.max_target_accounts,
            similar.candidate_pairs,
            mpi::allreduce(comm, static_cast<std::uint64_t>(similar.pairs.size()), mpi::Op::sum),
            c.top_n);
}

// One edge from one pair's tested signals (any order, one per signal) and its behavioural
// similarity (or null); its `signals` span is left for the caller.
Edge fuse_pair(std::pair<std::uint64_t, std::uint64_t> pair,
               std::span<const EdgeSignal *const> signals, const SimilarPair *similarity) {
  Edge edge;
  edge.a = pair.first;
  edge.b = pair.second;
  if (similarity != nullptr) {
    edge.shared_targets = similarity->shared_terms;
    edge.cosine = similarity->cosine;
  }
  std::size_t timed_signals = 0;
  std::array<const EdgeSignal *, kLastSignal + 1> by_signal{};
  for (const auto *t : signals) {
    by_signal[t->signal] = t;
    ++timed_signals;
    if (t->signal != kFollowsSignal)
      edge.log10_p_beside_follows = std::min(edge.log10_p_beside_follows, t->log10_p);
    edge.weight += t->stats.keys;
    edge.coactions += t->stats.coactions;
    edge.log10_p = std::min(edge.log10_p, t->log10_p);
    edge.log10_p_unpriced = std::min(edge.log10_p_unpriced, t->log10_p + t->engagement_gain);
    edge.log10_p_popularity = std::min(edge.log10_p_popularity, t->log10_p_popularity);
  }
  // A window that contains another's on the same actions: their keys and co-actions count once,
  // as the larger.
  for (std::uint8_t s = 1; s <= kLastSignal; ++s) {
    const auto *outer = by_signal[s], *inner = by_signal[signals::nested(s)];
    if (outer != nullptr && inner != nullptr) { // by_signal[0] stays null
      edge.weight -= std::min(inner->stats.keys, outer->stats.keys);
      edge.coactions -= std::min(inner->stats.coactions, outer->stats.coactions);
    }
  }
  edge.timed = timed_signals > 0;
  // the smallest of the pair's per-signal p-values, times their number
  edge.log10_p = bonferroni_log10(edge.log10_p, std::max<std::size_t>(1, timed_signals));
  edge.log10_p_popularity =
      bonferroni_log10(edge.log10_p_popularity, std::max<std::size_t>(1, timed_signals));
  edge.log10_p_unpriced =
      bonferroni_log10(edge.log10_p_unpriced, std::max<std::size_t>(1, timed_signals));
  edge.log10_p_beside_follows =
      bonferroni_log10(edge.log10_p_beside_follows, std::max<std::size_t>(1, timed_signals));
  return edge;
}

// What the run's thresholds need of every candidate pair, fused: the first of fusion's two walks
// over the tested parts. No edge is held: the second walk (settle_edges_at_owners) fuses each
// pair again and keeps only those the thresholds flag.
struct CandidateSummary {
  // log10 p under each null, at most log10 alpha, of every edge (the Benjamini-Hochberg cuts
  // count these, flaggable or not).
  std::vector<double> small_p, small_p_popularity;
  std::uint64_t timed = 0; // candidate edges some co-action signal tied (tested)
  std::map<std::uint64_t, std::uint64_t> weights; // weight -> candidates, for min_weight_quantile
};

bool similar_enough(const SimilarityConfig &c, const Edge &edge) {
  return edge.cosine >= c.min_cosine && edge.shared_targets >= c.min_shared_targets;
}

// Fuses the tested parts at the pairs' homes (see CandidateSummary).
CandidateSummary summarize_candidates(const DetectConfig &config, const TestedParts &parts,
                                      std::span<const SimilarPair> similar) {
  const double log10_alpha = std::log10(config.alpha);
  CandidateSummary out;
  parts.for_each_pair(similar, [&](auto pair, auto signals, const SimilarPair *similarity) {
    const auto edge = fuse_pair(pair, signals, similarity);
    out.timed += edge.timed;
    if (config.min_weight_quantile > 0)
      ++out.weights[edge.weight];
    if (edge.log10_p <= log10_alpha)
      out.small_p.push_back(edge.log10_p);
    if (edge.log10_p_popularity <= log10_alpha)
      out.small_p_popularity.push_back(edge.log10_p_popularity);
  });
  return out;
}

// Sorts the tested pair-signals by account pair and makes one edge per pair over them and the
// similar pairs (sorted by (a, b)), each with its span of `tested` (one sorted part: a pair's
// signals lie side by side).
std::vector<Edge> fuse(std::vector<EdgeSignal> &tested, std::span<const SimilarPair> similar) {
  if (!std::is_sorted(tested.begin(), tested.end(), by_pair_and_signal))
    tbb::parallel_sort(tested.begin(), tested.end(), by_pair_and_signal);
  std::vector<PartCursor> cursor;
  cursor.emplace_back(std::span<const EdgeSignal>(tested));
  std::vector<Edge> edges;
  walk_pairs(cursor, similar, [&](auto pair, auto signals, const SimilarPair *similarity) {
    auto edge = fuse_pair(pair, signals, similarity);
    if (!signals.empty())
      edge.signals = std::span<const EdgeSignal>(signals.front(), signals.size());
    edges.push_back(edge);
  });
  return edges;
}

// The p-quantile of every candidate's weight, from each rank's counts per weight. Collective.
double weight_quantile(const mpi::Comm &comm, const std::map<std::uint64_t, std::uint64_t> &local,
                       double p) {
  std::vector<std::uint64_t> flat;
  for (const auto &[weight, count] : local) {
    flat.push_back(weight);
    flat.push_back(count);
  }
  const auto all = mpi::allgatherv(comm, flat);
  std::map<std::uint64_t, std::uint64_t> merged;
  for (std::size_t i = 0; i + 1 < all.size(); i += 2)
    merged[all[i]] += all[i + 1];
  return quantile_type7({merged.begin(), merged.end()}, p);
}

struct MarkedEdges {
  std::uint64_t significant = 0, provisional = 0, recruitable = 0;
};

// Sets edges' flags from the run's thresholds: similar, significant (an FDR-passing timed edge
// with weight >= min_keys, above the quantile if one is set, or a similar one), provisional (the
// same under the popularity null's p and cut, and not significant) and recruitable (under the
// audience null, neither, but with the same weight rules and a popularity p at most alpha). Called
// once per candidate pair, so alpha's logarithm is taken once.
class EdgeMarker {
public:
  EdgeMarker(const DetectConfig &config, const DetectResult &result)
      : config_(config), result_(result), log10_alpha_(std::log10(config.alpha)) {}

  void operator()(Edge &edge) const {
    edge.similar = similar_enough(config_.similarity, edge);
    const bool heavy = edge.timed && edge.weight >= config_.min_keys &&
                       (config_.min_weight_quantile <= 0 ||
                        static_cast<double>(edge.weight) > result_.weight_threshold);
    edge.passes_null = heavy && edge.log10_p <= result_.log10_p_threshold;
    edge.by_engagement = edge.passes_null && edge.log10_p_unpriced > result_.log10_p_threshold;
    // Follows alone make a tie that only its cluster can confirm (Edge::log10_p_beside_follows).
    edge.by_follows_alone = edge.passes_null && !edge.similar &&
                            edge.log10_p_beside_follows > result_.log10_p_threshold;
    edge.significant = (edge.passes_null && !edge.by_follows_alone) || edge.similar;
    edge.provisional =
        !edge.significant && heavy &&
        (edge.by_follows_alone || edge.log10_p_popularity <= result_.log10_p_popularity_threshold);
    edge.recruitable = config_.audience_null && !edge.significant && !edge.provisional && heavy &&
                       edge.log10_p_popularity <= log10_alpha_;
  }

private:
  const DetectConfig &config_;
  const DetectResult &result_; // its thresholds, read when an edge is marked
  double log10_alpha_;
};

void count_marks(const Edge &edge, MarkedEdges &marked) {
  marked.significant += edge.significant;
  marked.provisional += edge.provisional;
  marked.recruitable += edge.recruitable;
}

// An evidence item routed with its pair-signal (a TestedRecord), in the same order.
struct EvidenceRecord {
  std::uint64_t a = 0; // routes the item with its pair
  Evidence item;
};

// Pair-signals on their way to the owners of their a: fixed records and evidence items apart.
struct SignalsInTransit {
  std::vector<TestedRecord> records;
  std::vector<EvidenceRecord> items;

  void add(std::span<const EdgeSignal *const> signals) {
    for (const auto *s : signals) {
      records.push_back(record_of(*s));
      for (const auto &e : s->evidence)
        items.push_back({s->stats.a, e});
    }
  }
  double megabytes() const {
    return static_cast<double>(records.size() * sizeof(TestedRecord) +
                               items.size() * sizeof(EvidenceRecord)) /
           kBytesPerMegabyte;
  }

  // Moves them to the owners of a and returns them there whole, in the order they arrived (by
  // source rank, each source's in the order added). Collective.
  std::vector<EdgeSignal> deliver(const mpi::Comm &comm, const DetectConfig &config,
                                  const PartitionData &data) && {
    const auto exchange = exchange_options(config);
    const auto owner = [&](std::uint64_t a) { return partition::owner_of(data.account_begin, a); };
    records = mpi::route(
        comm, std::move(records), [&](const TestedRecord &r) { return owner(r.stats.a); },
        exchange);
    items = mpi::route(
        comm, std::move(items), [&](const EvidenceRecord &r) { return owner(r.a); }, exchange);
    std::vector<EdgeSignal> delivered;
    delivered.reserve(records.size());
    std::size_t next_item = 0; // both arrive by source rank, each source's in the order sent
    for (const auto &r : records) {
      auto s = signal_of(r);
      for (std::uint64_t k = 0; k < r.evidence; ++k)
        s.evidence.push_back(items[next_item++].item);
      delivered.push_back(std::move(s));
    }
    return delivered;
  }
};

// The recruitable edges' pair-signals at the pairs' homes, in parts of up to half the tested-pairs
// budget, spilled to scratch past the other half: fusion's second walk visits them in (a, b) order,
// so each part is sorted as it comes.
class RecruitableSignals {
public:
  RecruitableSignals(const MemoryPlan &memory, int rank)
      : parts_(std::make_shared<TestedParts>(memory.tested_bytes / 2, memory.scratch, rank,
                                             "recruitable")),
        part_bytes_(memory.tested_bytes / 2) {}
  void add(std::span<const EdgeSignal *const> signals) {
    for (const auto *s : signals) {
      pending_.push_back(*s);
      pending_bytes_ += sizeof(EdgeSignal) + s->evidence.size() * sizeof(Evidence);
    }
    if (pending_bytes_ >= part_bytes_)
      flush();
  }
  std::shared_ptr<TestedParts> finish() {
    flush();
    return std::move(parts_);
  }

private:
  void flush() {
    if (!pending_.empty())
      parts_->add(std::exchange(pending_, {}));
    pending_bytes_ = 0;
  }
  std::shared_ptr<TestedParts> parts_;
  std::size_t part_bytes_ = 0;
  std::vector<EdgeSignal> pending_;
  std::size_t pending_bytes_ = 0;
};

RecruitableEdge recruitable_edge(const Edge &edge) {
  return {edge.a, edge.b, edge.log10_p_popularity, edge.shared_targets, edge.cosine};
}

// Fusion's second walk: fuses every pair again at its home, marks it with the run's thresholds
// (counted in the returned totals), and moves the edges clustering and the outputs read (the
// significant and provisional ones; every candidate with keep_candidates) to the owner of a,
// where the writers and the clustering expect them (each rank's edges sorted by (a, b), ranks in
// account order). There they are fused again with their signals. The recruitable edges go to the
// owners as RecruitableEdge (40 bytes); their signals stay at home (RecruitableSignals) until
// recruit_edges asks for the few it recruits. The other candidates have been counted and tested;
// they are dropped with the parts. Collective.
MarkedEdges settle_edges_at_owners(const mpi::Comm &comm, const DetectConfig &config,
                                   const PartitionData &data, TestedParts &parts,
                                   DetectResult &result) {
  MarkedEdges marked;
  SignalsInTransit kept;
  std::vector<SimilarPair> similar;
  std::vector<RecruitableEdge> recruitable;
  RecruitableSignals waiting(result.memory, comm.rank());
  const EdgeMarker mark(config, result);
  parts.for_each_pair(result.similar_pairs,
                      [&](auto pair, auto signals, const SimilarPair *similarity) {
                        auto edge = fuse_pair(pair, signals, similarity);
                        mark(edge);
                        count_marks(edge, marked);
                        if (edge.recruitable)
                          recruitable.push_back(recruitable_edge(edge));
                        if (edge.recruitable && !config.keep_candidates) {
                          waiting.add(signals);
                        } else if (edge.significant || edge.provisional || config.keep_candidates) {
                          kept.add(signals);
                          if (similarity != nullptr)
                            similar.push_back(*similarity);
                        }
                      });
  parts = TestedParts();
  std::vector<SimilarPair>().swap(result.similar_pairs);
  result.recruitable_signals = waiting.finish();
  log::info("fusion: {} significant, {} provisional and {} recruitable edges on rank {}: {} "
            "pair-signals with {} evidence items ({:.0f} MB) move to their owners",
            marked.significant, marked.provisional, marked.recruitable, comm.rank(),
            kept.records.size(), kept.items.size(), kept.megabytes());
  const auto exchange = exchange_options(config);
  const auto owner = [&](std::uint64_t a) { return partition::owner_of(data.account_begin, a); };
  result.recruitable = mpi::route(
      comm, std::move(recruitable), [&](const RecruitableEdge &e) { return owner(e.a); }, exchange);
  std::sort(result.recruitable.begin(), result.recruitable.end(), by_pair);
  similar = mpi::route(
      comm, std::move(similar), [&](const SimilarPair &p) { return owner(p.a); }, exchange);
  std::sort(similar.begin(), similar.end(), by_pair);
  result.edge_signals = std::move(kept).deliver(comm, config, data);
  result.edges = fuse(result.edge_signals, similar);
  std::for_each(result.edges.begin(), result.edges.end(), mark);
  return marked;
}

// Points each edge (sorted by (a, b)) at its run of `signals` (sorted by pair and signal).
void point_at_signals(std::vector<Edge> &edges, const std::vector<EdgeSignal> &signals) {
  std::size_t at = 0;
  for (auto &edge : edges) {
    const auto pair = std::pair(edge.a, edge.b);
    while (at < signals.size() && std::pair(signals[at].stats.a, signals[at].stats.b) < pair)
      ++at;
    auto end = at;
    while (end < signals.size() && std::pair(signals[end].stats.a, signals[end].stats.b) == pair)
      ++end;
    edge.signals = std::span<const EdgeSignal>(signals.data() + at, end - at);
    at = end;
  }
}

// Recruited edges brought to the owner of a: the edges, pointing into their signals.
struct BroughtEdges {
  std::vector<EdgeSignal> signals;
  std::vector<Edge> edges;
};

// The recruitable edges of `passing` that are not in result.edges yet (all of them without
// keep_candidates), brought whole from their homes and fused at the owner of a. Collective.
BroughtEdges bring_recruited(const mpi::Comm &comm, const DetectConfig &config,
                             const PartitionData &data,
                             std::span<const std::pair<std::uint64_t, std::uint64_t>> passing,
                             const DetectResult &result) {
  SignalsInTransit moving;
  if (result.recruitable_signals) {
    result.recruitable_signals->for_each_pair({}, [&](auto pair, auto signals, const auto *) {
      if (std::binary_search(passing.begin(), passing.end(), pair, by_pair))
        moving.add(signals);
    });
  }
  BroughtEdges brought;
  brought.signals = std::move(moving).deliver(comm, config, data);
  std::vector<SimilarPair> similarity; // every brought pair's, its signals fused with it
  for (const auto &r : result.recruitable) {
    if (std::binary_search(passing.begin(), passing.end(), r, by_pair) &&
        !std::binary_search(result.edges.begin(), result.edges.end(), r, by_pair))
      similarity.push_back({r.a, r.b, r.shared_targets, r.cosine});
  }
  brought.edges = fuse(brought.signals, similarity);
  std::for_each(brought.edges.begin(), brought.edges.end(), EdgeMarker(config, result));
  return brought;
}

} // namespace

std::uint64_t recruit_edges(const mpi::Comm &comm, const DetectConfig &config,
                            const PartitionData &data,
                            std::span<const std::pair<std::uint64_t, std::uint64_t>> passing,
                            DetectResult &result) {
  auto brought = bring_recruited(comm, config, data, passing, result);
  if (!brought.edges.empty()) {
    std::vector<Edge> edges;
    edges.reserve(result.edges.size() + brought.edges.size());
    std::merge(result.edges.begin(), result.edges.end(), brought.edges.begin(), brought.edges.end(),
               std::back_inserter(edges), by_pair);
    std::vector<EdgeSignal> merged;
    merged.reserve(result.edge_signals.size() + brought.signals.size());
    std::merge(std::make_move_iterator(result.edge_signals.begin()),
               std::make_move_iterator(result.edge_signals.end()),
               std::make_move_iterator(brought.signals.begin()),
               std::make_move_iterator(brought.signals.end()), std::back_inserter(merged),
               by_pair_and_signal);
    point_at_signals(edges, merged);
    result.edges = std::move(edges);
    result.edge_signals = std::move(merged);
  }
  std::uint64_t recruited = 0;
  for (auto &edge : result.edges) {
    if (edge.recruitable && std::binary_search(passing.begin(), passing.end(), edge, by_pair)) {
      edge.recruitable = false;
      edge.provisional = edge.recruited = true;
      ++recruited;
    }
  }
  std::vector<RecruitableEdge>().swap(result.recruitable);
  result.recruitable_signals.reset();
  return recruited;
}

mpi::ExchangeOptions exchange_options(const DetectConfig &config) {
  return {config.exchange_megabytes << 20};
}

double quantile_type7(const std::vector<std::pair<std::uint64_t, std::uint64_t>> &histogram,
                      double p) {
  std::uint64_t n = 0;
  for (const auto &[weight, count] : histogram)
    n += count;
  if (n == 0)
    return 0;
  const double h = static_cast<double>(n - 1) * p;
  const auto lo = static_cast<std::uint64_t>(std::floor(h));
  const auto value_at = [&](std::uint64_t index) { // index-th smallest, 0-based
    for (const auto &[weight, count] : histogram) {
      if (index < count)
        return static_cast<double>(weight);
      index -= count;
    }
    return static_cast<double>(histogram.back().first);
  };
  const double x = value_at(lo);
  const double y = value_at(std::min(lo + 1, n - 1));
  return x + (h - static_cast<double>(lo)) * (y - x);
}

DetectResult detect(const mpi::Comm &comm, const DetectConfig &config, const PartitionData &data) {
  return detect(comm, config, data, Checkpoint(), unbounded_plan(config));
}

DetectResult detect(const mpi::Comm &comm, const DetectConfig &config, const PartitionData &data,
                    const Checkpoint &checkpoint, const MemoryPlan &memory) {
  DetectResult result;
  result.memory = memory;
  TestedParts tested(memory.tested_bytes, memory.scratch, comm.rank());
  {
    ScopedPhase phase(result.times, "features");
    const auto context =
        gather_feature_context(comm, data, config.automation_clients, exchange_options(config));
    result.features = compute_features(data, context);
  }
  run_signals(comm, config, data, checkpoint, result, tested);
  if (config.near_duplicate.enabled) {
    run_step(comm, checkpoint, std::string(signals::name(kNearDuplicateSignal)), result, tested,
             [&] { add_near_duplicates(comm, config, data, result, tested); });
  }
  const auto synchrony = config.signals.find(std::string(signals::name(kSynchronySignal)));
  if (synchrony != config.signals.end() && synchrony->second.enabled) {
    run_step(comm, checkpoint, synchrony->first, result, tested,
             [&] { add_synchrony(comm, config, data, result, tested); });
  }
  if (config.follows.enabled &&
      mpi::allreduce(comm, !data.follows.account.empty(), mpi::Op::logical_or)) {
    run_step(comm, checkpoint, std::string(signals::name(kFollowsSignal)), result, tested,
             [&] { add_follows(comm, config, data, result, tested); });
  }
  if (config.similarity.enabled) {
    run_step(comm, checkpoint, std::string(signals::name(kSimilaritySignal)), result, tested,
             [&] { add_similarity(comm, config, data, result); });
  }
  release_free_memory();
  ScopedPhase phase(result.times, "test and fuse");
  for (const auto &summary : result.signals)
    result.tests += summary.candidates;
  auto candidates = summarize_candidates(config, tested, result.similar_pairs);
  result.candidate_edges = mpi::allreduce(comm, candidates.timed, mpi::Op::sum);
  result.log10_p_threshold =
      fdr_threshold(comm, std::move(candidates.small_p), result.candidate_edges, config.alpha);
  result.log10_p_popularity_threshold = fdr_threshold(
      comm, std::move(candidates.small_p_popularity), result.candidate_edges, config.alpha);
  if (config.min_weight_quantile > 0)
    result.weight_threshold = weight_quantile(comm, candidates.weights, config.min_weight_quantile);
  result.spilled_parts = mpi::allreduce(comm, tested.spilled_parts(), mpi::Op::sum);
  result.spilled_bytes = mpi::allreduce(comm, tested.spilled_bytes(), mpi::Op::sum);
  const auto marked = settle_edges_at_owners(comm, config, data, tested, result);
  result.significant_edges = mpi::allreduce(comm, marked.significant, mpi::Op::sum);
  result.provisional_edges = mpi::allreduce(comm, marked.provisional, mpi::Op::sum);
  result.recruitable_edges = mpi::allreduce(comm, marked.recruitable, mpi::Op::sum);
  return result;
}

} // namespace lockstep::detect
