// The distributed Benjamini-Hochberg cut against the sorted list of all p-values
// (benjamini_hochberg_log10) at 1 to 4 ranks: random mixtures of null and planted p-values,
// ties, values exactly on the step-up line, -infinity, ranks holding none, and nothing passing.
#include "detect/fdr.hpp"
#include "detect/significance.hpp"
#include "mpi_test.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace lockstep::testing {
namespace {

constexpr double kAlpha = 0.05;

// The cut over all of `values` (every rank holds the same list), each rank given its share by
// `owner`, must equal the oracle's.
template <typename Owner>
void expect_cut_as_oracle(const mpi::Comm &comm, std::vector<double> values, std::uint64_t tests,
                          Owner owner) {
  std::vector<double> mine;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (owner(i) % static_cast<std::size_t>(comm.size()) == static_cast<std::size_t>(comm.rank()))
      mine.push_back(values[i]);
  }
  std::sort(values.begin(), values.end());
  const double expected = detect::benjamini_hochberg_log10(values, tests, kAlpha);
  const double cut = detect::fdr_threshold(comm, mine, tests, kAlpha);
  EXPECT_EQ(cut, expected) << mine.size() << " mine; " << values.size() << " values over " << tests
                           << " tests";
}

std::size_t round_robin(std::size_t i) {
  return i;
}

// `nulls` p-values uniform on [0, 1] of which those at most alpha are kept, and `planted` with
// log10 p uniform on [-lowest, log10 alpha], rounded to `decimals` (ties) when non-negative.
std::vector<double> mixture(std::mt19937_64 &random, std::size_t nulls, std::size_t planted,
                            double lowest, int decimals) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_real_distribution<double> strong(-lowest, std::log10(kAlpha));
  std::vector<double> values;
  const auto rounded = [&](double v) {
    const double scale = std::pow(10.0, decimals);
    return decimals < 0 ? v : std::min(std::log10(kAlpha), std::round(v * scale) / scale);
  };
  for (std::size_t i = 0; i < nulls; ++i) {
    const double p = unit(random);
    if (p <= kAlpha)
      values.push_back(rounded(std::log10(p)));
  }
  for (std::size_t i = 0; i < planted; ++i)
    values.push_back(rounded(strong(random)));
  return values;
}

class FdrCut : public MpiTest {};

TEST_F(FdrCut, RandomMixturesMatchTheSortedList) {
  std::mt19937_64 random(20261204);
  for (int trial = 0; trial < 60; ++trial) {
    const std::size_t nulls = 1 + random() % 20000, planted = random() % 3000;
    const double lowest = 2.0 + double(random() % 300);
    const int decimals = int(random() % 4) - 1; // -1: no rounding
    auto values = mixture(random, nulls, planted, lowest, decimals);
    const auto scatter = random();
    expect_cut_as_oracle(comm, values, nulls + planted,
                         [&](std::size_t i) { return (i * 2654435761u) ^ scatter; });
  }
}

TEST_F(FdrCut, ValuesOnTheStepUpLineAndJustAboveIt) {
  constexpr std::uint64_t kTests = 100000;
  const double log10_step = std::log10(kAlpha) - std::log10(double(kTests));
  for (const std::size_t on_line : {1u, 7u, 500u, 4999u}) {
    std::vector<double> values;
    for (std::size_t k = 1; k <= 5000; ++k) {
      const double line = log10_step + std::log10(double(k));
      values.push_back(k == on_line ? line : std::nextafter(line, 0.0));
    }
    expect_cut_as_oracle(comm, values, kTests, round_robin);
    // All tied at the largest: the cut is theirs only when the count carries them under the line.
    expect_cut_as_oracle(comm, std::vector<double>(on_line, values[on_line - 1]), kTests,
                         round_robin);
  }
}

TEST_F(FdrCut, InfinitiesEmptyRanksAndNothingPassing) {
  const double minus_infinity = -std::numeric_limits<double>::infinity();
  expect_cut_as_oracle(comm, {}, 10, round_robin);
  expect_cut_as_oracle(comm, {minus_infinity, minus_infinity, -3.0}, 10, round_robin);
  expect_cut_as_oracle(comm, {-2.0, -1.5, -1.4}, 1'000'000, round_robin);      // none passes
  expect_cut_as_oracle(comm, {-5.0, -4.0, -3.0, -2.5, -1.31}, 5, round_robin); // all pass
  std::mt19937_64 random(7);
  auto values = mixture(random, 50000, 2000, 40.0, -1);
  expect_cut_as_oracle(comm, values, 52000, [](std::size_t) { return 0; }); // all on rank 0
  expect_cut_as_oracle(comm, values, 52000, [](std::size_t i) { return i < 10 ? 1 : 2; });
}

} // namespace
} // namespace lockstep::testing
