// `lockstep detect`: options, the job file, the run, and the summary printed at the end.
#include "app/commands.hpp"
#include "app/job_file.hpp"
#include "cluster/clusters.hpp"
#include "common/log.hpp"
#include "common/phase_times.hpp"
#include "detect/checkpoint.hpp"
#include "detect/detect.hpp"
#include "detect/partition_data.hpp"
#include "mpi/interrupt.hpp"
#include "report/cluster_files.hpp"
#include "report/results.hpp"

#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <oneapi/tbb/task_arena.h>

namespace lockstep::app {

namespace fs = std::filesystem;

void add_csv_safe_flag(CLI::App &command, DetectConfig &c) {
  command.add_flag(
      "--csv-safe", c.csv_safe,
      "Write CSV text cells that a spreadsheet would run as formulas (starting with =, "
      "+, -, @, tab or CR) with a leading ' ([detect] csv_safe). Off by default: the "
      "files keep the data exact");
}

CLI::App *add_detect_command(CLI::App &app, Config &config) {
  auto &c = config.detect;
  auto *command = app.add_subcommand(
      "detect", "Find accounts that act in lockstep: behaviour features, co-action signals tested "
                "against a null model, and the coordination graph with evidence per edge");
  command->add_option("--store", c.store_path, "The store written by 'lockstep ingest'")
      ->required();
  command->add_option("--job", c.job_path,
                      "Job file (TOML; see jobs/default.toml), or a named job of the installed "
                      "jobs (default, coortweet, ...). Without it the defaults apply");
  command->add_option("--out", c.out_dir, "Results directory (created if missing)")->required();
  command->add_flag("--checkpoint", c.checkpoint,
                    "Save each finished step in OUT/checkpoint; a run stopped by SIGUSR1 or "
                    "SIGTERM (exit status 3) resumes from there when started again");
  command
      ->add_option("--memory-mb", c.memory_megabytes,
                   "Memory per rank (MB). Past it, tested pairs wait in --scratch and the "
                   "co-action records go through in more rounds; results do not change. 0: "
                   "Slurm's allocation (--mem, --mem-per-cpu), else half the node's memory, "
                   "shared by its ranks")
      ->capture_default_str();
  command->add_option("--scratch", c.scratch,
                      "Folder for what does not fit in --memory-mb (node-local disk is best). "
                      "Default: $TMPDIR, else /tmp");
  add_csv_safe_flag(*command, c);
  return command;
}

namespace {

// The clusters found, largest first (at most 20 lines).
void print_clusters(const cluster::ClusterResult &clusters) {
  const auto &t = clusters.totals;
  fmt::print("{} clusters with {} accounts ({} accounts linked, {} components, {} split by "
             "Leiden)\n",
             t.clusters, t.clustered_accounts, t.linked_accounts, t.components,
             t.refined_components);
  constexpr std::size_t kShown = 20;
  for (std::size_t i = 0; i < std::min(kShown, clusters.profiles.size()); ++i) {
    const auto &p = clusters.profiles[i];
    fmt::print("  cluster {:>4}: {:>5} accounts, density {:.2f}, score {:.1f}, {}\n", p.id, p.size,
               p.density, p.score, report::dominant_signals(p));
  }
  if (clusters.profiles.size() > kShown)
    fmt::print("  ... {} more in clusters.csv\n", clusters.profiles.size() - kShown);
}

} // namespace

int run_detect(const mpi::Comm &comm, const Config &config) {
  DetectConfig job = config.detect;
  if (!job.job_path.empty()) {
    job.job_path = resolve_job(job.job_path); // a named job's file, in the manifest
    apply_job_file(job.job_path, job);
  }
  job.csv_safe = job.csv_safe || config.detect.csv_safe; // the flag wins over the job file
  leave_to_exit(detect_and_write(comm, job, {}, true));
  return 0;
}

std::shared_ptr<void> detect_and_write(const mpi::Comm &comm, const DetectConfig &job,
                                       const std::string &store_digest, bool ends_mpi) {
  const auto start = std::chrono::steady_clock::now();
  const auto effective = describe_detect(job);
  log::debug("effective job:\n{}", effective);

  mpi::install_stop_handlers();
  const double runtime_mb = resident_mb(); // MPI, HDF5, TBB and the program, before any data
  PhaseTimes reading;
  reading.add_start_up();
  detect::PartitionData data;
  {
    ScopedPhase phase(reading, "read store");
    data = detect::read_partitions(comm, job.store_path, job.near_duplicate.enabled);
  }
  log::info("detect: {} accounts and {} posts in {} partitions on {} ranks", data.total_accounts,
            data.total_posts, data.partitions, comm.size());
  const auto checkpoint =
      job.checkpoint ? detect::Checkpoint(comm, (fs::path(job.out_dir) / "checkpoint").string(),
                                          detect::detect_fingerprint(job, comm.size()))
                     : detect::Checkpoint();
  const auto memory = detect::plan_memory(comm, job, data, runtime_mb);
  log::info("memory per rank: {} MB ({}); runtime {:.0f} MB, partitions up to {:.0f} MB, {:.0f} MB "
            "for the phases: {} MB of co-action records at once, {} MB of tested pairs held "
            "before they spill to {}",
            memory.bound_mb, memory.source, memory.runtime_mb, memory.data_mb, memory.working_mb,
            memory.pair_budget_bytes >> 20, memory.tested_bytes >> 20, memory.scratch);
  auto result = detect::detect(comm, job, data, checkpoint, memory);
  result.times.prepend(reading);
  cluster::ClusterResult clusters;
  {
    ScopedPhase phase(result.times, "clusters");
    clusters = cluster::find_clusters(comm, job, data, result);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  {
    // The manifest, written inside it, counts it up to the manifest; the log counts all of it.
    ScopedPhase phase(result.times, "write results");
    report::RunInfo run{.effective_job = effective,
                        .ranks = comm.size(),
                        .threads = tbb::this_task_arena::max_concurrency(),
                        .seconds = seconds,
                        .resumed_steps = checkpoint.resumed(),
                        .store_digest = store_digest,
                        .writing = &phase};
    if (ends_mpi) { // the checkpoint goes first, while MPI is up: the results are all written
      run.before_publishing = [&](PhaseTimes &times) {
        checkpoint.clear(comm);
        shut_down_mpi(times);
      };
    }
    report::write_results(comm, job, data, result, clusters, run);
  }
  if (!ends_mpi)
    checkpoint.clear(comm);
  if (comm.is_root()) {
    for (const auto &s : result.signals) {
      fmt::print("{:>8}: {} actions, {} keys, {} co-action pairs within {} s ({} over the hub cap "
                 "on {} keys), {} candidate pairs\n",
                 s.name, s.totals.actions, s.totals.keys, s.totals.window_pairs,
                 double(s.rule.window_ms) / 1000, s.totals.window_pairs - s.totals.emitted_pairs,
                 s.totals.capped_keys, s.candidates);
    }
    const auto recruited = clusters.totals.recruitment.recruited_edges;
    fmt::print("{} candidate pairs, {} significant edges (false discovery rate {}: p <= 10^{:.2f}; "
               "{} of {} provisional edges ({} recruited in a principal's audience) confirmed by "
               "their cluster's evidence) in {:.2f} s on {} ranks\n",
               result.candidate_edges, result.significant_edges, job.alpha,
               result.log10_p_threshold, clusters.totals.confirmed_edges,
               result.provisional_edges + recruited, recruited, seconds, comm.size());
    print_clusters(clusters);
    fmt::print("time per phase on rank 0: {}\n", result.times.describe());
    fmt::print("peak memory per phase on rank 0: {}\n", result.times.describe_memory());
    fmt::print("results in {}\n", job.out_dir);
  }
  struct Held {
    detect::PartitionData data;
    detect::DetectResult result;
    cluster::ClusterResult clusters;
  };
  return std::make_shared<Held>(Held{std::move(data), std::move(result), std::move(clusters)});
}

} // namespace lockstep::app
