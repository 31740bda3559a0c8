// Job files: TOML (toml++) holding a detect run's settings. Every key is checked: unknown keys,
// wrong types and out-of-range values are UsageErrors that name the file, line and key.
#pragma once

#include "common/config.hpp"

#include <string>

namespace lockstep::app {

// Applies the job file at `path` on top of `config` (keys not in the file keep their values).
void apply_job_file(const std::string &path, DetectConfig &config);

// The same, from TOML text; `name` is used in error messages.
void apply_job_text(const std::string &text, const std::string &name, DetectConfig &config);

} // namespace lockstep::app
