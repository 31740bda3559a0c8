// Renders the configuration tree as TOML-like text.
#include "common/config.hpp"

#include "common/hash.hpp"

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

std::string describe_detect(const DetectConfig &d) {
  std::string out = "[detect]\n";
  out += fmt::format("store = \"{}\"\njob = \"{}\"\nout = \"{}\"\n", d.store_path, d.job_path,
                     d.out_dir);
  out += fmt::format("alpha = {}\naudience_null = {}\nmin_keys = {}\nmin_weight_quantile = {}\n",
                     d.alpha, d.audience_null, d.min_keys, d.min_weight_quantile);
  out += fmt::format("evidence_per_edge = {}\nkeep_candidates = {}\ncsv_safe = {}\n"
                     "exchange_megabytes = {}\n",
                     d.evidence_per_edge, d.keep_candidates, d.csv_safe, d.exchange_megabytes);
  std::string clients;
  for (const auto &c : d.automation_clients)
    clients += (clients.empty() ? "\"" : ", \"") + c + "\"";
  out += fmt::format("automation_clients = [{}]\n", clients);
  const auto &m = d.similarity;
  out += fmt::format("[similarity]\nenabled = {}\ntop_n = {}\nmin_cosine = {}\n"
                     "min_shared_targets = {}\nmax_target_accounts = {}\n",
                     m.enabled, m.top_n, m.min_cosine, m.min_shared_targets, m.max_target_accounts);
  const auto &n = d.near_duplicate;
  out += fmt::format("[near_duplicate]\nenabled = {}\nwindow_seconds = {}\nhub_cap = {}\n"
                     "min_jaccard = {}\nshingle = \"{}\"\nword_ngram = {}\nchar_ngram = {}\n"
                     "min_shingles = {}\nbands = {}\nrows = {}\nbucket_cap = {}\nprefilter = {}\n",
                     n.enabled, n.window_seconds, n.hub_cap, n.min_jaccard, n.shingle, n.word_ngram,
                     n.char_ngram, n.min_shingles, n.bands, n.rows, n.bucket_cap, n.prefilter);
  const auto &c = d.clusters;
  out +=
      fmt::format("[clusters]\nrefine = {}\nresolution = {}\nbeta = {}\nseed = {}\n"
                  "min_size = {}\nanchor_below = {}\ntop_keys = {}\n",
                  c.refine, c.resolution, c.beta, c.seed, c.min_size, c.anchor_below, c.top_keys);
  for (const auto &[name, s] : d.signals) {
    out += fmt::format("[signals.{}]\nenabled = {}\nwindow_seconds = {}\nhub_cap = {}\n", name,
                       s.enabled, s.window_seconds, s.hub_cap);
  }
  return out;
}

} // namespace lockstep
