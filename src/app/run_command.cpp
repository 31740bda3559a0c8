// `lockstep run JOB.toml`: the whole pipeline from one job file, restartable at phase boundaries.
// Ingest runs when the store is missing or older than its inputs (appending when only new files
// came), detect when the results are missing or were made from another store or job (resuming
// from its checkpoint), then the HTML report; with --previous the run is compared with an earlier
// one, or skipped when nothing changed since it. `lockstep compare` is the comparison alone.
#include "app/commands.hpp"
#include "app/job_file.hpp"
#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "common/hash.hpp"
#include "common/log.hpp"
#include "common/version.hpp"
#include "evaluate/compare.hpp"
#include "evaluate/report.hpp"
#include "ingest/ingest.hpp"
#include "mpi/collectives.hpp"
#include "mpi/interrupt.hpp"
#include "mpi/serialize.hpp"
#include "report/html_report.hpp"
#include "store/attribute.hpp"
#include "store/file.hpp"
#include "store/schema.hpp"

#include <algorithm>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <glob.h>
#include <set>

namespace lockstep::app {

namespace {

namespace fs = std::filesystem;

// Every file matching the patterns, sorted, without repeats; a pattern matching nothing is an
// error (a typo would otherwise drop a whole release silently).
std::vector<std::string> expand(const std::vector<std::string> &patterns) {
  std::set<std::string> files;
  for (const auto &pattern : patterns) {
    glob_t found{};
    const int status = ::glob(pattern.c_str(), 0, nullptr, &found);
    if (status != 0) {
      globfree(&found);
      throw UsageError("[run] input pattern '" + pattern + "' matches no file");
    }
    for (std::size_t i = 0; i < found.gl_pathc; ++i)
      files.insert(found.gl_pathv[i]);
    globfree(&found);
  }
  return {files.begin(), files.end()};
}

struct Inputs {
  std::vector<std::string> tweets, users, actions, snapshots, follows;
  std::vector<std::string> all() const {
    std::vector<std::string> out;
    for (const auto *list : {&tweets, &users, &actions, &snapshots, &follows})
      out.insert(out.end(), list->begin(), list->end());
    return out;
  }
};

// What ingest has to do for the store to reflect the inputs.
enum class StoreAction { none, append, rebuild };

// Decided on rank 0 from the store's input_files attribute and modification times.
StoreAction plan_store(const RunConfig &run, const Inputs &inputs,
                       std::vector<std::string> &added) {
  if (!fs::exists(run.store_path))
    return StoreAction::rebuild;
  std::set<std::string> ingested;
  {
    const auto file =
        store::File::open(run.store_path, mpi::Comm(MPI_COMM_SELF), store::Access::read_only);
    for (auto &path :
         store::schema::split_input_files(store::read_string_attribute(file.root(), "input_files")))
      ingested.insert(std::move(path));
  }
  const auto store_time = fs::last_write_time(run.store_path);
  const auto all = inputs.all();
  const std::set<std::string> current(all.begin(), all.end());
  for (const auto &path : ingested) {
    if (!current.contains(path) || fs::last_write_time(path) > store_time)
      return StoreAction::rebuild; // a file went away or changed: start again
  }
  for (const auto &path : all) {
    if (!ingested.contains(path))
      added.push_back(path);
  }
  return added.empty() ? StoreAction::none : StoreAction::append;
}

void ingest_inputs(const mpi::Comm &comm, const RunConfig &run, const Inputs &inputs, bool append,
                   const std::vector<std::string> &only) {
  IngestConfig c;
  c.store_path = run.store_path;
  c.format = run.format;
  c.columns = run.columns;
  c.action_columns = run.action_columns;
  c.time_format = run.time_format;
  c.label_column = run.label_column;
  c.follow_columns = run.follow_columns;
  c.partitions = run.partitions;
  c.store_compression = run.store_compression;
  c.memory_megabytes = run.memory_megabytes;
  c.append = append;
  const auto keep = [&](const std::vector<std::string> &files) {
    std::vector<std::string> out;
    for (const auto &f : files) {
      if (!append || std::find(only.begin(), only.end(), f) != only.end())
        out.push_back(f);
    }
    return out;
  };
  c.tweets = keep(inputs.tweets);
  c.users = keep(inputs.users);
  c.actions = keep(inputs.actions);
  c.snapshots = keep(inputs.snapshots);
  c.follows = keep(inputs.follows);
  const auto s = ingest::ingest(comm, c);
  if (comm.is_root()) {
    fmt::print("ingest: {} rows read, {} rejected, {} duplicates, {} posts stored in {:.2f} s\n",
               s.rows_read, s.rows_rejected, s.duplicates, s.posts, s.seconds);
  }
}

// The store digest, analysis fingerprint and Lockstep version a results folder's manifest records
// (empty when it has none).
struct ManifestFacts {
  std::string store_digest, analysis, created_by;
};

ManifestFacts manifest_facts(const std::string &dir) {
  std::ifstream in(fs::path(dir) / "manifest.json");
  if (!in)
    return {};
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ManifestFacts facts;
  const auto digest = text.find("\"store_xxh3\": \"");
  if (digest != std::string::npos)
    facts.store_digest = text.substr(digest + 15, 16);
  const auto analysis = text.find("\"analysis\": \"");
  if (analysis != std::string::npos)
    facts.analysis = text.substr(analysis + 13, 16);
  const auto created_by = text.find("\"created_by\": \"");
  if (created_by != std::string::npos) {
    const auto begin = created_by + 15;
    facts.created_by = text.substr(begin, text.find('"', begin) - begin);
  }
  return facts;
}

bool same_run(const ManifestFacts &facts, const std::string &store_digest,
              const DetectConfig &job) {
  // Another version of Lockstep may find other results with the same settings.
  return !facts.store_digest.empty() && facts.store_digest == store_digest &&
         facts.analysis == analysis_fingerprint(job) &&
         facts.created_by == fmt::format("lockstep {}", kVersion);
}

void write_comparison(const RunConfig &run) {
  const auto before =
      evaluate::read_clustering((fs::path(run.previous_dir) / "accounts.csv").string());
  const auto after = evaluate::read_clustering((fs::path(run.out_dir) / "accounts.csv").string());
  const auto comparison = evaluate::compare_clusterings(before, after);
  for (const auto &[name, text] :
       {std::pair<std::string, std::string>{"comparison.csv",
                                            evaluate::comparison_clusters_csv(comparison)},
        {"comparison-accounts.csv", evaluate::comparison_accounts_csv(comparison)}}) {
    AtomicFile file((fs::path(run.out_dir) / name).string());
    file.write(text);
    file.commit();
  }
  fmt::print("compared with {}: {}", run.previous_dir, evaluate::comparison_summary(comparison));
}

// Ingests, appends or leaves the store as its inputs require. Collective.
void bring_store_up_to_date(const mpi::Comm &comm, const RunConfig &run, const Inputs &inputs) {
  std::vector<std::string> added;
  int action = 0;
  if (comm.is_root())
    action = static_cast<int>(plan_store(run, inputs, added));
  action = mpi::allreduce(comm, action, mpi::Op::max);
  mpi::broadcast_object(comm, added);
  const auto store_action = static_cast<StoreAction>(action);
  if (store_action == StoreAction::none) {
    log::info("run: {} is up to date with its {} inputs", run.store_path, inputs.all().size());
    return;
  }
  log::info("run: {} {}", store_action == StoreAction::append ? "appending" : "ingesting",
            store_action == StoreAction::append ? fmt::format("{} new files", added.size())
                                                : run.store_path);
  ingest_inputs(comm, run, inputs, store_action == StoreAction::append, added);
}

// Detects unless the results (or, with --previous, the previous run's) were made from this store
// with this analysis; then compares with the previous run. Returns false when the previous run is
// current, so this run has nothing to add. Collective.
bool detect_phase(const mpi::Comm &comm, const RunConfig &run, DetectConfig job) {
  job.store_path = run.store_path;
  job.out_dir = run.out_dir;
  job.job_path = run.job_path;
  job.checkpoint = run.checkpoint;
  job.memory_megabytes = run.memory_megabytes;
  job.scratch = run.scratch;
  std::string digest; // of the store, on rank 0: read once, and only when a manifest asks
  const auto is_current = [&](const std::string &dir) {
    int same = 0;
    if (comm.is_root()) {
      const auto facts = manifest_facts(dir);
      if (!facts.store_digest.empty() && digest.empty())
        digest = file_digest(run.store_path);
      same = same_run(facts, digest, job) ? 1 : 0;
    }
    return mpi::allreduce(comm, same, mpi::Op::max) == 1;
  };
  if (!run.previous_dir.empty() && is_current(run.previous_dir)) {
    if (comm.is_root())
      fmt::print("run: store and job unchanged since {}; nothing to do\n", run.previous_dir);
    return false;
  }
  if (is_current(run.out_dir)) {
    if (comm.is_root())
      fmt::print("run: the results in {} are up to date\n", run.out_dir);
  } else {
    detect_and_write(comm, job, digest);
  }
  if (!run.previous_dir.empty() && comm.is_root())
    write_comparison(run);
  return true;
}

} // namespace

CLI::App *add_run_command(CLI::App &app, Config &config) {
  auto &r = config.run;
  auto *command = app.add_subcommand(
      "run", "Run the whole pipeline of a job file: ingest when the store is missing or older than "
             "its inputs, detect when the results are missing or stale; restartable");
  command->add_option("job", r.job_path, "Job file with a [run] section (see jobs/README.md)")
      ->required();
  command->add_option("--out", r.out_dir, "Results directory (overrides [run] out)");
  command
      ->add_option("--phase", r.phase,
                   "all, or one phase: ingest, detect or report (for batch steps with "
                   "dependencies)")
      ->check(CLI::IsMember({"all", "ingest", "detect", "report"}))
      ->capture_default_str();
  command->add_option("--previous", r.previous_dir,
                      "An earlier run's results: skip when store and job are unchanged since, "
                      "else write comparison.csv and comparison-accounts.csv");
  add_csv_safe_flag(*command, config.detect);
  return command;
}

int run_run(const mpi::Comm &comm, const Config &config) {
  mpi::install_stop_handlers();
  RunConfig run = config.run;
  DetectConfig job;
  run.job_path = resolve_job(run.job_path); // a named job's file
  apply_run_job_file(run.job_path, run, job);
  job.csv_safe = job.csv_safe || config.detect.csv_safe; // the flag wins over the job file
  if (!config.run.out_dir.empty())
    run.out_dir = config.run.out_dir;
  run.phase = config.run.phase;
  if (run.out_dir.empty())
    throw UsageError(run.job_path + ": [run] out (or --out) is required");
  Inputs inputs{expand(run.tweets), expand(run.users), expand(run.actions), expand(run.snapshots),
                expand(run.follows)};

  if (run.phase == "all" || run.phase == "ingest")
    bring_store_up_to_date(comm, run, inputs);
  else if (!fs::exists(run.store_path))
    throw UsageError("run --phase " + run.phase + ": " + run.store_path + " does not exist yet");
  if (run.phase == "ingest")
    return 0;
  mpi::stop_if_requested(comm, "ingest");
  if (run.phase == "all" || run.phase == "detect") {
    if (!detect_phase(comm, run, job))
      return 0; // nothing changed since the previous run
  }
  if ((run.phase == "all" || run.phase == "report") && comm.is_root()) {
    if (!fs::exists(fs::path(run.out_dir) / "manifest.json"))
      throw UsageError("run --phase report: no results in " + run.out_dir + " yet");
    fmt::print("report in {}\n", report::write_html_report(run.out_dir, report::ReportOptions()));
  }
  return 0;
}

CLI::App *add_compare_command(CLI::App &app, Config &config) {
  auto &r = config.run;
  auto *command = app.add_subcommand(
      "compare", "Compare two runs' clusters: new, grown, shrunk and gone clusters, and accounts "
                 "that joined, left or moved (writes comparison.csv and comparison-accounts.csv "
                 "into the newer folder)");
  command->add_option("previous", r.previous_dir, "The earlier results folder")->required();
  command->add_option("current", r.out_dir, "The newer results folder")->required();
  return command;
}

int run_compare(const mpi::Comm &comm, const Config &config) {
  if (comm.is_root())
    write_comparison(config.run);
  return 0;
}

} // namespace lockstep::app
