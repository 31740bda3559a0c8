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
  const auto &g = config.generate;
  out += "[generate]\n";
  out += fmt::format("out_dir = \"{}\"\naccounts = {}\ndays = {}\nstart_date = \"{}\"\n", g.out_dir,
                     g.accounts, g.days, g.start_date);
  out += fmt::format("seed = {}\ncampaigns = {}\ncampaign_size = {}\nparts = {}\n", g.seed,
                     g.campaigns, g.campaign_size, g.parts);
  out += fmt::format("format = \"{}\"\nhashed_share = {}\n", g.format, g.hashed_share);
  out += "[evaluate]\n";
  out += fmt::format("truth_file = \"{}\"\nresults_dir = \"{}\"\njson = {}\n",
                     config.evaluate.truth_file, config.evaluate.results_dir, config.evaluate.json);
  return out;
}

} // namespace lockstep
