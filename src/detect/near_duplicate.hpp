// Near-duplicate texts at scale (MinHash + LSH), as a co-action signal. Each rank shingles the
// distinct texts of its posts and hashes them into LSH band buckets; buckets go to owners by
// hash, texts sharing a bucket become candidate pairs, and each candidate is verified by exact
// Jaccard on the two shingle sets (on the rank holding one, fetching the other). Verified pairs
// join texts into families (connected components). The co-action engine then runs with a
// family as the key and a filter that keeps only post pairs whose own texts are equal or a
// verified pair, so the window scan costs the same whatever the window.
#pragma once

#include "common/config.hpp"
#include "detect/coaction.hpp"
#include "detect/partition_data.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/comm.hpp"
#include "text/minhash.hpp"
#include "text/shingles.hpp"

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace lockstep::detect {

struct NearDuplicateRule {
  text::ShingleRule shingles;
  text::LshRule lsh;
  double min_jaccard = 0.6;
  std::uint32_t min_shingles = 4; // texts with fewer shingles take no part
  std::uint32_t bucket_cap = 100; // later texts paired with each text in one LSH bucket
  bool prefilter = true;          // skip bucket pairs whose 128-bit sketches rule them out
};

NearDuplicateRule near_duplicate_rule(const NearDuplicateConfig &config);

// Two distinct texts (their text keys, a < b) whose shingle sets are at least min_jaccard alike.
struct TextPair {
  std::uint64_t a = 0, b = 0;
  double jaccard = 0;
};

struct NearDuplicateTexts {
  std::vector<TextPair> pairs; // every verified pair of all ranks, sorted by (a, b)
  // A text's family: the smallest text key of its connected component of verified pairs. Texts
  // without a verified partner are their own family and are not listed.
  std::unordered_map<std::uint64_t, std::uint64_t> family;
  // Totals over all ranks.
  std::uint64_t texts = 0;             // distinct texts with enough shingles (counted per holder)
  std::uint64_t short_texts = 0;       // distinct texts with fewer than min_shingles
  std::uint64_t candidates = 0;        // distinct candidate pairs per round of bands, summed
  std::uint64_t band_rounds = 0;       // bands are hashed, bucketed and verified in rounds
  std::uint64_t capped_buckets = 0;    // buckets holding more than bucket_cap + 1 texts
  std::uint64_t capped_pairs = 0;      // bucket pairs not looked at because of the cap
  std::uint64_t prefiltered_pairs = 0; // bucket pairs the sketch prefilter skipped

  bool similar(std::uint64_t a, std::uint64_t b) const; // equal, or a verified pair
  std::uint64_t family_of(std::uint64_t text) const;
};

// The shingle sets of the distinct texts of this rank's posts, sorted by text key.
struct LocalTexts {
  std::vector<std::uint64_t> key;
  std::vector<std::size_t> begin; // key.size()+1 offsets into ids
  std::vector<std::uint32_t> ids;
  std::uint64_t short_texts = 0;
  std::span<const std::uint32_t> shingles(std::size_t i) const;
  // The index of `text_key`, or key.size() when absent.
  std::size_t find(std::uint64_t text_key) const;
};

LocalTexts shingle_local_texts(const PostTable &posts, const text::ShingleRule &rule,
                               std::uint32_t min_shingles);

// Finds every verified near-duplicate text pair. Collective.
NearDuplicateTexts find_near_duplicate_texts(const mpi::Comm &comm, const LocalTexts &texts,
                                             const NearDuplicateRule &rule,
                                             const mpi::ExchangeOptions &exchange);

// The engine's input: one action per post whose text took part, keyed by the text's family.
std::vector<Action> near_duplicate_actions(const PostTable &posts, const LocalTexts &texts,
                                           const NearDuplicateTexts &found);

// Keeps the post pairs whose texts are equal or a verified pair. Built collectively from every
// rank's actions before the engine runs: each key owner learns the texts of its keys' posts.
class NearDuplicateFilter final : public PairFilter {
public:
  NearDuplicateFilter(const mpi::Comm &comm, const PostTable &posts,
                      const std::vector<Action> &actions, const NearDuplicateTexts &found,
                      const mpi::ExchangeOptions &exchange);
  bool accepts(const Action &x, const Action &y) const override;

private:
  std::uint64_t text_of(std::uint64_t post) const;
  const NearDuplicateTexts &found_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> post_text_; // (post, text), sorted
};

} // namespace lockstep::detect
