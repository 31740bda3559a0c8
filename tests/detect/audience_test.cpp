// The audience null at 1 to 4 ranks on a small world with a celebrity's fans, background
// retweeters and one pair that co-retweets the posts of many authors within seconds: key groups
// and shares against a brute-force count, and the test itself (fans are not significant, the pair
// is, although the popularity null flags the fans). Then the engagement null on a celebrity's
// audience with a ring inside: its expectations against the definition, fans spared, ring found.
#include "account_ranges.hpp"
#include "detect/audience.hpp"
#include "detect/engagement.hpp"
#include "detect/significance.hpp"
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"
#include "store/schema.hpp"

#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <set>

namespace lockstep::testing {
namespace {

using detect::Action;

constexpr std::int64_t kMinute = 60'000, kDay = 86'400'000;
constexpr std::uint64_t kBackground = 1500, kFans = 300; // fans: accounts [0, kFans)
constexpr std::uint64_t kPairX = kBackground, kPairY = kBackground + 1;
constexpr std::uint64_t kAccounts = kBackground + 2;
constexpr std::uint64_t kCelebrity = 1'000'000, kAuthors = 400; // authors' groups 1..kAuthors

// The world's actions (every rank makes the same) and each action's group (its author).
struct World {
  std::vector<Action> actions;
  std::vector<std::uint64_t> groups;

