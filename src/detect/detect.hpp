// `lockstep detect`, the computation: features per account, every enabled co-action signal through
// the engine, the null-model test per pair and signal, and the fused coordination graph. Writing
// the results is src/report's job.
#pragma once

#include "common/config.hpp"
#include "common/phase_times.hpp"
#include "detect/coaction.hpp"
#include "detect/features.hpp"
#include "detect/memory_plan.hpp"
#include "detect/partition_data.hpp"
#include "detect/similarity.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/comm.hpp"
#include "signals/table.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace lockstep::detect {

// One signal's evidence about one pair, with its test.
struct EdgeSignal {
  std::uint8_t signal = 0; // store::schema::Signal
  // How far the engagement null (detect/engagement.hpp) lowered log10_p: log10_p +
  // engagement_gain is the audience null's p without it. 0 for pairs it did not price.
  float engagement_gain = 0;
  PairSignal stats;
  double expected = 0; // co-actions expected under the null model
  double log10_p = 0;  // log10 P(X >= observed) under the null model, unadjusted
  // The same under the popularity null: equal to log10_p where the audience null is off or the
  // signal's keys have no author, and never above it.
  double log10_p_popularity = 0;
  // The co-actions closest in time (at most evidence_per_edge), kept when log10_p_popularity
  // passes alpha: only such a signal can make an edge significant or provisional.
  std::vector<Evidence> evidence;
};

// A candidate pair: every signal that tied the two accounts, fused.
struct Edge {
  std::uint64_t a = 0, b = 0;          // dense account ids, a < b
  std::span<const EdgeSignal> signals; // in DetectResult::edge_signals, by signal number (the
                                       // co-action signals; similarity is shared_targets, cosine)
  std::uint64_t weight = 0;    // distinct keys co-acted on, summed over signals (nested once)
  std::uint64_t coactions = 0; // co-action pairs, summed over signals (nested windows once)
  double log10_p = 0;          // smallest per-signal p times the number of signals (Bonferroni)
  bool timed = false;          // some co-action signal tied the pair (it was tested)
  std::uint64_t shared_targets = 0; // behavioural similarity: (kind, target) terms in common
  double cosine = 0;                // and the TF-IDF cosine (0 when not among either's top N)
  bool similar = false;             // cosine and shared targets pass the job's thresholds
  bool passes_null = false; // passes the FDR cut with weight >= min_keys (and above the quantile)
  // passes_null or similar; after clustering, also a provisional edge inside a cluster that
  // cluster::keep_networks kept
  bool significant = false;
  double log10_p_popularity = 0; // log10_p under the popularity null
  double log10_p_unpriced = 0;   // log10_p without the engagement null's pricing
  // log10_p of the pair's other signals than follows (0 when follows is its only one): a pair that
  // passes by follows alone is only provisional (detect/follows.hpp's null knows no communities;
  // its cluster must confirm it)
  double log10_p_beside_follows = 0;
  // passes_null, but would not without the engagement null: two accounts in one audience that
  // chose the same posts, or acted at the same moments, beyond their own habits
  bool by_engagement = false;
  // Not significant by itself, but would be under the popularity null (its FDR cut, the same
  // weight rules): its co-actions are on posts whose authors' audiences explain them. Clustering
  // uses it as a tie that only a cluster's own evidence (creation cohort, automation, principal's
  // audience) can confirm.
  bool provisional = false;
  // Neither, but its popularity p is at most alpha (with the same weight rules, under the audience
  // null): kept for clustering's recruitment, which tests such edges inside the audience of a
  // principal whose cluster was kept by that audience (cluster/recruit.hpp). In no output unless
  // recruitment makes it provisional and its cluster confirms it; in DetectResult::edges only with
  // keep_candidates (DetectResult::recruitable holds them all).
  bool recruitable = false;
  bool recruited = false; // made provisional by that recruitment
  // provisional because it passes by follows alone (log10_p_beside_follows)
  bool by_follows_alone = false;
};

struct SignalSummary {
  std::uint8_t signal = 0;
  std::string name;
  WindowRule rule;
  ScanTotals totals;
  std::int64_t bin_ms = 0;             // the null model's time bin
  std::uint64_t candidates = 0;        // pairs with at least min_coactions co-actions (all ranks)
  std::uint64_t sparse_pairs = 0;      // pairs with fewer, dropped (signals::Signal::min_coactions)
  std::uint64_t pair_rounds = 1;       // rounds the co-action records went through
  std::uint64_t engagement_priced = 0; // pairs the engagement null priced (all ranks)
  double seconds = 0;                  // on rank 0: engine and null model
  double peak_rss_mb = 0;              // the largest resident memory of any rank so far
};

// What behavioural similarity found (over all ranks): targets (kind, target) counted, those left
// out for more than max_target_accounts accounts, and account pairs sharing a target.
struct SimilaritySummary {
  std::uint64_t terms = 0, skipped_terms = 0, pairs = 0;
};

// What near-duplicate detection found among the texts (over all ranks).
struct NearDuplicateSummary {
  std::uint64_t texts = 0;       // distinct texts shingled (per rank holding them)
  std::uint64_t short_texts = 0; // left out: fewer than min_shingles
  std::uint64_t band_rounds = 0; // rounds the LSH bands went through (bounded memory)
  std::uint64_t candidates = 0;  // distinct text pairs sharing an LSH bucket, per round
  std::uint64_t verified = 0;    // of those, Jaccard >= min_jaccard
  std::uint64_t families = 0;    // connected components of verified pairs
  std::uint64_t capped_buckets = 0, capped_pairs = 0;
  std::uint64_t prefiltered_pairs = 0; // bucket pairs the sketch prefilter skipped
};

