// `lockstep evaluate --truth TRUTH.csv RESULTS_DIR`: scores a run (rank 0 does the work).
#include "app/commands.hpp"
#include "evaluate/report.hpp"

#include <cstdio>
#include <filesystem>

namespace lockstep::app {

CLI::App *add_evaluate_command(CLI::App &app, Config &config) {
  auto &e = config.evaluate;
  auto *command =
      app.add_subcommand("evaluate", "Score a results folder against a generator's truth.csv");
  command->add_option("--truth", e.truth_file, "truth.csv from `lockstep generate`")->required();
  command->add_option("results_dir", e.results_dir, "Results folder (holds accounts.csv)")
      ->required();
  command->add_flag("--json", e.json, "Print JSON instead of a table");
  return command;
}

int run_evaluate(const mpi::Comm &comm, const Config &config) {
  if (!comm.is_root())
    return 0;
  const auto &e = config.evaluate;
  const auto truth = evaluate::read_truth(e.truth_file);
  const auto clustering =
      evaluate::read_clustering((std::filesystem::path(e.results_dir) / "accounts.csv").string());
  const auto metrics = evaluate::score(truth, clustering);
  std::string text = e.json ? evaluate::format_json(metrics) : evaluate::format_table(metrics);
  // The coordination graph, when the results folder has one.
  const auto edges_csv = std::filesystem::path(e.results_dir) / "edges.csv";
  if (std::filesystem::exists(edges_csv)) {
    const auto edge_metrics =
        evaluate::score_edges(truth, evaluate::read_edges(edges_csv.string()));
    if (e.json) {
      // One more member before the closing brace of format_json's object.
      text.erase(text.find_last_not_of("}\n") + 1);
      text += ",\n  \"coordination_graph\": " + evaluate::format_edge_json(edge_metrics) + "\n}\n";
    } else {
      text += evaluate::format_edge_table(edge_metrics);
    }
  }
  std::fputs(text.c_str(), stdout);
  return 0;
}

} // namespace lockstep::app
