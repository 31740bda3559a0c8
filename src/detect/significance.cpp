// The null model's expected co-actions, and the Poisson tail in log space.
#include "detect/significance.hpp"

#include "detect/detect.hpp"
#include "store/schema.hpp"

#include <algorithm>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

namespace lockstep::detect {

namespace {

constexpr std::int64_t kQuarterHourMs = 900'000;
constexpr double kSmallestExpectation = 1e-9;

// Counts of `profile` at `bin`, by binary search.
double count_at(ProfileView profile, std::int64_t bin) {
  const auto it =
      std::lower_bound(profile.begin(), profile.end(), bin,
                       [](const auto &entry, std::int64_t b) { return entry.first < b; });
  return it != profile.end() && it->first == bin ? it->second : 0;
}

} // namespace

std::uint64_t observed_statistic(std::uint8_t signal, const PairSignal &pair) {
  switch (signals::row(signal).statistic) {
  case signals::Statistic::keys:
    return pair.keys;
  case signals::Statistic::fewer_posts:
    return std::min(pair.posts_a, pair.posts_b);
  case signals::Statistic::none:
    break;
  }
  throw std::logic_error(
      fmt::format("signal {} has no null-model statistic", signals::name(signal)));
}

ActivityProfiles activity_profiles(const std::vector<Action> &actions, std::uint64_t first_account,
                                   std::uint64_t count, std::int64_t bin_ms) {
  // Counting sort of the actions' bins by account, then each account's bins sorted and counted.
  std::vector<std::size_t> start(count + 1, 0);
  for (const auto &action : actions)
    ++start[action.account - first_account + 1];
  for (std::size_t a = 0; a < count; ++a)
    start[a + 1] += start[a];
  std::vector<std::int64_t> bins(actions.size());
  auto cursor = start;
  for (const auto &action : actions)
    bins[cursor[action.account - first_account]++] = bin_of(action.time_ms, bin_ms);
  ActivityProfiles profiles;
  profiles.begin.assign(count + 1, 0);
  profiles.entries.reserve(actions.size());
  for (std::size_t a = 0; a < count; ++a) {
    profiles.begin[a] = profiles.entries.size();
    const auto first = bins.begin() + static_cast<std::ptrdiff_t>(start[a]);
    const auto last = bins.begin() + static_cast<std::ptrdiff_t>(start[a + 1]);
    std::sort(first, last);
    for (auto it = first; it != last; ++it) {
      if (it == first || *it != *(it - 1))
        profiles.entries.emplace_back(*it, 0);
      ++profiles.entries.back().second;
    }
  }
  profiles.begin[count] = profiles.entries.size();
  profiles.entries.shrink_to_fit();
  return profiles;
}

std::string encode_profile(ProfileView profile) {
  std::string bytes(profile.size() * 12, '\0');
  for (std::size_t i = 0; i < profile.size(); ++i) {
    std::memcpy(bytes.data() + 12 * i, &profile[i].first, 8);
    std::memcpy(bytes.data() + 12 * i + 8, &profile[i].second, 4);
  }
  return bytes;
}

ActivityProfile decode_profile(const std::string &bytes) {
  ActivityProfile profile(bytes.size() / 12);
  for (std::size_t i = 0; i < profile.size(); ++i) {
    std::memcpy(&profile[i].first, bytes.data() + 12 * i, 8);
    std::memcpy(&profile[i].second, bytes.data() + 12 * i + 8, 4);
  }
  return profile;
}

std::int64_t null_bin_ms(std::int64_t window_ms) {
  return std::max(kQuarterHourMs, window_ms);
}

WeightedProfile weighted_profile(ProfileView v, const KeyConcentration &concentration,
                                 std::int64_t window_ms) {
  const double r =
      std::min(1.0, double(std::max<std::int64_t>(window_ms, 1000)) / double(concentration.bin_ms));
  const double same = 2 * r - r * r, adjacent = r * r / 2;
  std::vector<std::int64_t> bins;
  for (const auto &[bin, count] : v) {
    bins.push_back(bin - 1);
    bins.push_back(bin);
    bins.push_back(bin + 1);
  }
  std::sort(bins.begin(), bins.end());
  bins.erase(std::unique(bins.begin(), bins.end()), bins.end());
  WeightedProfile g;
  g.reserve(bins.size());
  for (const auto t : bins) {
    const double h = concentration.at(t);
    double weight = same * count_at(v, t) * h;
    weight += adjacent * count_at(v, t - 1) * (h + concentration.at(t - 1)) / 2;
    weight += adjacent * count_at(v, t + 1) * (h + concentration.at(t + 1)) / 2;
    if (weight > 0)
      g.emplace_back(t, weight);
  }
  return g;
}

double expected_coactions(ProfileView u, const WeightedProfile &v_weighted) {
  double expected = 0;
  auto from = v_weighted.begin();
  for (const auto &[bin, count] : u) {
    from = std::lower_bound(from, v_weighted.end(), bin,
                            [](const auto &entry, std::int64_t b) { return entry.first < b; });
    if (from == v_weighted.end())
      break;
    if (from->first == bin)
      expected += count * from->second;
  }
  return expected;
}

double expected_coactions(ProfileView u, ProfileView v, const KeyConcentration &concentration,
                          std::int64_t window_ms) {
  return expected_coactions(u, weighted_profile(v, concentration, window_ms));
}

NullCoefficients null_coefficients(const KeyConcentration &concentration, std::int64_t window_ms) {
  const double r =
      std::min(1.0, double(std::max<std::int64_t>(window_ms, 1000)) / double(concentration.bin_ms));
  const double same = 2 * r - r * r, adjacent = r * r / 2;
  const auto &axis = concentration.axis;
  std::vector<double> h(axis.slots + 2, 0.0); // H by index (slot + 1)
  for (std::size_t slot = 0; slot < axis.slots; ++slot) {
    const auto n = concentration.actions[slot];
    h[slot + 1] = n > 0 ? concentration.sum_squares[slot] / (n * n) : 0;
  }
  NullCoefficients out{axis, std::vector<BinCoefficients>(axis.slots + 2)};
  for (std::size_t page = 0; page < axis.page_slot.size(); ++page) {
    if (axis.page_slot[page] < 0)
      continue;
    const auto first = axis.first_bin + static_cast<std::int64_t>(page) * BinAxis::kPageBins;
    for (auto t = first; t < first + BinAxis::kPageBins; ++t) {
      const auto i = axis.slot(t) + 1;
      // A neighbour off the axis holds no actions: its term is 0, and index i -+ 1 is another bin.
      const double left = axis.holds(t - 1) ? adjacent * (h[i] + h[i - 1]) / 2 : 0;
      const double right = axis.holds(t + 1) ? adjacent * (h[i] + h[i + 1]) / 2 : 0;
      out.per_slot[i] = {same * h[i], left, right};
    }
  }
  return out;
}

DenseProfile::DenseProfile(const NullCoefficients &coefficients)
    : coefficients_(&coefficients), weights_(coefficients.per_slot.size(), 0.0) {}

void DenseProfile::hold(ProfileView v) {
  const auto &per_slot = coefficients_->per_slot;
  for (const auto &[bin, count] : v) {
    const auto i = index(bin);
    weights_[i - 1] += count * per_slot[i - 1].right;
    weights_[i] += count * per_slot[i].same;
    weights_[i + 1] += count * per_slot[i + 1].left;
  }
}

void DenseProfile::release(ProfileView v) {
  for (const auto &[bin, count] : v) {
    const auto i = index(bin);
    weights_[i - 1] = weights_[i] = weights_[i + 1] = 0;
  }
}

double DenseProfile::expected_with(ProfileView u) const {
  double sum = 0;
  for (const auto &[bin, count] : u)
    sum += count * weights_[index(bin)];
  return sum;
}

double log10_poisson_tail(std::uint64_t observed, double expected) {
  if (observed == 0)
    return 0.0;
  expected = std::max(expected, kSmallestExpectation);
  if (observed == 1) // most candidate pairs: P(X >= 1) = 1 - e^-E, exact for tiny E too
    return std::log10(-std::expm1(-expected));
  const double x = static_cast<double>(observed);
  if (expected >= x) // the tail is large: the regularised gamma is accurate here
    return std::log10(boost::math::gamma_p(x, expected));
  // P(X >= x) = e^-E E^x / x! * sum_j E^j x! / (x+j)!; the series' ratios E/(x+j+1) are below 1.
  double term = 1.0, series = 1.0;
  for (int j = 1; j < 100000 && term > 1e-17 * series; ++j) {
    term *= expected / (x + j);
    series += term;
  }
  const double log_e = -expected + x * std::log(expected) - std::lgamma(x + 1) + std::log(series);
  return std::min(0.0, log_e / std::log(10.0));
}

double log10_audience_tail(std::uint64_t observed, double expected,
                           std::span<const GroupShare> widest_first) {
  return log10_audience_tail(observed, expected, log10_poisson_tail(observed, expected),
                             widest_first);
}

double log10_audience_tail(std::uint64_t observed, double expected, double log10_popularity,
                           std::span<const GroupShare> widest_first) {
  // log10 of sum_j 10^term_j, largest term factored out (terms can be far below double's range)
  std::vector<double> terms{log10_popularity};
  double log10_shared = 0;     // log10 of the shares of the groups explained so far
  std::uint64_t explained = 0; // their keys
  for (const auto &group : widest_first) {
    if (group.share <= 0)
      break;
    log10_shared += std::log10(std::min(1.0, group.share));
    explained += group.keys;
    terms.push_back(log10_shared +
                    log10_poisson_tail(observed - std::min(observed, explained), expected));
  }
  const double top = *std::max_element(terms.begin(), terms.end());
  double sum = 0;
  for (const auto term : terms)
    sum += std::pow(10.0, term - top);
  return std::min(0.0, top + std::log10(sum));
}

double bonferroni_log10(double log10_p, std::uint64_t tests) {
  return std::min(0.0,
                  log10_p + std::log10(static_cast<double>(std::max<std::uint64_t>(1, tests))));
}

double benjamini_hochberg_log10(const std::vector<double> &ascending_log10_p, std::uint64_t tests,
                                double alpha) {
  double cut = -std::numeric_limits<double>::infinity();
  const double log10_step =
      std::log10(alpha) - std::log10(double(std::max<std::uint64_t>(1, tests)));
  for (std::size_t k = 1; k <= ascending_log10_p.size(); ++k) {
    if (ascending_log10_p[k - 1] <= log10_step + std::log10(double(k)))
      cut = ascending_log10_p[k - 1];
  }
  return cut;
}

} // namespace lockstep::detect
