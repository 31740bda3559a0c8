// The base fixture for MPI tests: after each test, ranks agree on failures, so a failure on any
// rank also fails the test in rank 0's report. Also helpers for paths shared by all ranks.
#pragma once

#include "mpi/comm.hpp"

#include <gtest/gtest.h>
#include <string>

namespace lockstep::testing {

class MpiTest : public ::testing::Test {
protected:
  void TearDown() override;
  mpi::Comm comm;
};

// A path in the temporary directory, the same on every rank and unique to this run:
// "<tmp>/lockstep-<stem>-np<size>-<pid of rank 0>". Collective.
std::string shared_temp_path(const mpi::Comm &comm, const std::string &stem);

} // namespace lockstep::testing
