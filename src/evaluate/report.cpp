// Input parsing with file:line errors, and the two output forms.
#include "evaluate/report.hpp"

#include "common/csv.hpp"
#include "common/error.hpp"
#include "common/json.hpp"

#include <charconv>
#include <fmt/format.h>
#include <fstream>

namespace lockstep::evaluate {
namespace {

std::ifstream open_input(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw UsageError("cannot read '" + path + "'");
  return in;
}

} // namespace

std::vector<TruthRow> read_truth(const std::string &path) {
  auto in = open_input(path);
  csv::Reader reader(in, path);
  std::vector<std::string> fields;
  if (!reader.next(fields))
    throw InputError(path, 1, "empty file: expected a header");
  const auto columns = csv::find_columns(fields, {"userid", "campaign", "style"}, path);
  std::vector<TruthRow> rows;
  while (reader.next(fields)) {
    if (fields.size() < 3)
      throw InputError(path, reader.record_line(), "expected 3 fields");
    TruthRow row{fields[columns[0]], 0, fields[columns[2]]};
    const std::string &campaign = fields[columns[1]];
    const auto [end, error] =
        std::from_chars(campaign.data(), campaign.data() + campaign.size(), row.campaign);
    if (error != std::errc() || end != campaign.data() + campaign.size()) {
      throw InputError(path, reader.record_line(), "campaign '" + campaign + "' is not a number");
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Clustering read_clustering(const std::string &accounts_csv) {
  auto in = open_input(accounts_csv);
  csv::Reader reader(in, accounts_csv);
  std::vector<std::string> fields;
  if (!reader.next(fields))
    throw InputError(accounts_csv, 1, "empty file: expected a header");
  const auto columns = csv::find_columns(fields, {"account_id", "cluster_id"}, accounts_csv);
  Clustering clustering;
  while (reader.next(fields)) {
    if (fields.size() <= std::max(columns[0], columns[1])) {
      throw InputError(accounts_csv, reader.record_line(), "too few fields");
    }
    clustering[fields[columns[0]]] = fields[columns[1]];
  }
  return clustering;
}

EdgeList read_edges(const std::string &edges_csv) {
  auto in = open_input(edges_csv);
  csv::Reader reader(in, edges_csv);
  std::vector<std::string> fields;
  if (!reader.next(fields))
    throw InputError(edges_csv, 1, "empty file: expected a header");
  const auto columns = csv::find_columns(fields, {"account_a", "account_b"}, edges_csv);
  EdgeList edges;
  while (reader.next(fields)) {
    if (fields.size() <= std::max(columns[0], columns[1]))
      throw InputError(edges_csv, reader.record_line(), "too few fields");
    edges.emplace_back(fields[columns[0]], fields[columns[1]]);
  }
  return edges;
}

std::string format_edge_table(const EdgeMetrics &m) {
  std::string out;
  out += fmt::format("coordination edges {}: inside one campaign {} (precision {:.4f})\n", m.edges,
                     m.inside_edges, m.edge_precision);
  out += fmt::format("campaign accounts with an edge inside their campaign {} of {} ({:.4f})\n",
                     m.campaign_with_inside_edge, m.campaign_accounts, m.campaign_recall);
  out += fmt::format("organic accounts with any edge {} of {} ({:.4f}%)\n", m.organic_with_edge,
                     m.organic_accounts, 100 * m.organic_edge_rate);
  for (const auto &s : m.styles)
    out += fmt::format("  {:<14} {:>5} of {:>5}\n", s.style, s.with_inside_edge, s.accounts);
  if (m.unknown_endpoints > 0)
    out += fmt::format("note: {} edges name accounts the truth file does not know\n",
                       m.unknown_endpoints);
  return out;
}

std::string format_edge_json(const EdgeMetrics &m) {
  std::string styles;
  for (const auto &s : m.styles) {
    styles += fmt::format("{}{{\"style\": {}, \"accounts\": {}, \"with_inside_edge\": {}}}",
                          styles.empty() ? "" : ", ", json::quote(s.style), s.accounts,
                          s.with_inside_edge);
  }
  return fmt::format(
      "{{\"edges\": {}, \"inside_edges\": {}, \"edge_precision\": {:.6f}, "
      "\"campaign_accounts\": {}, \"campaign_with_inside_edge\": {}, \"campaign_recall\": {:.6f}, "
      "\"organic_accounts\": {}, \"organic_with_edge\": {}, \"organic_edge_rate\": {:.6f}, "
      "\"unknown_endpoints\": {}, \"styles\": [{}]}}",
      m.edges, m.inside_edges, m.edge_precision, m.campaign_accounts, m.campaign_with_inside_edge,
      m.campaign_recall, m.organic_accounts, m.organic_with_edge, m.organic_edge_rate,
      m.unknown_endpoints, styles);
}

std::string format_table(const Metrics &m) {
  std::string out;
  out += fmt::format("accounts {} (campaign {}, organic {}), clustered {}\n", m.accounts,
                     m.campaign_accounts, m.organic_accounts, m.clustered);
  out += fmt::format("precision {:.4f}  recall {:.4f}  F1 {:.4f}\n", m.precision, m.recall, m.f1);
  out += fmt::format("organic false-positive rate {:.4f}% ({} of {})\n",
                     100 * m.organic_false_positive_rate, m.false_positives, m.organic_accounts);
  out += fmt::format("adjusted Rand index over campaign accounts {:.4f}\n", m.adjusted_rand_index);
  if (m.unknown_accounts > 0) {
    out +=
        fmt::format("note: {} clustered accounts are not in the truth file\n", m.unknown_accounts);
  }
  out += fmt::format("{:>8}  {:<14} {:>5}  {:<12} {:>7}\n", "campaign", "style", "size",
                     "best cluster", "Jaccard");
  for (const auto &c : m.campaigns) {
    out += fmt::format("{:>8}  {:<14} {:>5}  {:<12} {:>7.3f}\n", c.campaign, c.style, c.size,
                       c.best_cluster.empty() ? "-" : c.best_cluster, c.jaccard);
  }
  return out;
}

std::string format_json(const Metrics &m) {
  std::string out = "{\n";
  out += fmt::format(
      "  \"accounts\": {},\n  \"campaign_accounts\": {},\n  \"organic_accounts\": {},\n",
      m.accounts, m.campaign_accounts, m.organic_accounts);
  out += fmt::format("  \"clustered\": {},\n  \"unknown_accounts\": {},\n", m.clustered,
                     m.unknown_accounts);
  out += fmt::format(
      "  \"true_positives\": {},\n  \"false_positives\": {},\n  \"false_negatives\": {},\n",
      m.true_positives, m.false_positives, m.false_negatives);
  out += fmt::format("  \"precision\": {:.6f},\n  \"recall\": {:.6f},\n  \"f1\": {:.6f},\n",
                     m.precision, m.recall, m.f1);
  out += fmt::format("  \"organic_false_positive_rate\": {:.6f},\n", m.organic_false_positive_rate);
  out +=
      fmt::format("  \"adjusted_rand_index\": {:.6f},\n  \"campaigns\": [", m.adjusted_rand_index);
  for (std::size_t i = 0; i < m.campaigns.size(); ++i) {
    const auto &c = m.campaigns[i];
    out += fmt::format(
        "{}\n    {{\"campaign\": {}, \"style\": {}, \"size\": {}, \"best_cluster\": {}, "
        "\"jaccard\": {:.6f}}}",
        i == 0 ? "" : ",", c.campaign, json::quote(c.style), c.size,
        c.best_cluster.empty() ? "null" : json::quote(c.best_cluster), c.jaccard);
  }
  out += m.campaigns.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

} // namespace lockstep::evaluate
