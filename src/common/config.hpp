// The one configuration tree. Command-line options and job files write into it; the effective
// values are printed at start and recorded with the results.
#pragma once

#include "signals/table.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lockstep {

struct GeneralConfig {
  std::string log_level = "info"; // trace, debug, info, warn, error, off
  bool log_all_ranks = false;     // let every rank print progress, not only rank 0
  int threads = 0;                // oneTBB worker threads per rank; 0 = all available
};

// `lockstep check-env`: checks that MPI and parallel HDF5 work where the job will run.
struct CheckEnvConfig {
  std::string dir = ".";        // where the probe HDF5 file is written (the job's file system)
  std::uint64_t megabytes = 64; // total size of the probe file
  bool keep_file = false;       // keep the probe file for inspection
};

// `lockstep generate`: a synthetic takedown dataset with planted campaigns and ground truth.
struct GenerateConfig {
  std::string out_dir;
  std::uint64_t accounts = 10000;        // all accounts, organic and campaign
  int days = 14;                         // length of the observed period
  std::string start_date = "2020-01-06"; // first day (UTC); a Monday by default
  std::uint64_t seed = 1;
  int campaigns = 6;                // planted campaigns; styles cycle through the six kinds
  int campaign_size = 40;           // accounts per campaign (sleeper cells use at most 8)
  int parts = 1;                    // numbered tweet part files; ranks write parts in parallel
  std::string format = "ioarchive"; // "ioarchive" (tweets+users CSV) or "actions"
  double hashed_share = 0.5;        // share of accounts with hashed (SHA-256-like) userids
  bool hostile = false; // hostile strings in every string field (synth/hostile.hpp), same structure
  bool follows = false; // also follows.csv: who follows whom (synth/follows.cpp)
};

// `lockstep evaluate`: scores a results folder against a generator's truth file.
struct EvaluateConfig {
  std::string truth_file;
  std::string results_dir;
  bool json = false;
};

// `lockstep ingest`: input files into one partitioned store.
struct IngestConfig {
  std::string store_path;
  std::vector<std::string> tweets, users, actions; // input files (plain, .gz or .zst)
  std::vector<std::string> snapshots;              // optional follower snapshots
  // Optional follow lists: edge list CSVs, or twarc2 following/followers JSON lines (told apart by
  // their first byte)
  std::vector<std::string> follows;
  std::string follow_columns;       // NAME=COLUMN,...: the edge lists' header names
  std::string format = "ioarchive"; // "ioarchive" or "actions"
  std::string columns; // NAME=COLUMN,...: the action table's or the tweets files' header names
  // With --format ioarchive: the header names of an action table of media joined to the tweets
  // (content_id=COL,account_id=COL,timestamp=COL,media=COL)
  std::string action_columns;
  std::string time_format;       // tweet_time's format in another layout (%m/%d/%Y %H:%M)
  std::string label_column;      // a tweets or users column of account labels, kept in the store
  std::uint32_t partitions = 64; // fixed at ingest; any rank count reads them
  bool append = false;           // add the inputs to an existing store
  std::string rejects_path;      // default: STORE without .h5 + "-rejects.csv"
  // Input cut into records and parsed per rank and round. 16 MB rather than 32: the memory bound
  // sets four blocks aside, so QUT's input under --memory-mb 200 took 4 passes instead of 12
  // (1.95 against 2.92 s; README, "Where the time goes"); one pass costs the same CPU time.
  std::uint64_t block_megabytes = 16;
  // The store's columns: "none" (as they are) or "deflate" (about 3 times smaller, about 4 times
  // slower to write and to read; README, "Where the time goes")
  std::string store_compression = "none";
  // Rows held per rank; 0 = Slurm's allocation, or half the node's memory shared by its ranks
  // (common/memory.hpp). Larger inputs go through in several passes.
  std::uint64_t memory_megabytes = 0;
  // Posts whose /posts columns are gathered and appended at a time (half a column's chunk): only
  // tests change it, to write many stages from few rows.
  std::uint64_t post_stage_rows = 1 << 15;
};

// `lockstep validate`: checks a store against the schema.
struct ValidateConfig {
  std::string store_path;
  bool digest = false; // also print a content digest per table
};

