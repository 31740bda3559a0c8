// The generator: statistics against what was asked (rates, heavy tail, diurnal shape, cascades,
// campaign timing and participation), consistent snowflake ids, the files' format read with the
// project's CSV reader, and byte-identical output at any rank count.
#include "common/csv.hpp"
#include "common/error.hpp"
#include "common/time.hpp"
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"
#include "synth/generate.hpp"
#include "synth/model.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace lockstep::testing {
namespace {

using synth::Kind;
using synth::Style;

GenerateConfig small_config() {
  GenerateConfig config;
  config.accounts = 3000;
  config.days = 7;
  config.seed = 42;
  config.campaigns = 6;
  config.campaign_size = 30;
  return config;
}

struct Generated {
  synth::World world;
  std::vector<synth::Account> accounts;
  std::vector<std::vector<synth::Tweet>> tweets;
  explicit Generated(const GenerateConfig &config) : world(config) {
    for (std::uint64_t i = 0; i < config.accounts; ++i) {
      accounts.push_back(world.account(i));
      tweets.push_back(synth::generate_tweets(world, accounts.back()));
    }
  }
};

const Generated &sample() {
  static const Generated generated(small_config());
  return generated;
}

TEST(Generator, OrganicRatesMatchTheirTargetAndAreHeavyTailed) {
  const auto &g = sample();
  std::set<std::string> trend_tags;
  for (const auto &trend : g.world.trends())
    trend_tags.insert(trend.hashtag);
  double expected = 0, produced = 0;
  std::vector<double> rates;
  for (std::size_t i = 0; i < g.accounts.size(); ++i) {
    if (g.accounts[i].style != Style::organic)
      continue;
    expected += g.accounts[i].posts_per_day * g.world.config().days;
    rates.push_back(g.accounts[i].posts_per_day);
    for (const auto &t : g.tweets[i]) {
      produced += (t.hashtags.empty() || !trend_tags.count(t.hashtags[0])) ? 1 : 0;
    }
  }
  EXPECT_GT(produced / expected, 0.85);
  EXPECT_LT(produced / expected, 1.05);
  std::sort(rates.begin(), rates.end());
  EXPECT_GT(rates.back() / rates[rates.size() / 2], 20.0) << "activity is not heavy-tailed";
}

TEST(Generator, HumanAccountsFollowTheirLocalDay) {
  const auto &g = sample();
  std::array<double, 24> by_local_hour{};
  for (std::size_t i = 0; i < g.accounts.size(); ++i) {
    const auto &a = g.accounts[i];
    if (a.style != Style::organic)
      continue;
    for (const auto &t : g.tweets[i]) {
      if (t.kind != Kind::original)
        continue;
      const std::int64_t hour = ((t.time_ms / synth::kHourMs) + a.utc_offset_hours) % 24;
      by_local_hour[static_cast<std::size_t>((hour + 24) % 24)] += 1;
    }
  }
  const double evening =
      by_local_hour[18] + by_local_hour[19] + by_local_hour[20] + by_local_hour[21];
  const double night = by_local_hour[2] + by_local_hour[3] + by_local_hour[4] + by_local_hour[5];
  EXPECT_GT(evening, 6 * night);
}

TEST(Generator, ViralPostsCascadeWithinTheHour) {
  const auto &g = sample();
  std::map<std::string, std::set<std::uint64_t>> first_hour;
  std::map<std::string, std::int64_t> posted;
  for (const auto &post : g.world.viral_posts())
    posted[std::to_string(post.tweetid)] = post.time_ms;
  for (std::size_t i = 0; i < g.accounts.size(); ++i) {
    for (const auto &t : g.tweets[i]) {
      const auto it = posted.find(t.retweet_tweet);
      if (it != posted.end() && t.time_ms - it->second <= synth::kHourMs)
        first_hour[it->first].insert(i);
    }
  }
  std::size_t largest = 0;
  for (const auto &[id, accounts] : first_hour)
    largest = std::max(largest, accounts.size());
  EXPECT_GE(largest, 100u) << "no viral post reached 100 accounts within its first hour";
}

TEST(Generator, RetweetRingsAmplifyWithinMinutesAtTheirParticipation) {
  const auto &g = sample();
  const auto &ring = g.world.campaigns()[0];
  ASSERT_EQ(ring.style, Style::retweet_ring);
  std::map<std::string, std::int64_t> principal_posts;
  for (const auto &post : ring.principal_posts)
    principal_posts[std::to_string(post.tweetid)] = post.time_ms;
  std::uint64_t done = 0, possible = 0;
  for (std::uint64_t i = ring.first_member + 3; i < ring.first_member + ring.size; ++i) {
    ASSERT_EQ(g.accounts[i].style, Style::retweet_ring);
    EXPECT_TRUE(g.accounts[i].automated);
    for (const auto &t : g.tweets[i]) {
      const auto it = principal_posts.find(t.retweet_tweet);
      if (it == principal_posts.end())
        continue;
      ++done;
      EXPECT_GE(t.time_ms - it->second, 5'000);
      EXPECT_LE(t.time_ms - it->second, 240'000 + 2);
    }
    for (const auto &[id, when] : principal_posts)
      possible += when + 240'000 < g.world.end_ms() ? 1 : 0;
  }
  const double participation = static_cast<double>(done) / static_cast<double>(possible);
  EXPECT_NEAR(participation, 0.7, 0.05);
  // Bots tweet round the clock at 80+ a day.
  const auto &bot = g.tweets[ring.first_member + 5];
  EXPECT_GT(bot.size(), 80u * g.world.config().days);
}

// A copypasta variant keeps the template but for an edited word or an appended one.
bool is_variant(const std::string &text, const std::string &original) {
  if (text.rfind(original, 0) == 0)
    return true; // unspaced scripts: a word appended
  std::istringstream a(text), b(original);
  std::string wa, wb;
  int same = 0, total = 0;
  while (b >> wb) {
    ++total;
    if (a >> wa && wa == wb)
      ++same;
  }
  return total > 0 && same >= total - 2;
}

TEST(Generator, CopypastaAndSleeperTimingAndTexts) {
  const auto &g = sample();
  for (const auto &campaign : g.world.campaigns()) {
    if (campaign.style != Style::copypasta && campaign.style != Style::sleeper)
      continue;
    std::uint64_t acted = 0, possible = 0;
    for (std::uint64_t i = campaign.first_member; i < campaign.first_member + campaign.size; ++i) {
      for (const auto &wave : campaign.waves) {
        const auto &original = campaign.templates[wave.item];
        ++possible;
        const bool found = std::any_of(g.tweets[i].begin(), g.tweets[i].end(), [&](const auto &t) {
          const std::int64_t delay = t.time_ms - wave.time_ms;
          if (delay < 0 || delay > campaign.max_delay_ms + 2)
            return false;
          return campaign.style == Style::sleeper ? t.text == original
                                                  : is_variant(t.text, original);
        });
        acted += found ? 1 : 0;
      }
    }
    const double rate = static_cast<double>(acted) / static_cast<double>(possible);
    if (campaign.style == Style::sleeper) {
      EXPECT_DOUBLE_EQ(rate, 1.0);
    } else {
      EXPECT_NEAR(rate, campaign.participation, 0.08);
    }
  }
}

TEST(Generator, HashtagStormsHitOnWeekendsOnly) {
  const auto &g = sample();
  const auto &storm = g.world.campaigns()[2];
  ASSERT_EQ(storm.style, Style::hashtag_storm);
  ASSERT_FALSE(storm.waves.empty());
  std::uint64_t tagged = 0;
  for (std::uint64_t i = storm.first_member; i < storm.first_member + storm.size; ++i) {
    for (const auto &t : g.tweets[i]) {
      if (t.hashtags.empty() || t.hashtags[0] != storm.hashtag)
        continue;
      ++tagged;
      const std::int64_t local_ms = t.time_ms + storm.utc_offset_hours * synth::kHourMs;
      EXPECT_GE(time::weekday(local_ms / synth::kDayMs), 5) << "a storm tweet on a weekday";
      EXPECT_EQ(t.mentions, std::vector<std::string>{storm.target_id});
    }
  }
  EXPECT_GT(tagged, storm.size * storm.waves.size() / 2);
}

// A naive detector (pairs with two or more co-retweets within 10 minutes) must flag more organic
// accounts than campaign accounts: the organic population holds realistic hard negatives.
TEST(Generator, OrganicHardNegativesFoolANaiveDetector) {
  const auto &g = sample();
  std::map<std::string, std::vector<std::pair<std::int64_t, std::uint64_t>>> by_target;
  for (std::size_t i = 0; i < g.accounts.size(); ++i) {
    for (const auto &t : g.tweets[i]) {
      if (t.kind == Kind::retweet)
        by_target[t.retweet_tweet].emplace_back(t.time_ms, i);
    }
  }
  std::map<std::pair<std::uint64_t, std::uint64_t>, int> co_retweets;
  for (auto &[target, actions] : by_target) {
    std::sort(actions.begin(), actions.end());
    for (std::size_t a = 0; a < actions.size(); ++a) {
      for (std::size_t b = a + 1; b < actions.size(); ++b) {
        if (actions[b].first - actions[a].first > 10 * synth::kMinuteMs)
          break;
        if (actions[a].second == actions[b].second)
          continue;
        ++co_retweets[std::minmax(actions[a].second, actions[b].second)];
      }
    }
  }
  std::set<std::uint64_t> flagged;
  for (const auto &[pair, count] : co_retweets) {
    if (count < 2)
      continue;
    flagged.insert(pair.first);
    flagged.insert(pair.second);
  }
  std::size_t organic = 0, campaign = 0;
  for (const std::uint64_t i : flagged)
    (g.accounts[i].campaign == 0 ? organic : campaign) += 1;
  EXPECT_GT(campaign, 0u);
  EXPECT_GT(organic, campaign) << "the organic population is too easy to tell apart";
}

TEST(Generator, SnowflakeIdsAreUniqueAndMatchTheTime) {
  const auto &g = sample();
  std::set<std::uint64_t> ids;
  for (std::size_t i = 0; i < g.accounts.size(); ++i) {
    for (const auto &t : g.tweets[i]) {
      EXPECT_TRUE(ids.insert(t.tweetid).second) << "duplicate tweetid " << t.tweetid;
      ASSERT_EQ(static_cast<std::int64_t>(t.tweetid >> 22) + synth::kTwitterEpochMs, t.time_ms);
    }
  }
}

TEST(Generator, CampaignAccountsFormCreationCohorts) {
  const auto &g = sample();
  for (const auto &campaign : g.world.campaigns()) {
    for (std::uint64_t i = campaign.first_member; i < campaign.first_member + campaign.size; ++i) {
      EXPECT_LE(std::abs(g.accounts[i].created_ms - campaign.cohort_ms), 8 * synth::kDayMs);
      EXPECT_EQ(g.accounts[i].campaign, campaign.id);
    }
  }
}

TEST(Generator, BadArgumentsAreClearErrors) {
  auto config = small_config();
  config.accounts = 250;
  EXPECT_THROW(synth::World{config}, UsageError);
  config = small_config();
  config.start_date = "2020-13-01";
  EXPECT_THROW(synth::World{config}, UsageError);
}

// Follow lists: heavy-tailed popularity, niche communities whose members follow the same obscure
// accounts, campaigns that follow their principals and each other, and a follow-only ninth
// campaign that posts nothing of its own kind.
TEST(Generator, FollowGraphsHaveCelebritiesNicheCommunitiesAndCampaignNetworks) {
  auto config = small_config();
  config.campaigns = 9;
  config.follows = true;
  const synth::World world(config);
  std::map<std::string, std::uint64_t> index_of;
  for (std::uint64_t i = 0; i < config.accounts; ++i)
    index_of[world.user_id(i)] = i;
  std::map<std::string, std::uint64_t> followers;
  std::map<std::uint32_t, std::map<std::string, std::uint64_t>> community_follows;
  std::map<std::uint32_t, std::uint64_t> community_members;
  double member_follows = 0, members = 0, follow_network = 0;
  for (std::uint64_t i = 0; i < config.accounts; ++i) {
    const auto account = world.account(i);
    const auto list = world.follow_list(account);
    std::set<std::string> ids;
    for (const auto &f : list)
      ids.insert(f.id);
    EXPECT_EQ(ids.size(), list.size()) << "repeats";
    for (const auto &f : list)
      ++followers[f.id];
    if (const auto c = world.community_of(i)) {
      ++community_members[c];
      for (const auto &f : list) {
        if (!index_of.contains(f.id))
          ++community_follows[c][f.id];
      }
    }
    if (const auto *campaign = world.campaign_of(i)) {
      follow_network += campaign->style == Style::follow_network;
      for (const auto &f : list) {
        const auto it = index_of.find(f.id);
        if (it != index_of.end() && world.campaign_of(it->second) == campaign) {
          ++member_follows;
          // A campaign follows itself in a burst: on its own day, after the first collection.
          EXPECT_EQ(f.first_ms, world.follow_burst_ms(*campaign));
          EXPECT_GT(f.first_ms, world.start_ms());
        }
      }
      members += static_cast<double>(campaign->size - 1);
    }
  }
  EXPECT_EQ(follow_network, 30);
  // Campaign members follow about half of their fellow members.
  EXPECT_NEAR(member_follows / members, 0.5, 0.05);
  // Popularity is heavy-tailed: the most followed account has many times the median's followers.
  std::vector<std::uint64_t> counts;
  for (const auto &[id, n] : followers)
    counts.push_back(n);
  std::sort(counts.begin(), counts.end());
  EXPECT_GT(counts.back(), 50 * counts[counts.size() / 2]);
  // Each community's members share its niche accounts: the most followed is followed by most of
  // them, and few accounts outside the dataset are followed by as many of one community.
  ASSERT_GE(community_members.size(), 2u);
  for (const auto &[c, n] : community_members) {
    std::uint64_t top = 0;
    for (const auto &[id, k] : community_follows[c])
      top = std::max(top, k);
    EXPECT_GT(static_cast<double>(top), 0.7 * static_cast<double>(n)) << "community " << c;
  }
}

std::string read_file(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class GeneratorFiles : public MpiTest {};

TEST_F(GeneratorFiles, SameBytesAtAnyRankCountAndReadableByTheCsvReader) {
  const std::string base = shared_temp_path(comm, "generate");
  auto config = small_config();
  config.accounts = 1200;
  config.campaign_size = 12;
  config.parts = 3;
  config.follows = true;
  config.out_dir = base + "/all-ranks";
  synth::generate(comm, config);
  comm.barrier();
  if (comm.is_root()) {
    auto single = config;
    single.out_dir = base + "/one-rank";
    synth::generate(mpi::Comm(MPI_COMM_SELF), single);
    for (const char *name : {"tweets-part-00001.csv", "tweets-part-00002.csv",
                             "tweets-part-00003.csv", "users.csv", "truth.csv", "follows.csv"}) {
      const auto a = read_file(std::filesystem::path(config.out_dir) / name);
      const auto b = read_file(std::filesystem::path(single.out_dir) / name);
      EXPECT_FALSE(a.empty()) << name;
      EXPECT_TRUE(a == b) << name << " differs between " << comm.size() << " ranks and 1 rank";
    }
    // Every row has the archive's 31 columns and a tweet_time equal to its snowflake minute.
    std::ifstream in(std::filesystem::path(config.out_dir) / "tweets-part-00002.csv");
    csv::Reader reader(in, "tweets-part-00002.csv");
    std::vector<std::string> fields;
    ASSERT_TRUE(reader.next(fields));
    EXPECT_EQ(fields, synth::tweet_columns());
    std::size_t rows = 0, hashed = 0, numeric = 0;
    while (reader.next(fields)) {
      ASSERT_EQ(fields.size(), 31u) << "line " << reader.record_line();
      const std::int64_t ms =
          static_cast<std::int64_t>(std::stoull(fields[0]) >> 22) + synth::kTwitterEpochMs;
      ASSERT_EQ(fields[13], time::format_minute(ms));
      if (fields[1].size() == 64) {
        ++hashed;
        ASSERT_EQ(fields[3], fields[1]); // hashed accounts: screen name equals the hash
      } else {
        ++numeric;
        ASSERT_EQ(fields[1].find_first_not_of("0123456789"), std::string::npos);
      }
      ASSERT_TRUE(fields[18] == "true" || fields[18] == "false");
      ASSERT_EQ(fields[27].front(), '[');
      ++rows;
    }
    EXPECT_GT(rows, 1000u);
    EXPECT_GT(hashed, 0u);
    EXPECT_GT(numeric, 0u);
    std::filesystem::remove_all(base);
  }
}

TEST_F(GeneratorFiles, ActionsFormatHasCooRTweetColumns) {
  const std::string base = shared_temp_path(comm, "generate-actions");
  auto config = small_config();
  config.accounts = 600;
  config.campaigns = 2;
  config.campaign_size = 10;
  config.format = "actions";
  config.out_dir = base;
  const auto summary = synth::generate(comm, config);
  comm.barrier();
  if (comm.is_root()) {
    std::ifstream in(std::filesystem::path(base) / "actions.csv");
    csv::Reader reader(in, "actions.csv");
    std::vector<std::string> fields;
    ASSERT_TRUE(reader.next(fields));
    EXPECT_EQ(fields, (std::vector<std::string>{"object_id", "account_id", "content_id",
                                                "timestamp_share"}));
    std::uint64_t rows = 0;
    while (reader.next(fields)) {
      ASSERT_EQ(fields.size(), 4u);
      ++rows;
    }
    EXPECT_EQ(rows, summary.tweets);
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(base) / "users.csv"));
    std::filesystem::remove_all(base);
  }
}

} // namespace
} // namespace lockstep::testing