// A recruitable edge (Edge::recruitable) as recruitment reads it, at the owner of a: which pair,
// its popularity p, and its behavioural similarity (for the edge it becomes if recruited).
struct RecruitableEdge {
  std::uint64_t a = 0, b = 0;
  double log10_p_popularity = 0;
  std::uint64_t shared_targets = 0;
  double cosine = 0;
};

class TestedParts;

// Move-only: the edges' signal spans point into edge_signals.
struct DetectResult {
  DetectResult() = default;
  DetectResult(DetectResult &&) = default;
  DetectResult &operator=(DetectResult &&) = default;
  DetectResult(const DetectResult &) = delete;
  DetectResult &operator=(const DetectResult &) = delete;

  std::vector<FeatureRow> features; // this rank's accounts
  // The edges clustering and the outputs read, at the owner of a and sorted by (a, b): the
  // significant and provisional ones (and those recruitment recruits), or every candidate with
  // keep_candidates (the others are counted in tests and candidate_edges).
  std::vector<Edge> edges;
  std::vector<EdgeSignal> edge_signals; // those edges' tested signals, by (a, b, signal)
  // The recruitable edges at the owner of a, sorted by (a, b), for recruitment
  // (cluster/recruit.hpp). Without keep_candidates they are not in `edges`: their signals and
  // evidence wait at the pairs' homes in recruitable_signals (spilled to scratch past the
  // tested-pairs budget) until recruit_edges brings those recruited, a few in a million.
  std::vector<RecruitableEdge> recruitable;
  std::shared_ptr<TestedParts> recruitable_signals;
  std::vector<SignalSummary> signals;
  std::uint64_t tests = 0; // pair-signal tests over all signals
  SimilaritySummary similarity;
  NearDuplicateSummary near_duplicate;
  // This rank's posts whose text is in a near-duplicate family of several texts (key: the family,
  // a template), for the clusters' top templates.
  std::vector<Action> family_posts;
  // Behavioural similarity's kept pairs at their homes (pair_home), sorted by (a, b), until the
  // edges settle at their owners with their shared targets and cosines.
  std::vector<SimilarPair> similar_pairs;
  double log10_p_threshold = 0;            // the Benjamini-Hochberg cut on edge p-values at alpha
  double log10_p_popularity_threshold = 0; // the same cut on the popularity null's p-values
  std::uint64_t candidate_edges = 0;
  std::uint64_t significant_edges = 0; // all ranks; clustering adds the provisional it confirms
  std::uint64_t provisional_edges = 0; // before clustering confirms some (all ranks)
  std::uint64_t recruitable_edges = 0; // kept for clustering's recruitment (all ranks)
  double weight_threshold = 0;         // the min_weight_quantile of candidate weights (0 when off)
  MemoryPlan memory;                   // the plan it ran under
  std::uint64_t spilled_parts = 0;     // tested parts written to scratch (all ranks)
  std::uint64_t spilled_bytes = 0;     // and their bytes (all ranks)
  PhaseTimes times;
};

class Checkpoint;

// Runs the computation on this rank's partitions under `memory` (plan_memory), resuming from and
// saving to `checkpoint` when it is enabled, and stopping after a step when a stop signal arrived
// (mpi/interrupt.hpp). Collective.
DetectResult detect(const mpi::Comm &comm, const DetectConfig &config, const PartitionData &data,
                    const Checkpoint &checkpoint, const MemoryPlan &memory);
// The same without checkpoints and without a bound (unbounded_plan).
DetectResult detect(const mpi::Comm &comm, const DetectConfig &config, const PartitionData &data);

// Recruitment's end (cluster/recruit.hpp): the recruitable edges among `passing` (every rank's
// pairs, sorted) become provisional and recruited edges in result.edges, at the owner of a, with
// their signals and evidence brought from the pairs' homes. Then drops what recruitment read
// (result.recruitable, recruitable_signals). Returns how many edges this rank recruited.
// Collective.
std::uint64_t recruit_edges(const mpi::Comm &comm, const DetectConfig &config,
                            const PartitionData &data,
                            std::span<const std::pair<std::uint64_t, std::uint64_t>> passing,
                            DetectResult &result);

// The job's budget for one exchange round (exchange_megabytes per rank).
mpi::ExchangeOptions exchange_options(const DetectConfig &config);

// The derived signals' numbers (signals/table.hpp). Behavioural similarity and near-duplicate
// text are fused like signals; retweet_slow is the store's retweets again in a longer window that
// contains the retweet signal's (and with equal hub caps, its co-actions contain retweet's), so an
// edge counts the keys and co-actions of the two once, as the larger (see fuse in detect.cpp).
inline constexpr std::uint8_t kSimilaritySignal = std::uint8_t(signals::Id::similarity);
inline constexpr std::uint8_t kNearDuplicateSignal = std::uint8_t(signals::Id::near_duplicate);
inline constexpr std::uint8_t kSlowRetweetSignal = std::uint8_t(signals::Id::retweet_slow);
inline constexpr std::uint8_t kSynchronySignal = std::uint8_t(signals::Id::synchrony);
inline constexpr std::uint8_t kFollowsSignal = std::uint8_t(signals::Id::follows);
inline constexpr std::uint8_t kLastSignal = signals::kLast;

// R's type-7 quantile of integer weights given as (weight, count), sorted by weight.
double quantile_type7(const std::vector<std::pair<std::uint64_t, std::uint64_t>> &histogram,
                      double p);

} // namespace lockstep::detect