// One co-action signal of `lockstep detect` (signals/table.hpp): two accounts co-act when they
// act on the same key (retweeted post, hashtag, URL, ...) at most window_seconds apart.
using SignalConfig = signals::Settings;

// Behavioural similarity (Pacheco et al. 2021): TF-IDF cosine of whom accounts retweet, reply
// to and mention over the whole period.
struct SimilarityConfig {
  bool enabled = true;
  std::uint32_t top_n = 10;                // partners kept per account
  double min_cosine = 0.95;                // an edge needs at least this cosine
  std::uint64_t min_shared_targets = 20;   // and this many (kind, target) terms in common
  std::uint64_t max_target_accounts = 100; // terms of more accounts are skipped (and counted)
};

// Follow similarity (detect/follows.hpp): accounts that follow the same accounts, rare ones
// weighing most, tested against a null model that keeps every account's number of follows and
// every followed account's popularity.
struct FollowsConfig {
  bool enabled = true;
  std::uint64_t max_followers = 500; // followed accounts with more followers pair no one
  std::uint64_t min_shared = 2;      // pairs need this many shared followed accounts
  // and a shared weight of at least this share of the lighter of their two follow lists
  double min_overlap = 0.2;
  // A cluster whose edges are mostly ties by follows alone needs at least clusters.anchor_below
  // members and this share of its member pairs tied (else it keeps what its other edges hold):
  // organic communities leave small or sparse clusters of their tails.
  double min_network_density = 0.5;
};

// Near-duplicate text (MinHash + LSH): posts of two accounts whose shingle sets have Jaccard
// similarity >= min_jaccard, at most window_seconds apart. Exact copies count too.
struct NearDuplicateConfig {
  bool enabled = true;
  double window_seconds = 3600;
  std::uint32_t hub_cap = 20;     // partners looked at per post inside one window
  double min_jaccard = 0.6;       // verified exactly on the shingle sets
  std::string shingle = "words";  // "words" (n-grams of words; unspaced scripts by character)
                                  // or "chars" (character n-grams throughout)
  std::uint32_t word_ngram = 1;   // words per shingle
  std::uint32_t char_ngram = 2;   // characters per shingle
  std::uint32_t min_shingles = 4; // shorter texts are left to the exact text signal
  std::uint32_t bands = 40;       // LSH bands of `rows` minimums each
  std::uint32_t rows = 5;
  std::uint32_t bucket_cap = 100; // texts paired with each text inside one LSH bucket
  bool prefilter = true;          // skip pairs whose b-bit MinHash sketches rule them out
};

// Clusters: connected components of the significant edges, refined with Leiden.
struct ClusterConfig {
  bool refine = true;         // Leiden inside each component of at least 3 accounts
  double resolution = 0.05;   // constant Potts resolution, relative to the component density
  double beta = 0.01;         // Leiden's randomness in the refinement step
  std::uint64_t seed = 1;     // combined with each component's smallest account id
  std::uint64_t min_size = 2; // smaller communities are not reported as clusters
  // A community of fewer accounts than this is a cluster only when one of its edges also passes
  // Bonferroni at alpha (family-wise), not only the false discovery rate: the FDR's false
  // discoveries, and fans of one celebrity, land on small tree-like communities. 0 = off.
  std::uint64_t anchor_below = 8;
  std::uint32_t top_keys = 5; // per signal and cluster in clusters.csv
};

