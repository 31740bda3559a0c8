// The cluster-level results: clusters.csv (one row per cluster with its score and explanation)
// and coordination.gexf (the graph of significant edges for Gephi, nodes carrying cluster, role
// and features, edges the weight per signal).
#pragma once

#include "cluster/clusters.hpp"
#include "common/csv.hpp"
#include "detect/detect.hpp"
#include "detect/partition_data.hpp"

#include <string>
#include <vector>

namespace lockstep::report {

// The CSV on rank 0 (profiles are there), with the top keys' labels in profile order.
std::string clusters_csv(const std::vector<cluster::ClusterProfile> &profiles,
                         double dataset_follow_density,
                         const std::vector<std::string> &top_key_labels,
                         csv::TextCells cells = csv::TextCells::exact);

// cluster_activity.csv (rank 0): cluster_id, kind, bucket, posts. Kinds: hour_of_week (bucket
// 0..167, Monday 00:00 UTC = 0; cluster_id 0 holds the whole dataset's as the baseline), day
// (YYYY-MM-DD), created_week (the Monday, YYYY-MM-DD; the count is members, not posts), client
// (its name) and follows_gained (YYYY-MM-DD: member-to-member follows first collected that day).
std::string cluster_activity_csv(const cluster::ClusterResult &clusters,
                                 const std::vector<std::string> &client_names,
                                 csv::TextCells cells = csv::TextCells::exact);

// "retweet:0.82;hashtag:0.18": the signals' shares of the inside co-actions, largest first (at
// most three, shares of at least 0.01).
std::string dominant_signals(const cluster::ClusterProfile &profile);

// The sections of the GEXF file for mpi::write_ordered_sections: header, edges_open and footer
// are rank 0's alone; nodes (accounts with a significant edge) and edges come from every rank.
struct GexfParts {
  std::string header, nodes, edges_open, edges, footer;
};
GexfParts gexf_parts(bool root, const detect::PartitionData &data,
                     const detect::DetectResult &detected, const cluster::ClusterResult &clusters,
                     const std::vector<std::uint64_t> &significant_degree,
                     const std::vector<const detect::Edge *> &edges,
                     const std::vector<std::string> &id_a, const std::vector<std::string> &id_b);

// Text safe inside XML attribute values: markup characters escaped, characters XML 1.0 forbids
// (C0 controls other than tab, newline and carriage return) replaced by U+FFFD.
std::string xml_escape(std::string_view text);

// The signals that tied an edge, `;`-separated in signal number order: its tested signals, and
// `similarity` where behavioural similarity kept the pair (edges.csv and the GEXF).
std::string signal_names(const detect::Edge &edge);

} // namespace lockstep::report
