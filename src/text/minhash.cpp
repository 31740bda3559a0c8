// MinHash: bands x rows multiply-add-shift hashes, each minimised over the shingle ids.
#include "text/minhash.hpp"

#include "common/hash.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace lockstep::text {

MinHasher::MinHasher(const LshRule &rule) : rule_(rule) {
  const std::size_t hashes = std::size_t{rule.bands} * rule.rows;
  std::uint64_t state = rule.seed;
  for (std::size_t i = 0; i < hashes; ++i) {
    multipliers_.push_back(mix64(++state) | 1); // odd multipliers
    offsets_.push_back(mix64(++state));
  }
  for (std::size_t i = 0; i < 128; ++i) {
    sketch_multipliers_.push_back(mix64(++state) | 1);
    sketch_offsets_.push_back(mix64(++state));
  }
}

namespace {

// On x86-64, one copy of a function per instruction set, chosen at load time.
#if defined(__x86_64__)
#define LOCKSTEP_X86_CLONES __attribute__((target_clones("arch=skylake-avx512", "avx2", "default")))
#else
#define LOCKSTEP_X86_CLONES
#endif

// Minimums of hashes [first, last) over the shingles, into out[0, last - first). The inner loop
// vectorises where the CPU has wide integer multiplies (the same integer arithmetic, so the same
// minimums, on every machine).
LOCKSTEP_X86_CLONES void minimums(std::span<const std::uint32_t> shingles,
                                  const std::vector<std::uint64_t> &a,
                                  const std::vector<std::uint64_t> &b, std::size_t first,
                                  std::size_t last, std::vector<std::uint32_t> &out) {
  out.assign(last - first, std::numeric_limits<std::uint32_t>::max());
  for (const std::uint32_t x : shingles) {
    for (std::size_t i = first; i < last; ++i) {
      const auto h = static_cast<std::uint32_t>((a[i] * x + b[i]) >> 32);
      out[i - first] = std::min(out[i - first], h);
    }
  }
}

} // namespace

void MinHasher::signature(std::span<const std::uint32_t> shingles,
                          std::vector<std::uint32_t> &out) const {
  minimums(shingles, multipliers_, offsets_, 0, multipliers_.size(), out);
}

void MinHasher::band_keys(std::span<const std::uint32_t> shingles,
                          std::vector<std::uint64_t> &out) const {
  band_keys(shingles, 0, rule_.bands, out);
}

void MinHasher::band_keys(std::span<const std::uint32_t> shingles, std::uint32_t first,
                          std::uint32_t last, std::vector<std::uint64_t> &out) const {
  const std::size_t rows = rule_.rows;
  minimums(shingles, multipliers_, offsets_, first * rows, last * rows, scratch_);
  out.clear();
  for (std::uint32_t band = first; band < last; ++band) {
    const std::uint32_t *values = scratch_.data() + (band - first) * rows;
    out.push_back(hash64({reinterpret_cast<const char *>(values), rows * sizeof(std::uint32_t)},
                         rule_.seed + band));
  }
}

MinHasher::Sketch MinHasher::sketch(std::span<const std::uint32_t> shingles) const {
  minimums(shingles, sketch_multipliers_, sketch_offsets_, 0, 128, scratch_);
  Sketch out{0, 0};
  for (std::size_t i = 0; i < 128; ++i)
    out[i / 64] |= std::uint64_t{scratch_[i] & 1u} << (i % 64);
  return out;
}

// Built for the baseline x86-64, std::popcount is a library call that counts by table (2% of the
// near-duplicate phase at 10^7 posts); a clone with the popcnt instruction is chosen at load time
// where the CPU has it (every x86-64 CPU since 2008).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("popcnt", "default")))
#endif
int sketch_agreement(const MinHasher::Sketch &x, const MinHasher::Sketch &y) {
  return 128 - std::popcount(x[0] ^ y[0]) - std::popcount(x[1] ^ y[1]);
}

int sketch_threshold(double min_jaccard) {
  const double p = (1.0 + min_jaccard) / 2.0;
  const double mean = 128.0 * p, sd = std::sqrt(128.0 * p * (1.0 - p));
  return static_cast<int>(std::floor(mean - 2.33 * sd));
}

double lsh_candidate_probability(double s, std::uint32_t bands, std::uint32_t rows) {
  return 1.0 - std::pow(1.0 - std::pow(s, rows), bands);
}

double lsh_threshold(std::uint32_t bands, std::uint32_t rows) {
  return std::pow(1.0 / bands, 1.0 / rows);
}

} // namespace lockstep::text
