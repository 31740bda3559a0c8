// Synchrony on a generated world with a scheduled network (the generator's seventh campaign): its
// actions are every original post keyed by its hour, its pairs are the brute-force oracle's, its
// null model expects what uniform times inside each account's own bins give, and it finds the
// scheduled network while news feeds and busy organic accounts stay unflagged, at any rank count.
#include "coaction_oracle.hpp"
#include "detect/detect.hpp"
#include "detect/significance.hpp"
#include "detect/synchrony.hpp"
#include "generated_store.hpp"
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

namespace lockstep::testing {
namespace {

using detect::Action;

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;

TEST(SynchronyKeys, SpanAnHourOrWholeNullBins) {
  EXPECT_EQ(detect::synchrony_key_ms(10'000), kHour);
  EXPECT_EQ(detect::synchrony_key_ms(900'000), kHour);
  const auto long_window = 40 * kMinute; // the null bin is the window: the key holds two
  EXPECT_EQ(detect::synchrony_key_ms(long_window), 2 * long_window);
  EXPECT_EQ(detect::synchrony_key_ms(2 * kHour), 2 * kHour);
}

TEST(SynchronyActions, AreTheOriginalPostsOfTweetsFilesByHour) {
  detect::PostTable posts;
  posts.rows = {100, 5};
  posts.account = {7, 7, 8, 9, 9};
  posts.time_ms = {kHour + 5, 2 * kHour - 1, 3 * kHour, 3 * kHour + 1, -1};
  posts.kind = {0, 1, 0, 0, 0}; // the second is a retweet
  posts.content_id = {"", "", "", "row of an action table", ""};
  const auto actions = detect::synchrony_actions(posts, kHour);
  ASSERT_EQ(actions.size(), 3u);
  EXPECT_EQ(actions[0].key, std::uint64_t(kHour));
  EXPECT_EQ(actions[0].post, 100u);
  EXPECT_EQ(actions[1].key, std::uint64_t(3 * kHour));
  EXPECT_EQ(actions[1].account, 8u);
  EXPECT_EQ(actions[2].key, static_cast<std::uint64_t>(-kHour)); // before 1970: its hour's start
  EXPECT_EQ(actions[2].time_ms, -1);
}

class SynchronyRule : public MpiTest {};

TEST_F(SynchronyRule, WidensToAMinuteWhenMostTimesAreWholeMinutes) {
  const detect::WindowRule asked{10'000, 20};
  std::vector<Action> actions; // each rank: 3 whole minutes of 4 times
  for (int i = 0; i < 4; ++i)
    actions.push_back({0, (comm.rank() * 10 + i) * kMinute + (i == 0 ? 17 : 0), 0, 0});
  EXPECT_EQ(detect::synchrony_rule(comm, actions, asked).window_ms, kMinute - 1);
  for (auto &action : actions)
    action.time_ms += 1234; // times to the millisecond, as snowflake ids give
  EXPECT_EQ(detect::synchrony_rule(comm, actions, asked).window_ms, 10'000);
  EXPECT_EQ(detect::synchrony_rule(comm, {}, detect::WindowRule{90'000, 20}).window_ms, 90'000);
}

// The null model with one key per bin (Simpson index 1) against a simulation: two accounts post
// at uniform times inside their own bins, and the mean count of post pairs within the window over
// many draws is E.
TEST(SynchronyNull, ExpectsTheCoPostsOfUniformTimesInTheAccountsOwnBins) {
  const std::int64_t window = 10'000, bin = detect::null_bin_ms(window);
  const detect::ActivityProfile u = {{0, 3}, {1, 1}, {4, 6}, {5, 2}, {9, 1}};
  const detect::ActivityProfile v = {{1, 2}, {2, 4}, {4, 3}, {6, 1}, {9, 5}};
  detect::KeyConcentration one_key_per_bin;
  one_key_per_bin.bin_ms = bin;
  one_key_per_bin.axis = detect::BinAxis::covering(0, 9);
  one_key_per_bin.actions.assign(one_key_per_bin.axis.slots, 1);
  one_key_per_bin.sum_squares.assign(one_key_per_bin.axis.slots, 1);
  const double expected = detect::expected_coactions(u, v, one_key_per_bin, window);

  std::mt19937_64 rng(11);
  const auto times = [&](const detect::ActivityProfile &profile) {
    std::vector<std::int64_t> out;
    for (const auto &[b, count] : profile) {
      for (std::uint32_t i = 0; i < count; ++i)
        out.push_back(b * bin + static_cast<std::int64_t>(rng() % std::uint64_t(bin)));
    }
    return out;
  };
  const int draws = 40'000;
  double total = 0;
  for (int d = 0; d < draws; ++d) {
    const auto tu = times(u), tv = times(v);
    for (const auto x : tu) {
      for (const auto y : tv)
        total += std::llabs(x - y) <= window;
    }
  }
  const double mean = total / draws;
  EXPECT_GT(expected, 0.1);
  EXPECT_NEAR(mean, expected, 0.03 * expected) << "simulated " << mean << ", E " << expected;
}

class Synchrony : public SharedFolderTest {
protected:
  void SetUp() override {
    make_folder("synchrony");
    GenerateConfig g;
    g.accounts = 2000;
    g.days = 4;
    g.campaigns = 7; // the seventh is the scheduled network
    g.campaign_size = 12;
    store = generate_and_ingest(comm, dir, g);
    truth = dir + "/gen/truth.csv";
  }

  DetectConfig synchrony_only() const {
    DetectConfig config;
    config.store_path = store;
    for (auto &[name, signal] : config.signals)
      signal.enabled = name == "synchrony";
    config.near_duplicate.enabled = false;
    config.similarity.enabled = false;
    return config;
  }

  std::string store, truth;
};

struct TestedPair {
  std::uint64_t a = 0, b = 0, keys = 0, coactions = 0, posts_a = 0, posts_b = 0;
  double log10_p = 0;
};

std::vector<TestedPair> gather_synchrony(const mpi::Comm &comm,
                                         const std::vector<detect::EdgeSignal> &signals) {
  std::vector<TestedPair> mine;
  for (const auto &s : signals) {
    if (s.signal == detect::kSynchronySignal) {
      mine.push_back({s.stats.a, s.stats.b, s.stats.keys, s.stats.coactions, s.stats.posts_a,
                      s.stats.posts_b, s.log10_p});
    }
  }
  auto all = mpi::allgatherv(comm, mine);
  std::sort(all.begin(), all.end(), [](const TestedPair &x, const TestedPair &y) {
    return std::tie(x.a, x.b) < std::tie(y.a, y.b);
  });
  return all;
}

TEST_F(Synchrony, PairsAreTheOraclesOverEveryOriginalPost) {
  auto config = synchrony_only();
  auto &c = config.signals.at("synchrony");
  c.hub_cap = 1'000'000; // the oracle has no cap
  config.keep_candidates = true;
  const auto data = detect::read_partitions(comm, store);
  const auto result = detect::detect(comm, config, data);
  const auto found = gather_synchrony(comm, result.edge_signals);

  const auto window = std::llround(c.window_seconds * 1000);
  const auto mine = detect::synchrony_actions(data.posts, detect::synchrony_key_ms(window));
  const auto actions = mpi::allgatherv(comm, mine);
  std::uint64_t originals = 0;
  for (const auto kind : data.posts.kind)
    originals += kind == 0;
  EXPECT_EQ(actions.size(), mpi::allreduce(comm, originals, mpi::Op::sum));
  ASSERT_EQ(result.signals.size(), 1u);
  EXPECT_EQ(result.signals[0].totals.actions, actions.size());

  auto oracle = oracle_coactions(actions, window);
  const auto met_once = std::erase_if(oracle, [](const auto &p) { return p.second.coactions < 2; });
  EXPECT_EQ(result.signals[0].sparse_pairs, met_once) << "pairs that met once: counted, dropped";
  ASSERT_GT(oracle.size(), 1000u);
  ASSERT_EQ(found.size(), oracle.size());
  for (const auto &pair : found) {
    const auto it = oracle.find({pair.a, pair.b});
    ASSERT_NE(it, oracle.end()) << pair.a << "-" << pair.b;
    EXPECT_EQ(pair.keys, it->second.keys);
    EXPECT_EQ(pair.coactions, it->second.coactions);
    EXPECT_EQ(pair.posts_a, it->second.posts_a);
    EXPECT_EQ(pair.posts_b, it->second.posts_b);
  }
}

TEST_F(Synchrony, FindsTheScheduledNetworkAndSparesNewsFeedsAndBusyAccounts) {
  auto config = synchrony_only();
  config.keep_candidates = true; // every tested pair: the hard negatives were tested too
  const auto data = detect::read_partitions(comm, store);
  const auto result = detect::detect(comm, config, data);
  const auto style = styles_by_account(comm, data, truth);

  std::uint64_t scheduled = 0;
  for (const auto &[account, s] : style)
    scheduled += s == "scheduled";
  ASSERT_EQ(scheduled, 12u);
  // Posts per account (all ranks): the busiest 1% of organic accounts are hard negatives.
  std::vector<std::uint64_t> posts(data.total_accounts, 0);
  for (const auto account : data.posts.account)
    ++posts[account];
  posts = mpi::allreduce(comm, std::span<const std::uint64_t>(posts), mpi::Op::sum);
  std::vector<std::uint64_t> organic_posts;
  for (const auto &[account, s] : style) {
    if (s == "organic" || s == "fan")
      organic_posts.push_back(posts[account]);
  }
  std::sort(organic_posts.begin(), organic_posts.end());
  const auto busy = organic_posts[organic_posts.size() * 99 / 100];
  const auto hard_negative = [&](std::uint64_t account) {
    const auto &s = style.at(account);
    return s == "news_feed" || ((s == "organic" || s == "fan") && posts[account] >= busy);
  };
  const auto organic = [&](std::uint64_t account) {
    const auto &s = style.at(account);
    return s == "organic" || s == "fan" || s == "news_feed" || s == "celebrity";
  };

  // Chance alone gives an organic pair a p near 1/tests now and then (the false discovery rate
  // allows alpha of the discoveries); a null model that misjudged busy accounts would give their
  // pairs p-values far below it. Hard negatives must stay above the Bonferroni cut.
  const double bonferroni = std::log10(config.alpha / static_cast<double>(result.tests));
  struct Counts {
    std::uint64_t scheduled = 0, organic = 0, hard_negatives_tested = 0, hard_below_bonferroni = 0;
  } mine;
  for (const auto &edge : result.edges) {
    const bool hard = hard_negative(edge.a) || hard_negative(edge.b);
    mine.hard_negatives_tested += hard;
    if (hard && edge.log10_p <= bonferroni) {
      ++mine.hard_below_bonferroni;
      ADD_FAILURE() << style.at(edge.a) << " (" << posts[edge.a] << " posts) and "
                    << style.at(edge.b) << " (" << posts[edge.b] << " posts): " << edge.coactions
                    << " co-posts, log10 p " << edge.log10_p;
    }
    if (!edge.significant)
      continue;
    if (style.at(edge.a) == "scheduled" && style.at(edge.b) == "scheduled")
      ++mine.scheduled;
    else if (organic(edge.a) || organic(edge.b))
      ++mine.organic;
  }
  Counts total;
  for (const auto &c : mpi::allgatherv(comm, std::vector<Counts>{mine})) {
    total.scheduled += c.scheduled;
    total.organic += c.organic;
    total.hard_negatives_tested += c.hard_negatives_tested;
    total.hard_below_bonferroni += c.hard_below_bonferroni;
  }
  EXPECT_GE(total.scheduled, 12u * 11 / 2 * 9 / 10) << "most scheduled pairs are significant";
  EXPECT_GT(total.hard_negatives_tested, 500u);
  EXPECT_EQ(total.hard_below_bonferroni, 0u) << "no news feed or busy organic account is tied";
  EXPECT_LE(total.organic, 2u) << "chance ties of organic accounts stay within the FDR";
}

} // namespace
} // namespace lockstep::testing
