// retweet_slow on a generated world: it is the retweet signal at its own window (the same pairs,
// statistics and tests as retweet run at that window), its window nests the short one's, and an
// edge counts the two once.
#include "detect/detect.hpp"
#include "detect/significance.hpp"
#include "generated_store.hpp"
#include "mpi_test.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace lockstep::testing {
namespace {

using detect::EdgeSignal;

class SlowRetweet : public SharedFolderTest {
protected:
  void SetUp() override {
    make_folder("slow-retweet");
    GenerateConfig g;
    g.accounts = 1500;
    g.days = 5;
    g.campaign_size = 12;
    store = generate_and_ingest(comm, dir, g);
  }

  // detect with only the named signals on, at the given windows (s), all with one hub cap.
  detect::DetectResult run(const std::map<std::string, double> &windows) {
    DetectConfig config;
    config.store_path = store;
    for (auto &[name, signal] : config.signals) {
      signal.enabled = windows.contains(name);
      if (signal.enabled)
        signal.window_seconds = windows.at(name);
      signal.hub_cap = 20; // with one cap, the nearest partners in 300 s are among those in 1800 s
    }
    config.near_duplicate.enabled = false;
    config.similarity.enabled = false;
    config.keep_candidates = true; // every tested pair, not only the significant ones
    return detect::detect(comm, config, detect::read_partitions(comm, store));
  }

  std::string store;
};

using PairTest = std::tuple<std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t, double,
                            double, std::uint64_t, std::uint64_t>;

std::vector<PairTest> pair_tests(const std::vector<EdgeSignal> &signals, std::uint8_t signal) {
  std::vector<PairTest> out;
  for (const auto &s : signals) {
    if (s.signal == signal) {
      out.emplace_back(s.stats.a, s.stats.b, s.stats.keys, s.stats.coactions, s.expected, s.log10_p,
                       s.stats.posts_a, s.stats.posts_b);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(SlowRetweet, IsTheRetweetSignalAtItsOwnWindow) {
  const auto retweet = run({{"retweet", 1800}});
  const auto slow = run({{"retweet_slow", 1800}});
  const auto expected = pair_tests(retweet.edge_signals, 1);
  ASSERT_GT(expected.size(), 100u);
  EXPECT_EQ(pair_tests(slow.edge_signals, detect::kSlowRetweetSignal), expected);
  EXPECT_TRUE(pair_tests(slow.edge_signals, 1).empty());
  ASSERT_EQ(slow.signals.size(), 1u);
  EXPECT_EQ(slow.signals[0].name, "retweet_slow");
  EXPECT_EQ(slow.signals[0].totals.actions, retweet.signals[0].totals.actions);
}

TEST_F(SlowRetweet, NestsTheShortWindowAndCountsItOnce) {
  const auto both = run({{"retweet", 300}, {"retweet_slow", 1800}});
  std::uint64_t nested = 0, slow_only = 0;
  for (const auto &edge : both.edges) {
    const EdgeSignal *fast = nullptr, *slow = nullptr;
    for (const auto &s : edge.signals) {
      fast = s.signal == 1 ? &s : fast;
      slow = s.signal == detect::kSlowRetweetSignal ? &s : slow;
    }
    ASSERT_NE(slow, nullptr) << "a co-retweet within 300 s is one within 1800 s";
    if (fast == nullptr) {
      ++slow_only;
      EXPECT_EQ(edge.weight, slow->stats.keys);
      continue;
    }
    ++nested;
    EXPECT_LE(fast->stats.keys, slow->stats.keys);
    EXPECT_LE(fast->stats.coactions, slow->stats.coactions);
    EXPECT_EQ(edge.weight, slow->stats.keys);
    EXPECT_EQ(edge.coactions, slow->stats.coactions);
    EXPECT_EQ(edge.log10_p, detect::bonferroni_log10(std::min(fast->log10_p, slow->log10_p), 2));
  }
  EXPECT_GT(nested, 0u);
  EXPECT_GT(slow_only, 0u);
}

} // namespace
} // namespace lockstep::testing
