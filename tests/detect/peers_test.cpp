// The engine reproduces what the peer tools output on real data (tests/data/peers/README.md):
// CooRTweet's edges (pairs, weight = co-action pairs, avg_time_delta, edge_symmetry_score, its
// median-weight threshold) and the QUT toolkit's directed co_retweet weights (distinct posts on
// each side), at W = 60 s and 10 s, for 1 to 4 ranks, through the whole path: ingest, detect and
// edges.csv.
#include "cluster/clusters.hpp"
#include "common/csv.hpp"
#include "detect/detect.hpp"
#include "ingest/ingest.hpp"
#include "report/results.hpp"
#include "russian_sample.hpp"

#include <cmath>
#include <fstream>
#include <map>

namespace lockstep::testing {
namespace {

const std::string kData = LOCKSTEP_TEST_DATA;

using Table = std::vector<std::map<std::string, std::string>>;

Table read_csv(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  csv::Reader reader(in, path);
  std::vector<std::string> header, fields;
  reader.next(header);
  Table rows;
  while (reader.next(fields)) {
    auto &row = rows.emplace_back();
    for (std::size_t i = 0; i < header.size(); ++i)
      row[header[i]] = fields[i];
  }
  return rows;
}

std::string slurp(const std::string &path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

class Peers : public RussianSample {
protected:
  void SetUp() override { ingest_sample("peers", 7); }

  // detect with only the object signal at `window` s, every candidate reported.
  Table run_detect(int window) {
    DetectConfig config;
    config.store_path = store;
    config.out_dir = dir + "/out" + std::to_string(window);
    for (auto &[name, signal] : config.signals)
      signal.enabled = name == "object";
    config.signals["object"].window_seconds = window;
    config.signals["object"].hub_cap = 1'000'000; // the peers cap nothing
    config.alpha = 1;
    config.min_keys = 1;
    const auto data = detect::read_partitions(comm, config.store_path);
    auto result = detect::detect(comm, config, data);
    const auto clusters = cluster::find_clusters(comm, config, data, result);
    report::write_results(comm, config, data, result, clusters, {"", comm.size(), 1, 0, {}, {}});
    return read_csv(config.out_dir + "/edges.csv");
  }

  void expect_coortweet(const Table &ours, int window) {
    const auto golden =
        read_csv(kData + "/peers/coortweet_russian_tw" + std::to_string(window) + "_mp1_edges.csv");
    std::map<std::pair<std::string, std::string>, const std::map<std::string, std::string> *>
        by_pair;
    std::map<std::uint64_t, std::uint64_t> weights;
    for (const auto &row : ours) {
      const auto &a = row.at("account_a"), &b = row.at("account_b");
      by_pair[{std::min(a, b), std::max(a, b)}] = &row;
      ++weights[std::stoull(row.at("object_coactions"))];
    }
    ASSERT_EQ(by_pair.size(), golden.size());
    const double threshold = std::stod(slurp(kData + "/peers/coortweet_russian_tw" +
                                             std::to_string(window) + "_mp1_threshold.txt"));
    EXPECT_EQ(detect::quantile_type7({weights.begin(), weights.end()}, 0.5), threshold);
    for (const auto &g : golden) {
      const auto it = by_pair.find({g.at("from"), g.at("to")});
      ASSERT_NE(it, by_pair.end()) << g.at("from") << " " << g.at("to");
      const auto &row = *it->second;
      const auto coactions = std::stoull(row.at("object_coactions"));
      EXPECT_EQ(coactions, std::stoull(g.at("weight")));
      const double mean = std::stod(row.at("object_mean_dt_s"));
      const double golden_mean = std::stod(g.at("avg_time_delta"));
      EXPECT_NEAR(mean, golden_mean, 1e-12 * std::max(1.0, golden_mean));
      EXPECT_EQ(double(coactions) > threshold, g.at("weight_threshold") == "1");
      EXPECT_NEAR(std::stod(row.at("object_symmetry")), std::stod(g.at("edge_symmetry_score")),
                  1e-12)
          << g.at("from") << " " << g.at("to");
    }
  }

  void expect_qut(const Table &ours, int window) {
    const auto golden =
        read_csv(kData + "/peers/qut_russian_coretweet_tw" + std::to_string(window) + ".csv");
    std::map<std::pair<std::string, std::string>, std::string> directed;
    for (const auto &row : ours) {
      directed[{row.at("account_a"), row.at("account_b")}] = row.at("object_posts_a");
      directed[{row.at("account_b"), row.at("account_a")}] = row.at("object_posts_b");
    }
    ASSERT_EQ(directed.size(), golden.size());
    for (const auto &g : golden) {
      const auto it = directed.find({g.at("source"), g.at("target")});
      ASSERT_NE(it, directed.end());
      EXPECT_EQ(it->second, g.at("weight")) << g.at("source") << " -> " << g.at("target");
    }
  }
};

TEST_F(Peers, CooRTweetAndQutAtSixtySeconds) {
  const auto ours = run_detect(60);
  expect_coortweet(ours, 60);
  expect_qut(ours, 60);
}

TEST_F(Peers, CooRTweetAndQutAtTenSeconds) {
  const auto ours = run_detect(10);
  expect_coortweet(ours, 10);
  expect_qut(ours, 10);
}

} // namespace
} // namespace lockstep::testing
