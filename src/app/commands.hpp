// Each subcommand: a function that registers its options (writing into Config) and one that runs
// it on every rank. Run functions return the exit status; exceptions end the job (mpi/failure).
#pragma once

#include "common/config.hpp"
#include "common/phase_times.hpp"
#include "mpi/comm.hpp"

#include <CLI/CLI.hpp>
#include <memory>

namespace lockstep::app {

CLI::App *add_signals_command(CLI::App &app, Config &config);
int run_signals(const mpi::Comm &comm, const Config &config);

CLI::App *add_check_env_command(CLI::App &app, Config &config);
int run_check_env(const mpi::Comm &comm, const Config &config);

CLI::App *add_generate_command(CLI::App &app, Config &config);
int run_generate(const mpi::Comm &comm, const Config &config);

CLI::App *add_ingest_command(CLI::App &app, Config &config);
int run_ingest(const mpi::Comm &comm, const Config &config);

CLI::App *add_validate_command(CLI::App &app, Config &config);
int run_validate(const mpi::Comm &comm, const Config &config);

CLI::App *add_detect_command(CLI::App &app, Config &config);
// --csv-safe, for detect and run.
void add_csv_safe_flag(CLI::App &command, DetectConfig &c);
int run_detect(const mpi::Comm &comm, const Config &config);

// The body of `detect` for a complete job (also run by `lockstep run`); `store_digest`, when the
// caller has it on rank 0, spares the manifest reading the store again. With `ends_mpi` it ends
// MPI before rank 0 publishes the results (shut_down_mpi), and no MPI call may follow. Collective.
// Returns the run's data and results, for the caller to free or to leave to the process's exit.
std::shared_ptr<void> detect_and_write(const mpi::Comm &comm, const DetectConfig &job,
                                       const std::string &store_digest = {}, bool ends_mpi = false);

// Ends MPI on every rank (mpi::finalize), timed as the "shut-down" phase of `times`: the ingest
// and detect commands call it before rank 0 writes their manifest, which can then count MPI's
// shutdown (50 ms of every command on a 2-core VM) in a phase.
void shut_down_mpi(PhaseTimes &times);

// Hands `held` to the process's exit, which returns its pages at once, rather than freeing it
// piece by piece now (as compilers leave their syntax trees to the exit). For a command's last
// and largest data: freeing a detect run's posts, accounts and edges took 20 ms, after its
// manifest and so outside every phase.
void leave_to_exit(std::shared_ptr<void> held);

CLI::App *add_run_command(CLI::App &app, Config &config);
int run_run(const mpi::Comm &comm, const Config &config);

CLI::App *add_report_command(CLI::App &app, Config &config);
int run_report(const mpi::Comm &comm, const Config &config);

CLI::App *add_compare_command(CLI::App &app, Config &config);
int run_compare(const mpi::Comm &comm, const Config &config);

CLI::App *add_evaluate_command(CLI::App &app, Config &config);
int run_evaluate(const mpi::Comm &comm, const Config &config);

} // namespace lockstep::app
