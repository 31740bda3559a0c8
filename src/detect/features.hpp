// Account behaviour features, computed per rank with oneTBB: all of an account's posts are in its
// partition. Every feature is listed in kFeatures with its unit and definition; data-schema/
// results.md documents the same list (a test keeps the two in step).
#pragma once

#include "detect/partition_data.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/comm.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::detect {

enum class Feature : std::size_t {
  posts,
  active_days,
  posts_per_active_day,
  max_posts_in_a_day,
  max_posts_in_an_hour,
  hour_of_week_share,
  hour_of_day_entropy,
  longest_daily_gap,
  interpost_cv,
  rapid_post_share,
  retweet_share,
  reply_share,
  duplicate_text_share,
  url_rate,
  hashtag_rate,
  automation_client_share,
  distinct_clients,
  age_at_first_post,
  creation_day_cohort,
  creation_week_cohort,
  follower_ratio,
  max_follower_growth,
  screen_name_digit_share,
  screen_name_hash_like,
  count
};
inline constexpr std::size_t kFeatureCount = static_cast<std::size_t>(Feature::count);

struct FeatureInfo {
  const char *name;
  const char *unit;
  const char *definition;
};
extern const std::array<FeatureInfo, kFeatureCount> kFeatures;

using FeatureRow = std::array<double, kFeatureCount>; // NaN where a feature is undefined

// Global facts the per-account features need, gathered once. Collective.
struct FeatureContext {
  std::vector<std::uint64_t> text_key_count;    // per local post: posts in the store with its text
  std::vector<std::uint64_t> created_day_count; // accounts per creation day (index day - first)
  std::int32_t first_day = 0;
  std::vector<bool> automation_client; // per /dictionaries/client id
};
FeatureContext gather_feature_context(const mpi::Comm &comm, const PartitionData &data,
                                      const std::vector<std::string> &automation_clients,
                                      mpi::ExchangeOptions exchange);

// One row per local account (dense ids data.accounts.rows).
std::vector<FeatureRow> compute_features(const PartitionData &data, const FeatureContext &context);

// For every local value, how often it occurs over all ranks (0 stays 0). Collective.
std::vector<std::uint64_t> global_counts(const mpi::Comm &comm,
                                         const std::vector<std::uint64_t> &values,
                                         mpi::ExchangeOptions exchange);

} // namespace lockstep::detect
