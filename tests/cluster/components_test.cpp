// Connected components over ranks against a breadth-first search over the gathered edges: random
// graphs of several shapes, split over the ranks in an order unrelated to account ownership.
#include "account_ranges.hpp"
#include "cluster/components.hpp"
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"

#include <algorithm>
#include <queue>
#include <random>

namespace lockstep::testing {
namespace {

class Components : public MpiTest {};

// The oracle: BFS from every unvisited account in ascending order labels its component with the
// smallest account, which is the start of the search.
std::vector<std::uint64_t> bfs_labels(std::uint64_t accounts,
                                      const std::vector<cluster::AccountPair> &edges) {
  std::vector<std::vector<std::uint64_t>> adjacent(accounts);
  for (const auto &e : edges) {
    adjacent[e.a].push_back(e.b);
    adjacent[e.b].push_back(e.a);
  }
  std::vector<std::uint64_t> label(accounts, cluster::kNoComponent);
  for (std::uint64_t start = 0; start < accounts; ++start) {
    if (label[start] != cluster::kNoComponent || adjacent[start].empty())
      continue;
    std::queue<std::uint64_t> queue;
    queue.push(start);
    label[start] = start;
    while (!queue.empty()) {
      const auto v = queue.front();
      queue.pop();
      for (const auto w : adjacent[v]) {
        if (label[w] == cluster::kNoComponent) {
          label[w] = start;
          queue.push(w);
        }
      }
    }
  }
  return label;
}

void expect_components(const mpi::Comm &comm, std::uint64_t accounts,
                       const std::vector<cluster::AccountPair> &all_edges) {
  const auto begin = uneven_account_ranges(comm.size(), accounts);
  std::vector<cluster::AccountPair> mine; // every rank-th edge: no relation to ownership
  for (std::size_t i = std::size_t(comm.rank()); i < all_edges.size(); i += comm.size())
    mine.push_back(all_edges[i]);
  const auto labels = cluster::component_labels(comm, mine, begin, {});
  const auto expected = bfs_labels(accounts, all_edges);
  const auto r = std::size_t(comm.rank());
  ASSERT_EQ(labels.size(), begin[r + 1] - begin[r]);
  for (std::size_t i = 0; i < labels.size(); ++i)
    EXPECT_EQ(labels[i], expected[begin[r] + i]) << "account " << begin[r] + i;
}

TEST_F(Components, MatchBreadthFirstSearchOnRandomGraphs) {
  for (const std::uint64_t seed : {1, 2, 3}) {
    for (const double mean_degree : {0.3, 1.0, 3.0}) {
      const std::uint64_t accounts = 2000;
      std::mt19937_64 random(seed);
      std::uniform_int_distribution<std::uint64_t> pick(0, accounts - 1);
      std::vector<cluster::AccountPair> edges;
      for (std::uint64_t e = 0; e < std::uint64_t(mean_degree * accounts / 2); ++e) {
        auto a = pick(random), b = pick(random);
        if (a != b)
          edges.push_back({std::min(a, b), std::max(a, b)});
      }
      expect_components(comm, accounts, edges);
    }
  }
}

TEST_F(Components, LongChainAcrossEveryRank) {
  // One path through all accounts in a scrambled order: the merge must join every rank's piece.
  const std::uint64_t accounts = 500;
  std::vector<std::uint64_t> order(accounts);
  std::iota(order.begin(), order.end(), std::uint64_t{0});
  std::shuffle(order.begin(), order.end(), std::mt19937_64(9));
  std::vector<cluster::AccountPair> edges;
  for (std::size_t i = 1; i < order.size(); ++i)
    edges.push_back({std::min(order[i - 1], order[i]), std::max(order[i - 1], order[i])});
  expect_components(comm, accounts, edges);
}

TEST_F(Components, NoEdgesGiveNoComponents) {
  expect_components(comm, 100, {});
}

TEST(StarForest, IsTheSameForAnyMergeOrder) {
  const cluster::StarForest left =
      cluster::star_forest(std::vector<std::pair<std::uint64_t, std::uint64_t>>{{5, 9}, {1, 2}});
  const cluster::StarForest right =
      cluster::star_forest(std::vector<std::pair<std::uint64_t, std::uint64_t>>{{9, 2}, {7, 8}});
  const auto merged = cluster::merge_forests(left, right);
  EXPECT_EQ(merged, cluster::merge_forests(right, left));
  const cluster::StarForest expected{{2, 1}, {5, 1}, {8, 7}, {9, 1}};
  EXPECT_EQ(merged, expected);
}

} // namespace
} // namespace lockstep::testing
