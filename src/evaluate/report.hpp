// Reading truth.csv and a results folder's accounts.csv, and printing Metrics as a table or JSON.
#pragma once

#include "evaluate/metrics.hpp"

#include <string>

namespace lockstep::evaluate {

// truth.csv: userid, campaign, style (as written by `lockstep generate`).
std::vector<TruthRow> read_truth(const std::string &path);
// RESULTS_DIR/accounts.csv: needs account_id and cluster_id columns (the results contract).
Clustering read_clustering(const std::string &accounts_csv);

// RESULTS_DIR/edges.csv: its account_a and account_b columns.
EdgeList read_edges(const std::string &edges_csv);
std::string format_table(const Metrics &metrics);
std::string format_json(const Metrics &metrics);
std::string format_edge_table(const EdgeMetrics &metrics);
std::string format_edge_json(const EdgeMetrics &metrics);

} // namespace lockstep::evaluate