  void retweet(std::uint64_t account, std::uint64_t key, std::int64_t time, std::uint64_t author) {
    actions.push_back({key, time, account, actions.size()});
    groups.push_back(author);
  }
};

World make_world(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> any_time(0, 14 * kDay);
  std::exponential_distribution<double> slow(1.0 / (120.0 * kMinute)), quick(1.0 / (2.0 * kMinute));
  World world;
  struct Post {
    std::uint64_t key, author;
    std::int64_t time;
  };
  std::vector<Post> posts, celebrity;
  for (std::uint64_t author = 1; author <= kAuthors; ++author) {
    for (int i = 0; i < 10; ++i)
      posts.push_back({posts.size() + 1, author, any_time(rng)});
  }
  for (int i = 0; i < 40; ++i)
    celebrity.push_back({100'000 + celebrity.size(), kCelebrity, any_time(rng)});
  const auto late = [&](std::exponential_distribution<double> &delay) {
    return static_cast<std::int64_t>(delay(rng));
  };
  for (std::uint64_t account = 0; account < kAccounts; ++account) {
    for (int i = 0; i < 20; ++i) { // background retweets of anyone's posts, hours later
      const auto &post = posts[rng() % posts.size()];
      world.retweet(account, post.key, post.time + late(slow), post.author);
    }
  }
  for (std::uint64_t fan = 0; fan < kFans; ++fan) { // superfans: most posts, within minutes
    for (const auto &post : celebrity) {
      if (rng() % 10 < 6)
        world.retweet(fan, post.key, post.time + late(quick), kCelebrity);
    }
  }
  for (std::uint64_t author = 1; author <= 30; ++author) { // the pair: one post of 30 authors
    const auto &post = posts[(author - 1) * 10 + rng() % 10];
    const auto t = post.time + static_cast<std::int64_t>(rng() % (10 * kMinute));
    world.retweet(kPairX, post.key, t, post.author);
    world.retweet(kPairY, post.key, t + static_cast<std::int64_t>(rng() % 20'000), post.author);
  }
  return world;
}

struct Owned {
  std::vector<Action> actions;
  std::vector<std::uint64_t> groups;
};

Owned owned(const World &world, std::span<const std::uint64_t> begin, int rank) {
  Owned mine;
  for (std::size_t i = 0; i < world.actions.size(); ++i) {
    if (partition::owner_of(begin, world.actions[i].account) == rank) {
      mine.actions.push_back(world.actions[i]);
      mine.groups.push_back(world.groups[i]);
    }
  }
  return mine;
}

class Audience : public MpiTest {};

TEST_F(Audience, KeyGroupsAndSharesMatchABruteForceCount) {
  const auto world = make_world(5);
  const auto begin = uneven_account_ranges(comm.size(), kAccounts);
  const auto mine = owned(world, begin, comm.rank());
  const auto table = detect::key_groups(comm, mine.actions, mine.groups, {});
  for (const auto &entry : table)
    EXPECT_EQ(partition::key_owner(entry.key, comm.size()), comm.rank());
  auto all = mpi::allgatherv(comm, table);
  std::sort(all.begin(), all.end(), [](const auto &x, const auto &y) { return x.key < y.key; });

  std::map<std::uint64_t, std::set<std::uint64_t>> audience; // group -> accounts
  std::map<std::uint64_t, std::uint64_t> group_of_key;
  std::set<std::uint64_t> acting;
  for (std::size_t i = 0; i < world.actions.size(); ++i) {
    audience[world.groups[i]].insert(world.actions[i].account);
    group_of_key[world.actions[i].key] = world.groups[i];
    acting.insert(world.actions[i].account);
  }
  ASSERT_EQ(all.size(), group_of_key.size());
  std::size_t i = 0;
  for (const auto &[key, group] : group_of_key) {
    const auto share = double(audience[group].size() - 1) / double(acting.size() - 1);
    EXPECT_EQ(all[i].key, key);
    EXPECT_EQ(all[i].group, group);
    EXPECT_DOUBLE_EQ(all[i].share, share) << "key " << key;
    ++i;
  }
}

TEST_F(Audience, KeysWithoutAnAuthorAreTheirOwnGroup) {
  detect::PartitionData data;
  data.posts.rows = {10, 4}; // posts 10..13 are this rank's
  data.interactions.kind = {std::uint8_t(store::schema::Interaction::retweet_of),
                            std::uint8_t(store::schema::Interaction::mention_of),
                            std::uint8_t(store::schema::Interaction::reply_to)};
  data.interactions.post = {10, 11, 12};
  data.interactions.target_key = {777, 888, 999};
  const std::vector<Action> actions = {{5, 0, 0, 10}, {6, 0, 0, 11}, {7, 0, 0, 12}, {8, 0, 0, 13}};
  const auto retweet = std::uint8_t(store::schema::Signal::retweet);
  const auto reply = std::uint8_t(store::schema::Signal::reply);
  const auto quote = std::uint8_t(store::schema::Signal::quote);
  EXPECT_EQ(detect::action_groups(data, retweet, actions),
            (std::vector<std::uint64_t>{777, 6, 7, 8})); // a mention names no author
  EXPECT_EQ(detect::action_groups(data, reply, actions),
            (std::vector<std::uint64_t>{5, 6, 999, 8}));
  EXPECT_EQ(detect::action_groups(data, quote, actions), (std::vector<std::uint64_t>{5, 6, 7, 8}));
  EXPECT_TRUE(signals::has_authors(retweet) && signals::has_authors(quote));
  EXPECT_FALSE(signals::has_authors(std::uint8_t(store::schema::Signal::hashtag)));
}

// A rank that owns none of the keys still holds pairs homed there, and their groups.
TEST_F(Audience, PairsHomedOnARankWithoutKeysKeepTheirGroups) {
  std::vector<Action> all;
  for (std::uint64_t account = 0; account < 12; ++account)
    all.push_back({42, static_cast<std::int64_t>(account) * 1000, account, account});
  const auto begin = even_account_ranges(comm.size(), 12);
  World world;
  for (const auto &action : all)
    world.retweet(action.account, action.key, action.time_ms, 7);
  const auto mine = owned(world, begin, comm.rank());
  const auto table = detect::key_groups(comm, mine.actions, mine.groups, {});
  detect::EngineOptions options;
  options.grouped = true;
  options.key_groups = table;
  const auto found =
      detect::find_coactions(comm, mine.actions, {kMinute, 1000}, kMinute, begin, options);
  ASSERT_EQ(found.group_begin.size(), found.pairs.size() + 1) << "rank " << comm.rank();
  for (std::size_t i = 0; i < found.pairs.size(); ++i) {
    const auto groups = found.groups(i);
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].share, 1.0) << "every account is in the one audience";
    EXPECT_EQ(groups[0].keys, 1u);
  }
  const auto pairs = mpi::allreduce(comm, std::uint64_t(found.pairs.size()), mpi::Op::sum);
  EXPECT_EQ(pairs, 12u * 11u / 2u);
}

// One tested pair: both nulls' log10 p.
struct TestedPair {
  std::uint64_t a = 0, b = 0;
  double popularity = 0, audience = 0;
  std::uint64_t groups = 0;
};

// A world's actions through key_groups and the engine with key groups (a one-minute window), at
// this rank's share of `accounts`, and every account's profile from the whole world.
struct GroupedRun {
  std::vector<std::uint64_t> begin;
  Owned mine;
  std::vector<detect::KeyGroup> table;
  detect::CoactionResult found;
  detect::ActivityProfiles profiles;
  static constexpr detect::WindowRule kRule{kMinute, 1000};

  GroupedRun(const mpi::Comm &comm, const World &world, std::uint64_t accounts)
      : begin(uneven_account_ranges(comm.size(), accounts)), mine(owned(world, begin, comm.rank())),
        table(detect::key_groups(comm, mine.actions, mine.groups, {})) {
    const auto bin_ms = detect::null_bin_ms(kRule.window_ms);
    detect::EngineOptions options;
    options.grouped = true;
    options.key_groups = table;
    found = detect::find_coactions(comm, mine.actions, kRule, bin_ms, begin, options);
    auto by_account = world.actions;
    std::sort(by_account.begin(), by_account.end(),
              [](const Action &x, const Action &y) { return x.account < y.account; });
    profiles = detect::activity_profiles(by_account, 0, accounts, bin_ms);
  }
  double expected(const detect::PairSignal &pair) const {
    return detect::expected_coactions(profiles[pair.a], profiles[pair.b], found.concentration,
                                      kRule.window_ms);
  }
};

TEST_F(Audience, FansOfOneAuthorAreNotSignificantButPostsOfManyAuthorsWithinMinutesAre) {
  const GroupedRun run(comm, make_world(11), kAccounts);
  const auto &found = run.found;
  ASSERT_EQ(found.group_begin.size(), found.pairs.size() + 1);
  std::vector<TestedPair> tested;
  for (std::size_t i = 0; i < found.pairs.size(); ++i) {
    const auto &pair = found.pairs[i];
    const auto expected = run.expected(pair);
    const auto observed = detect::observed_statistic(1, pair);
    tested.push_back({pair.a, pair.b, detect::log10_poisson_tail(observed, expected),
                      detect::log10_audience_tail(observed, expected, found.groups(i)),
                      found.groups(i).size()});
    std::uint64_t keys = 0;
    for (const auto &group : found.groups(i))
      keys += group.keys;
    EXPECT_EQ(keys, pair.keys) << "every co-acted key is in one group";
  }
  tested = mpi::allgatherv(comm, tested);

  const double fan_share = double(kFans - 1) / double(kAccounts - 1);
  double strongest_fans = 0; // the smallest popularity p of two fans
  std::size_t fan_pairs = 0;
  bool pair_found = false;
  for (const auto &t : tested) {
    EXPECT_GE(t.audience, t.popularity - 1e-12) << "the audience null is never stricter";
    if (t.a == kPairX && t.b == kPairY) {
      pair_found = true;
      EXPECT_LT(t.audience, -10) << "30 authors' posts within seconds: far beyond chance";
    } else if (t.b < kFans && t.groups == 1) { // two fans, co-acting on the celebrity only
      ++fan_pairs;
      strongest_fans = std::min(strongest_fans, t.popularity);
      EXPECT_GE(t.audience, std::log10(fan_share) - 1e-9) << t.a << "-" << t.b;
    }
  }
  EXPECT_TRUE(pair_found);
  EXPECT_GT(fan_pairs, 1000u);
  EXPECT_LT(strongest_fans, -8) << "the popularity null alone would call fans coordinated";
}

// --- the engagement null (detect/engagement.hpp) ---

TEST(Engagement, DelayOverlapCountsThePairsWithinTheWindow) {
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<std::int64_t> u(1 + rng() % 30), v(1 + rng() % 30);
    for (auto &d : u)
      d = static_cast<std::int64_t>(rng() % 1000);
    for (auto &d : v)
      d = static_cast<std::int64_t>(rng() % 1000);
    std::sort(u.begin(), u.end());
    std::sort(v.begin(), v.end());
    const std::int64_t window = static_cast<std::int64_t>(rng() % 200);
    double within = 0;
    for (const auto x : u) {
      for (const auto y : v)
        within += std::abs(x - y) <= window;
    }
    EXPECT_DOUBLE_EQ(detect::delay_overlap(u, v, window), within / double(u.size() * v.size()));
  }
}

TEST(Engagement, EngagedKeysAreTheSharedPostsPopularityPredictsTimesTheOverlap) {
  EXPECT_DOUBLE_EQ(detect::engaged_keys(10, 20, 1.0 / 100, 0.5), 10 * 20 / 100.0 * 0.5);
  EXPECT_DOUBLE_EQ(detect::engaged_keys(10, 20, 0.5, 1.0), 10.0) << "never more than n_u";
  EXPECT_DOUBLE_EQ(detect::engaged_keys(30, 4, 1.0, 0.25), 1.0) << "nor than n_v";
}

constexpr std::uint64_t kRingFans = 200, kRingBackground = 600;
constexpr std::uint64_t kRingA = kRingFans + kRingBackground, kRingB = kRingA + 1;
constexpr std::uint64_t kRingAccounts = kRingB + 1;

// A celebrity's 60 posts, retweeted by 200 fans (half of the posts each, with delays of their own:
// a few seconds to an hour) and by a ring of two that retweets the same 30 posts at delays spread
// over twelve hours, within 20 s of each other; 600 background accounts retweet 100 authors.
World make_ring_world(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> any_time(0, 14 * kDay);
  World world;
  std::vector<std::pair<std::uint64_t, std::int64_t>> celebrity; // (key, time)
  for (std::uint64_t k = 0; k < 60; ++k)
    celebrity.emplace_back(100'000 + k, any_time(rng));
  for (std::uint64_t fan = 0; fan < kRingFans; ++fan) {
    std::lognormal_distribution<double> mean_delay(std::log(10.0 * kMinute), 1.5);
    std::exponential_distribution<double> delay(1.0 / mean_delay(rng));
    for (const auto &[key, time] : celebrity) {
      if (rng() % 2 == 0)
        world.retweet(fan, key, time + static_cast<std::int64_t>(delay(rng)), kCelebrity);
    }
  }
  for (std::uint64_t account = kRingFans; account < kRingA; ++account) {
    for (int i = 0; i < 20; ++i) {
      const auto author = 1 + rng() % 100;
      world.retweet(account, 1'000'000'000 + author * 1000 + rng() % 10, any_time(rng), author);
    }
  }
  for (std::uint64_t k = 0; k < 60; k += 2) {
    const auto t = celebrity[k].second + static_cast<std::int64_t>(rng() % (12 * 60 * kMinute));
    world.retweet(kRingA, celebrity[k].first, t, kCelebrity);
    world.retweet(kRingB, celebrity[k].first, t + static_cast<std::int64_t>(rng() % 20'000),
                  kCelebrity);
  }
  return world;
}

// engaged_g(u, v) from the whole world, by the definition in engagement.hpp.
double brute_force_engaged(const World &world, std::uint64_t u, std::uint64_t v,
                           std::uint64_t group, std::int64_t window_ms) {
  std::map<std::uint64_t, std::int64_t> first;          // key -> first action
  std::map<std::uint64_t, std::set<std::uint64_t>> who; // key of the group -> accounts
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::int64_t> own; // (account, key) -> first
  for (const auto &action : world.actions) {
    const auto [it, added] = first.try_emplace(action.key, action.time_ms);
    it->second = std::min(it->second, action.time_ms);
    const auto [mine, new_one] = own.try_emplace({action.account, action.key}, action.time_ms);
    mine->second = std::min(mine->second, action.time_ms);
  }
  for (std::size_t i = 0; i < world.actions.size(); ++i) {
    if (world.groups[i] == group)
      who[world.actions[i].key].insert(world.actions[i].account);
  }
  double sum = 0, squares = 0;
  std::vector<std::int64_t> du, dv;
  for (const auto &[key, accounts] : who) {
    sum += double(accounts.size());
    squares += double(accounts.size() * accounts.size());
    if (accounts.contains(u))
      du.push_back(own[{u, key}] - first[key]);
    if (accounts.contains(v))
      dv.push_back(own[{v, key}] - first[key]);
  }
  double within = 0;
  for (const auto x : du) {
    for (const auto y : dv)
      within += std::abs(x - y) <= window_ms;
  }
  const double overlap = within / double(du.size() * dv.size());
  return std::min({double(du.size()) * double(dv.size()) * squares / (sum * sum), double(du.size()),
                   double(dv.size())}) *
         overlap;
}

TEST_F(Audience, EngagementMatchesABruteForceCountAndFindsARingInsideAnAudience) {
  const auto world = make_ring_world(17);
  GroupedRun run(comm, world, kRingAccounts);
  auto &found = run.found;
  const auto &rule = GroupedRun::kRule;
  std::vector<std::size_t> priced(found.pairs.size());
  std::iota(priced.begin(), priced.end(), 0);
  detect::add_engagement(comm, run.mine.actions, run.table, priced, rule.window_ms, run.begin, {},
                         found);
  std::vector<TestedPair> tested;
  for (std::size_t i = 0; i < found.pairs.size(); ++i) {
    const auto &pair = found.pairs[i];
    for (const auto &group : found.groups(i)) {
      if (i % 97 != 0 && pair.a != kRingA) // a sample against the brute-force definition
        continue;
      EXPECT_NEAR(group.engaged,
                  brute_force_engaged(world, pair.a, pair.b, group.group, rule.window_ms),
                  1e-9 * std::max(1.0, group.engaged));
    }
    const auto expected = run.expected(pair);
    const auto observed = detect::observed_statistic(1, pair);
    tested.push_back({pair.a, pair.b, detect::log10_poisson_tail(observed, expected),
                      detect::log10_audience_tail(observed, expected, found.groups(i)),
                      found.groups(i).size()});
    if (pair.a == kRingA && pair.b == kRingB) { // the audience alone explains the ring
      std::vector<detect::GroupShare> unpriced(found.groups(i).begin(), found.groups(i).end());
      for (auto &group : unpriced)
        group.engaged = -1;
      EXPECT_GT(detect::log10_audience_tail(observed, expected, unpriced), std::log10(0.2));
    }
  }
  tested = mpi::allgatherv(comm, tested);
  const double log10_bonferroni = std::log10(0.05 / double(tested.size()));
  std::size_t fan_pairs = 0;
  bool ring_found = false;
  for (const auto &t : tested) {
    EXPECT_GE(t.audience, t.popularity - 1e-12);
    if (t.a == kRingA && t.b == kRingB) {
      ring_found = true;
      EXPECT_LT(t.audience, log10_bonferroni - 10) << "the same posts, hours late, in step";
    } else if (t.b < kRingFans) {
      ++fan_pairs;
      EXPECT_GT(t.audience, log10_bonferroni) << "fans " << t.a << "-" << t.b;
    }
  }
  EXPECT_TRUE(ring_found);
  EXPECT_GT(fan_pairs, 5000u);
}

} // namespace
} // namespace lockstep::testing
