// Tests of the MPI test harness itself, run through expect-output.sh (see tests/CMakeLists.txt):
// a failure on rank 1 alone must fail the run and show in rank 0's report.
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"

namespace lockstep::testing {
namespace {

class HarnessSelfTest : public MpiTest {};

TEST_F(HarnessSelfTest, PassesEverywhere) {
  EXPECT_EQ(mpi::allreduce(comm, 1, mpi::Op::sum), comm.size());
}

TEST_F(HarnessSelfTest, FailsOnRankOneOnly) {
  if (comm.rank() == 1)
    ADD_FAILURE() << "deliberate failure on rank 1";
}

} // namespace
} // namespace lockstep::testing
