// Account features on a hand-built partition, each value worked out by hand.
#include "common/time.hpp"
#include "detect/features.hpp"
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"

#include <climits>
#include <cmath>

namespace lockstep::testing {
namespace {

using detect::Feature;
constexpr std::int64_t kHour = 3'600'000, kDay = 24 * kHour;
constexpr std::int64_t kDayIndex = 18263; // 2020-01-02

double get(const detect::FeatureRow &row, Feature f) {
  return row[std::size_t(f)];
}

detect::PartitionData three_accounts() {
  detect::PartitionData d;
  d.total_accounts = 3;
  d.account_begin = {0, 3};
  auto &a = d.accounts;
  a.rows = {0, 3};
  a.id = {"1", "2", "3"};
  a.screen_name = {"abc123", "0123456789abcdef0123", ""};
  a.key = {1, 2, 3};
  a.post_count = {4, 0, 1};
  const std::int32_t created = kDayIndex - 10;
  const std::int32_t monday = created - time::weekday(created);
  a.created_day = {created, INT32_MIN, monday == created ? monday + 6 : monday};
  a.followers = {100, -1, 5};
  a.following = {0, -1, 10};

  auto &p = d.posts;
  const std::int64_t t0 = kDayIndex * kDay + kHour;
  p.rows = {0, 5};
  p.time_ms = {t0, t0 + 5000, t0 + 2 * kHour, t0 + kDay, t0};
  p.account = {0, 0, 0, 0, 2};
  p.kind = {1, 0, 2, 0, 0};
  p.text_key = {0, 11, 12, 11, 13};
  p.client = {0, 1, 1, 2, 0};
  p.post_id = {1, 2, 3, 4, 5};
  d.clients = {"Twitter Web App", "IFTTT", "dlvr.it"};

  auto &x = d.actions; // two URLs and a hashtag for account 0
  x.account = {0, 0, 0};
  x.signal = {5, 5, 4};
  x.key = {1, 2, 3};
  x.post = {1, 2, 2};
  x.time_ms = {t0, t0, t0};

  auto &s = d.snapshots;
  s.account = {0, 0, 0};
  s.time_ms = {0, 2 * kDay, 2 * kDay + kHour / 2};
  s.followers = {10, 110, 120};
  return d;
}

// The three accounts spread over `ranks` ranks as partitions would spread them: accounts 0 and 1
// (with their posts, actions and snapshots) on rank 0, account 2 (and its post) on the last rank,
// nothing in between; one rank holds all three. Features that count over the dataset (creation
// cohorts, duplicate texts) then need the other ranks' accounts.
// Keeps rows [from, from + count) of a column.
template <typename T>
void keep_rows(std::vector<T> &column, std::size_t from, std::size_t count) {
  column.erase(column.begin() + std::ptrdiff_t(from + count), column.end());
  column.erase(column.begin(), column.begin() + std::ptrdiff_t(from));
}
void keep_rows(store::StringColumn &column, std::size_t from, std::size_t count) {
  store::StringColumn kept;
  for (std::size_t i = from; i < from + count; ++i)
    kept.push_back(column[i]);
  column = std::move(kept);
}

detect::PartitionData three_accounts_on(int rank, int ranks) {
  auto d = three_accounts();
  if (ranks == 1)
    return d;
  d.account_begin.assign(std::size_t(ranks) + 1, 2);
  d.account_begin.front() = 0;
  d.account_begin.back() = 3;
  const bool first = rank == 0, last = rank == ranks - 1;
  // Keeps rows [from, from + count) of a table: its row range and each of its columns.
  const auto keep = [](detect::RowRange &rows, std::size_t from, std::size_t count,
                       auto &...columns) {
    rows = {from, count};
    (keep_rows(columns, from, count), ...);
  };
  const auto accounts = [&](std::size_t from, std::size_t count) {
    auto &a = d.accounts;
    keep(a.rows, from, count, a.id, a.screen_name, a.key, a.post_count, a.created_day, a.followers,
         a.following);
  };
  const auto posts = [&](std::size_t from, std::size_t count) {
    auto &p = d.posts;
    keep(p.rows, from, count, p.time_ms, p.account, p.kind, p.text_key, p.client, p.post_id);
  };
  accounts(first ? 0 : 2, first ? 2 : last ? 1 : 0);
  posts(first ? 0 : 4, first ? 4 : last ? 1 : 0);
  if (!first) {
    d.actions = {};
    d.snapshots = {};
  }
  return d;
}

class Features : public MpiTest {};

TEST_F(Features, HandComputedValues) {
  const auto data = three_accounts_on(comm.rank(), comm.size());
  const auto context = detect::gather_feature_context(comm, data, {"ifttt", "DLVR.IT"}, {});
  auto rows = detect::compute_features(data, context);
  ASSERT_EQ(rows.size(), data.accounts.rows.count);
  // Every rank's rows, in account order, on every rank.
  std::vector<double> flat;
  for (const auto &row : rows)
    flat.insert(flat.end(), row.begin(), row.end());
  const auto all = mpi::allgatherv(comm, flat);
  ASSERT_EQ(all.size(), 3 * detect::kFeatureCount);
  rows.assign(3, {});
  for (std::size_t i = 0; i < all.size(); ++i)
    rows[i / detect::kFeatureCount][i % detect::kFeatureCount] = all[i];
  const auto &r = rows[0];
  EXPECT_EQ(get(r, Feature::posts), 4);
  EXPECT_EQ(get(r, Feature::active_days), 2);
  EXPECT_EQ(get(r, Feature::posts_per_active_day), 2);
  EXPECT_EQ(get(r, Feature::max_posts_in_a_day), 3);
  EXPECT_EQ(get(r, Feature::max_posts_in_an_hour), 2);
  EXPECT_DOUBLE_EQ(get(r, Feature::hour_of_week_share), 3.0 / 168);
  EXPECT_NEAR(get(r, Feature::hour_of_day_entropy),
              -(0.75 * std::log2(0.75) + 0.25 * std::log2(0.25)), 1e-12);
  EXPECT_EQ(get(r, Feature::longest_daily_gap), 21); // hours 4..23 and 0
  const double gaps[] = {5000, 2.0 * kHour - 5000, 22.0 * kHour};
  const double mean = (gaps[0] + gaps[1] + gaps[2]) / 3;
  double var = 0;
  for (const double g : gaps)
    var += (g - mean) * (g - mean) / 3;
  EXPECT_NEAR(get(r, Feature::interpost_cv), std::sqrt(var) / mean, 1e-9);
  EXPECT_DOUBLE_EQ(get(r, Feature::rapid_post_share), 1.0 / 3);
  EXPECT_EQ(get(r, Feature::retweet_share), 0.25);
  EXPECT_EQ(get(r, Feature::reply_share), 0.25);
  EXPECT_DOUBLE_EQ(get(r, Feature::duplicate_text_share), 2.0 / 3);
  EXPECT_EQ(get(r, Feature::url_rate), 0.5);
  EXPECT_EQ(get(r, Feature::hashtag_rate), 0.25);
  EXPECT_EQ(get(r, Feature::automation_client_share), 0.75);
  EXPECT_EQ(get(r, Feature::distinct_clients), 3);
  EXPECT_EQ(get(r, Feature::age_at_first_post), 10);
  EXPECT_EQ(get(r, Feature::creation_day_cohort), 1);
  EXPECT_EQ(get(r, Feature::creation_week_cohort), 2);
  EXPECT_EQ(get(r, Feature::follower_ratio), 100);
  EXPECT_DOUBLE_EQ(get(r, Feature::max_follower_growth), 240); // 10 in 30 min, counted as 1 h
  EXPECT_DOUBLE_EQ(get(r, Feature::screen_name_digit_share), 0.5);
  EXPECT_EQ(get(r, Feature::screen_name_hash_like), 0);

  const auto &silent = rows[1]; // no posts, unknown counts
  EXPECT_EQ(get(silent, Feature::posts), 0);
  EXPECT_TRUE(std::isnan(get(silent, Feature::posts_per_active_day)));
  EXPECT_TRUE(std::isnan(get(silent, Feature::retweet_share)));
  EXPECT_TRUE(std::isnan(get(silent, Feature::follower_ratio)));
  EXPECT_TRUE(std::isnan(get(silent, Feature::max_follower_growth)));
  EXPECT_TRUE(std::isnan(get(silent, Feature::creation_day_cohort))) << "creation day unknown";
  EXPECT_TRUE(std::isnan(get(silent, Feature::creation_week_cohort)));
  EXPECT_EQ(get(silent, Feature::screen_name_hash_like), 1);

  const auto &single = rows[2]; // one post: no gaps
  EXPECT_TRUE(std::isnan(get(single, Feature::interpost_cv)));
  EXPECT_TRUE(std::isnan(get(single, Feature::rapid_post_share)));
  EXPECT_EQ(get(single, Feature::duplicate_text_share), 0);
  EXPECT_EQ(get(single, Feature::longest_daily_gap), 23);
  EXPECT_EQ(get(single, Feature::creation_week_cohort), 2);
  EXPECT_EQ(get(single, Feature::follower_ratio), 0.5);
  EXPECT_TRUE(std::isnan(get(single, Feature::screen_name_digit_share)));
}

TEST_F(Features, GlobalCountsSpanRanks) {
  // Rank r holds values r, r+1 and 0; value v occurs on ranks v-1 and v (when they exist).
  const std::uint64_t r = static_cast<std::uint64_t>(comm.rank());
  const auto counts = detect::global_counts(comm, {r + 1, r + 2, 0}, {});
  const auto p = static_cast<std::uint64_t>(comm.size());
  EXPECT_EQ(counts[0], r == 0 ? 1u : 2u);
  EXPECT_EQ(counts[1], r + 1 == p ? 1u : 2u);
  EXPECT_EQ(counts[2], 0u) << "0 means no value";
}

} // namespace
} // namespace lockstep::testing
