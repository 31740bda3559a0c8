// The base fixture for MPI tests: after each test, ranks agree on failures, so a failure on any
// rank also fails the test in rank 0's report. Also helpers for paths shared by all ranks.
#pragma once

#include "mpi/comm.hpp"

#include <filesystem>
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

// A fixture with a fresh shared folder, `dir`, made by make_folder and removed after the test.
class SharedFolderTest : public MpiTest {
protected:
  void make_folder(const std::string &stem) {
    dir = shared_temp_path(comm, stem);
    if (comm.is_root())
      std::filesystem::create_directories(dir);
    comm.barrier();
  }

  void TearDown() override {
    comm.barrier();
    if (comm.is_root() && !dir.empty())
      std::filesystem::remove_all(dir);
    MpiTest::TearDown();
  }

  std::string dir;
};

// A fixture with a shared file path, `path`, removed after the test if it was made.
class SharedFileTest : public MpiTest {
protected:
  void SetUp() override { path = shared_temp_path(comm, "file"); }
  void TearDown() override {
    comm.barrier();
    if (comm.is_root())
      std::filesystem::remove(path);
    MpiTest::TearDown();
  }

  std::string path;
};

} // namespace lockstep::testing
