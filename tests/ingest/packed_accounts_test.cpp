// Packed profiles: every field comes back as it went in, across chunk boundaries, after replacing
// a profile, keeping some in a new order and compacting them into chunks of their own.
#include "ingest/packed_accounts.hpp"

#include <gtest/gtest.h>
#include <stdexcept>
#include <string>
#include <vector>

namespace lockstep::ingest {
namespace {

// A profile with every field set, distinct by `n`; long descriptions cross chunk boundaries.
AccountRow sample_account(int n, std::size_t description_bytes = 30) {
  AccountRow row;
  row.partition = static_cast<std::uint32_t>(n % 5);
  row.id = "id-" + std::to_string(n);
  row.screen_name = n % 3 == 0 ? "" : "screen" + std::to_string(n);
  row.display_name = "Display " + std::to_string(n);
  row.language = "ru";
  row.description = std::string(description_bytes, static_cast<char>('a' + n % 26));
  row.description[0] = '\0'; // bytes, not C strings
  row.location = "loc";
  row.label = n % 2 == 0 ? "" : "label";
  row.created_day = -3 + n;
  row.followers = 100 + n;
  row.following = n % 4 == 0 ? -1 : 7 * n;
  row.from_users_file = static_cast<std::uint8_t>(n % 2);
  row.file = static_cast<std::uint32_t>(n / 3);
  row.line = 1000000000000 + n;
  return row;
}

void expect_same(const AccountView &view, const AccountRow &row) {
  EXPECT_EQ(view.partition, row.partition);
  EXPECT_EQ(view.id, row.id);
  EXPECT_EQ(view.screen_name, row.screen_name);
  EXPECT_EQ(view.display_name, row.display_name);
  EXPECT_EQ(view.language, row.language);
  EXPECT_EQ(view.description, row.description);
  EXPECT_EQ(view.location, row.location);
  EXPECT_EQ(view.label, row.label);
  EXPECT_EQ(view.created_day, row.created_day);
  EXPECT_EQ(view.followers, row.followers);
  EXPECT_EQ(view.following, row.following);
  EXPECT_EQ(view.from_users_file, row.from_users_file);
  EXPECT_EQ(view.file, row.file);
  EXPECT_EQ(view.line, row.line);
}

TEST(PackedAccounts, EveryFieldComesBackAcrossChunks) {
  PackedAccounts accounts;
  std::vector<AccountRow> rows;
  for (int n = 0; n < 3000; ++n) // about 1.5 MB: more than one chunk, and one profile of its own
    rows.push_back(sample_account(n, n == 1500 ? (std::size_t{3} << 20) : 400));
  for (const auto &row : rows)
    accounts.push_back(row);
  ASSERT_EQ(accounts.size(), rows.size());
  std::size_t i = 0;
  for (const auto view : accounts) { // the iterator and operator[] agree
    expect_same(view, rows[i]);
    EXPECT_EQ(accounts.id(i), rows[i].id);
    EXPECT_EQ(accounts.partition(i), rows[i].partition);
    ++i;
  }
  EXPECT_EQ(i, rows.size());
  EXPECT_THROW(accounts.at(rows.size()), std::out_of_range);
}

TEST(PackedAccounts, ReplacedKeptAndCompactedProfilesStayWhole) {
  PackedAccounts accounts;
  for (int n = 0; n < 10; ++n)
    accounts.push_back(sample_account(n));
  accounts.replace(4, sample_account(40, 5000));
  expect_same(accounts[4], sample_account(40, 5000));
  const std::vector<std::size_t> kept{9, 4, 0, 7};
  accounts.keep(kept);
  ASSERT_EQ(accounts.size(), kept.size());
  const std::vector<AccountRow> expected{sample_account(9), sample_account(40, 5000),
                                         sample_account(0), sample_account(7)};
  for (std::size_t i = 0; i < expected.size(); ++i)
    expect_same(accounts.at(i), expected[i]);
  accounts.compact();
  ASSERT_EQ(accounts.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i)
    expect_same(accounts.at(i), expected[i]);
  accounts.push_back(sample_account(11)); // a compacted table grows as before
  expect_same(accounts.at(4), sample_account(11));
}

} // namespace
} // namespace lockstep::ingest
