// The null model's pieces against direct computation: the Poisson tail, Benjamini-Hochberg, the
// Simpson index per bin and the expected co-actions of two activity profiles.
#include "detect/significance.hpp"
#include "mpi_test.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <tuple>

namespace lockstep::testing {
namespace {

using detect::ActivityProfile;

// P(X >= x) by summing the pmf directly (fine for small x and moderate E).
double direct_tail(std::uint64_t x, double e) {
  double below = 0, term = std::exp(-e);
  for (std::uint64_t k = 0; k < x; ++k) {
    below += term;
    term *= e / double(k + 1);
  }
  return 1 - below;
}

class Significance : public MpiTest {};

TEST_F(Significance, PoissonTailMatchesDirectSum) {
  for (const double e : {0.01, 0.5, 1.0, 3.0, 12.0}) {
    for (const std::uint64_t x : {1, 2, 5, 10, 20}) {
      const double direct = direct_tail(x, e);
      if (direct < 1e-12)
        continue; // the direct sum loses precision there; the log-space series does not
      EXPECT_NEAR(detect::log10_poisson_tail(x, e), std::log10(direct), 1e-6)
          << "x " << x << " E " << e;
    }
  }
  EXPECT_EQ(detect::log10_poisson_tail(0, 5.0), 0.0);
  // Far tails stay finite and ordered: log10 P(X >= 200 | E = 0.001) ~ 200 * -3 - log10(200!).
  const double far = detect::log10_poisson_tail(200, 0.001);
  EXPECT_TRUE(std::isfinite(far));
  EXPECT_NEAR(far, -600 - std::lgamma(201.0) / std::log(10.0), 1e-3);
  EXPECT_LT(detect::log10_poisson_tail(201, 0.001), far);
}

TEST_F(Significance, AudienceTailIsTheSumOverGroupsExplainedWidestFirst) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> share(0.001, 0.6), expected(0.05, 4.0);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<detect::GroupShare> groups(1 + rng() % 5);
    std::uint64_t observed = 0;
    for (auto &g : groups) {
      g = {share(rng), 1 + rng() % 3};
      observed += g.keys;
    }
    std::sort(groups.begin(), groups.end(),
              [](const auto &x, const auto &y) { return x.share > y.share; });
    const double e = expected(rng);
    double direct = direct_tail(observed, e), shared = 1; // j = 0: the popularity null
    std::uint64_t left = observed;
    for (const auto &g : groups) {
      shared *= g.share;
      left -= g.keys;
      direct += shared * (left == 0 ? 1.0 : direct_tail(left, e));
    }
    EXPECT_NEAR(detect::log10_audience_tail(observed, e, groups), std::log10(std::min(1.0, direct)),
                1e-9)
        << "trial " << trial;
  }
}

TEST_F(Significance, AudienceTailBounds) {
  const std::vector<detect::GroupShare> none;
  EXPECT_EQ(detect::log10_audience_tail(7, 0.3, none), detect::log10_poisson_tail(7, 0.3));
  // fans of one author: never below the audience's share, however many posts they share
  const std::vector<detect::GroupShare> fans{{0.02, 500}};
  EXPECT_GE(detect::log10_audience_tail(500, 0.001, fans), std::log10(0.02));
  EXPECT_LT(detect::log10_audience_tail(500, 0.001, fans), std::log10(0.02) + 1e-9);
  // a ring's three principals, each with an audience of 1 in 1000: the product
  const std::vector<detect::GroupShare> ring{{0.001, 40}, {0.001, 40}, {0.001, 40}};
  EXPECT_NEAR(detect::log10_audience_tail(120, 0.01, ring), -9, 1e-6);
  // a group nobody else acts on explains nothing, and neither does anything after it
  const std::vector<detect::GroupShare> alone{{0.5, 1}, {0.0, 3}, {0.5, 2}};
  const double p = 0.5 * std::pow(10.0, detect::log10_poisson_tail(5, 0.2));
  EXPECT_NEAR(detect::log10_audience_tail(6, 0.2, alone),
              std::log10(std::pow(10.0, detect::log10_poisson_tail(6, 0.2)) + p), 1e-9);
}

