// evaluate's metrics on hand-computed cases: perfect, empty and partial answers, the ARI against
// published values, ties, and the readers' errors.
#include "common/error.hpp"
#include "evaluate/metrics.hpp"
#include "evaluate/report.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

namespace lockstep::testing {
namespace {

using evaluate::Clustering;
using evaluate::TruthRow;

// Campaign 1: a1..a4, campaign 2: b1..b2, organic: o1..o4.
std::vector<TruthRow> truth() {
  return {{"a1", 1, "retweet_ring"}, {"a2", 1, "retweet_ring"}, {"a3", 1, "retweet_ring"},
          {"a4", 1, "retweet_ring"}, {"b1", 2, "sleeper"},      {"b2", 2, "sleeper"},
          {"o1", 0, "organic"},      {"o2", 0, "organic"},      {"o3", 0, "fan"},
          {"o4", 0, "news_feed"}};
}

TEST(Metrics, PerfectAnswer) {
  const Clustering perfect = {{"a1", "1"}, {"a2", "1"}, {"a3", "1"}, {"a4", "1"},
                              {"b1", "2"}, {"b2", "2"}, {"o1", ""}};
  const auto m = evaluate::score(truth(), perfect);
  EXPECT_DOUBLE_EQ(m.precision, 1.0);
  EXPECT_DOUBLE_EQ(m.recall, 1.0);
  EXPECT_DOUBLE_EQ(m.f1, 1.0);
  EXPECT_DOUBLE_EQ(m.organic_false_positive_rate, 0.0);
  EXPECT_DOUBLE_EQ(m.adjusted_rand_index, 1.0);
  ASSERT_EQ(m.campaigns.size(), 2u);
  EXPECT_EQ(m.campaigns[0].best_cluster, "1");
  EXPECT_DOUBLE_EQ(m.campaigns[1].jaccard, 1.0);
}

TEST(Metrics, EmptyAnswer) {
  const auto m = evaluate::score(truth(), {});
  EXPECT_DOUBLE_EQ(m.precision, 0.0);
  EXPECT_DOUBLE_EQ(m.recall, 0.0);
  EXPECT_DOUBLE_EQ(m.f1, 0.0);
  EXPECT_EQ(m.false_negatives, 6u);
  EXPECT_DOUBLE_EQ(m.adjusted_rand_index, 0.0); // every account alone vs two campaigns
  EXPECT_EQ(m.campaigns[0].best_cluster, "");
  EXPECT_DOUBLE_EQ(m.campaigns[0].jaccard, 0.0);
}

TEST(Metrics, PartialAnswerByHand) {
  // Cluster X = {a1, a2, a3, o1}; cluster Y = {b1, b2, a4, o2}.
  const Clustering found = {{"a1", "X"}, {"a2", "X"}, {"a3", "X"}, {"o1", "X"}, {"b1", "Y"},
                            {"b2", "Y"}, {"a4", "Y"}, {"o2", "Y"}, {"zz", "Y"}};
  const auto m = evaluate::score(truth(), found);
  EXPECT_EQ(m.true_positives, 6u);
  EXPECT_EQ(m.false_positives, 2u);
  EXPECT_DOUBLE_EQ(m.precision, 0.75);
  EXPECT_DOUBLE_EQ(m.recall, 1.0);
  EXPECT_NEAR(m.f1, 2 * 0.75 / 1.75, 1e-12);
  EXPECT_DOUBLE_EQ(m.organic_false_positive_rate, 0.5);
  EXPECT_EQ(m.unknown_accounts, 1u);
  // Campaign 1 vs X: 3 shared / (4 + 4 - 3) = 0.6. Campaign 2 vs Y: 2 / (2 + 5 - 2) = 0.4.
  EXPECT_EQ(m.campaigns[0].best_cluster, "X");
  EXPECT_DOUBLE_EQ(m.campaigns[0].jaccard, 0.6);
  EXPECT_EQ(m.campaigns[1].best_cluster, "Y");
  EXPECT_DOUBLE_EQ(m.campaigns[1].jaccard, 0.4);
  // ARI over campaign accounts: truth [1,1,1,1,2,2] vs found [X,X,X,Y,Y,Y].
  EXPECT_NEAR(
      m.adjusted_rand_index,
      evaluate::adjusted_rand_index({"1", "1", "1", "1", "2", "2"}, {"X", "X", "X", "Y", "Y", "Y"}),
      1e-12);
}

TEST(Metrics, AdjustedRandIndexKnownValues) {
  // Values from scikit-learn's documentation of adjusted_rand_score.
  EXPECT_DOUBLE_EQ(evaluate::adjusted_rand_index({"0", "0", "1", "1"}, {"0", "0", "1", "1"}), 1.0);
  EXPECT_DOUBLE_EQ(evaluate::adjusted_rand_index({"0", "0", "1", "1"}, {"1", "1", "0", "0"}), 1.0);
  EXPECT_NEAR(evaluate::adjusted_rand_index({"0", "0", "1", "2"}, {"0", "0", "1", "1"}),
              0.5714285714, 1e-9);
  EXPECT_DOUBLE_EQ(evaluate::adjusted_rand_index({"0", "0", "0", "0"}, {"0", "1", "2", "3"}), 0.0);
  // ARI([1,1,1,1,2,2],[X,X,X,Y,Y,Y]) by hand: index 4, rows 7, cols 6, total 15 -> 1.2/3.7.
  EXPECT_NEAR(
      evaluate::adjusted_rand_index({"1", "1", "1", "1", "2", "2"}, {"X", "X", "X", "Y", "Y", "Y"}),
      (4 - 42.0 / 15) / (6.5 - 42.0 / 15), 1e-12);
}

TEST(Metrics, JsonAndTableNameEveryFigure) {
  const auto m = evaluate::score(truth(), {{"a1", "7"}, {"a2", "7"}});
  const auto json = evaluate::format_json(m);
  for (const char *key :
       {"\"precision\": 1.000000", "\"recall\": 0.333333",
        "\"f1\":", "\"organic_false_positive_rate\": 0.000000",
        "\"adjusted_rand_index\":", "\"best_cluster\": \"7\"", "\"best_cluster\": null"}) {
    EXPECT_NE(json.find(key), std::string::npos) << key << " in\n" << json;
  }
  const auto table = evaluate::format_table(m);
  EXPECT_NE(table.find("precision 1.0000  recall 0.3333"), std::string::npos) << table;
}

TEST(Metrics, ReadersReportFileAndLine) {
  const auto dir = std::filesystem::temp_directory_path() / "lockstep-evaluate-readers";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "truth.csv") << "userid,campaign,style\nu1,1,sleeper\nu2,x,organic\n";
  try {
    evaluate::read_truth((dir / "truth.csv").string());
    FAIL() << "no error for a bad campaign number";
  } catch (const InputError &error) {
    EXPECT_EQ(error.line(), 3);
  }
  std::ofstream(dir / "accounts.csv") << "account_id,score\nu1,0.5\n";
  EXPECT_THROW(evaluate::read_clustering((dir / "accounts.csv").string()), InputError);
  std::ofstream(dir / "accounts.csv") << "account_id,cluster_id,score\nu1,3,0.5\nu2,,0.1\n";
  const auto clustering = evaluate::read_clustering((dir / "accounts.csv").string());
  EXPECT_EQ(clustering.at("u1"), "3");
  EXPECT_EQ(clustering.at("u2"), "");
  std::filesystem::remove_all(dir);
}

} // namespace
} // namespace lockstep::testing
