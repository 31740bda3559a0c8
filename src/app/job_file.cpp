// Reads and checks job files with toml++.
#include "app/job_file.hpp"

#include "common/error.hpp"
#include "signals/table.hpp"

#include <fmt/format.h>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

namespace lockstep::app {

namespace {

class JobReader {
public:
  explicit JobReader(std::string name) : name_(std::move(name)) {}

  [[noreturn]] void fail(const toml::node &node, const std::string &key,
                         const std::string &reason) const {
    throw UsageError(fmt::format("{}:{}: {}: {}", name_, node.source().begin.line, key, reason));
  }

  void only_keys(const toml::table &table, const std::string &prefix,
                 const std::set<std::string> &allowed) const {
    for (const auto &[key, node] : table) {
      if (!allowed.contains(std::string(key.str())))
        fail(node, prefix + std::string(key.str()), "unknown key");
    }
  }

  template <typename T>
  void number(const toml::table &table, const std::string &prefix, const char *key, T &out,
              double min, double max) const {
    const auto *node = table.get(key);
    if (node == nullptr)
      return;
    const auto name = prefix + key;
    double value = 0;
    if (const auto *i = node->as_integer())
      value = static_cast<double>(i->get());
    else if (const auto *f = node->as_floating_point(); f != nullptr && std::is_floating_point_v<T>)
      value = f->get();
    else
      fail(*node, name, std::is_floating_point_v<T> ? "expected a number" : "expected an integer");
    if (!(value >= min && value <= max))
      fail(*node, name, fmt::format("{} is outside [{}, {}]", value, min, max));
    out = static_cast<T>(value);
  }

  void boolean(const toml::table &table, const std::string &prefix, const char *key,
               bool &out) const {
    if (const auto *node = table.get(key)) {
      const auto *b = node->as_boolean();
      if (b == nullptr)
        fail(*node, prefix + key, "expected true or false");
      out = b->get();
    }
  }

  void strings(const toml::table &table, const std::string &prefix, const char *key,
               std::vector<std::string> &out) const {
    const auto *node = table.get(key);
    if (node == nullptr)
      return;
    const auto *array = node->as_array();
    if (array == nullptr)
      fail(*node, prefix + key, "expected an array of strings");
    out.clear();
    for (const auto &item : *array) {
      const auto *s = item.as_string();
      if (s == nullptr)
        fail(item, prefix + key, "expected an array of strings");
      out.push_back(s->get());
    }
  }

  void text(const toml::table &table, const std::string &prefix, const char *key,
            std::string &out) const {
    if (const auto *node = table.get(key)) {
      const auto *s = node->as_string();
      if (s == nullptr)
        fail(*node, prefix + key, "expected a string");
      out = s->get();
    }
  }

  void choice(const toml::table &table, const std::string &prefix, const char *key,
              std::string &out, const std::set<std::string> &allowed) const {
    const auto *node = table.get(key);
    if (node == nullptr)
      return;
    const auto *s = node->as_string();
    std::string names;
    for (const auto &a : allowed)
      names += (names.empty() ? "" : ", ") + a;
    if (s == nullptr || !allowed.contains(s->get()))
      fail(*node, prefix + key, "expected one of " + names);
    out = s->get();
  }

