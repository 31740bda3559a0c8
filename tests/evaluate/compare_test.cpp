// Comparing two runs' clusters: continued clusters are matched by members (Jaccard >= 0.5) and
// classified by size; unmatched ones are new or gone; accounts joining, leaving and moving.
#include "evaluate/compare.hpp"

#include <gtest/gtest.h>

namespace lockstep::testing {
namespace {

using evaluate::Clustering;

TEST(Compare, ClassifiesClustersAndAccounts) {
  const Clustering before{{"a", "1"}, {"b", "1"}, {"c", "1"}, {"d", "2"}, {"e", "2"},
                          {"f", "3"}, {"g", "3"}, {"h", ""},  {"x", "4"}, {"y", "4"}};
  // 1 grows into 10 (a, b, c and newcomer i); of 2 only d goes on, into 20 with newcomer j, too
  // little to continue it (Jaccard 1/3), so 20 is new and 2 gone; 3 grows into 30 with x from 4;
  // 4 is gone; 50 is new.
  const Clustering after{{"a", "10"}, {"b", "10"}, {"c", "10"}, {"i", "10"},
                         {"d", "20"}, {"j", "20"}, {"f", "30"}, {"g", "30"},
                         {"k", "50"}, {"l", "50"}, {"x", "30"}};
  const auto c = evaluate::compare_clusterings(before, after);
  ASSERT_EQ(c.clusters.size(), 6u);
  EXPECT_EQ(c.clusters[0].after, "10");
  EXPECT_EQ(c.clusters[0].before, "1");
  EXPECT_EQ(c.clusters[0].status, "grown");
  EXPECT_DOUBLE_EQ(c.clusters[0].jaccard, 0.75);
  EXPECT_EQ(c.clusters[1].after, "20"); // d of {d, e}, j new: Jaccard 1/3 < 0.5
  EXPECT_EQ(c.clusters[1].status, "new");
  EXPECT_EQ(c.clusters[2].after, "30"); // f, g of {f, g}, plus x: 2/3
  EXPECT_EQ(c.clusters[2].before, "3");
  EXPECT_EQ(c.clusters[2].status, "grown");
  EXPECT_EQ(c.clusters[3].after, "50");
  EXPECT_EQ(c.clusters[3].status, "new");
  EXPECT_EQ(c.clusters[4].before, "2");
  EXPECT_EQ(c.clusters[4].status, "gone");
  EXPECT_EQ(c.clusters[5].before, "4");
  EXPECT_EQ(c.clusters[5].status, "gone");
  EXPECT_EQ(c.new_clusters, 2u);
  EXPECT_EQ(c.grown, 2u);
  EXPECT_EQ(c.gone, 2u);
  // joined: i, j, k, l; left: e, y; moved: d (2 -> 20, which does not continue 2), x (4 -> 30)
  EXPECT_EQ(c.joined, 4u);
  EXPECT_EQ(c.left, 2u);
  EXPECT_EQ(c.moved, 2u);
  const auto csv = evaluate::comparison_accounts_csv(c);
  EXPECT_NE(csv.find("e,2,,left\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("x,4,30,moved\n"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("a,"), std::string::npos) << "a stayed in its continued cluster";
}

TEST(Compare, ShrunkKeepsItsMajority) {
  // 1 loses c of {a, b, c} (Jaccard 2/3: continued, smaller); 2 stays the same size.
  const Clustering before{{"a", "1"}, {"b", "1"}, {"c", "1"}, {"d", "2"}, {"e", "2"}};
  const Clustering after{{"a", "7"}, {"b", "7"}, {"c", ""}, {"d", "8"}, {"e", "8"}};
  const auto c = evaluate::compare_clusterings(before, after);
  ASSERT_EQ(c.clusters.size(), 2u);
  EXPECT_EQ(c.clusters[0].after, "7");
  EXPECT_EQ(c.clusters[0].before, "1");
  EXPECT_EQ(c.clusters[0].status, "shrunk");
  EXPECT_EQ(c.clusters[0].size_before, 3u);
  EXPECT_EQ(c.clusters[0].size_after, 2u);
  EXPECT_EQ(c.clusters[1].status, "same");
  EXPECT_EQ(c.shrunk, 1u);
  EXPECT_EQ(c.same, 1u);
  EXPECT_EQ(c.left, 1u);
  EXPECT_EQ(evaluate::comparison_summary(c),
            "clusters: 0 new, 0 grown, 1 shrunk, 1 unchanged in size, 0 gone; accounts: 0 joined "
            "a cluster, 1 left every cluster, 0 moved to another\n");
}

TEST(Compare, IdenticalRunsChangeNothing) {
  const Clustering run{{"a", "1"}, {"b", "1"}, {"c", "2"}, {"d", "2"}, {"e", ""}};
  const auto c = evaluate::compare_clusterings(run, run);
  EXPECT_EQ(c.same, 2u);
  EXPECT_EQ(c.new_clusters + c.grown + c.shrunk + c.gone, 0u);
  EXPECT_TRUE(c.accounts.empty());
  EXPECT_EQ(evaluate::comparison_summary(c),
            "clusters: 0 new, 0 grown, 0 shrunk, 2 unchanged in size, 0 gone; accounts: 0 joined "
            "a cluster, 0 left every cluster, 0 moved to another\n");
}

} // namespace
} // namespace lockstep::testing
