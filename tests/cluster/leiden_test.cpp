// Leiden refinement on graphs whose right answer is known: two groups joined by a few weak
// bridges separate; one homogeneous group, dense or sparse, stays whole; and the result is the
// same for the same seed, depends on the seed where ties allow, and is golden for one seed.
#include "cluster/leiden.hpp"

#include <gtest/gtest.h>
#include <random>
#include <set>

namespace lockstep::testing {
namespace {

using cluster::WeightedGraph;

// A random graph on nodes [first, first + n) with edge probability p and weights 1..4.
void add_random_group(WeightedGraph &g, std::uint32_t first, std::uint32_t n, double p,
                      std::mt19937_64 &random) {
  std::bernoulli_distribution edge(p);
  std::uniform_int_distribution<int> weight(1, 4);
  for (std::uint32_t i = first; i < first + n; ++i) {
    for (std::uint32_t j = i + 1; j < first + n; ++j) {
      if (edge(random)) {
        g.from.push_back(i);
        g.to.push_back(j);
        g.weight.push_back(1 + std::log(double(weight(random))));
      }
    }
  }
  g.nodes = std::max(g.nodes, first + n);
}

std::size_t communities(const std::vector<std::uint32_t> &membership) {
  return std::set<std::uint32_t>(membership.begin(), membership.end()).size();
}

TEST(Leiden, SeparatesGroupsJoinedByWeakBridges) {
  const cluster::LeidenRule rule;
  for (const double density : {0.2, 0.3, 1.0}) {
    for (const std::uint64_t seed : {1, 2, 3}) {
      std::mt19937_64 random(seed);
      WeightedGraph g;
      add_random_group(g, 0, 40, density, random);
      add_random_group(g, 40, 30, density, random);
      for (std::uint32_t bridge = 0; bridge < 3; ++bridge) { // weight 1: one shared key each
        g.from.push_back(bridge * 7);
        g.to.push_back(40 + bridge * 5);
        g.weight.push_back(1);
      }
      const auto membership = cluster::leiden_communities(g, rule);
      ASSERT_EQ(membership.size(), 70u);
      EXPECT_EQ(communities(membership), 2u) << "density " << density << " seed " << seed;
      for (std::uint32_t i = 0; i < 70; ++i)
        EXPECT_EQ(membership[i], i < 40 ? 0u : 1u) << "node " << i << " density " << density;
    }
  }
}

TEST(Leiden, KeepsAHomogeneousGroupWhole) {
  const cluster::LeidenRule rule;
  for (const double density : {0.12, 0.2, 0.5, 1.0}) {
    for (const std::uint64_t seed : {1, 2, 3}) {
      std::mt19937_64 random(seed);
      WeightedGraph g;
      add_random_group(g, 0, 60, density, random);
      EXPECT_EQ(communities(cluster::leiden_communities(g, rule)), 1u)
          << "density " << density << " seed " << seed;
    }
  }
}

TEST(Leiden, IsDeterministicForASeed) {
  std::mt19937_64 random(4);
  WeightedGraph g;
  add_random_group(g, 0, 200, 0.05, random);
  const cluster::LeidenRule rule{1.0, 0.01, 77};
  const auto membership = cluster::leiden_communities(g, rule);
  EXPECT_EQ(membership, cluster::leiden_communities(g, rule));
  EXPECT_GT(communities(membership), 1u);
  // The seed is used: on this graph, where ties allow several optima, some other seed gives
  // another membership (a seed that is ignored gives the same one every time).
  bool another = false;
  for (std::uint64_t seed = 78; seed < 98 && !another; ++seed)
    another = cluster::leiden_communities(g, {1.0, 0.01, seed}) != membership;
  EXPECT_TRUE(another) << "20 other seeds gave seed 77's membership";
  // Golden: seed 77's membership with Debian 12's igraph (0.10), as a count and a checksum, so a
  // change of the algorithm, its parameters or the seeding shows here.
  std::uint64_t checksum = 0;
  for (std::size_t i = 0; i < membership.size(); ++i)
    checksum = checksum * 31 + membership[i] * (i + 1);
  EXPECT_EQ(communities(membership), 9u);
  EXPECT_EQ(checksum, 4283872767055801949ULL);
}

TEST(Leiden, NumbersCommunitiesByTheirSmallestNode) {
  std::mt19937_64 random(5);
  WeightedGraph g;
  add_random_group(g, 0, 300, 0.03, random);
  const auto membership = cluster::leiden_communities(g, {1.0, 0.01, 3});
  std::uint32_t next = 0;
  for (const auto c : membership) {
    EXPECT_LE(c, next);
    next = std::max(next, c + 1);
  }
}

TEST(Leiden, SmallGraphsAreOneCommunity) {
  WeightedGraph pair{2, {0}, {1}, {1.0}};
  EXPECT_EQ(cluster::leiden_communities(pair, {}), (std::vector<std::uint32_t>{0, 0}));
}

} // namespace
} // namespace lockstep::testing
