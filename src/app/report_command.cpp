// `lockstep report RESULTS_DIR`: the self-contained HTML report (rank 0 does the work).
#include "app/commands.hpp"
#include "report/html_report.hpp"

#include <fmt/format.h>

namespace lockstep::app {

CLI::App *add_report_command(CLI::App &app, Config &config) {
  auto &r = config.report;
  auto *command = app.add_subcommand(
      "report", "Write RESULTS_DIR/report.html: one self-contained page with the run summary, "
                "the clusters and their charts, opening without network access");
  command->add_option("results_dir", r.results_dir, "Results folder of lockstep detect")
      ->required();
  command
      ->add_option("--clusters", r.detailed_clusters,
                   "Clusters with charts and member tables (the rest: table rows)")
      ->capture_default_str();
  command->add_option("--accounts", r.accounts_per_cluster, "Members shown per cluster")
      ->capture_default_str();
  return command;
}

int run_report(const mpi::Comm &comm, const Config &config) {
  if (comm.is_root()) {
    report::ReportOptions options;
    options.detailed_clusters = config.report.detailed_clusters;
    options.accounts_per_cluster = config.report.accounts_per_cluster;
    fmt::print("report in {}\n", report::write_html_report(config.report.results_dir, options));
  }
  return 0;
}

} // namespace lockstep::app
