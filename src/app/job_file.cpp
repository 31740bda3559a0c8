// Reads and checks job files with toml++.
#include "app/job_file.hpp"

#include "common/error.hpp"
#include "common/settings.hpp"
#include "signals/table.hpp"

#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>
#include <vector>

namespace lockstep::app {

namespace fs = std::filesystem;

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

  void choice_of(const toml::table &table, const std::string &prefix, const char *key,
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

  // One setting by its member's type (settings.hpp's visit).
  void read(const toml::table &t, const std::string &p, const char *key, bool &out) const {
    boolean(t, p, key, out);
  }
  template <typename T>
  void read(const toml::table &t, const std::string &p, const char *key, T &out,
            settings::Range range) const {
    number(t, p, key, out, range.min, range.max);
  }
  void read(const toml::table &t, const std::string &p, const char *key, std::string &out) const {
    text(t, p, key, out);
  }
  void read(const toml::table &t, const std::string &p, const char *key, std::string &out,
            settings::Choice choice) const {
    choice_of(t, p, key, out, std::set<std::string>(choice.allowed.begin(), choice.allowed.end()));
  }
  void read(const toml::table &t, const std::string &p, const char *key,
            std::vector<std::string> &out) const {
    strings(t, p, key, out);
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

// Reads one section's settings (settings.hpp lists them with `visit_all`), after checking that
// the table holds no other key.
template <typename Section, typename VisitAll>
void apply_settings(const JobReader &job, const toml::table &t, const std::string &prefix,
                    Section &c, VisitAll visit_all) {
  std::set<std::string> keys;
  visit_all(c, [&](const char *key, auto &, auto...) { keys.insert(key); });
  job.only_keys(t, prefix, keys);
  visit_all(c, [&](const char *key, auto &member, auto... rule) {
    job.read(t, prefix, key, member, rule...);
  });
}

void apply_signals(const JobReader &job, const toml::table &t, DetectConfig &c) {
  std::string known; // the signal table's [signals.NAME] sections, in its order
  for (const auto &s : signals::all()) {
    if (s.defaults)
      known += (known.empty() ? "" : ", ") + std::string(s.name);
  }
  for (const auto &[key, node] : t) {
    const std::string name(key.str());
    const auto found = c.signals.find(name);
    if (found == c.signals.end())
      job.fail(node, "signals." + name, "unknown signal (" + known + ")");
    if (!node.is_table())
      job.fail(node, "signals." + name, "expected a table");
    apply_settings(job, *node.as_table(), "signals." + name + ".", found->second,
                   [](auto &s, auto &&visit) { settings::visit_signal(s, visit); });
  }
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
  const std::string follows_section(signals::name(signals::Id::follows));
  job.only_keys(root, "",
                {"run", "detect", "signals", similarity_section, near_duplicate_section,
                 follows_section, "clusters"});
  if (const auto *section = job.section(root, "run")) {
    RunConfig checked_only;
    apply_settings(job, *section, "run.", run != nullptr ? *run : checked_only,
                   [](auto &c, auto &&visit) { settings::visit_run(c, visit); });
  }
  if (const auto *detect = job.section(root, "detect")) {
    apply_settings(job, *detect, "detect.", config,
                   [](auto &c, auto &&visit) { settings::visit_detect(c, visit); });
  }
  if (const auto *signals = job.section(root, "signals"))
    apply_signals(job, *signals, config);
  if (const auto *similarity = job.section(root, similarity_section.c_str())) {
    apply_settings(job, *similarity, similarity_section + ".", config.similarity,
                   [](auto &c, auto &&visit) { settings::visit_similarity(c, visit); });
  }
  if (const auto *near_duplicate = job.section(root, near_duplicate_section.c_str())) {
    apply_settings(job, *near_duplicate, near_duplicate_section + ".", config.near_duplicate,
                   [](auto &c, auto &&visit) { settings::visit_near_duplicate(c, visit); });
  }
  if (const auto *follows = job.section(root, follows_section.c_str())) {
    apply_settings(job, *follows, follows_section + ".", config.follows,
                   [](auto &c, auto &&visit) { settings::visit_follows(c, visit); });
  }
  if (const auto *clusters = job.section(root, "clusters")) {
    apply_settings(job, *clusters, "clusters.", config.clusters,
                   [](auto &c, auto &&visit) { settings::visit_clusters(c, visit); });
  }
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

// Where named jobs are looked for, in order.
std::vector<fs::path> job_folders() {
  std::vector<fs::path> out;
  if (const char *home = std::getenv("LOCKSTEP_HOME"); home != nullptr && *home != '\0')
    out.push_back(fs::path(home) / "share/lockstep/jobs");
  std::error_code error;
  if (const auto self = fs::read_symlink("/proc/self/exe", error); !error)
    out.push_back(self.parent_path().parent_path() / "share/lockstep/jobs");
  out.emplace_back(LOCKSTEP_SOURCE_JOBS);
  return out;
}

} // namespace

std::string resolve_job(const std::string &job) {
  std::error_code error;
  if (fs::is_regular_file(job, error) || job.find('/') != std::string::npos)
    return job; // a path (read_job_file says when it cannot be read)
  const auto file = job.ends_with(".toml") ? job : job + ".toml";
  std::set<std::string> names;
  std::string looked;
  for (const auto &folder : job_folders()) {
    if (fs::is_regular_file(folder / file, error))
      return (folder / file).string();
    looked += (looked.empty() ? "" : ", ") + folder.string();
    for (const auto &entry : fs::directory_iterator(folder, error)) {
      if (entry.path().extension() == ".toml")
        names.insert(entry.path().stem().string());
    }
  }
  std::string known;
  for (const auto &name : names)
    known += (known.empty() ? "" : ", ") + name;
  throw UsageError("no job file '" + job + "', nor a named job '" + file + "' in " + looked +
                   (known.empty() ? "" : " (named jobs: " + known + ")"));
}

void apply_job_file(const std::string &path, DetectConfig &config) {
  const auto file = resolve_job(path);
  apply_job_text(read_job_file(file), file, config);
}

void apply_run_job_file(const std::string &job, RunConfig &run, DetectConfig &config) {
  const auto path = resolve_job(job);
  apply_job_text(read_job_file(path), path, config, &run);
  if (run.store_path.empty())
    throw UsageError(path + ": [run] store is required for lockstep run");
  if (run.tweets.empty() && run.actions.empty())
    throw UsageError(path + ": [run] needs tweets or actions inputs");
}

} // namespace lockstep::app
