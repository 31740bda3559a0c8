// Results files: CSV tables through ordered MPI-IO writes, results.h5 through the store layer, and
// the manifest from rank 0. Rows are in dense account order, so no file depends on the rank count.
#include "report/results.hpp"

#include "common/csv.hpp"
#include "common/hash.hpp"
#include "common/json.hpp"
#include "common/log.hpp"
#include "common/memory.hpp"
#include "common/time.hpp"
#include "common/version.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/collectives.hpp"
#include "mpi/file_io.hpp"
#include "partition/ownership.hpp"
#include "report/cluster_files.hpp"
#include "report/labels.hpp"
#include "store/attribute.hpp"
#include "store/column.hpp"
#include "store/file.hpp"
#include "store/schema.hpp"
#include "store/strings.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <limits>

namespace lockstep::report {

namespace {

namespace fs = std::filesystem;
using detect::Edge;
using detect::EdgeSignal;

csv::TextCells text_cells(const DetectConfig &config) {
  return config.csv_safe ? csv::TextCells::spreadsheet_safe : csv::TextCells::exact;
}

std::string number(double value) {
  std::string out;
  csv::append_number(out, value);
  return out;
}

// The edges written to the CSV files: the significant ones.
std::vector<const Edge *> significant_edges(const detect::DetectResult &result) {
  std::vector<const Edge *> out;
  for (const auto &edge : result.edges) {
    if (edge.significant)
      out.push_back(&edge);
  }
  return out;
}

// Significant edges per local account (both ends counted), and their summed weights.
struct Degrees {
  std::vector<std::uint64_t> edges, weight;
};

Degrees significant_degrees(const mpi::Comm &comm, const detect::PartitionData &data,
                            const std::vector<const Edge *> &edges, mpi::ExchangeOptions exchange) {
  const auto ranks = static_cast<std::size_t>(comm.size());
  std::vector<std::vector<std::uint64_t>> to_owner(ranks);
  for (const auto *edge : edges) {
    for (const auto account : {edge->a, edge->b}) {
      auto &bucket = to_owner[std::size_t(partition::owner_of(data.account_begin, account))];
      bucket.push_back(account);
      bucket.push_back(edge->weight);
    }
  }
  const auto received = mpi::alltoallv(comm, to_owner, exchange);
  Degrees d{std::vector<std::uint64_t>(data.accounts.rows.count, 0),
            std::vector<std::uint64_t>(data.accounts.rows.count, 0)};
  for (std::size_t i = 0; i + 1 < received.size(); i += 2) {
    const auto local = received[i] - data.accounts.rows.begin;
    ++d.edges[local];
    d.weight[local] += received[i + 1];
  }
  return d;
}

std::string accounts_csv(const detect::PartitionData &data, const detect::DetectResult &result,
                         const cluster::ClusterResult &clusters, const Degrees &degrees,
                         csv::TextCells cells, bool header) {
  std::string out;
  if (header) {
    out += "account_id,screen_name,cluster_id,role,account_score,coordination_edges,"
           "coordination_weight";
    for (const auto &feature : detect::kFeatures)
      out += fmt::format(",{}", feature.name);
    out += ",label\n"; // last: the columns before it keep their places
  }
  for (std::size_t a = 0; a < data.accounts.rows.count; ++a) {
    csv::append_field(out, data.accounts.id[a], cells);
    out += ',';
    csv::append_field(out, data.accounts.screen_name[a], cells);
    const auto &member = clusters.accounts[a];
    if (member.cluster == 0) {
      out += ",,,";
    } else {
      fmt::format_to(std::back_inserter(out), ",{},{},", member.cluster,
                     cluster::role_name(member.role));
      csv::append_number(out, member.score);
    }
    fmt::format_to(std::back_inserter(out), ",{},{}", degrees.edges[a], degrees.weight[a]);
    for (const double value : result.features[a]) {
      out += ',';
      csv::append_number(out, value);
    }
    out += ',';
    csv::append_field(out, data.accounts.label[a], cells);
    out += '\n';
  }
  return out;
}

const EdgeSignal *find_signal(const Edge &edge, std::uint8_t signal) {
  for (const auto &s : edge.signals) {
    if (s.signal == signal)
      return &s;
  }
  return nullptr;
}

// Why an edge is significant: its null-model test (`engagement` where it passes only through the
// engagement null's pricing), its behavioural similarity, or both; or the evidence of the cluster
// that confirmed it (a provisional edge), which for a recruited edge is its principal's audience.
std::string significant_by(const Edge &edge) {
  if (edge.recruited)
    return "principal_audience";
  if (edge.provisional)
    return "cluster_evidence";
  const std::string similarity(signals::name(signals::Id::similarity));
  const std::string test = edge.by_engagement ? "engagement" : "null_model";
  return edge.passes_null ? (edge.similar ? test + ";" + similarity : test) : similarity;
}

std::string edges_csv(const detect::DetectResult &result, const std::vector<const Edge *> &edges,
                      const std::vector<std::string> &id_a, const std::vector<std::string> &id_b,
                      csv::TextCells cells, bool header) {
  std::string out;
  if (header) {
    out += "account_a,account_b,weight,coactions,log10_p,log10_p_popularity,significant_by,"
           "similarity_targets,similarity_cosine,signals";
    for (const auto &s : result.signals) {
      out += fmt::format(",{0}_keys,{0}_coactions,{0}_posts_a,{0}_posts_b,{0}_symmetry,"
                         "{0}_min_dt_s,{0}_median_dt_s,{0}_mean_dt_s,{0}_expected,{0}_log10_p",
                         s.name);
    }
    out += '\n';
  }
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const auto &edge = *edges[i];
    csv::append_field(out, id_a[i], cells);
    out += ',';
    csv::append_field(out, id_b[i], cells);
    out += fmt::format(",{},{},{},{},{},{},{},{}", edge.weight, edge.coactions,
                       number(edge.log10_p), number(edge.log10_p_popularity), significant_by(edge),
                       edge.shared_targets, number(edge.cosine), signal_names(edge));
    for (const auto &summary : result.signals) {
      const auto *s = find_signal(edge, summary.signal);
      if (s == nullptr) {
        out += ",0,0,0,0,,,,,,";
        continue;
      }
      const auto &t = s->stats;
      out += fmt::format(",{},{},{},{},{},{},{},{},{},{}", t.keys, t.coactions, t.posts_a,
                         t.posts_b, number(detect::symmetry(t)), number(double(t.min_dt_ms) / 1000),
                         number(double(t.median_dt_ms) / 1000), number(t.mean_dt_ms / 1000),
                         number(s->expected), number(s->log10_p));
    }
    out += '\n';
  }
  return out;
}

// evidence.csv: the closest co-actions of every significant edge, signal by signal.
std::string evidence_csv(const mpi::Comm &comm, const DetectConfig &config,
                         const detect::PartitionData &data, const std::vector<const Edge *> &edges,
                         const std::vector<std::string> &id_a, const std::vector<std::string> &id_b,
                         bool header) {
  std::vector<std::uint64_t> posts;
  std::vector<KeyRequest> keys;
  for (const auto *edge : edges) {
    for (const auto &s : edge->signals) {
      if (!signals::row(s.signal).timed) {
        for (const auto &e : s.evidence)
          keys.push_back({s.signal, e.key});
        continue;
      }
      for (const auto &e : s.evidence) {
        posts.push_back(e.post_a);
        posts.push_back(e.post_b);
        keys.push_back({s.signal, e.key});
      }
    }
  }
  const auto exchange = detect::exchange_options(config);
  const auto post_names = post_labels(comm, data, posts, exchange);
  const auto key_names = key_labels(comm, config.store_path, keys, exchange);
  std::string out;
  if (header)
    out += "account_a,account_b,signal,key,post_a,post_b,time_a,time_b,dt_s\n";
  std::size_t item = 0, post_item = 0;
  const auto when = [](std::int64_t ms) {
    return ms == store::schema::kUnknownTime ? std::string() : time::format_second(ms);
  };
  for (std::size_t i = 0; i < edges.size(); ++i) {
    for (const auto &s : edges[i]->signals) {
      const bool with_posts = signals::row(s.signal).timed;
      for (const auto &e : s.evidence) {
        const auto time_a = when(e.time_a), time_b = when(e.time_b);
        const auto dt = time_a.empty() || time_b.empty()
                            ? std::string()
                            : number(double(std::llabs(e.time_a - e.time_b)) / 1000);
        const std::string_view no_post;
        const std::string_view fields[] = {id_a[i],
                                           id_b[i],
                                           signals::name(s.signal),
                                           key_names[item],
                                           with_posts ? post_names[2 * post_item] : no_post,
                                           with_posts ? post_names[2 * post_item + 1] : no_post,
                                           time_a,
                                           time_b,
                                           dt};
        post_item += with_posts;
        for (std::size_t f = 0; f < std::size(fields); ++f) {
          if (f > 0)
            out += ',';
          csv::append_field(out, fields[f], text_cells(config));
        }
        out += '\n';
        ++item;
      }
    }
  }
  return out;
}

template <typename T, typename Get>
void write_edge_column(const store::Group &group, const std::string &name,
                       const std::vector<Edge> &edges, Get get) {
  std::vector<T> values;
  values.reserve(edges.size());
  for (const auto &edge : edges)
    values.push_back(get(edge));
  store::write_column(group, name, values);
}

void write_signal_columns(const store::Group &group, const std::vector<Edge> &edges,
                          std::uint8_t signal) {
  std::vector<const EdgeSignal *> found; // per edge, this signal's evidence or nullptr
  found.reserve(edges.size());
  for (const auto &edge : edges)
    found.push_back(find_signal(edge, signal));
  // One column: get(signal) per edge, `missing` where the signal did not tie the pair.
  const auto column = [&](const char *name, auto missing, auto get) {
    std::vector<decltype(missing)> values;
    values.reserve(found.size());
    for (const auto *s : found)
      values.push_back(s == nullptr ? missing : static_cast<decltype(missing)>(get(*s)));
    store::write_column(group, name, values);
  };
  const std::uint64_t zero = 0;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  column("keys", zero, [](const EdgeSignal &s) { return s.stats.keys; });
  column("coactions", zero, [](const EdgeSignal &s) { return s.stats.coactions; });
  column("posts_a", zero, [](const EdgeSignal &s) { return s.stats.posts_a; });
  column("posts_b", zero, [](const EdgeSignal &s) { return s.stats.posts_b; });
  column("symmetry", nan, [](const EdgeSignal &s) { return detect::symmetry(s.stats); });
  column("min_dt_s", nan, [](const EdgeSignal &s) { return double(s.stats.min_dt_ms) / 1000; });
  column("median_dt_s", nan,
         [](const EdgeSignal &s) { return double(s.stats.median_dt_ms) / 1000; });
  column("expected", nan, [](const EdgeSignal &s) { return s.expected; });
  column("log10_p", 0.0, [](const EdgeSignal &s) { return s.log10_p; });
}

// /clusters: one row per cluster (every rank writes its share of rank 0's profiles: none).
void write_cluster_columns(const store::Group &root, const cluster::ClusterResult &clusters) {
  const auto group = root.create_group("clusters");
  const auto &p = clusters.profiles; // empty except on rank 0
  const auto column = [&](const char *name, auto get) {
    std::vector<decltype(get(cluster::ClusterProfile{}))> values;
    for (const auto &profile : p)
      values.push_back(get(profile));
    store::write_column(group, name, values);
  };
  using Profile = cluster::ClusterProfile;
  column("id", [](const Profile &c) { return c.id; });
  column("size", [](const Profile &c) { return c.size; });
  column("score", [](const Profile &c) { return c.score; });
  column("edges", [](const Profile &c) { return c.edges; });
  column("density", [](const Profile &c) { return c.density; });
  column("mean_edge_score", [](const Profile &c) { return c.mean_edge_score; });
  column("median_delay_s", [](const Profile &c) { return c.median_delay_s; });
  column("retweets_among_members", [](const Profile &c) { return c.retweets; });
  column("replies_among_members", [](const Profile &c) { return c.replies; });
  column("mentions_among_members", [](const Profile &c) { return c.mentions; });
  column("follows_among_members", [](const Profile &c) { return c.follows; });
  column("mutual_follows_among_members", [](const Profile &c) { return c.mutual_follows; });
  column("follow_density", [](const Profile &c) { return c.follow_density; });
  column("automation_client_share", [](const Profile &c) { return c.automation_client_share; });
  column("posts_per_active_day", [](const Profile &c) { return c.posts_per_active_day; });
  column("hour_of_week_share", [](const Profile &c) { return c.hour_of_week_share; });
  column("first_ms", [](const Profile &c) { return c.first_ms; });
  column("last_ms", [](const Profile &c) { return c.last_ms; });
  column("cohort_week_day", [](const Profile &c) { return c.cohort_week; });
  column("cohort_accounts", [](const Profile &c) { return c.cohort_accounts; });
  column("principals", [](const Profile &c) { return c.principals; });
  column("initiators", [](const Profile &c) { return c.initiators; });
  column("amplifiers", [](const Profile &c) { return c.amplifiers; });
  const auto coactions = group.create_group("coactions");
  for (std::uint8_t s = 1; s < cluster::kSignalSlots; ++s) {
    std::vector<std::uint64_t> values;
    for (const auto &profile : p)
      values.push_back(profile.coactions[s]);
    store::write_column(coactions, std::string(signals::name(s)), values);
  }
}

void write_results_content(const store::Group &root, const DetectConfig &config,
                           const detect::PartitionData &data, const detect::DetectResult &result,
                           const cluster::ClusterResult &clusters, const Degrees &degrees) {
  store::write_attribute(root, "format", std::string(kResultsFormat));
  store::write_attribute(root, "format_version", kResultsVersion);
  store::write_attribute(root, "created_by", std::string("lockstep ") + kVersion);
  store::write_attribute(root, "store", config.store_path);
  store::write_attribute(root, "alpha", config.alpha);
  store::write_attribute(root, "null_model",
                         std::string(config.audience_null ? "audience" : "popularity"));
  store::write_attribute(root, "tests", static_cast<std::int64_t>(result.tests));
  store::write_attribute(root, "log10_p_threshold", result.log10_p_threshold);
  store::write_attribute(root, "log10_p_popularity_threshold", result.log10_p_popularity_threshold);
  store::write_attribute(root, "weight_threshold", result.weight_threshold);

  const auto accounts = root.create_group("accounts");
  store::write_strings(accounts, "id", data.accounts.id);
  std::vector<std::uint64_t> cluster_ids;
  std::vector<std::uint8_t> roles;
  std::vector<double> scores;
  for (const auto &member : clusters.accounts) {
    cluster_ids.push_back(member.cluster);
    roles.push_back(static_cast<std::uint8_t>(member.role));
    scores.push_back(member.score);
  }
  store::write_column(accounts, "cluster_id", cluster_ids);
  store::write_column(accounts, "role", roles);
  store::write_column(accounts, "account_score", scores);
  store::write_column(accounts, "coordination_edges", degrees.edges);
  store::write_column(accounts, "coordination_weight", degrees.weight);
  const auto features = accounts.create_group("features");
  for (std::size_t f = 0; f < detect::kFeatureCount; ++f) {
    std::vector<double> column;
    column.reserve(result.features.size());
    for (const auto &row : result.features)
      column.push_back(row[f]);
    store::write_column(features, detect::kFeatures[f].name, column);
    store::write_attribute(features, "unit", std::string(detect::kFeatures[f].unit),
                           detect::kFeatures[f].name);
  }

  std::vector<Edge> kept;
  for (const auto &edge : result.edges) {
    if (config.keep_candidates || edge.significant)
      kept.push_back(edge);
  }
  const auto edges = root.create_group("edges");
  write_edge_column<std::uint64_t>(edges, "a", kept, [](const Edge &e) { return e.a; });
  write_edge_column<std::uint64_t>(edges, "b", kept, [](const Edge &e) { return e.b; });
  write_edge_column<std::uint64_t>(edges, "weight", kept, [](const Edge &e) { return e.weight; });
  write_edge_column<std::uint64_t>(edges, "coactions", kept,
                                   [](const Edge &e) { return e.coactions; });
  write_edge_column<double>(edges, "log10_p", kept, [](const Edge &e) { return e.log10_p; });
  write_edge_column<std::uint64_t>(edges, "similarity_targets", kept,
                                   [](const Edge &e) { return e.shared_targets; });
  write_edge_column<double>(edges, "similarity_cosine", kept,
                            [](const Edge &e) { return e.cosine; });
  write_edge_column<double>(edges, "log10_p_popularity", kept,
                            [](const Edge &e) { return e.log10_p_popularity; });
  write_edge_column<std::uint8_t>(edges, "significant", kept,
                                  [](const Edge &e) { return std::uint8_t(e.significant); });
  write_edge_column<std::uint8_t>(edges, "provisional", kept,
                                  [](const Edge &e) { return std::uint8_t(e.provisional); });
  write_edge_column<std::uint8_t>(edges, "recruited", kept,
                                  [](const Edge &e) { return std::uint8_t(e.recruited); });
  const auto signals = edges.create_group("signals");
  for (const auto &summary : result.signals) {
    const auto group = signals.create_group(summary.name);
    write_signal_columns(group, kept, summary.signal);
    store::write_attribute(group, "window_s", double(summary.rule.window_ms) / 1000);
    store::write_attribute(group, "hub_cap", std::int64_t(summary.rule.hub_cap));
    store::write_attribute(group, "null_bin_s", double(summary.bin_ms) / 1000);
  }
  write_cluster_columns(root, clusters);
}

void write_results_h5(const mpi::Comm &comm, const std::string &path, const DetectConfig &config,
                      const detect::PartitionData &data, const detect::DetectResult &result,
                      const cluster::ClusterResult &clusters, const Degrees &degrees) {
  const auto columns = config.results_compression == "deflate"
                           ? store::Compression::deflate_unshuffled
                           : store::Compression::none;
  auto file = store::File::create(path, comm, columns);
  write_results_content(file.root(), config, data, result, clusters, degrees);
  file.close();
}

std::string near_duplicate_json(const detect::NearDuplicateSummary &n) {
  return fmt::format("{{\"texts\": {}, \"short_texts\": {}, \"band_rounds\": {}, "
                     "\"candidate_text_pairs\": {}, "
                     "\"verified_text_pairs\": {}, \"families\": {}, \"capped_buckets\": {}, "
                     "\"capped_bucket_pairs\": {}, \"prefiltered_pairs\": {}}}",
                     n.texts, n.short_texts, n.band_rounds, n.candidates, n.verified, n.families,
                     n.capped_buckets, n.capped_pairs, n.prefiltered_pairs);
}

std::string clusters_json(const cluster::ClusterTotals &t) {
  return fmt::format("{{\"components\": {}, \"refined_components\": {}, \"communities\": {}, "
                     "\"clusters\": {}, \"clustered_accounts\": {}, \"linked_accounts\": {}, "
                     "\"confirmed_edges\": {}, \"recruitment\": {{\"families\": {}, "
                     "\"candidates\": {}, \"hypotheses\": {}, \"recruited_edges\": {}}}}}",
                     t.components, t.refined_components, t.communities, t.clusters,
                     t.clustered_accounts, t.linked_accounts, t.confirmed_edges,
                     t.recruitment.families, t.recruitment.candidates, t.recruitment.hypotheses,
                     t.recruitment.recruited_edges);
}

// The store this run read: its size and digest, the files it was made from, and its row counts,
// so that every input row is accounted for.
std::string input_json(const DetectConfig &config, const detect::PartitionData &data,
                       const RunInfo &run) {
  const auto &s = data.store;
  std::string files;
  for (const auto &path : s.input_files)
    files += (files.empty() ? "" : ", ") + json::quote(path);
  return fmt::format(
      "{{\"store\": {}, \"store_bytes\": {}, \"store_xxh3\": \"{}\", \"input_format\": {}, "
      "\"input_files\": [{}], \"rows_read\": {}, \"rows_rejected\": {}, \"rows_duplicate\": "
      "{}, \"non_post_rows\": {}, \"posts_before_append\": {}, \"posts\": {}, \"accounts\": {}}}",
      json::quote(config.store_path), fs::file_size(config.store_path),
      run.store_digest.empty() ? file_digest(config.store_path) : run.store_digest,
      json::quote(data.input_format), files, s.rows_read, s.rows_rejected, s.rows_duplicate,
      s.non_post_rows, s.posts_before, data.total_posts, data.total_accounts);
}

// Each phase's peak resident memory, the largest over ranks (rank 0's own where the ranks ran
// different phases). Collective.
std::vector<double> phase_peaks_mb(const mpi::Comm &comm, const PhaseTimes &times) {
  std::vector<double> peaks;
  for (const auto &phase : times.phases())
    peaks.push_back(phase.peak_mb);
  const auto count = static_cast<std::uint64_t>(peaks.size());
  if (mpi::allreduce(comm, count, mpi::Op::min) != mpi::allreduce(comm, count, mpi::Op::max))
    return peaks;
  return mpi::allreduce(comm, std::span<const double>(peaks), mpi::Op::max);
}

// The memory plan detect ran under (detect/memory_plan.hpp) and what spilled.
std::string memory_json(const detect::DetectResult &result) {
  const auto &m = result.memory;
  return fmt::format(
      "{{\"bound_mb_per_rank\": {}, \"source\": {}, \"runtime_mb\": {:.0f}, "
      "\"partitions_mb\": {:.0f}, \"working_mb\": {:.0f}, \"pair_budget_mb\": {}, "
      "\"tested_held_mb\": {}, \"scratch\": {}, \"spilled_parts\": {}, \"spilled_mb\": {:.0f}}}",
      m.bound_mb, json::quote(m.source), m.runtime_mb, m.data_mb, m.working_mb,
      m.pair_budget_bytes >> 20,
      m.tested_bytes == std::numeric_limits<std::size_t>::max()
          ? -1
          : std::int64_t(m.tested_bytes >> 20),
      json::quote(m.scratch), result.spilled_parts,
      static_cast<double>(result.spilled_bytes) / kBytesPerMegabyte);
}

// Whether coordination.gexf is written: only up to gexf_max_edges significant edges.
struct GexfPlan {
  bool written = true;
  std::uint64_t edges = 0; // significant edges, all ranks
};

GexfPlan plan_gexf(const mpi::Comm &comm, const DetectConfig &config, std::size_t local_edges) {
  GexfPlan plan;
  plan.edges = mpi::allreduce(comm, static_cast<std::uint64_t>(local_edges), mpi::Op::sum);
  plan.written = config.gexf_max_edges == 0 || plan.edges <= config.gexf_max_edges;
  if (!plan.written) {
    log::warn("coordination.gexf not written: {} significant edges, more than gexf_max_edges = {} "
              "(Gephi opens about 10^5); edges.csv and results.h5 hold them all",
              plan.edges, config.gexf_max_edges);
  }
  return plan;
}

// The results files, in the order they are renamed into place.
std::vector<std::string> result_files(const GexfPlan &gexf) {
  std::vector<std::string> out = {"accounts.csv", "clusters.csv", "cluster_activity.csv",
                                  "edges.csv",    "evidence.csv", "coordination.gexf",
                                  "results.h5"};
  if (!gexf.written)
    std::erase(out, "coordination.gexf");
  return out;
}

std::string files_json(const GexfPlan &gexf) {
  std::string out;
  for (const auto &name : result_files(gexf))
    out += (out.empty() ? "" : ", ") + json::quote(name);
  return out;
}

std::string manifest_json(const DetectConfig &config, const detect::PartitionData &data,
                          const detect::DetectResult &result,
                          const cluster::ClusterResult &clusters, const RunInfo &run,
                          const PhaseTimes &phase_times, const std::vector<double> &phase_peaks,
                          const GexfPlan &gexf) {
  std::string signals;
  for (const auto &s : result.signals) {
    signals += fmt::format(
        "{}    {{\"signal\": {}, \"window_s\": {}, \"hub_cap\": {}, \"actions\": {}, \"keys\": {}, "
        "\"window_pairs\": {}, \"pairs_over_hub_cap\": {}, \"capped_keys\": {}, "
        "\"pair_rounds\": {}, \"candidate_pairs\": {}, \"sparse_pairs\": {}, "
        "\"engagement_priced_pairs\": {}, \"null_bin_s\": {}, \"seconds_rank0\": {:.3f}, "
        "\"peak_rss_mb\": {:.0f}}}",
        signals.empty() ? "" : ",\n", json::quote(s.name), double(s.rule.window_ms) / 1000,
        s.rule.hub_cap, s.totals.actions, s.totals.keys, s.totals.window_pairs,
        s.totals.window_pairs - s.totals.emitted_pairs, s.totals.capped_keys, s.pair_rounds,
        s.candidates, s.sparse_pairs, s.engagement_priced, double(s.bin_ms) / 1000, s.seconds,
        s.peak_rss_mb);
  }
  std::string resumed;
  for (const auto &step : run.resumed_steps)
    resumed += (resumed.empty() ? "" : ", ") + json::quote(step);
  std::string times, peaks, passes;
  for (std::size_t i = 0; i < phase_times.phases().size(); ++i) {
    const auto &phase = phase_times.phases()[i];
    const auto *comma = times.empty() ? "" : ", ";
    times += fmt::format("{}{}: {:.3f}", comma, json::quote(phase.name), phase.seconds);
    peaks += fmt::format("{}{}: {:.0f}", comma, json::quote(phase.name), phase_peaks.at(i));
    passes += fmt::format("{}{}: {}", comma, json::quote(phase.name), phase.passes);
  }
  return fmt::format(
      "{{\n  \"format\": \"lockstep-results-manifest\",\n  \"created_by\": \"lockstep {}\",\n"
      "  \"input\": {},\n  \"analysis\": \"{}\",\n  \"resumed_steps\": [{}],\n  \"ranks\": {},\n  "
      "\"threads_per_rank\": {},\n  \"seconds\": {:.3f},\n"
      "  \"tests\": {},\n  \"log10_p_threshold\": {},\n  \"log10_p_popularity_threshold\": {},\n"
      "  \"candidate_edges\": {},\n  \"significant_edges\": {},\n  \"provisional_edges\": {},\n"
      "  \"recruitable_edges\": {},\n"
      "  \"weight_threshold\": {},\n  \"signals\": [\n{}\n  ],\n"
      "  \"similarity\": {{\"targets\": {}, \"skipped_targets\": {}, \"pairs\": {}}},\n"
      "  \"near_duplicate\": {},\n"
      "  \"clusters\": {},\n"
      "  \"phase_seconds_rank0\": {{{}}},\n"
      "  \"phase_peak_mb\": {{{}}},\n"
      "  \"phase_passes\": {{{}}},\n"
      "  \"memory\": {},\n"
      "  \"gexf\": {{\"written\": {}, \"edges\": {}, \"max_edges\": {}}},\n"
      "  \"files\": [{}],\n"
      "  \"job\": {}\n}}\n",
      kVersion, input_json(config, data, run), analysis_fingerprint(config), resumed, run.ranks,
      run.threads, run.seconds, result.tests, json::number(result.log10_p_threshold),
      json::number(result.log10_p_popularity_threshold), result.candidate_edges,
      result.significant_edges, result.provisional_edges, result.recruitable_edges,
      json::number(result.weight_threshold), signals, result.similarity.terms,
      result.similarity.skipped_terms, result.similarity.pairs,
      near_duplicate_json(result.near_duplicate), clusters_json(clusters.totals), times, peaks,
      passes, memory_json(result), gexf.written, gexf.edges, config.gexf_max_edges,
      files_json(gexf), json::quote(run.effective_job));
}

constexpr std::size_t kTopTextBytes = 120; // of a top text in clusters.csv

// The labels of every cluster's top keys, in profile order (requests from rank 0). Collective.
std::vector<std::string> top_key_labels(const mpi::Comm &comm, const DetectConfig &config,
                                        const detect::PartitionData &data,
                                        const cluster::ClusterResult &clusters) {
  std::vector<KeyRequest> requests;
  std::vector<std::uint64_t> examples; // a post of each top text key, for its text
  std::vector<std::size_t> example_of; // which request each example labels
  for (const auto &p : clusters.profiles) {
    for (const auto &k : p.top_keys) {
      if (k.signal == std::uint8_t(store::schema::Signal::text) ||
          k.signal == detect::kNearDuplicateSignal) {
        examples.push_back(k.post);
        example_of.push_back(requests.size());
      }
      requests.push_back({k.signal, k.key});
    }
  }
  const auto exchange = detect::exchange_options(config);
  auto labels = key_labels(comm, config.store_path, requests, exchange);
  // Identical texts read better as the text itself (when detect read the texts).
  const auto texts = post_texts(comm, data, examples, kTopTextBytes, exchange);
  for (std::size_t e = 0; e < examples.size(); ++e) {
    if (texts[e].empty())
      continue;
    auto &label = labels[example_of[e]];
    label = texts[e];
    std::replace_if(
        label.begin(), label.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  }
  return labels;
}

void write_gexf(const mpi::Comm &comm, const std::string &path, const detect::PartitionData &data,
                const detect::DetectResult &result, const cluster::ClusterResult &clusters,
                const Degrees &degrees, const std::vector<const Edge *> &edges,
                const std::vector<std::string> &id_a, const std::vector<std::string> &id_b) {
  const auto parts =
      gexf_parts(comm.is_root(), data, result, clusters, degrees.edges, edges, id_a, id_b);
  const std::string_view sections[] = {parts.header, parts.nodes, parts.edges_open, parts.edges,
                                       parts.footer};
  mpi::write_ordered_sections(comm, path, sections);
}

} // namespace

void write_results(const mpi::Comm &comm, const DetectConfig &config,
                   const detect::PartitionData &data, const detect::DetectResult &result,
                   const cluster::ClusterResult &clusters, const RunInfo &run) {
  const fs::path dir(config.out_dir);
  if (comm.is_root())
    fs::create_directories(dir);
  comm.barrier();
  const auto partial = [&](const std::string &name) {
    return (dir / (name + ".partial")).string();
  };

  const auto edges = significant_edges(result);
  std::vector<std::uint64_t> a, b;
  for (const auto *edge : edges) {
    a.push_back(edge->a);
    b.push_back(edge->b);
  }
  const auto exchange = detect::exchange_options(config);
  const auto id_a = account_labels(comm, data, a, exchange);
  const auto id_b = account_labels(comm, data, b, exchange);
  const auto degrees = significant_degrees(comm, data, edges, exchange);

  mpi::write_ordered(
      comm, partial("accounts.csv"),
      accounts_csv(data, result, clusters, degrees, text_cells(config), comm.is_root()));
  const auto labels = top_key_labels(comm, config, data, clusters);
  mpi::write_ordered(comm, partial("clusters.csv"),
                     comm.is_root()
                         ? clusters_csv(clusters.profiles, clusters.dataset_follow_density, labels,
                                        text_cells(config))
                         : std::string());
  mpi::write_ordered(comm, partial("cluster_activity.csv"),
                     comm.is_root()
                         ? cluster_activity_csv(clusters, data.clients, text_cells(config))
                         : std::string());
  const auto gexf = plan_gexf(comm, config, edges.size());
  if (gexf.written) {
    write_gexf(comm, partial("coordination.gexf"), data, result, clusters, degrees, edges, id_a,
               id_b);
  }
  mpi::write_ordered(comm, partial("edges.csv"),
                     edges_csv(result, edges, id_a, id_b, text_cells(config), comm.is_root()));
  mpi::write_ordered(comm, partial("evidence.csv"),
                     evidence_csv(comm, config, data, edges, id_a, id_b, comm.is_root()));
  write_results_h5(comm, partial("results.h5"), config, data, result, clusters, degrees);
  auto times = result.times;
  if (run.writing != nullptr)
    times.add("write results", run.writing->seconds_so_far(), run.writing->peak_mb_so_far());
  auto peaks = phase_peaks_mb(comm, times);
  comm.barrier();
  if (run.before_publishing) {
    run.before_publishing(times);
    for (std::size_t i = peaks.size(); i < times.phases().size(); ++i)
      peaks.push_back(times.phases()[i].peak_mb); // this rank's own: MPI is gone
  }
  if (comm.is_root()) {
    std::ofstream manifest(partial("manifest.json"));
    manifest << manifest_json(config, data, result, clusters, run, times, peaks, gexf);
    manifest.close();
    if (!manifest)
      throw std::runtime_error("cannot write " + partial("manifest.json"));
    if (!gexf.written)
      fs::remove(dir / "coordination.gexf"); // an earlier run's, which no longer matches
    for (const auto &name : result_files(gexf))
      fs::rename(partial(name), dir / name);
    fs::rename(partial("manifest.json"), dir / "manifest.json");
  }
  if (!run.before_publishing)
    comm.barrier();
}

} // namespace lockstep::report
