// Renders the configuration tree as TOML-like text.
#include "common/config.hpp"

#include <fmt/format.h>

namespace lockstep {

std::string describe(const Config &config) {
  std::string out;
  out += "[general]\n";
  out += fmt::format("log_level = \"{}\"\n", config.general.log_level);
  out += fmt::format("log_all_ranks = {}\n", config.general.log_all_ranks);
  out += fmt::format("threads = {}\n", config.general.threads);
  out += "[check_env]\n";
  out += fmt::format("dir = \"{}\"\n", config.check_env.dir);
  out += fmt::format("megabytes = {}\n", config.check_env.megabytes);
  out += fmt::format("keep_file = {}\n", config.check_env.keep_file);
  return out;
}

} // namespace lockstep
