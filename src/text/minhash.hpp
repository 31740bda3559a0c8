// MinHash signatures and LSH banding over shingle ids. A signature has bands x rows minimums, one
// per hash function h_i(x) = (a_i x + b_i) mod 2^64 >> 32 (multiply-add-shift, 2-universal);
// two sets agree on one minimum with probability equal to their Jaccard similarity s, so they
// share at least one band's bucket with probability 1 - (1 - s^rows)^bands (the S-curve).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace lockstep::text {

struct LshRule {
  std::uint32_t bands = 40;
  std::uint32_t rows = 5; // minimums per band
  std::uint64_t seed = 0x4c6f636b73746570ULL;
};

class MinHasher {
public:
  explicit MinHasher(const LshRule &rule);

  // The bands x rows minimums of a non-empty shingle set, band by band.
  void signature(std::span<const std::uint32_t> shingles, std::vector<std::uint32_t> &out) const;

  // One bucket key per band: a hash of the band's number and its rows' minimums.
  void band_keys(std::span<const std::uint32_t> shingles, std::vector<std::uint64_t> &out) const;
  // The keys of bands [first, last) only, computing only their minimums.
  void band_keys(std::span<const std::uint32_t> shingles, std::uint32_t first, std::uint32_t last,
                 std::vector<std::uint64_t> &out) const;

  // A 128-bit b-bit MinHash sketch (Li and Koenig): the lowest bit of 128 further minimums. Two
  // sets agree on each bit with probability (1 + s) / 2.
  using Sketch = std::array<std::uint64_t, 2>;
  Sketch sketch(std::span<const std::uint32_t> shingles) const;

  const LshRule &rule() const { return rule_; }

private:
  LshRule rule_;
  std::vector<std::uint64_t> multipliers_, offsets_;
  std::vector<std::uint64_t> sketch_multipliers_, sketch_offsets_;
  mutable std::vector<std::uint32_t> scratch_; // not shared: one MinHasher per thread
};

// Bits on which two sketches agree (0 to 128).
int sketch_agreement(const MinHasher::Sketch &x, const MinHasher::Sketch &y);

// The fewest agreeing bits a pair of similarity `min_jaccard` shows with probability 0.99
// (normal approximation of Binomial(128, (1 + min_jaccard) / 2)): pairs below it can be skipped.
int sketch_threshold(double min_jaccard);

// The chance that two sets of Jaccard similarity s share a bucket in at least one band.
double lsh_candidate_probability(double s, std::uint32_t bands, std::uint32_t rows);

// The similarity where the S-curve is steepest, about (1 / bands)^(1 / rows).
double lsh_threshold(std::uint32_t bands, std::uint32_t rows);

} // namespace lockstep::text
