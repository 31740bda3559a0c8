// `lockstep generate`: options and the summary line.
#include "app/commands.hpp"
#include "common/log.hpp"
#include "synth/generate.hpp"

#include <fmt/format.h>

namespace lockstep::app {

CLI::App *add_generate_command(CLI::App &app, Config &config) {
  auto &g = config.generate;
  auto *command = app.add_subcommand(
      "generate", "Write a synthetic takedown dataset with planted campaigns and ground truth");
  command->add_option("--out", g.out_dir, "Output directory")->required();
  command->add_option("--accounts", g.accounts, "Accounts in all")
      ->check(CLI::Range(1ULL, 1ULL << 21))
      ->capture_default_str();
  command->add_option("--days", g.days, "Days observed")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  command->add_option("--start", g.start_date, "First day, YYYY-MM-DD (UTC)")
      ->capture_default_str();
  command->add_option("--seed", g.seed, "Random seed")->capture_default_str();
  command->add_option("--campaigns", g.campaigns, "Planted campaigns")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  command->add_option("--campaign-size", g.campaign_size, "Accounts per campaign")
      ->check(CLI::Range(3, 100000))
      ->capture_default_str();
  command->add_option("--parts", g.parts, "Numbered tweet part files")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  command->add_option("--format", g.format, "ioarchive or actions")
      ->check(CLI::IsMember({"ioarchive", "actions"}))
      ->capture_default_str();
  command->add_option("--hashed-share", g.hashed_share, "Share of hashed userids")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command->add_flag("--follows", g.follows,
                    "Also write follows.csv (account_id,followed_id,collected_at): a heavy-tailed "
                    "follow graph with niche communities, campaigns that follow their principals "
                    "and each other, and from the ninth campaign on a follow-only network");
  command->add_flag("--hostile", g.hostile,
                    "Put hostile strings (markup, script, CSV and XML breakers, control and "
                    "bidirectional characters, formulas, a 1 MB name) into every string field, "
                    "keeping the world of the same seed otherwise: for testing what reads results");
  return command;
}

int run_generate(const mpi::Comm &comm, const Config &config) {
  const auto summary = synth::generate(comm, config.generate);
  if (comm.is_root()) {
    fmt::print("generated {} rows for {} accounts ({} in {} campaigns) in {:.2f} s: {:.3g} rows/s "
               "on {} ranks\n",
               summary.tweets, summary.accounts, summary.campaign_accounts,
               config.generate.campaigns, summary.seconds,
               static_cast<double>(summary.tweets) / summary.seconds, comm.size());
    fmt::print("outputs in {}/ (truth.csv holds each account's campaign and style)\n",
               config.generate.out_dir);
  }
  return 0;
}

} // namespace lockstep::app
