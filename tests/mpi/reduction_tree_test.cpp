// The binary reduction tree: a non-commutative combiner proves the left-to-right rank order, and
// a forest-like merge (sorted edge lists) proves the shape used by cluster reduction.
#include "mpi/reduction_tree.hpp"
#include "mpi_test.hpp"

#include <algorithm>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>

namespace lockstep::testing {
namespace {

class ReductionTree : public MpiTest {};

TEST_F(ReductionTree, CombinesInRankOrder) {
  const auto concat = [](std::string left, const std::string &right) {
    return left.append(",").append(right);
  };
  const auto result = mpi::reduce_tree(comm, std::to_string(comm.rank()), concat);
  if (!comm.is_root()) {
    EXPECT_FALSE(result.has_value());
    return;
  }
  std::string expected = "0";
  for (int r = 1; r < comm.size(); ++r)
    expected.append(",").append(std::to_string(r));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, expected);
}

TEST_F(ReductionTree, AllreduceMergesSortedEdgeLists) {
  using Edges = std::vector<std::pair<std::uint32_t, std::uint32_t>>;
  Edges local;
  for (std::uint32_t i = 0; i < 5; ++i)
    local.emplace_back(comm.rank(), comm.rank() * 10 + i);
  const auto merge = [](Edges left, Edges right) {
    Edges out;
    std::merge(left.begin(), left.end(), right.begin(), right.end(), std::back_inserter(out));
    return out;
  };
  const Edges all = mpi::allreduce_tree(comm, local, merge);
  Edges expected; // every rank's five edges, in rank order
  for (std::uint32_t rank = 0; rank < std::uint32_t(comm.size()); ++rank) {
    for (std::uint32_t i = 0; i < 5; ++i)
      expected.emplace_back(rank, rank * 10 + i);
  }
  EXPECT_EQ(all, expected);
}

} // namespace
} // namespace lockstep::testing
