// Ingest's pass plan: the fewest groups of partitions whose largest share fits the budget.
#include "ingest/passes.hpp"
#include "mpi/comm.hpp"

#include <gtest/gtest.h>

namespace lockstep::testing {
namespace {

using ingest::groups_within;

// The groups cover [first, last) in order, without gaps.
void expect_cover(const std::vector<ingest::PartitionRange> &groups, std::uint32_t first,
                  std::uint32_t last) {
  ASSERT_FALSE(groups.empty());
  EXPECT_EQ(groups.front().first, first);
  EXPECT_EQ(groups.back().last, last);
  for (std::size_t g = 1; g < groups.size(); ++g)
    EXPECT_EQ(groups[g].first, groups[g - 1].last);
}

TEST(PassPlan, OnePassWhenTheRowsFit) {
  // 64 partitions of 1,000 MB over 2 ranks: a rank holds 500 MB, 1,350 MB of rows.
  const auto groups = groups_within(0, 64, 64, 2, 1000, 2.7, 1350);
  ASSERT_EQ(groups.size(), 1u);
  expect_cover(groups, 0, 64);
}

TEST(PassPlan, TheFewestGroupsWhoseLargestShareFits) {
  // 1,350 MB of rows per rank in all; 500 MB of budget takes 3 passes (450 MB each).
  const auto groups = groups_within(0, 64, 64, 2, 1000, 2.7, 500);
  expect_cover(groups, 0, 64);
  EXPECT_EQ(groups.size(), 3u);
  // The largest share is what counts: 22 partitions on 2 ranks put 11 on one, 464 MB of rows.
  for (const auto &g : groups)
    EXPECT_LE((g.last - g.first + 1) / 2 * 1000.0 / 64 * 2.7, 500.0);
  // Two passes would not fit: 32 partitions, 16 on a rank, 675 MB.
  EXPECT_GT(16 * 1000.0 / 64 * 2.7, 500.0);
}

TEST(PassPlan, OnePartitionPerPassAtMost) {
  const auto groups = groups_within(0, 8, 8, 4, 1000, 2.7, 1);
  ASSERT_EQ(groups.size(), 8u);
  for (std::uint32_t g = 0; g < 8; ++g) {
    EXPECT_EQ(groups[g].first, g);
    EXPECT_EQ(groups[g].last, g + 1);
  }
}

TEST(PassPlan, ARangeOfTheRemainingPartitions) {
  // After a first pass of [0, 16), the rest cut again at a higher rate.
  const auto groups = groups_within(16, 64, 64, 2, 1000, 4.0, 500);
  expect_cover(groups, 16, 64);
  for (const auto &g : groups)
    EXPECT_LE((g.last - g.first + 1) / 2 * 1000.0 / 64 * 4.0, 500.0);
  EXPECT_TRUE(groups_within(5, 5, 64, 2, 1000, 2.7, 500).empty());
}

// A plan of two passes over 64 partitions of 1,000 MB on one rank: 500 MB of input per pass,
// planned at 2.7 bytes per input byte, 100 MB beside the rows, a 1,500 MB bound.
class Replan : public ::testing::Test {
protected:
  void SetUp() override {
    if (comm.size() != 1)
      GTEST_SKIP() << "the shares below are one rank's";
    plan.bound.megabytes = 1500;
    plan.input_mb = 1000;
    plan.reserve_mb = 100;
    plan.bytes_per_input_byte = 2.7;
    plan.groups = {{0, 32}, {32, 64}};
  }
  const mpi::Comm comm;
  ingest::PassPlan plan;
};

TEST_F(Replan, APassThatHeldMoreThanPlannedCutsTheRestFiner) {
  // The first pass held 4 bytes per input byte: the other 500 MB take 2,000 MB, over the 1,400
  // left, so they go in two passes of 1,000 MB.
  EXPECT_TRUE(ingest::replan_after_pass(comm, plan, 0, 100, 100 + 4.0 * 500, 100));
  EXPECT_DOUBLE_EQ(plan.bytes_per_input_byte, 4.0);
  ASSERT_EQ(plan.groups.size(), 3u);
  EXPECT_EQ(plan.groups[0].last, 32u);
  expect_cover(plan.groups, 0, 64);
}

TEST_F(Replan, WhatStaysBetweenPassesIsSetAside) {
  // The pass held what the model said, but 800 MB stay after it (the keys and the writer's
  // state): 825 MB with the keys still to come, 675 MB for the rows, two passes for 1,350 MB.
  EXPECT_TRUE(ingest::replan_after_pass(comm, plan, 0, 100, 100 + 2.7 * 500, 800));
  EXPECT_DOUBLE_EQ(plan.reserve_mb, 800 + ingest::kKeyBytesPerInputByte * 500);
  EXPECT_EQ(plan.groups.size(), 3u);
  expect_cover(plan.groups, 0, 64);
}

TEST_F(Replan, AsPlannedOrLastLeavesThePlanAlone) {
  EXPECT_FALSE(ingest::replan_after_pass(comm, plan, 0, 100, 100 + 2.0 * 500, 100));
  EXPECT_EQ(plan.groups.size(), 2u);
  EXPECT_DOUBLE_EQ(plan.bytes_per_input_byte, 2.7);
  EXPECT_FALSE(ingest::replan_after_pass(comm, plan, 1, 100, 100 + 9.0 * 500, 1400));
  EXPECT_EQ(plan.groups.size(), 2u);
}

} // namespace
} // namespace lockstep::testing
