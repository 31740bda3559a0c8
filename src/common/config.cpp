// Renders the configuration tree as TOML-like text.
#include "common/config.hpp"

#include "common/hash.hpp"
#include "common/settings.hpp"

#include <fmt/format.h>
#include <type_traits>

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
  out += fmt::format("format = \"{}\"\nhashed_share = {}\nhostile = {}\n", g.format, g.hashed_share,
                     g.hostile);
  out += "[evaluate]\n";
  out += fmt::format("truth_file = \"{}\"\nresults_dir = \"{}\"\njson = {}\n",
                     config.evaluate.truth_file, config.evaluate.results_dir, config.evaluate.json);
  out += describe_detect(config.detect);
  return out;
}

std::map<std::string, SignalConfig> DetectConfig::default_signals() {
  std::map<std::string, SignalConfig> out; // the [signals.NAME] rows of the signal table
  for (const auto &s : signals::all()) {
    if (s.defaults)
      out.emplace(s.name, *s.defaults);
  }
  return out;
}

std::vector<std::string> DetectConfig::default_automation_clients() {
  return {"twittbot.net",
          "IFTTT",
          "dlvr.it",
          "Buffer",
          "Hootsuite",
          "Hootsuite Inc.",
          "twitterfeed",
          "SocialOomph",
          "Zapier.com",
          "Botize",
          "RoundTeam",
          "Cheap Bots, Done Quick!",
          "Tweet Old Post",
          "Sprout Social",
          "Twibble.io",
          "Revive Old Post",
          "WordPress.com",
          "Publicize",
          "Microsoft Power Platform"};
}

std::string analysis_fingerprint(const DetectConfig &detect) {
  DetectConfig d = detect;
  d.out_dir.clear();
  d.job_path.clear();
  d.checkpoint = false;
  return fmt::format("{:016x}", hash64(describe_detect(d)));
}

namespace {

// Appends `key = value` in TOML for one setting (settings.hpp's visit).
struct SettingLine {
  std::string &out;

  template <typename T, typename... Rule>
  void operator()(const char *key, const T &value, Rule...) const {
    if constexpr (std::is_same_v<T, std::string>) {
      out += fmt::format("{} = \"{}\"\n", key, value);
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      std::string items;
      for (const auto &item : value)
        items += (items.empty() ? "\"" : ", \"") + item + "\"";
      out += fmt::format("{} = [{}]\n", key, items);
    } else {
      out += fmt::format("{} = {}\n", key, value);
    }
  }
};

} // namespace

std::string describe_detect(const DetectConfig &d) {
  std::string out = "[detect]\n";
  out += fmt::format("store = \"{}\"\njob = \"{}\"\nout = \"{}\"\n", d.store_path, d.job_path,
                     d.out_dir);
  const SettingLine line{out};
  settings::visit_detect(d, line);
  // The two derived signals' sections are named after their signals (signals/table.hpp).
  out += fmt::format("[{}]\n", signals::name(signals::Id::similarity));
  settings::visit_similarity(d.similarity, line);
  out += fmt::format("[{}]\n", signals::name(signals::Id::near_duplicate));
  settings::visit_near_duplicate(d.near_duplicate, line);
  out += fmt::format("[{}]\n", signals::name(signals::Id::follows));
  settings::visit_follows(d.follows, line);
  out += "[clusters]\n";
  settings::visit_clusters(d.clusters, line);
  for (const auto &[name, s] : d.signals) {
    out += fmt::format("[signals.{}]\n", name);
    settings::visit_signal(s, line);
  }
  return out;
}

} // namespace lockstep
