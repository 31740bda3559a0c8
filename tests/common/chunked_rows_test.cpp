// ChunkedRows against a std::vector: appends across chunk ends, truncation, and rows that stay
// where they were put.
#include "common/chunked_rows.hpp"

#include <gtest/gtest.h>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace lockstep::testing {
namespace {

TEST(ChunkedRows, AgreesWithAVectorThroughAppendsAndTruncations) {
  ChunkedRows<std::string, 8> rows; // small chunks: every step crosses chunk ends
  std::vector<std::string> oracle;
  std::mt19937_64 random(11);
  for (int step = 0; step < 2'000; ++step) {
    if (random() % 10 == 0) { // truncate to a random length, at or off a chunk end
      const std::size_t count = oracle.empty() ? 0 : random() % (oracle.size() + 2);
      rows.truncate(count);
      oracle.resize(std::min(count, oracle.size()));
    } else {
      const std::string row = "row " + std::to_string(step) + std::string(random() % 40, 'x');
      rows.push_back(std::string(row));
      oracle.push_back(row);
    }
    ASSERT_EQ(rows.size(), oracle.size());
    ASSERT_EQ(rows.empty(), oracle.empty());
  }
  for (std::size_t i = 0; i < oracle.size(); ++i)
    ASSERT_EQ(rows[i], oracle[i]) << i;
  std::vector<std::string> iterated(rows.begin(), rows.end());
  EXPECT_EQ(iterated, oracle);
  EXPECT_THROW(static_cast<void>(rows.at(oracle.size())), std::out_of_range);
  rows.clear();
  EXPECT_TRUE(rows.empty());
  EXPECT_EQ(rows.begin(), rows.end());
}

TEST(ChunkedRows, AppendingNeverMovesARow) {
  ChunkedRows<std::vector<int>, 4> rows;
  std::vector<const std::vector<int> *> addresses;
  for (int i = 0; i < 100; ++i) {
    rows.push_back(std::vector<int>(3, i));
    addresses.push_back(&rows[static_cast<std::size_t>(i)]);
  }
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    ASSERT_EQ(addresses[i], &rows[i]) << i;
    ASSERT_EQ(rows[i], std::vector<int>(3, static_cast<int>(i)));
  }
  rows.truncate(37); // dropped rows go; the kept ones stay where they were
  rows.push_back(std::vector<int>{-1});
  for (std::size_t i = 0; i < 37; ++i)
    ASSERT_EQ(addresses[i], &rows[i]) << i;
  EXPECT_EQ(rows[37], std::vector<int>{-1});
}

} // namespace
} // namespace lockstep::testing