// `lockstep detect`: account features and the coordination graph (jobs/default.toml lists every
// key with its default).
struct DetectConfig {
  std::string store_path;
  std::string job_path;
  std::string out_dir;
  // Save each finished step in OUT_DIR/checkpoint so that a stopped run (SIGUSR1 or SIGTERM, as
  // Slurm's --signal sends) resumes after it; the folder goes once the results are written.
  bool checkpoint = false;
  // Memory per rank (MB); 0: Slurm's allocation, or half the node's memory over its ranks
  // (common/memory.hpp). Results do not depend on it: past it, tested pairs wait in `scratch`.
  std::uint64_t memory_megabytes = 0;
  std::string scratch; // spill folder; empty: $TMPDIR, else /tmp
  // retweet, reply, quote, hashtag, url, domain, mention, text, object (store signal order), and
  // retweet_slow (the store's retweets in a longer window)
  std::map<std::string, SignalConfig> signals = default_signals();
  SimilarityConfig similarity;
  NearDuplicateConfig near_duplicate;
  FollowsConfig follows;
  ClusterConfig clusters;
  double alpha = 0.01; // false discovery rate of the edge test (Benjamini-Hochberg)
  // Author-keyed signals (retweet, retweet_slow, reply, quote) test pairs against the audience
  // null (detect/significance.hpp: log10_audience_tail), priced by each pair's own engagement
  // with the authors (detect/engagement.hpp); off: the popularity null alone.
  bool audience_null = true;
  std::uint64_t min_keys = 2;     // distinct co-acted keys, all signals together, for an edge
  double min_weight_quantile = 0; // also require weight > this quantile of candidates (CooRTweet)
  std::uint32_t evidence_per_edge = 5;
  bool keep_candidates = false; // every candidate pair in results.h5, significant or not
  // Text cells of the CSV results that a spreadsheet would read as formulas (=, +, -, @, tab, CR
  // first) get a leading ' (csv::TextCells::spreadsheet_safe); off keeps them exact.
  bool csv_safe = false;
  // coordination.gexf only up to this many significant edges (Gephi opens about 10^5; a larger
  // file is hundreds of MB that nothing reads); 0: always. edges.csv and results.h5 hold them all.
  std::uint64_t gexf_max_edges = 100'000;
  // results.h5's columns: "none" (as they are) or "deflate" (about 9 times smaller for the
  // per-account tables, and 0.1 s more CPU time per 10^5 accounts; README, "Where the time goes")
  std::string results_compression = "none";
  std::vector<std::string> automation_clients = default_automation_clients(); // by name
  std::uint64_t exchange_megabytes = 256; // bytes per rank and exchange round

  static std::map<std::string, SignalConfig> default_signals();
  // Clients that post by program (matched case-insensitively, whole name).
  static std::vector<std::string> default_automation_clients();
};

// `lockstep run JOB.toml`: the whole pipeline, from the job file's [run] section and its detect
// sections: ingest when the store is missing or older than its inputs, detect when the results
// are missing or stale, and a comparison with a previous run's results.
struct RunConfig {
  std::string job_path;
  std::string store_path;    // [run] store
  std::string out_dir;       // [run] out, or --out
  std::string previous_dir;  // --previous: compare with (and skip when nothing changed since)
  std::string phase = "all"; // --phase: all, ingest (only) or detect (only, the store must exist)
  std::string format = "ioarchive";
  std::vector<std::string> tweets, users, actions, snapshots, follows; // glob patterns
  std::string follow_columns; // header names of the follows edge lists
  std::string columns;        // header names of the action table or another tweets layout
  std::string action_columns; // with format ioarchive: the media tables' (actions) header names
  std::string time_format;    // tweet_time's format in another layout
  std::string label_column;   // account labels (a release's account category)
  std::uint32_t partitions = 64;
  std::string store_compression = "none"; // see IngestConfig
  std::uint64_t memory_megabytes = 0;     // per rank, for ingest and detect (0: see memory_bound)
  std::string scratch;                    // detect's spill folder (DetectConfig::scratch)
  bool checkpoint = true; // detect saves each finished step (see DetectConfig::checkpoint)
};

// `lockstep report RESULTS_DIR`: the HTML report.
struct ReportConfig {
  std::string results_dir;
  std::uint64_t detailed_clusters = 50;     // clusters with charts; the rest are table rows
  std::uint64_t accounts_per_cluster = 200; // members listed (and drawn) per cluster
};

struct Config {
  GeneralConfig general;
  IngestConfig ingest;
  ValidateConfig validate;
  CheckEnvConfig check_env;
  GenerateConfig generate;
  EvaluateConfig evaluate;
  DetectConfig detect;
  RunConfig run;
  ReportConfig report;
};

// A readable multi-line listing of every value, for the log and the run manifest.
std::string describe(const Config &config);
std::string describe_detect(const DetectConfig &detect);
// 16 hex digits that change exactly when the analysis would: every detect setting and the store
// path, but not where the results go, the job file's name or checkpointing.
std::string analysis_fingerprint(const DetectConfig &detect);

} // namespace lockstep