// P(B = k) for B ~ Binomial(n, q), by the definition.
double binomial_pmf(std::uint64_t k, std::uint64_t n, double q) {
  return std::exp(std::lgamma(double(n) + 1) - std::lgamma(double(k) + 1) -
                  std::lgamma(double(n - k) + 1)) *
         std::pow(q, double(k)) * std::pow(1 - q, double(n - k));
}

// Groups with an engagement expectation: their keys are Binomial(most_keys, engaged / most_keys),
// summed with the popularity null's Poisson, against a direct enumeration.
TEST_F(Significance, EngagedGroupsAreBinomialsBesideThePopularityNull) {
  std::mt19937_64 rng(9);
  for (int trial = 0; trial < 100; ++trial) {
    std::vector<detect::GroupShare> groups(1 + rng() % 3);
    std::uint64_t observed = rng() % 3;
    for (auto &g : groups) {
      g.share = 0.05 + 0.9 * double(rng() % 1000) / 1000;
      g.most_keys = 1 + rng() % 6;
      g.keys = 1 + rng() % g.most_keys;
      if (rng() % 3 != 0)
        g.engaged = double(g.most_keys) * double(rng() % 1000) / 1000;
      observed += g.keys;
    }
    std::sort(groups.begin(), groups.end(),
              [](const auto &x, const auto &y) { return x.share > y.share; });
    const double e = 0.05 + double(rng() % 100) / 50;
    double direct = direct_tail(observed, e), shared = 1;
    std::uint64_t fixed = 0;
    std::vector<double> sum{1.0}; // P(S = s) of the engaged groups' binomials
    for (const auto &g : groups) {
      shared *= g.share;
      if (g.engaged >= 0) {
        std::vector<double> next(sum.size() + g.most_keys, 0.0);
        for (std::size_t s = 0; s < sum.size(); ++s) {
          for (std::uint64_t k = 0; k <= g.most_keys; ++k)
            next[s + k] += sum[s] * binomial_pmf(k, g.most_keys, g.engaged / double(g.most_keys));
        }
        sum = next;
      } else {
        fixed += g.keys;
      }
      double tail = 0; // P(Poisson(e) + S >= observed - fixed)
      for (std::size_t s = 0; s < sum.size(); ++s) {
        const auto need = observed - fixed;
        tail += sum[s] * (s >= need ? 1.0 : direct_tail(need - s, e));
      }
      direct += shared * tail;
    }
    EXPECT_NEAR(detect::log10_audience_tail(observed, e, groups), std::log10(std::min(1.0, direct)),
                1e-9)
        << "trial " << trial;
  }
  // A group whose engagement expects all of its keys explains them as a group without one does.
  const std::vector<detect::GroupShare> whole{{0.02, 3, 1, 3.0, 3}, {0.02, 3, 2, 3.0, 3}};
  const std::vector<detect::GroupShare> unpriced{{0.02, 3, 1}, {0.02, 3, 2}};
  EXPECT_NEAR(detect::log10_audience_tail(6, 0.01, whole),
              detect::log10_audience_tail(6, 0.01, unpriced), 1e-12);
  // The same posts of one author, where engagement expects one: far beyond the author's share.
  const std::vector<detect::GroupShare> ring{{0.3, 30, 1, 1.0, 30}};
  EXPECT_LT(detect::log10_audience_tail(30, 0.01, ring), -20);
  const std::vector<detect::GroupShare> fans{{0.3, 10, 1, 10.0, 30}};
  EXPECT_GT(detect::log10_audience_tail(10, 0.01, fans), std::log10(0.3 * 0.4));
}

TEST_F(Significance, BenjaminiHochbergStepUp) {
  // m = 10, alpha 0.05: thresholds k * 0.005. p = .001 .008 .012 .041 -> k=3 passes (.012 <=
  // .015) though k=2 alone would not (.008 <= .010 passes too); k=4 fails (.041 > .020).
  const std::vector<double> p{std::log10(0.001), std::log10(0.008), std::log10(0.012),
                              std::log10(0.041)};
  EXPECT_DOUBLE_EQ(detect::benjamini_hochberg_log10(p, 10, 0.05), std::log10(0.012));
  const std::vector<double> none{std::log10(0.02)};
  EXPECT_TRUE(std::isinf(detect::benjamini_hochberg_log10(none, 10, 0.05)));
  // The step-up: a later p under its line rescues earlier ones above theirs.
  const std::vector<double> rescue{std::log10(0.006), std::log10(0.009)};
  EXPECT_DOUBLE_EQ(detect::benjamini_hochberg_log10(rescue, 10, 0.05), std::log10(0.009));
}

