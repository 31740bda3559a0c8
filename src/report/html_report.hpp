// `lockstep report RESULTS_DIR`: one self-contained HTML file (RESULTS_DIR/report.html) that opens
// offline: the run summary, a sortable table of every cluster, and for the strongest clusters a
// network picture, the co-action delays, posts per hour of the week beside the dataset's, posts
// per day, creation weeks, clients, the top shared keys, the members with their roles, strongest
// ties and features, and example evidence. The chart libraries (Debian's d3 and Chart.js) and the
// page's own script are inlined; the data is one JSON document read from the results files.
#pragma once

#include <cstdint>
#include <string>

namespace lockstep::report {

struct ReportOptions {
  std::uint64_t detailed_clusters = 50; // clusters with charts; the rest are table rows only
  std::uint64_t accounts_per_cluster = 200;
  std::uint64_t edges_per_cluster = 2000;
  std::uint64_t evidence_per_cluster = 20;
};

// The report's data as JSON, from RESULTS_DIR's files (exposed for tests).
std::string report_data_json(const std::string &results_dir, const ReportOptions &options);

// Writes RESULTS_DIR/report.html (under a temporary name, then renamed). Returns its path.
std::string write_html_report(const std::string &results_dir, const ReportOptions &options);

} // namespace lockstep::report
