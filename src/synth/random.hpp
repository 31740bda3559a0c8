// Portable, counter-seeded randomness for the generator: the same seed gives the same numbers
// on every machine and standard library (std:: distributions are implementation-defined), and
// every account or event draws from its own stream, so output does not depend on rank count.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace lockstep::synth {

inline std::uint64_t splitmix64(std::uint64_t &state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Mixes a few integers into one 64-bit value (for stream ids and hashed identifiers).
inline std::uint64_t mix(std::uint64_t a, std::uint64_t b = 0, std::uint64_t c = 0) {
  std::uint64_t state = a;
  std::uint64_t h = splitmix64(state);
  state = h ^ b;
  h = splitmix64(state);
  state = h ^ c;
  return splitmix64(state);
}

// xoshiro256** seeded from (seed, stream, substream).
class Rng {
public:
  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0, std::uint64_t substream = 0) {
    std::uint64_t state = mix(seed, stream, substream);
    for (auto &word : s_)
      word = splitmix64(state);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n) (n > 0), by rejection so there is no modulo bias.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
    std::uint64_t x = next();
    while (x >= limit)
      x = next();
    return x % n;
  }
  std::int64_t between(std::int64_t lo, std::int64_t hi) { // inclusive
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
  }
  bool chance(double p) { return uniform() < p; }
  double exponential(double mean) { return -mean * std::log1p(-uniform()); }
  double normal() { // Box-Muller
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double lognormal(double mu, double sigma) { return std::exp(mu + sigma * normal()); }
  std::uint64_t poisson(double mean) {
    if (mean <= 0)
      return 0;
    if (mean > 60) {
      const double x = std::round(mean + std::sqrt(mean) * normal());
      return x < 0 ? 0 : static_cast<std::uint64_t>(x);
    }
    const double limit = std::exp(-mean);
    std::uint64_t k = 0;
    for (double p = uniform(); p > limit; p *= uniform())
      ++k;
    return k;
  }
  // An index drawn with the given cumulative weights (last entry = total).
  std::size_t pick(std::span<const double> cumulative) {
    const double x = uniform() * cumulative.back();
    std::size_t lo = 0, hi = cumulative.size() - 1;
    while (lo < hi) {
      const std::size_t mid = (lo + hi) / 2;
      if (cumulative[mid] > x)
        hi = mid;
      else
        lo = mid + 1;
    }
    return lo;
  }

private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// Cumulative Zipf weights 1/(i+1)^exponent for i in [0, n).
inline std::vector<double> zipf_cumulative(std::size_t n, double exponent) {
  std::vector<double> cumulative(n);
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    total += 1.0 / std::pow(static_cast<double>(i + 1), exponent);
    cumulative[i] = total;
  }
  return cumulative;
}

} // namespace lockstep::synth
