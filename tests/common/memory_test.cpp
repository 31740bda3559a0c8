// Where a rank's memory bound comes from: the user's --memory-mb first, then Slurm's --mem (shared
// by the node's ranks) or --mem-per-cpu (times the CPUs per task), then half the node's memory.
#include "common/memory.hpp"

#include <cstdlib>
#include <gtest/gtest.h>
#include <string>
#include <unistd.h>

namespace lockstep {
namespace {

class MemoryBoundTest : public ::testing::Test {
protected:
  void SetUp() override { clear(); }
  void TearDown() override { clear(); }
  static void clear() {
    for (const char *name : {"SLURM_MEM_PER_NODE", "SLURM_MEM_PER_CPU", "SLURM_CPUS_PER_TASK"})
      unsetenv(name);
  }
};

TEST_F(MemoryBoundTest, TheUsersBoundWins) {
  setenv("SLURM_MEM_PER_NODE", "64000", 1);
  const auto bound = memory_bound(3000, 4);
  EXPECT_EQ(bound.megabytes, 3000U);
  EXPECT_EQ(bound.source, "--memory-mb");
}

TEST_F(MemoryBoundTest, SlurmsMemPerNodeIsSharedByTheNodesRanks) {
  setenv("SLURM_MEM_PER_NODE", "64000", 1);
  setenv("SLURM_MEM_PER_CPU", "1000", 1); // Slurm sets one of them; --mem is the node's
  const auto bound = memory_bound(0, 4);
  EXPECT_EQ(bound.megabytes, 16000U);
  EXPECT_NE(bound.source.find("--mem=64000M"), std::string::npos) << bound.source;
}

TEST_F(MemoryBoundTest, SlurmsMemPerCpuCountsTheCpusOfATask) {
  setenv("SLURM_MEM_PER_CPU", "2000", 1);
  EXPECT_EQ(memory_bound(0, 8).megabytes, 2000U);
  setenv("SLURM_CPUS_PER_TASK", "3", 1);
  EXPECT_EQ(memory_bound(0, 8).megabytes, 6000U);
}

TEST_F(MemoryBoundTest, WithoutSlurmHalfTheNodeIsShared) {
  setenv("SLURM_MEM_PER_NODE", "not a number", 1); // ignored, as unset
  const double node_mb = static_cast<double>(sysconf(_SC_PHYS_PAGES)) *
                         static_cast<double>(sysconf(_SC_PAGE_SIZE)) / (1024.0 * 1024.0);
  const auto one = memory_bound(0, 1), two = memory_bound(0, 2);
  EXPECT_NEAR(static_cast<double>(one.megabytes), node_mb / 2, 1);
  EXPECT_NEAR(static_cast<double>(two.megabytes), node_mb / 4, 1);
  EXPECT_NE(one.source.find("half the node"), std::string::npos);
}

TEST_F(MemoryBoundTest, ScratchIsAskedThenTmpdirThenTmp) {
  const char *set = std::getenv("TMPDIR");
  const std::string before = set != nullptr ? set : "";
  EXPECT_EQ(scratch_folder("/local/job"), "/local/job");
  setenv("TMPDIR", "/scratch/job42", 1);
  EXPECT_EQ(scratch_folder(""), "/scratch/job42");
  unsetenv("TMPDIR");
  EXPECT_EQ(scratch_folder(""), "/tmp");
  if (set != nullptr)
    setenv("TMPDIR", before.c_str(), 1);
}

} // namespace
} // namespace lockstep