TEST_F(Significance, SimpsonIndexPerBin) {
  // Bin 0: key 1 four times, key 2 twice -> (16 + 4) / 36. Bin 1: key 1 once -> 1.
  std::vector<detect::Action> sorted{{1, 0, 0, 0},    {1, 10, 1, 1}, {1, 20, 2, 2}, {1, 30, 3, 3},
                                     {1, 5000, 4, 4}, {2, 0, 5, 5},  {2, 40, 6, 6}};
  detect::KeyConcentration c;
  c.bin_ms = 1000;
  c.axis = detect::BinAxis::covering(0, 5);
  c.actions.assign(c.axis.slots, 0);
  c.sum_squares.assign(c.axis.slots, 0);
  detect::add_concentration(sorted, c);
  EXPECT_DOUBLE_EQ(c.at(0), 20.0 / 36.0);
  EXPECT_DOUBLE_EQ(c.at(5), 1.0);
  EXPECT_EQ(c.at(3), 0.0);
  EXPECT_EQ(c.at(-1), 0.0);
  EXPECT_EQ(c.at(99), 0.0);
}

TEST_F(Significance, ExpectedCoactionsFromProfiles) {
  detect::KeyConcentration c;
  c.bin_ms = 3'600'000;
  c.axis = detect::BinAxis::covering(10, 12);
  c.actions.assign(c.axis.slots, 0);
  c.sum_squares.assign(c.axis.slots, 0);
  c.actions[0] = c.actions[1] = c.actions[2] = 100;
  c.sum_squares[0] = 1000; // H = 0.1, 0.2, 0.05
  c.sum_squares[1] = 2000;
  c.sum_squares[2] = 500;
  const ActivityProfile u{{10, 2}, {11, 1}};
  const ActivityProfile v{{11, 3}, {12, 4}};
  const double r = 60'000.0 / 3'600'000.0, same = 2 * r - r * r, adjacent = r * r / 2;
  // u in 10 meets v in 11 (adjacent); u in 11 meets v in 11 (same) and v in 12 (adjacent).
  const double expected =
      2 * (adjacent * 3 * (0.1 + 0.2) / 2) + 1 * (same * 3 * 0.2 + adjacent * 4 * (0.2 + 0.05) / 2);
  EXPECT_NEAR(detect::expected_coactions(u, v, c, 60'000), expected, 1e-15);
  EXPECT_NEAR(detect::expected_coactions(u, v, c, 60'000),
              detect::expected_coactions(v, u, c, 60'000), 1e-15)
      << "symmetric in u and v";
  EXPECT_EQ(detect::decode_profile(detect::encode_profile(u)), u);
}

// Actions at the given bins (1-hour bins), one per bin, keys cycling over three.
std::vector<detect::Action> actions_at(std::initializer_list<std::int64_t> bins) {
  std::vector<detect::Action> out;
  for (const auto bin : bins)
    out.push_back({static_cast<std::uint64_t>(bin % 3), bin * 3'600'000, 0, out.size()});
  return out;
}

TEST_F(Significance, BinAxisLeavesEmptyPagesOut) {
  constexpr auto page = detect::BinAxis::kPageBins;
  // Bursts in pages 0, 1 and 5 (and before 0: negative bins); pages 2 to 4 stay out.
  const auto axis = detect::bin_axis(comm, actions_at({-3, 10, page + 2, 5 * page + 7}), 3'600'000);
  EXPECT_EQ(axis.slots, static_cast<std::size_t>(3 * page));
  EXPECT_EQ(axis.first_bin, -3);
  for (const auto bin : {-3L, 10L, page - 4, page - 3, page + 2, 5 * page + 7})
    EXPECT_TRUE(axis.holds(bin)) << bin;
  for (const auto bin : {-4L, 2 * page - 3, 3 * page, 5 * page - 4, 6 * page})
    EXPECT_FALSE(axis.holds(bin)) << bin;
  // Neighbouring pages get neighbouring slots; the page after the gap starts right after them.
  EXPECT_EQ(axis.slot(page - 4) + 1, axis.slot(page - 3));
  EXPECT_EQ(axis.slot(5 * page - 3), static_cast<std::size_t>(2 * page));
  EXPECT_EQ(detect::bin_axis(comm, {}, 3'600'000).slots, 0u);
}

// The fast path of the null model (per-slot coefficients, a dense profile) against the reference
// (weighted_profile) for random profiles on an axis with a gap, bins at the pages' edges included.
TEST_F(Significance, DenseProfileMatchesReference) {
  constexpr auto page = detect::BinAxis::kPageBins;
  std::mt19937_64 rng(7);
  std::vector<std::int64_t> bins{
      0, 1, page - 1, page, page + 1, 2 * page - 1, 4 * page, 4 * page + 1, 5 * page - 1};
  for (int i = 0; i < 40; ++i)
    bins.push_back(static_cast<std::int64_t>(rng() % 2) * 4 * page +
                   static_cast<std::int64_t>(rng() % (2 * page)) % page);
  std::vector<detect::Action> actions;
  for (const auto bin : bins) { // 1 to 4 actions per bin on 1 to 3 keys
    for (std::uint64_t k = 0, n = 1 + rng() % 4; k < n; ++k)
      actions.push_back({rng() % 3, bin * 3'600'000 + static_cast<std::int64_t>(k), 0, 0});
  }
  std::sort(actions.begin(), actions.end(), [](const auto &x, const auto &y) {
    return std::tie(x.key, x.time_ms) < std::tie(y.key, y.time_ms);
  });
  detect::KeyConcentration c;
  c.axis = detect::bin_axis(comm, actions, c.bin_ms);
  ASSERT_EQ(c.axis.slots, static_cast<std::size_t>(3 * page)) << "pages 0, 1 and 4";
  c.actions.assign(c.axis.slots, 0);
  c.sum_squares.assign(c.axis.slots, 0);
  detect::add_concentration(actions, c);

  const auto random_profile = [&] {
    ActivityProfile p;
    for (const auto bin : bins) {
      if (rng() % 3 == 0)
        p.emplace_back(bin, 1 + rng() % 5);
    }
    std::sort(p.begin(), p.end());
    p.erase(std::unique(p.begin(), p.end(),
                        [](const auto &x, const auto &y) { return x.first == y.first; }),
            p.end());
    return p;
  };
  for (const std::int64_t window_ms : {60'000L, 1'800'000L, 3'600'000L, 7'200'000L}) {
    const auto coefficients = detect::null_coefficients(c, window_ms);
    detect::DenseProfile dense(coefficients);
    for (int trial = 0; trial < 50; ++trial) {
      const auto u = random_profile(), v = random_profile();
      dense.hold(v);
      const double reference = detect::expected_coactions(u, v, c, window_ms);
      EXPECT_NEAR(dense.expected_with(u), reference, 1e-12 * std::max(1.0, reference))
          << "window " << window_ms << " trial " << trial;
      dense.release(v);
      EXPECT_EQ(dense.expected_with(u), 0.0) << "release leaves nothing held";
    }
  }
}

TEST_F(Significance, ProfilesCountActionsPerBin) {
  const std::vector<detect::Action> actions{
      {1, 3'600'000, 7, 0}, {2, 3'600'001, 7, 1}, {3, 0, 8, 2}, {4, 7'200'000, 7, 3}};
  const auto profiles = detect::activity_profiles(actions, 7, 2, 3'600'000);
  ASSERT_EQ(profiles.begin.size(), 3u);
  const auto as_vector = [](detect::ProfileView v) { return ActivityProfile(v.begin(), v.end()); };
  EXPECT_EQ(as_vector(profiles[0]), (ActivityProfile{{1, 2}, {2, 1}}));
  EXPECT_EQ(as_vector(profiles[1]), (ActivityProfile{{0, 1}}));
}

} // namespace
} // namespace lockstep::testing
