// Near-duplicate texts at scale (MinHash + LSH), as a co-action signal. Each rank shingles the
// distinct texts of its posts and hashes them into LSH band buckets; buckets go to owners by
// hash, texts sharing a bucket become candidate pairs, and each candidate is verified by exact
// Jaccard on the two shingle sets (on the rank holding one, fetching the other). Rounds of bands
// (or slices of one band) and chunks of candidates keep to a memory budget. Verified pairs join
// texts into families (connected components, labelled where the texts are owned). The co-action
// engine then runs with a family as the key and a filter that keeps only post pairs whose own
// texts are equal or a verified pair, so the window scan costs the same whatever the window.
#pragma once

#include "common/config.hpp"
#include "detect/coaction.hpp"
#include "detect/partition_data.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/comm.hpp"
#include "text/minhash.hpp"
#include "text/shingles.hpp"

#include <cstdint>
#include <span>
#include <utility>
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

// What the verified pairs say, split over ranks: a text's family is the smallest text key of its
// connected component of verified pairs (texts without a verified partner are their own family
// and are not listed). A family and its pairs live on the family's owner (partition::key_owner),
// where the co-action engine forms its post pairs; each rank knows the families of its own texts.
struct NearDuplicateTexts {
  std::vector<TextPair> pairs; // the pairs of the families this rank owns, sorted by (a, b)
  std::vector<std::uint64_t> owned_families; // this rank's families of two texts or more, sorted
  std::vector<std::pair<std::uint64_t, std::uint64_t>> text_family; // (text, family), by text,
                                                                    // of this rank's texts
  // Totals over all ranks.
  std::uint64_t texts = 0;             // distinct texts with enough shingles (counted per holder)
  std::uint64_t short_texts = 0;       // distinct texts with fewer than min_shingles
  std::uint64_t verified = 0;          // verified pairs
  std::uint64_t families = 0;          // families of two texts or more
  std::uint64_t candidates = 0;        // distinct candidate pairs per round of bands, summed
  std::uint64_t band_rounds = 0;       // bands are hashed, bucketed and verified in rounds
  std::uint64_t capped_buckets = 0;    // buckets holding more than bucket_cap + 1 texts
  std::uint64_t capped_pairs = 0;      // bucket pairs not looked at because of the cap
  std::uint64_t prefiltered_pairs = 0; // bucket pairs the sketch prefilter skipped

  // Equal, or a verified pair; on the rank that owns their family.
  bool similar(std::uint64_t a, std::uint64_t b) const;
  // On the rank that holds the text.
  std::uint64_t family_of(std::uint64_t text) const;
  bool in_family(std::uint64_t text) const; // of two texts or more
  bool owns_family(std::uint64_t family) const;
};

// The shingle sets of the distinct texts of this rank's posts, sorted by text key. The ids are
// held in blocks of kBlockTexts texts, so that no array of them is ever copied whole to grow.
struct LocalTexts {
  static constexpr std::size_t kBlockTexts = std::size_t{1} << 16;
  std::vector<std::uint64_t> key;
  std::vector<std::uint32_t> offset;              // where text i's ids begin in its block
  std::vector<std::vector<std::uint32_t>> blocks; // texts [b K, (b + 1) K)'s ids, in turn
  std::uint64_t short_texts = 0;
  std::span<const std::uint32_t> shingles(std::size_t i) const;
  // The index of `text_key`, or key.size() when absent.
  std::size_t find(std::uint64_t text_key) const;
  std::uint64_t held_bytes() const; // the arrays' capacities
};

LocalTexts shingle_local_texts(const PostTable &posts, const text::ShingleRule &rule,
                               std::uint32_t min_shingles);

// Finds every verified near-duplicate text pair. `round_bytes` is the memory a round may take on
// a rank: its bucket entries, the candidate pairs they give and the shingle sets fetched to verify
// them. Rounds take several LSH bands while all texts' entries fit it, else one band in slices of
// the bucket keys, more slices where a band gave more candidates; candidates are verified in
// chunks that fit it. Collective.
NearDuplicateTexts find_near_duplicate_texts(const mpi::Comm &comm, const LocalTexts &texts,
                                             const NearDuplicateRule &rule,
                                             const mpi::ExchangeOptions &exchange,
                                             std::size_t round_bytes = SIZE_MAX);

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
