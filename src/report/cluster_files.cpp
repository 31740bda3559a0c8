// clusters.csv and coordination.gexf.
#include "report/cluster_files.hpp"

#include "cluster/activity.hpp"
#include "cluster/networks.hpp"
#include "common/csv.hpp"
#include "common/time.hpp"
#include "common/version.hpp"
#include "store/schema.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace lockstep::report {

namespace {

std::string number(double value) {
  return std::isnan(value) ? "" : fmt::format("{:.6g}", value);
}

std::string day(std::int32_t days) {
  return days == cluster::kUnknownDay ? "" : time::format_date(std::int64_t(days) * 86'400'000);
}

// The signals whose top keys clusters.csv lists (top_NAME), by number.
std::vector<std::uint8_t> top_key_signals() {
  return signals::ids_where([](const signals::Signal &s) { return s.top_keys; });
}

std::string top_keys_field(const cluster::ClusterProfile &p, std::uint8_t signal,
                           const std::vector<std::string> &labels, std::size_t first_label) {
  std::string out;
  for (std::size_t k = 0; k < p.top_keys.size(); ++k) {
    if (p.top_keys[k].signal == signal) {
      out += fmt::format("{}{} ({}/{})", out.empty() ? "" : "; ", labels[first_label + k],
                         p.top_keys[k].accounts, p.top_keys[k].dataset_accounts);
    }
  }
  return out;
}

} // namespace

std::string cluster_activity_csv(const cluster::ClusterResult &clusters,
                                 const std::vector<std::string> &client_names,
                                 csv::TextCells cells) {
  std::string out = "cluster_id,kind,bucket,count\n";
  for (std::size_t h = 0; h < clusters.baseline_hour_of_week.size(); ++h)
    out += fmt::format("0,hour_of_week,{},{}\n", h, clusters.baseline_hour_of_week[h]);
  constexpr const char *kKinds[] = {"hour_of_week", "day", "created_week", "client",
                                    "follows_gained"};
  for (const auto &p : clusters.profiles) {
    for (const auto &a : p.activity) {
      std::string bucket;
      switch (static_cast<cluster::ActivityKind>(a.kind)) {
      case cluster::ActivityKind::hour_of_week:
        bucket = std::to_string(a.bucket);
        break;
      case cluster::ActivityKind::day:
      case cluster::ActivityKind::created_week:
      case cluster::ActivityKind::follows_gained:
        bucket = time::format_date(a.bucket * 86'400'000);
        break;
      case cluster::ActivityKind::client:
        bucket = std::size_t(a.bucket) < client_names.size() ? client_names[std::size_t(a.bucket)]
                                                             : std::to_string(a.bucket);
        break;
      }
      out += fmt::format("{},{},", p.id, kKinds[a.kind]);
      csv::append_field(out, bucket, cells);
      out += fmt::format(",{}\n", a.count);
    }
  }
  return out;
}

std::string dominant_signals(const cluster::ClusterProfile &profile) {
  std::uint64_t total = 0;
  std::vector<std::pair<std::uint64_t, std::uint8_t>> by_count;
  for (std::size_t s = 0; s < profile.coactions.size(); ++s) {
    total += profile.coactions[s];
    if (profile.coactions[s] > 0)
      by_count.emplace_back(profile.coactions[s], std::uint8_t(s));
  }
  std::sort(by_count.begin(), by_count.end(), [](const auto &x, const auto &y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
  });
  std::string out;
  for (std::size_t i = 0; i < std::min<std::size_t>(3, by_count.size()); ++i) {
    const double share = double(by_count[i].first) / double(total);
    if (share < 0.01)
      break;
    out += fmt::format("{}{}:{:.2f}", out.empty() ? "" : ";", signals::name(by_count[i].second),
                       share);
  }
  return out;
}

std::string clusters_csv(const std::vector<cluster::ClusterProfile> &profiles,
                         double dataset_follow_density,
                         const std::vector<std::string> &top_key_labels, csv::TextCells cells) {
  std::string out = "cluster_id,size,score,edges,density,mean_edge_score,median_delay_s,signals,"
                    "retweets_among_members,replies_among_members,mentions_among_members,"
                    "follows_among_members,mutual_follows_among_members,follow_density,"
                    "follow_density_ratio,"
                    "automation_client_share,posts_per_active_day,hour_of_week_share,"
                    "first_activity,last_activity,cohort_week,cohort_accounts,principals,"
                    "initiators,amplifiers,kept_because";
  const auto top_signals = top_key_signals();
  for (const auto signal : top_signals)
    out += fmt::format(",top_{}", signals::name(signal));
  out += '\n';
  std::size_t first_label = 0;
  for (const auto &p : profiles) {
    const double ratio = dataset_follow_density > 0 ? p.follow_density / dataset_follow_density : 0;
    out +=
        fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},", p.id, p.size, number(p.score),
                    p.edges, number(p.density), number(p.mean_edge_score), number(p.median_delay_s),
                    dominant_signals(p), p.retweets, p.replies, p.mentions, p.follows,
                    p.mutual_follows, number(p.follow_density), number(ratio));
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}", number(p.automation_client_share),
                       number(p.posts_per_active_day), number(p.hour_of_week_share),
                       time::format_second(p.first_ms), time::format_second(p.last_ms),
                       day(p.cohort_week), p.cohort_accounts, p.principals, p.initiators,
                       p.amplifiers, cluster::kept_because_text(p.kept_because));
    for (const auto signal : top_signals) {
      out += ',';
      csv::append_field(out, top_keys_field(p, signal, top_key_labels, first_label), cells);
    }
    out += '\n';
    first_label += p.top_keys.size();
  }
  return out;
}

