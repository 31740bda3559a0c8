// MinHash: bands x rows multiply-add-shift hashes, each minimised over the shingle ids.
#include "text/minhash.hpp"

#include "common/hash.hpp"

#include <algorithm>
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
}

void MinHasher::signature(std::span<const std::uint32_t> shingles,
                          std::vector<std::uint32_t> &out) const {
  out.assign(multipliers_.size(), std::numeric_limits<std::uint32_t>::max());
  for (const std::uint32_t x : shingles) {
    for (std::size_t i = 0; i < multipliers_.size(); ++i) {
      const auto h = static_cast<std::uint32_t>((multipliers_[i] * x + offsets_[i]) >> 32);
      out[i] = std::min(out[i], h);
    }
  }
}

void MinHasher::band_keys(std::span<const std::uint32_t> shingles,
                          std::vector<std::uint64_t> &out) const {
  signature(shingles, scratch_);
  out.clear();
  for (std::uint32_t band = 0; band < rule_.bands; ++band) {
    const std::uint32_t *rows = scratch_.data() + std::size_t{band} * rule_.rows;
    out.push_back(hash64({reinterpret_cast<const char *>(rows), rule_.rows * sizeof(std::uint32_t)},
                         rule_.seed + band));
  }
}

double lsh_candidate_probability(double s, std::uint32_t bands, std::uint32_t rows) {
  return 1.0 - std::pow(1.0 - std::pow(s, rows), bands);
}

double lsh_threshold(std::uint32_t bands, std::uint32_t rows) {
  return std::pow(1.0 / bands, 1.0 / rows);
}

} // namespace lockstep::text
