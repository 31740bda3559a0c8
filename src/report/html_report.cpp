// The report's data is gathered on one process from the CSV files and the manifest (results hold
// the significant edges only, so they are small); the page renders it in the browser.
#include "report/html_report.hpp"

#include "common/atomic_file.hpp"
#include "common/csv.hpp"
#include "common/error.hpp"
#include "common/json.hpp"
#include "common/version.hpp"
#include "signals/table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <sstream>

namespace lockstep::report {

namespace assets {
extern const char kD3[];
extern const char kChart[];
extern const char kReportJs[];
extern const char kReportCss[];
} // namespace assets

namespace {

namespace fs = std::filesystem;

// A CSV file read row by row with columns by name.
class Table {
public:
  explicit Table(const fs::path &path) : in_(path, std::ios::binary), reader_(in_, path.string()) {
    if (!in_)
      throw UsageError("cannot read '" + path.string() + "' (is this a results folder?)");
    reader_.next(header_);
  }
  bool next() { return reader_.next(row_); }
  const std::string &operator[](const std::string &column) const {
    const auto it = std::find(header_.begin(), header_.end(), column);
    if (it == header_.end())
      throw InputError(reader_.name(), 1, "missing column '" + column + "'");
    const auto index = static_cast<std::size_t>(it - header_.begin());
    static const std::string empty;
    return index < row_.size() ? row_[index] : empty;
  }
  const std::vector<std::string> &header() const { return header_; }

private:
  std::ifstream in_;
  csv::Reader reader_;
  std::vector<std::string> header_, row_;
};

// A number field as JSON (null when empty or not a number).
std::string number(const std::string &field) {
  if (field.empty())
    return "null";
  char *end = nullptr;
  const double value = std::strtod(field.c_str(), &end);
  if (end == field.c_str() || *end != '\0' || !std::isfinite(value))
    return "null";
  return field;
}

std::string slurp(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw UsageError("cannot read '" + path.string() + "' (is this a results folder?)");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr const char *kClusterNumbers[] = {"size",
                                           "score",
                                           "edges",
                                           "density",
                                           "mean_edge_score",
                                           "median_delay_s",
                                           "retweets_among_members",
                                           "replies_among_members",
                                           "mentions_among_members",
                                           "follows_among_members",
                                           "mutual_follows_among_members",
                                           "follow_density",
                                           "follow_density_ratio",
                                           "automation_client_share",
                                           "posts_per_active_day",
                                           "hour_of_week_share",
                                           "cohort_accounts",
                                           "principals",
                                           "initiators",
                                           "amplifiers"};
constexpr const char *kAccountFeatures[] = {"posts",
                                            "posts_per_active_day",
                                            "hour_of_week_share",
                                            "rapid_post_share",
                                            "retweet_share",
                                            "duplicate_text_share",
                                            "automation_client_share",
                                            "age_at_first_post",
                                            "creation_week_cohort",
                                            "follower_ratio"};

struct Clusters {
  std::string json;                  // every cluster, table order
  std::vector<std::string> detailed; // ids of the clusters with charts
};

Clusters read_clusters(const fs::path &dir, const ReportOptions &options) {
  Table t(dir / "clusters.csv");
  Clusters out;
  std::string rows;
  while (t.next()) {
    std::string row = fmt::format("{{\"id\": {}", json::quote(t["cluster_id"]));
    for (const char *column : kClusterNumbers)
      row += fmt::format(", {}: {}", json::quote(column), number(t[column]));
    for (const char *column :
         {"signals", "first_activity", "last_activity", "cohort_week", "kept_because"})
      row += fmt::format(", {}: {}", json::quote(column), json::quote(t[column]));
    row += ", \"top\": {";
    const char *separator = "";
    for (const auto &s : signals::all()) {
      if (!s.top_keys)
        continue;
      row += fmt::format("{}{}: {}", separator, json::quote(s.name),
                         json::quote(t["top_" + std::string(s.name)]));
      separator = ", ";
    }
    rows += (rows.empty() ? "" : ",\n") + row + "}}";
    if (out.detailed.size() < options.detailed_clusters)
      out.detailed.push_back(t["cluster_id"]);
  }
  out.json = "[" + rows + "]";
  return out;
}

struct Detail {
  std::vector<std::string> accounts, edges, evidence;
  std::map<std::string, std::vector<std::string>> activity; // kind -> [bucket, count] pairs
  std::uint64_t accounts_left_out = 0, edges_left_out = 0, evidence_left_out = 0;
};

// The detailed clusters' members, inside edges, activity and evidence, read file by file.
struct Details {
  std::map<std::string, Detail> of;              // cluster id -> its detail
  std::map<std::string, std::string> cluster_of; // member account id -> cluster id
  std::vector<std::string> baseline;             // the dataset's posts per hour of the week

  // The detail of the cluster holding both accounts of the row (account_a, account_b), if any.
  Detail *between(const Table &t) {
    const auto a = cluster_of.find(t["account_a"]), b = cluster_of.find(t["account_b"]);
    if (a == cluster_of.end() || b == cluster_of.end() || a->second != b->second)
      return nullptr;
    return &of[a->second];
  }
};

// Members in file order (the page sorts them), at most accounts_per_cluster per cluster.
void read_members(const fs::path &dir, const ReportOptions &options, Details &details) {
  Table t(dir / "accounts.csv");
  while (t.next()) {
    const auto &cluster = t["cluster_id"];
    const auto it = details.of.find(cluster);
    if (it == details.of.end())
      continue;
    details.cluster_of[t["account_id"]] = cluster;
    if (it->second.accounts.size() >= options.accounts_per_cluster) {
      ++it->second.accounts_left_out;
      continue;
    }
    std::string row = fmt::format("{{\"id\": {}, \"name\": {}, \"role\": {}, \"score\": {}, "
                                  "\"edges\": {}",
                                  json::quote(t["account_id"]), json::quote(t["screen_name"]),
                                  json::quote(t["role"]), number(t["account_score"]),
                                  number(t["coordination_edges"]));
    for (const char *feature : kAccountFeatures)
      row += fmt::format(", {}: {}", json::quote(feature), number(t[feature]));
    it->second.accounts.push_back(row + "}");
  }
}

// Inside edges with their main signal (most co-actions) and shortest median delay.
void read_edges(const fs::path &dir, const ReportOptions &options, Details &details) {
  Table t(dir / "edges.csv");
  std::vector<std::string> signals; // signals with per-signal columns in this file
  for (const auto &column : t.header()) {
    if (column.size() > 10 && column.ends_with("_coactions") && column != "coactions")
      signals.push_back(column.substr(0, column.size() - 10));
  }
  while (t.next()) {
    auto *d = details.between(t);
    if (d == nullptr)
      continue;
    if (d->edges.size() >= options.edges_per_cluster) {
      ++d->edges_left_out;
      continue;
    }
    std::string main_signal;
    double most = -1, delay = -1;
    for (const auto &s : signals) {
      const double coactions = std::strtod(t[s + "_coactions"].c_str(), nullptr);
      if (coactions > most) {
        most = coactions;
        main_signal = s;
      }
      const auto &median = t[s + "_median_dt_s"];
      if (!median.empty() && coactions > 0) {
        const double value = std::strtod(median.c_str(), nullptr);
        delay = delay < 0 ? value : std::min(delay, value);
      }
    }
    if (most <= 0)
      main_signal = signals::name(signals::Id::similarity);
    d->edges.push_back(fmt::format(
        "{{\"a\": {}, \"b\": {}, \"signal\": {}, \"weight\": {}, \"log10_p\": {}, "
        "\"delay_s\": {}}}",
        json::quote(t["account_a"]), json::quote(t["account_b"]), json::quote(main_signal),
        number(t["weight"]), number(t["log10_p"]), delay < 0 ? "null" : fmt::format("{}", delay)));
  }
}

// Activity of the detailed clusters, and the dataset's hours of the week (cluster 0).
void read_activity(const fs::path &dir, Details &details) {
  Table t(dir / "cluster_activity.csv");
  while (t.next()) {
    if (t["cluster_id"] == "0" && t["kind"] == "hour_of_week")
      details.baseline.push_back(number(t["count"]));
    const auto it = details.of.find(t["cluster_id"]);
    if (it != details.of.end()) {
      it->second.activity[t["kind"]].push_back(
          fmt::format("[{}, {}]", json::quote(t["bucket"]), number(t["count"])));
    }
  }
}

void read_evidence(const fs::path &dir, const ReportOptions &options, Details &details) {
  Table t(dir / "evidence.csv");
  while (t.next()) {
    auto *d = details.between(t);
    if (d == nullptr)
      continue;
    if (d->evidence.size() >= options.evidence_per_cluster) {
      ++d->evidence_left_out;
      continue;
    }
    std::string row = "[";
    for (const char *column : {"account_a", "account_b", "signal", "key", "post_a", "post_b",
                               "time_a", "time_b", "dt_s"})
      row += (row.size() > 1 ? ", " : "") + json::quote(t[column]);
    d->evidence.push_back(row + "]");
  }
}

Details read_details(const fs::path &dir, const Clusters &clusters, const ReportOptions &options) {
  Details details;
  for (const auto &id : clusters.detailed)
    details.of[id];
  read_members(dir, options, details);
  read_edges(dir, options, details);
  read_activity(dir, details);
  read_evidence(dir, options, details);
  return details;
}

std::string join(const std::vector<std::string> &items) {
  std::string out;
  for (const auto &item : items)
    out += (out.empty() ? "" : ",\n") + item;
  return "[" + out + "]";
}

} // namespace

// Each signal's colour in the report's plots, from the signal table.
std::string signal_colours_json() {
  std::string out;
  for (const auto &s : signals::all()) {
    out += fmt::format("{}{}: {}", out.empty() ? "" : ", ", json::quote(std::string(s.name)),
                       json::quote(std::string(s.colour)));
  }
  return "{" + out + "}";
}

std::string report_data_json(const std::string &results_dir, const ReportOptions &options) {
  const fs::path dir(results_dir);
  const auto clusters = read_clusters(dir, options);
  const auto details = read_details(dir, clusters, options);
  std::string detail_json;
  for (const auto &id : clusters.detailed) {
    const auto &d = details.of.at(id);
    std::string activity;
    for (const auto &[kind, pairs] : d.activity) {
      activity +=
          fmt::format("{}{}: {}", activity.empty() ? "" : ", ", json::quote(kind), join(pairs));
    }
    detail_json += fmt::format(
        "{}{}: {{\"accounts\": {}, \"edges\": {}, \"evidence\": {}, \"activity\": {{{}}}, "
        "\"accounts_left_out\": {}, \"edges_left_out\": {}, \"evidence_left_out\": {}}}",
        detail_json.empty() ? "" : ",\n", json::quote(id), join(d.accounts), join(d.edges),
        join(d.evidence), activity, d.accounts_left_out, d.edges_left_out, d.evidence_left_out);
  }
  return fmt::format(
      "{{\"created_by\": {}, \"results_dir\": {}, \"manifest\": {},\n"
      "\"signal_colours\": {},\n\"baseline_hour_of_week\": {},\n"
      "\"clusters\": {},\n\"details\": {{{}}},\n\"limits\": {{\"detailed_clusters\": "
      "{}, \"accounts_per_cluster\": {}, \"edges_per_cluster\": {}, "
      "\"evidence_per_cluster\": {}}}}}",
      json::quote(std::string("lockstep ") + kVersion), json::quote(results_dir),
      slurp(dir / "manifest.json"), signal_colours_json(), join(details.baseline), clusters.json,
      detail_json, options.detailed_clusters, options.accounts_per_cluster,
      options.edges_per_cluster, options.evidence_per_cluster);
}

std::string write_html_report(const std::string &results_dir, const ReportOptions &options) {
  const auto data = json::script_safe(report_data_json(results_dir, options));
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<title>Lockstep report</title>\n<style>\n";
  html += assets::kReportCss;
  html += "</style>\n</head>\n<body>\n<div id=\"report\"></div>\n";
  html += "<script id=\"report-data\" type=\"application/json\">\n" + data + "\n</script>\n";
  for (const char *script : {assets::kD3, assets::kChart, assets::kReportJs})
    html += std::string("<script>\n") + script + "\n</script>\n";
  html += "</body>\n</html>\n";
  auto path = (fs::path(results_dir) / "report.html").string();
  AtomicFile file(path);
  file.write(html);
  file.commit();
  return path;
}

} // namespace lockstep::report
