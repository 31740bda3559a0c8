// The GoogleTest main for MPI tests: only rank 0 prints the report and writes XML; other ranks
// print only their failed assertions (prefixed with the rank); the exit status is the maximum
// over ranks, so a failure anywhere fails the run.
#include "mpi/collectives.hpp"
#include "mpi/comm.hpp"
#include "mpi_test.hpp"

#include <cstdio>
#include <filesystem>
#include <gtest/gtest.h>
#include <unistd.h>

namespace lockstep::testing {

void MpiTest::TearDown() {
  const int failed_here = HasFailure() ? 1 : 0;
  const auto failed = mpi::allgather(comm, failed_here);
  std::string failing_ranks;
  for (std::size_t r = 0; r < failed.size(); ++r) {
    if (failed[r] != 0)
      failing_ranks += (failing_ranks.empty() ? "" : ", ") + std::to_string(r);
  }
  if (!failing_ranks.empty() && failed_here == 0) {
    ADD_FAILURE() << "this test failed on rank(s) " << failing_ranks;
  }
}

std::string shared_temp_path(const mpi::Comm &comm, const std::string &stem) {
  long pid = static_cast<long>(getpid());
  mpi::broadcast(comm, pid);
  const auto name =
      "lockstep-" + stem + "-np" + std::to_string(comm.size()) + "-" + std::to_string(pid);
  return (std::filesystem::temp_directory_path() / name).string();
}

} // namespace lockstep::testing

namespace {

// Stands in for the default printer on ranks other than 0: prints failed assertions only.
class FailurePrinter : public ::testing::EmptyTestEventListener {
public:
  explicit FailurePrinter(int rank) : rank_(rank) {}
  void OnTestPartResult(const ::testing::TestPartResult &result) override {
    if (!result.failed())
      return;
    std::fprintf(stderr, "[rank %d] %s:%d: Failure\n%s\n", rank_,
                 result.file_name() ? result.file_name() : "?", result.line_number(),
                 result.message());
  }

private:
  int rank_;
};

} // namespace

int main(int argc, char **argv) {
  lockstep::mpi::Environment environment(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  const lockstep::mpi::Comm comm;
  if (!comm.is_root()) {
    auto &listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    delete listeners.Release(listeners.default_xml_generator());
    listeners.Append(new FailurePrinter(comm.rank()));
  }
  const int local = RUN_ALL_TESTS();
  return lockstep::mpi::allreduce(comm, local, lockstep::mpi::Op::max);
}