  const toml::table *section(const toml::table &root, const char *key) const {
    const auto *node = root.get(key);
    if (node == nullptr)
      return nullptr;
    if (!node->is_table())
      fail(*node, key, "expected a table");
    return node->as_table();
  }

private:
  std::string name_;
};

void apply_detect(const JobReader &job, const toml::table &t, DetectConfig &c) {
  const std::string p = "detect.";
  job.only_keys(t, p,
                {"alpha", "audience_null", "min_keys", "min_weight_quantile", "evidence_per_edge",
                 "keep_candidates", "csv_safe", "automation_clients", "exchange_megabytes"});
  job.number(t, p, "alpha", c.alpha, 1e-300, 1);
  job.boolean(t, p, "audience_null", c.audience_null);
  job.number(t, p, "min_keys", c.min_keys, 1, 1e12);
  job.number(t, p, "min_weight_quantile", c.min_weight_quantile, 0, 0.999999);
  job.number(t, p, "evidence_per_edge", c.evidence_per_edge, 0, 1000);
  job.boolean(t, p, "keep_candidates", c.keep_candidates);
  job.boolean(t, p, "csv_safe", c.csv_safe);
  job.strings(t, p, "automation_clients", c.automation_clients);
  job.number(t, p, "exchange_megabytes", c.exchange_megabytes, 1, 1 << 20);
}

void apply_signals(const JobReader &job, const toml::table &t, DetectConfig &c) {
  for (const auto &[key, node] : t) {
    const std::string name(key.str());
    const auto found = c.signals.find(name);
    if (found == c.signals.end()) {
      job.fail(
          node, "signals." + name,
          "unknown signal (retweet, retweet_slow, reply, quote, hashtag, url, domain, mention, "
          "text, object)");
    }
    if (!node.is_table())
      job.fail(node, "signals." + name, "expected a table");
    const auto &s = *node.as_table();
    const auto p = "signals." + name + ".";
    job.only_keys(s, p, {"enabled", "window_seconds", "hub_cap"});
    job.boolean(s, p, "enabled", found->second.enabled);
    job.number(s, p, "window_seconds", found->second.window_seconds, 0, 366.0 * 86400);
    job.number(s, p, "hub_cap", found->second.hub_cap, 1, 1e9);
  }
}

void apply_similarity(const JobReader &job, const toml::table &t, SimilarityConfig &c) {
  const std::string p = "similarity.";
  job.only_keys(t, p,
                {"enabled", "top_n", "min_cosine", "min_shared_targets", "max_target_accounts"});
  job.boolean(t, p, "enabled", c.enabled);
  job.number(t, p, "top_n", c.top_n, 1, 1e6);
  job.number(t, p, "min_cosine", c.min_cosine, 0, 1);
  job.number(t, p, "min_shared_targets", c.min_shared_targets, 1, 1e9);
  job.number(t, p, "max_target_accounts", c.max_target_accounts, 2, 1e9);
}

void apply_near_duplicate(const JobReader &job, const toml::table &t, NearDuplicateConfig &c) {
  const std::string p = "near_duplicate.";
  job.only_keys(t, p,
                {"enabled", "window_seconds", "hub_cap", "min_jaccard", "shingle", "word_ngram",
                 "char_ngram", "min_shingles", "bands", "rows", "bucket_cap", "prefilter"});
  job.boolean(t, p, "enabled", c.enabled);
  job.number(t, p, "window_seconds", c.window_seconds, 0, 366.0 * 86400);
  job.number(t, p, "hub_cap", c.hub_cap, 1, 1e9);
  job.number(t, p, "min_jaccard", c.min_jaccard, 0.01, 1);
  job.choice(t, p, "shingle", c.shingle, {"words", "chars"});
  job.number(t, p, "word_ngram", c.word_ngram, 1, 16);
  job.number(t, p, "char_ngram", c.char_ngram, 1, 64);
  job.number(t, p, "min_shingles", c.min_shingles, 1, 1e6);
  job.number(t, p, "bands", c.bands, 1, 1000);
  job.number(t, p, "rows", c.rows, 1, 64);
  job.number(t, p, "bucket_cap", c.bucket_cap, 1, 1e9);
  job.boolean(t, p, "prefilter", c.prefilter);
}

void apply_run(const JobReader &job, const toml::table &t, RunConfig &c) {
  const std::string p = "run.";
  job.only_keys(t, p,
                {"store", "out", "format", "tweets", "users", "actions", "snapshots", "columns",
                 "time_format", "label_column", "partitions", "memory_megabytes", "checkpoint"});
  job.text(t, p, "store", c.store_path);
  job.text(t, p, "out", c.out_dir);
  job.choice(t, p, "format", c.format, {"ioarchive", "actions", "jsonl"});
  job.strings(t, p, "tweets", c.tweets);
  job.strings(t, p, "users", c.users);
  job.strings(t, p, "actions", c.actions);
  job.strings(t, p, "snapshots", c.snapshots);
  job.text(t, p, "columns", c.columns);
  job.text(t, p, "time_format", c.time_format);
  job.text(t, p, "label_column", c.label_column);
  job.number(t, p, "partitions", c.partitions, 1, 1 << 20);
  job.number(t, p, "memory_megabytes", c.memory_megabytes, 0, 1e12);
  job.boolean(t, p, "checkpoint", c.checkpoint);
}

void apply_clusters(const JobReader &job, const toml::table &t, ClusterConfig &c) {
  const std::string p = "clusters.";
  job.only_keys(t, p,
                {"refine", "resolution", "beta", "seed", "min_size", "anchor_below", "top_keys"});
  job.boolean(t, p, "refine", c.refine);
  job.number(t, p, "resolution", c.resolution, 1e-6, 1e6);
  job.number(t, p, "beta", c.beta, 1e-6, 1e3);
  job.number(t, p, "seed", c.seed, 0, 9.007199254740992e15);
  job.number(t, p, "min_size", c.min_size, 2, 1e12);
  job.number(t, p, "anchor_below", c.anchor_below, 0, 1e12);
  job.number(t, p, "top_keys", c.top_keys, 0, 1000);
}

} // namespace

void apply_job_text(const std::string &text, const std::string &name, DetectConfig &config,
                    RunConfig *run) {
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error &error) {
    throw UsageError(
        fmt::format("{}:{}: {}", name, error.source().begin.line, error.description()));
  }
  const JobReader job(name);
  // The signals configured in a section of their own have a row without [signals.NAME] defaults.
  const std::string similarity_section(signals::name(signals::Id::similarity));
  const std::string near_duplicate_section(signals::name(signals::Id::near_duplicate));
  job.only_keys(
      root, "",
      {"run", "detect", "signals", similarity_section, near_duplicate_section, "clusters"});
  if (const auto *section = job.section(root, "run")) {
    RunConfig checked_only;
    apply_run(job, *section, run != nullptr ? *run : checked_only);
  }
  if (const auto *detect = job.section(root, "detect"))
    apply_detect(job, *detect, config);
  if (const auto *signals = job.section(root, "signals"))
    apply_signals(job, *signals, config);
  if (const auto *similarity = job.section(root, similarity_section.c_str()))
    apply_similarity(job, *similarity, config.similarity);
  if (const auto *near_duplicate = job.section(root, near_duplicate_section.c_str()))
    apply_near_duplicate(job, *near_duplicate, config.near_duplicate);
  if (const auto *clusters = job.section(root, "clusters"))
    apply_clusters(job, *clusters, config.clusters);
}

namespace {

std::string read_job_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw UsageError("cannot read job file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

void apply_job_file(const std::string &path, DetectConfig &config) {
  apply_job_text(read_job_file(path), path, config);
}

void apply_run_job_file(const std::string &path, RunConfig &run, DetectConfig &config) {
  apply_job_text(read_job_file(path), path, config, &run);
  if (run.store_path.empty())
    throw UsageError(path + ": [run] store is required for lockstep run");
  if (run.tweets.empty() && run.actions.empty())
    throw UsageError(path + ": [run] needs tweets or actions inputs");
}

} // namespace lockstep::app
