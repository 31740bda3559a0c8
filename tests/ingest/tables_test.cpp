// The owners' rows: one profile per account as they arrive, the one the store keeps.
#include "common/hash.hpp"
#include "ingest/tables.hpp"

#include <gtest/gtest.h>

namespace lockstep::ingest {
namespace {

AccountRow profile(const std::string &id, std::uint8_t from_users_file, std::uint32_t file,
                   std::int64_t line, const std::string &name) {
  AccountRow row;
  row.id = id;
  row.from_users_file = from_users_file;
  row.file = file;
  row.line = line;
  row.screen_name = name;
  return row;
}

TEST(OwnedRows, KeepsTheProfileTheStoreWouldChoose) {
  OwnedRows rows;
  rows.add_account(profile("a", 0, 1, 50, "tweet copy, later line"));
  rows.add_account(profile("b", 0, 1, 7, "b's only copy"));
  rows.add_account(profile("a", 0, 1, 20, "tweet copy, earlier line"));
  rows.add_account(profile("a", 0, 0, 90, "tweet copy, earlier file"));
  rows.add_account(profile("a", 0, 0, 90, "the same file and line again")); // the first stays
  ASSERT_EQ(rows.accounts.size(), 2u);
  EXPECT_EQ(rows.accounts[0].screen_name, "tweet copy, earlier file");
  rows.add_account(profile("a", 1, 5, 900, "users file")); // a users-file row wins over all
  rows.add_account(profile("a", 0, 0, 1, "tweet copy, first line"));
  rows.add_account(profile("a", 1, 5, 950, "users file, later line"));
  ASSERT_EQ(rows.accounts.size(), 2u);
  EXPECT_EQ(rows.accounts[0].screen_name, "users file");
  EXPECT_EQ(rows.accounts[1].screen_name, "b's only copy");
}

} // namespace
} // namespace lockstep::ingest
