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
  case signals::Statistic::rarity: // tested by detect/follows.hpp, not from co-actions
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

namespace {

// log10 of the sum of 10^x over `xs`, the largest factored out (terms can be far below double's
// range); -infinity for none.
double log10_sum(std::span<const double> xs) {
  const double top = xs.empty() ? -std::numeric_limits<double>::infinity()
                                : *std::max_element(xs.begin(), xs.end());
  if (!std::isfinite(top))
    return top;
  double sum = 0;
  for (const auto x : xs)
    sum += std::pow(10.0, x - top);
  return top + std::log10(sum);
}

// log10 P(B = k), k = 0..n, for B ~ Binomial(n, rate).
std::vector<double> log10_binomial_pmf(std::uint64_t n, double rate) {
  const double minus_infinity = -std::numeric_limits<double>::infinity();
  std::vector<double> pmf(n + 1, minus_infinity);
  if (rate <= 0 || rate >= 1) {
    pmf[rate <= 0 ? 0 : n] = 0;
    return pmf;
  }
  const double ln10 = std::log(10.0), trials = static_cast<double>(n);
  for (std::uint64_t k = 0; k <= n; ++k) {
    const double x = static_cast<double>(k);
    pmf[k] = (std::lgamma(trials + 1) - std::lgamma(x + 1) - std::lgamma(trials - x + 1) +
              x * std::log(rate) + (trials - x) * std::log1p(-rate)) /
             ln10;
  }
  return pmf;
}

// The distribution of S + B (both in log10, from 0) over 0..cap, where cap holds S + B >= cap.
// Two passes over the terms (their largest per sum, then the sum), so a superfan pair's thousands
// of keys need no buffer of terms.
std::vector<double> convolve_capped(const std::vector<double> &s, const std::vector<double> &b,
                                    std::uint64_t cap) {
  const auto size = std::min<std::size_t>(s.size() + b.size() - 1, cap + 1);
  const double minus_infinity = -std::numeric_limits<double>::infinity();
  std::vector<double> top(size, minus_infinity), sum(size, 0.0);
  const auto each_term = [&](auto &&visit) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (!std::isfinite(s[i]))
        continue;
      for (std::size_t j = 0; j < b.size(); ++j) {
        if (std::isfinite(b[j]))
          visit(std::min(i + j, size - 1), s[i] + b[j]);
      }
    }
  };
  each_term([&](std::size_t k, double term) { top[k] = std::max(top[k], term); });
  each_term([&](std::size_t k, double term) { sum[k] += std::pow(10.0, term - top[k]); });
  for (std::size_t k = 0; k < size; ++k)
    top[k] = std::isfinite(top[k]) ? top[k] + std::log10(sum[k]) : minus_infinity;
  return top;
}

} // namespace

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
  std::vector<double> terms{log10_popularity};
  double log10_shared = 0;     // log10 of the shares of the groups explained so far
  std::uint64_t explained = 0; // their keys, for groups without an engagement expectation
  // log10 P(S = s) for S the keys the engagement of the groups with one expects, s = 0..observed
  // (the last: S >= observed)
  std::vector<double> engaged{0.0};
  std::vector<double> rest_tail; // log10 P(Poisson(E) >= x), x = 0..observed, when needed
  for (const auto &group : widest_first) {
    if (group.share <= 0)
      break;
    log10_shared += std::log10(std::min(1.0, group.share));
    if (group.engaged >= 0 && group.most_keys > 0) {
      const double rate = std::min(1.0, group.engaged / static_cast<double>(group.most_keys));
      engaged = convolve_capped(engaged, log10_binomial_pmf(group.most_keys, rate), observed);
    } else {
      explained += group.keys;
    }
    const auto left = observed - std::min(observed, explained);
    if (engaged.size() == 1) {
      terms.push_back(log10_shared + log10_poisson_tail(left, expected));
      continue;
    }
    if (rest_tail.empty()) {
      for (std::uint64_t x = 0; x <= observed; ++x)
        rest_tail.push_back(log10_poisson_tail(x, expected));
    }
    std::vector<double> parts(engaged.size()); // P(S = s) P(Poisson(E) >= left - s)
    for (std::size_t s = 0; s < engaged.size(); ++s)
      parts[s] = engaged[s] + rest_tail[left - std::min<std::uint64_t>(left, s)];
    terms.push_back(log10_shared + log10_sum(parts));
  }
  return std::min(0.0, log10_sum(terms));
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
