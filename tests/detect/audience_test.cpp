// The audience null at 1 to 4 ranks on a small world with a celebrity's fans, background
// retweeters and one pair that co-retweets the posts of many authors within seconds: key groups
// and shares against a brute-force count, and the test itself (fans are not significant, the pair
// is, although the popularity null flags the fans).
#include "account_ranges.hpp"
#include "detect/audience.hpp"
#include "detect/significance.hpp"
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"
#include "store/schema.hpp"

#include <cmath>
#include <map>
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

TEST_F(Audience, FansOfOneAuthorAreNotSignificantButPostsOfManyAuthorsWithinMinutesAre) {
  const auto world = make_world(11);
  const auto begin = uneven_account_ranges(comm.size(), kAccounts);
  const auto mine = owned(world, begin, comm.rank());
  const detect::WindowRule rule{kMinute, 1000};
  const auto bin_ms = detect::null_bin_ms(rule.window_ms);
  const auto table = detect::key_groups(comm, mine.actions, mine.groups, {});
  detect::EngineOptions options;
  options.grouped = true;
  options.key_groups = table;
  const auto found = detect::find_coactions(comm, mine.actions, rule, bin_ms, begin, options);
  ASSERT_EQ(found.group_begin.size(), found.pairs.size() + 1);

  auto by_account = world.actions; // every account's profile, from the whole world
  std::sort(by_account.begin(), by_account.end(),
            [](const Action &x, const Action &y) { return x.account < y.account; });
  const auto profiles = detect::activity_profiles(by_account, 0, kAccounts, bin_ms);
  std::vector<TestedPair> tested;
  for (std::size_t i = 0; i < found.pairs.size(); ++i) {
    const auto &pair = found.pairs[i];
    const auto expected = detect::expected_coactions(profiles[pair.a], profiles[pair.b],
                                                     found.concentration, rule.window_ms);
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

} // namespace
} // namespace lockstep::testing