std::string signal_names(const detect::Edge &edge) {
  std::string out;
  const auto add = [&](std::uint8_t signal) {
    out += (out.empty() ? "" : ";") + std::string(signals::name(signal));
  };
  bool similarity = edge.shared_targets > 0;
  for (const auto &s : edge.signals) { // by signal number
    if (similarity && s.signal > detect::kSimilaritySignal) {
      add(detect::kSimilaritySignal);
      similarity = false;
    }
    add(s.signal);
  }
  if (similarity)
    add(detect::kSimilaritySignal);
  return out;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&apos;";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
        out += "\xEF\xBF\xBD";
      else
        out += c;
    }
  }
  return out;
}

GexfParts gexf_parts(bool root, const detect::PartitionData &data,
                     const detect::DetectResult &detected, const cluster::ClusterResult &clusters,
                     const std::vector<std::uint64_t> &significant_degree,
                     const std::vector<const detect::Edge *> &edges,
                     const std::vector<std::string> &id_a, const std::vector<std::string> &id_b) {
  GexfParts parts;
  if (root) {
    auto &h = parts.header;
    h += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<gexf xmlns=\"http://gexf.net/1.3\" version=\"1.3\">\n";
    h += fmt::format("  <meta>\n    <creator>lockstep {}</creator>\n    <description>Coordination "
                     "graph: significant edges and the accounts they join</description>\n  "
                     "</meta>\n",
                     kVersion);
    h += "  <graph mode=\"static\" defaultedgetype=\"undirected\">\n"
         "    <attributes class=\"node\">\n"
         "      <attribute id=\"cluster\" title=\"cluster\" type=\"long\"/>\n"
         "      <attribute id=\"role\" title=\"role\" type=\"string\"/>\n"
         "      <attribute id=\"account_score\" title=\"account_score\" type=\"double\"/>\n";
    for (const auto &f : detect::kFeatures)
      h += fmt::format("      <attribute id=\"{0}\" title=\"{0}\" type=\"double\"/>\n", f.name);
    h += "    </attributes>\n    <attributes class=\"edge\">\n"
         "      <attribute id=\"log10_p\" title=\"log10_p\" type=\"double\"/>\n"
         "      <attribute id=\"signals\" title=\"signals\" type=\"string\"/>\n";
    for (const auto &s : detected.signals) {
      h += fmt::format("      <attribute id=\"{0}\" title=\"{0}_coactions\" type=\"long\"/>\n",
                       s.name);
    }
    h += "    </attributes>\n    <nodes>\n";
    parts.edges_open = "    </nodes>\n    <edges>\n";
    parts.footer = "    </edges>\n  </graph>\n</gexf>\n";
  }
  // Nodes: this rank's accounts with a significant edge.
  for (std::size_t i = 0; i < data.accounts.rows.count; ++i) {
    const auto &member = clusters.accounts[i];
    if (significant_degree[i] == 0)
      continue;
    auto &n = parts.nodes;
    n += fmt::format("      <node id=\"{}\" label=\"{}\">\n        <attvalues>\n",
                     xml_escape(data.accounts.id[i]), xml_escape(data.accounts.screen_name[i]));
    if (member.cluster != 0) {
      n += fmt::format("          <attvalue for=\"cluster\" value=\"{}\"/>\n"
                       "          <attvalue for=\"role\" value=\"{}\"/>\n"
                       "          <attvalue for=\"account_score\" value=\"{}\"/>\n",
                       member.cluster, cluster::role_name(member.role), number(member.score));
    }
    for (std::size_t f = 0; f < detect::kFeatureCount; ++f) {
      const double value = detected.features[i][f];
      if (!std::isnan(value)) {
        n += fmt::format("          <attvalue for=\"{}\" value=\"{}\"/>\n",
                         detect::kFeatures[f].name, number(value));
      }
    }
    n += "        </attvalues>\n      </node>\n";
  }
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const auto &e = *edges[i];
    auto &out = parts.edges;
    out += fmt::format("      <edge id=\"{}-{}\" source=\"{}\" target=\"{}\" weight=\"{}\">\n"
                       "        <attvalues>\n"
                       "          <attvalue for=\"log10_p\" value=\"{}\"/>\n",
                       e.a, e.b, xml_escape(id_a[i]), xml_escape(id_b[i]),
                       std::max<std::uint64_t>(e.weight, 1), number(e.log10_p));
    const auto names = signal_names(e);
    for (const auto &s : e.signals) {
      out += fmt::format("          <attvalue for=\"{}\" value=\"{}\"/>\n", signals::name(s.signal),
                         s.stats.coactions);
    }
    out += fmt::format("          <attvalue for=\"signals\" value=\"{}\"/>\n"
                       "        </attvalues>\n      </edge>\n",
                       names);
  }
  return parts;
}

} // namespace lockstep::report
