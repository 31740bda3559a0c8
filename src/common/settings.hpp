// The job-file settings of each configuration section, listed once. Job files are read
// (app/job_file.cpp), the effective job is written (describe_detect, which the run manifest
// records and analysis_fingerprint hashes) and tests check the lists against the structs, all
// from these functions: a setting listed here cannot be forgotten by any of them, and one left
// out fails tests/common/settings_test.cpp.
//
// Each visits every setting in its section's order as visit(key, member) or visit(key, member,
// rule), with rule a Range for numbers and a Choice for strings from a fixed set. C is the
// section's struct, const or not.
#pragma once

#include "common/config.hpp"

#include <span>

namespace lockstep::settings {

struct Range {
  double min = 0, max = 0;
};
struct Choice {
  std::span<const char *const> allowed;
};

inline constexpr double kMaxWindowSeconds = 366.0 * 86400;
inline constexpr const char *kShingles[] = {"words", "chars"};
inline constexpr const char *kRunFormats[] = {"ioarchive", "actions", "jsonl"};
inline constexpr const char *kColumnCompressions[] = {"none", "deflate"};

// [detect]
template <typename C, typename Visit>
void visit_detect(C &c, Visit &&visit) {
  visit("alpha", c.alpha, Range{1e-300, 1});
  visit("audience_null", c.audience_null);
  visit("min_keys", c.min_keys, Range{1, 1e12});
  visit("min_weight_quantile", c.min_weight_quantile, Range{0, 0.999999});
  visit("evidence_per_edge", c.evidence_per_edge, Range{0, 1000});
  visit("keep_candidates", c.keep_candidates);
  visit("csv_safe", c.csv_safe);
  visit("gexf_max_edges", c.gexf_max_edges, Range{0, 1e12});
  visit("results_compression", c.results_compression, Choice{kColumnCompressions});
  visit("exchange_megabytes", c.exchange_megabytes, Range{1, 1 << 20});
  visit("automation_clients", c.automation_clients);
}
// DetectConfig's members that are not [detect] keys: the command line's (store, job, out,
// checkpoint, memory_megabytes, scratch: where and how a run goes, not what it finds) and the
// sections of their own (signals, similarity, near_duplicate, follows, clusters).
inline constexpr std::size_t kDetectMembersOutsideSection = 11;

// [signals.NAME]
template <typename C, typename Visit>
void visit_signal(C &c, Visit &&visit) {
  visit("enabled", c.enabled);
  visit("window_seconds", c.window_seconds, Range{0, kMaxWindowSeconds});
  visit("hub_cap", c.hub_cap, Range{1, 1e9});
}

// [similarity]
template <typename C, typename Visit>
void visit_similarity(C &c, Visit &&visit) {
  visit("enabled", c.enabled);
  visit("top_n", c.top_n, Range{1, 1e6});
  visit("min_cosine", c.min_cosine, Range{0, 1});
  visit("min_shared_targets", c.min_shared_targets, Range{1, 1e9});
  visit("max_target_accounts", c.max_target_accounts, Range{2, 1e9});
}

// [follows]
template <typename C, typename Visit>
void visit_follows(C &c, Visit &&visit) {
  visit("enabled", c.enabled);
  visit("max_followers", c.max_followers, Range{2, 1e9});
  visit("min_shared", c.min_shared, Range{1, 1e9});
  visit("min_overlap", c.min_overlap, Range{0, 1});
  visit("min_network_density", c.min_network_density, Range{0, 1});
}

// [near_duplicate]
template <typename C, typename Visit>
void visit_near_duplicate(C &c, Visit &&visit) {
  visit("enabled", c.enabled);
  visit("window_seconds", c.window_seconds, Range{0, kMaxWindowSeconds});
  visit("hub_cap", c.hub_cap, Range{1, 1e9});
  visit("min_jaccard", c.min_jaccard, Range{0.01, 1});
  visit("shingle", c.shingle, Choice{kShingles});
  visit("word_ngram", c.word_ngram, Range{1, 16});
  visit("char_ngram", c.char_ngram, Range{1, 64});
  visit("min_shingles", c.min_shingles, Range{1, 1e6});
  visit("bands", c.bands, Range{1, 1000});
  visit("rows", c.rows, Range{1, 64});
  visit("bucket_cap", c.bucket_cap, Range{1, 1e9});
  visit("prefilter", c.prefilter);
}

// [clusters]
template <typename C, typename Visit>
void visit_clusters(C &c, Visit &&visit) {
  visit("refine", c.refine);
  visit("resolution", c.resolution, Range{1e-6, 1e6});
  visit("beta", c.beta, Range{1e-6, 1e3});
  visit("seed", c.seed, Range{0, 9.007199254740992e15});
  visit("min_size", c.min_size, Range{2, 1e12});
  visit("anchor_below", c.anchor_below, Range{0, 1e12});
  visit("top_keys", c.top_keys, Range{0, 1000});
}

// [run]
template <typename C, typename Visit>
void visit_run(C &c, Visit &&visit) {
  visit("store", c.store_path);
  visit("out", c.out_dir);
  visit("format", c.format, Choice{kRunFormats});
  visit("tweets", c.tweets);
  visit("users", c.users);
  visit("actions", c.actions);
  visit("snapshots", c.snapshots);
  visit("follows", c.follows);
  visit("follow_columns", c.follow_columns);
  visit("columns", c.columns);
  visit("action_columns", c.action_columns);
  visit("time_format", c.time_format);
  visit("label_column", c.label_column);
  visit("partitions", c.partitions, Range{1, 1 << 20});
  visit("store_compression", c.store_compression, Choice{kColumnCompressions});
  visit("memory_megabytes", c.memory_megabytes, Range{0, 1e12});
  visit("scratch", c.scratch);
  visit("checkpoint", c.checkpoint);
}
// RunConfig's members that are not [run] keys: job_path, previous_dir and phase (command line).
inline constexpr std::size_t kRunMembersOutsideSection = 3;

} // namespace lockstep::settings
