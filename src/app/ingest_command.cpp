// `lockstep ingest` and `lockstep validate`: options, and the accounting printed at the end.
#include "app/commands.hpp"
#include "ingest/ingest.hpp"
#include "ingest/parse.hpp"
#include "report/results.hpp"
#include "report/validate_results.hpp"
#include "store/attribute.hpp"
#include "store/file.hpp"
#include "store/validate.hpp"

#include <fmt/format.h>

namespace lockstep::app {

CLI::App *add_ingest_command(CLI::App &app, Config &config) {
  auto &c = config.ingest;
  auto *command = app.add_subcommand("ingest", "Read IO-archive CSVs (or a generic action table, "
                                               "or API tweets as JSON lines) into one "
                                               "partitioned HDF5 store");
  command->add_option("--store", c.store_path, "The store to write (HDF5)")->required();
  command->add_option("--tweets", c.tweets,
                      "IO-archive tweets files (.csv, .csv.gz, .csv.zst), or with --format jsonl "
                      "Twitter API tweets, one JSON object per line (v1.1, or v2 flattened)");
  command->add_option("--users", c.users, "IO-archive users files");
  command->add_option("--actions", c.actions,
                      "Generic action tables (with --format actions), or with --format ioarchive "
                      "tables of media joined to the tweets (see --action-columns)");
  command->add_option("--snapshots", c.snapshots,
                      "Follower snapshots: CSV with userid, time (date, date time or unix "
                      "seconds) and followers columns");
  command->add_option("--follows", c.follows,
                      "Follow lists: an edge list CSV with account_id, followed_id and optional "
                      "collected_at columns, or twarc2 following/followers output (one user "
                      "object per line, flattened)");
  command->add_option("--follow-columns", c.follow_columns,
                      "The follows edge lists' header names: account_id=COL,followed_id=COL,"
                      "collected_at=COL");
  command->add_option("--format", c.format, "ioarchive, actions or jsonl")
      ->check(CLI::IsMember({"ioarchive", "actions", "jsonl"}))
      ->capture_default_str();
  command->add_option("--columns", c.columns,
                      "Header names of another layout: for the action table "
                      "object_id=COL,account_id=COL,content_id=COL,timestamp_share=COL, and typed "
                      "object columns, each read as its own signal (" +
                          ingest::typed_object_names() +
                          "), e.g. url=url_id; for tweets files any IO-archive column, e.g. "
                          "tweetid=tweet_id,userid=COL "
                          "(jobs/fivethirtyeight-ira.toml)");
  command->add_option("--action-columns", c.action_columns,
                      "With --format ioarchive, the --actions tables' header names: "
                      "content_id=COL (the tweetid),account_id=COL (the userid),timestamp=COL "
                      "(unix seconds),media=COL (a media id or perceptual hash); each row's media "
                      "joins the tweet of its account and id");
  command->add_option("--time-format", c.time_format,
                      "tweet_time's format in another tweets layout: %Y %m %d %H %M %S and "
                      "literals, e.g. '%m/%d/%Y %H:%M' (default: YYYY-MM-DD HH:MM[:SS])");
  command->add_option("--label-column", c.label_column,
                      "A tweets or users column of account labels (e.g. account_category), "
                      "kept in the store and written to accounts.csv's label column");
  command->add_option("--partitions", c.partitions, "Partitions (fixed for the store's life)")
      ->check(CLI::Range(1u, 1u << 20))
      ->capture_default_str();
  command
      ->add_option("--store-compression", c.store_compression,
                   "The store's columns: none, or deflate (about 3 times smaller, about 4 times "
                   "slower to write and to read)")
      ->check(CLI::IsMember({"none", "deflate"}))
      ->capture_default_str();
  command->add_flag("--append", c.append, "Add the inputs to an existing store");
  command->add_option("--rejects", c.rejects_path,
                      "Where rejected rows go (default: beside the store)");
  command
      ->add_option("--memory-mb", c.memory_megabytes,
                   "Rows held per rank (MB); larger inputs take several passes. 0: Slurm's "
                   "allocation (--mem, --mem-per-cpu), else half the node's memory, shared by its "
                   "ranks")
      ->capture_default_str();
  command->add_option("--block-mb", c.block_megabytes, "Input parsed per rank and round (MB)")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  return command;
}

int run_ingest(const mpi::Comm &comm, const Config &config) {
  auto s = ingest::ingest(comm, config.ingest, shut_down_mpi);
  leave_to_exit(std::move(s.last_pass_rows));
  if (comm.is_root()) {
    fmt::print("ingested {} rows ({:.1f} MB) in {:.2f} s on {} ranks: {:.3g} rows/s, {:.3g} rows/s "
               "per rank\n",
               s.rows_read, static_cast<double>(s.bytes_read) / 1e6, s.seconds, comm.size(),
               static_cast<double>(s.rows_read) / s.seconds,
               static_cast<double>(s.rows_read) / s.seconds / comm.size());
    fmt::print("stored {} posts, {} accounts, {} actions, {} interactions, {} follower snapshots, "
               "{} follows in {}\n",
               s.posts, s.accounts, s.actions, s.interactions, s.snapshots, s.follows,
               config.ingest.store_path);
    fmt::print("rows read {} = new posts + duplicates {} + rejected {} + rows without posts "
               "(users, snapshots, follows) {}\n",
               s.rows_read, s.duplicates, s.rows_rejected, s.non_post_rows);
    for (const auto &[reason, n] : s.rejects_by_reason)
      fmt::print("  rejected, {}: {}\n", reason, n);
    for (const auto &[reason, n] : s.repairs_by_reason) {
      if (n > 0)
        fmt::print("  kept, {}: {}\n", reason, n);
    }
    for (const auto &[source, n] : s.time_sources) {
      if (n > 0)
        fmt::print("  post times from {}: {}\n", source, n);
    }
    fmt::print("time per phase on rank 0: {}\n", s.times.describe());
    fmt::print("peak memory per phase on rank 0: {}\n", s.times.describe_memory());
    if (s.rows_rejected > 0)
      fmt::print("rejected rows with file, line and reason: {}\n", s.rejects_path);
  }
  return 0;
}

CLI::App *add_validate_command(CLI::App &app, Config &config) {
  auto *command = app.add_subcommand(
      "validate", "Check a store or a results file against its schema (data-schema/)");
  command->add_option("file", config.validate.store_path, "The store or results.h5")->required();
  command->add_flag("--digest", config.validate.digest, "Also print a content digest per dataset");
  return command;
}

namespace {

bool is_results_file(const mpi::Comm &comm, const std::string &path) {
  const auto file = store::File::open(path, comm, store::Access::read_only);
  return store::has_attribute(file.root(), "format") &&
         store::read_string_attribute(file.root(), "format") == report::kResultsFormat;
}

} // namespace

int run_validate(const mpi::Comm &comm, const Config &config) {
  const auto &path = config.validate.store_path;
  const auto report = is_results_file(comm, path) ? report::validate_results(comm, path)
                                                  : store::validate_store(comm, path);
  if (comm.is_root()) {
    for (const auto &violation : report.violations)
      fmt::print("violation: {}\n", violation);
    if (config.validate.digest) {
      for (const auto &[dataset, digest] : report.digests)
        fmt::print("{}  {}\n", digest, dataset);
    }
    fmt::print("{}: {} ({})\n", config.validate.store_path,
               report.violations.empty() ? "valid"
                                         : fmt::format("{} violations", report.violations.size()),
               report.summary);
  }
  return report.violations.empty() ? 0 : 1;
}

} // namespace lockstep::app
