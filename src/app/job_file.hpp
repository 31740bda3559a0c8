// Job files: TOML (toml++) holding a detect run's settings. Every key is checked: unknown keys,
// wrong types and out-of-range values are UsageErrors that name the file, line and key.
#pragma once

#include "common/config.hpp"

#include <string>

namespace lockstep::app {

// The file a job argument names: a path to a file as given, or a named job ("default",
// "coortweet.toml") from the installed jobs: $LOCKSTEP_HOME/share/lockstep/jobs, then
// share/lockstep/jobs beside the running binary's bin/, then the source tree's jobs/ (a build
// that is not installed). Throws UsageError naming the places looked in and the jobs found there.
std::string resolve_job(const std::string &job);

// Applies the job file at `path` (or a named job, resolve_job) on top of `config` (keys not in
// the file keep their values).
void apply_job_file(const std::string &path, DetectConfig &config);

// The same, from TOML text; `name` is used in error messages. A [run] section is checked and
// applied to `run` when given, and otherwise checked only.
void apply_job_text(const std::string &text, const std::string &name, DetectConfig &config,
                    RunConfig *run = nullptr);

// A pipeline job (`lockstep run`): the [run] section and the detect sections.
void apply_run_job_file(const std::string &path, RunConfig &run, DetectConfig &config);

} // namespace lockstep::app
