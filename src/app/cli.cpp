// Parses the command line into Config, sets up logging and threads, dispatches the subcommand.
#include "app/cli.hpp"

#include "app/commands.hpp"
#include "common/config.hpp"
#include "common/error.hpp"
#include "common/log.hpp"
#include "mpi/failure.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
#include <memory>
#include <oneapi/tbb/global_control.h>
#include <vector>

namespace lockstep::app {
namespace {

struct Subcommand {
  CLI::App *parsed;
  std::function<int(const mpi::Comm &, const Config &)> run;
};

void add_general_options(CLI::App &app, GeneralConfig &general) {
  auto *group = app.add_option_group("General");
  group->add_option("--log-level", general.log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  group->add_flag("--log-all-ranks", general.log_all_ranks,
                  "Let every rank print progress, not only rank 0");
  group->add_option("--threads", general.threads, "oneTBB threads per rank (0 = all cores)")
      ->check(CLI::Range(0, 4096)) // NonNegativeNumber printed DBL_MAX's 309 digits as the bound
      ->capture_default_str();
}

// Parses on every rank (all ranks see the same arguments, so all reach the same verdict) and
// returns the exit status to use now, or -1 to go on. Only rank 0 prints.
int parse(const mpi::Comm &comm, CLI::App &app, int argc, char **argv) {
  try {
    app.parse(argc, argv);
    return -1;
  } catch (const CLI::ParseError &error) {
    const bool is_help = error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success);
    if (comm.is_root()) {
      if (is_help) {
        app.exit(error);
      } else {
        std::fprintf(stderr, "lockstep: %s\nRun 'lockstep --help' for usage.\n", error.what());
      }
    }
    return is_help ? 0 : mpi::kExitUsage;
  }
}

} // namespace

void shut_down_mpi(PhaseTimes &times) {
  ScopedPhase phase(times, "shut-down");
  mpi::finalize();
}

void leave_to_exit(std::shared_ptr<void> held) {
  static_cast<void>(new std::shared_ptr<void>(std::move(held)));
}

int run_cli(const mpi::Comm &comm, int argc, char **argv) {
  Config config;
  CLI::App app{"Lockstep: finds accounts that act in lockstep in platform takedown datasets.\n"
               "Run the subcommands under mpiexec or srun with any number of ranks.",
               "lockstep"};
  app.fallthrough(); // general options may follow the subcommand
  app.require_subcommand(0, 1);
  bool show_version = false;
  app.add_flag("--version", show_version, "Print the versions of Lockstep and its libraries");
  add_general_options(app, config.general);

  const std::vector<Subcommand> subcommands = {
      {add_ingest_command(app, config), run_ingest},
      {add_validate_command(app, config), run_validate},
      {add_detect_command(app, config), run_detect},
      {add_run_command(app, config), run_run},
      {add_compare_command(app, config), run_compare},
      {add_report_command(app, config), run_report},
      {add_generate_command(app, config), run_generate},
      {add_evaluate_command(app, config), run_evaluate},
      {add_check_env_command(app, config), run_check_env},
      {add_signals_command(app, config), run_signals},
  };

  if (const int status = parse(comm, app, argc, argv); status >= 0)
    return status;
  if (show_version) {
    if (comm.is_root())
      std::fputs(version_report().c_str(), stdout);
    return 0;
  }
  for (const auto &subcommand : subcommands) {
    if (!subcommand.parsed->parsed())
      continue;
    return mpi::run_guarded(comm, [&] {
      log::init(comm.rank(), log::parse_level(config.general.log_level),
                config.general.log_all_ranks);
      std::unique_ptr<oneapi::tbb::global_control> thread_limit;
      if (config.general.threads > 0) {
        thread_limit = std::make_unique<oneapi::tbb::global_control>(
            oneapi::tbb::global_control::max_allowed_parallelism,
            static_cast<std::size_t>(config.general.threads));
      }
      log::debug("effective configuration:\n{}", describe(config));
      return subcommand.run(comm, config);
    });
  }
  if (comm.is_root()) {
    std::fprintf(stderr, "lockstep: no subcommand given\n%s", app.help().c_str());
  }
  return mpi::kExitUsage;
}

} // namespace lockstep::app
