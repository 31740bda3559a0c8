// Shingles, exact Jaccard and MinHash/LSH: hand-checked shingle sets, and the S-curve measured on
// sets of known similarity against its formula.
#include "text/minhash.hpp"
#include "text/shingles.hpp"

#include <gtest/gtest.h>
#include <numeric>
#include <random>
#include <utf8proc.h>

namespace lockstep::testing {
namespace {

using namespace text;

ShingleRule words(std::uint32_t n = 1) {
  return {ShingleRule::Unit::words, n, 2};
}

TEST(Shingles, WordsAreRunsOfLettersAndDigits) {
  const auto ids = shingle_ids("vote today!! 2020 ... now, vote", words());
  EXPECT_EQ(ids.size(), 4u); // vote, today, 2020, now
  EXPECT_EQ(ids, shingle_ids("now 2020 today vote", words()));
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_TRUE(shingle_ids("!!! ... ?", words()).empty());
}

// The ASCII fast path agrees with Unicode's categories (letters, marks, numbers) on every ASCII
// code point, and texts mixing ASCII with other scripts cut their words the same way.
TEST(Shingles, AsciiWordCharactersFollowUnicodeCategories) {
  for (std::int32_t cp = 0; cp < 0x80; ++cp) {
    const auto category = utf8proc_category(cp);
    const bool letter_mark_or_number =
        (category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_ME) ||
        (category >= UTF8PROC_CATEGORY_ND && category <= UTF8PROC_CATEGORY_NO);
    EXPECT_EQ(word_character(cp), letter_mark_or_number) << "code point " << cp;
  }
  EXPECT_FALSE(word_character(-1));
  EXPECT_TRUE(word_character(0x00E9));  // é
  EXPECT_TRUE(word_character(0x0661));  // Arabic-Indic digit one
  EXPECT_FALSE(word_character(0x00BF)); // ¿
  EXPECT_EQ(shingle_ids("caf\xc3\xa9_bar \xc2\xbfqu\xc3\xa9?", words()),
            shingle_ids("bar qu\xc3\xa9 caf\xc3\xa9", words()));
}

TEST(Shingles, WordNgrams) {
  EXPECT_EQ(shingle_ids("a b c d", words(2)).size(), 3u);
  EXPECT_NE(shingle_ids("a b c", words(2)), shingle_ids("b a c", words(2)));
  EXPECT_EQ(shingle_ids("a b", words(3)).size(), 1u); // fewer words than n: one shingle
}

TEST(Shingles, UnspacedScriptsUseCharacterNgrams) {
  EXPECT_EQ(shingle_ids("人民选举", words()).size(), 3u); // 人民 民选 选举
  EXPECT_EQ(shingle_ids("人", words()).size(), 1u);
  // Latin words and a Han run in one text: vote, now, and the bigram 香港.
  EXPECT_EQ(shingle_ids("vote 香港 now", words()).size(), 3u);
  EXPECT_EQ(shingle_ids("vote香港", words()).size(), 2u); // the run also ends the word
  EXPECT_EQ(shingle_ids("ありがとう", words()).size(), 4u);
  EXPECT_TRUE(unspaced_script(U'ก'));
  EXPECT_FALSE(unspaced_script(U'ä'));
  EXPECT_FALSE(unspaced_script(U'한')); // Korean is written with spaces
}

TEST(Shingles, CharacterMode) {
  const ShingleRule chars{ShingleRule::Unit::chars, 1, 3};
  EXPECT_EQ(shingle_ids("abcde", chars).size(), 3u); // abc bcd cde
  EXPECT_EQ(shingle_ids("ab", chars).size(), 1u);
  EXPECT_EQ(shingle_ids("ab\xff"
                        "cd",
                        chars),
            shingle_ids("abcd", chars)); // invalid byte skipped
}

TEST(Jaccard, ExactOnSortedIds) {
  const std::vector<std::uint32_t> a{1, 2, 3, 4}, b{3, 4, 5}, none;
  EXPECT_DOUBLE_EQ(jaccard(a, b), 2.0 / 5.0);
  EXPECT_DOUBLE_EQ(jaccard(a, a), 1.0);
  EXPECT_DOUBLE_EQ(jaccard(a, none), 0.0);
  EXPECT_DOUBLE_EQ(jaccard(none, none), 1.0);
  const auto x = shingle_ids("the people vote today for freedom", words());
  const auto y = shingle_ids("the people vote today for justice", words());
  EXPECT_DOUBLE_EQ(jaccard(x, y), 5.0 / 7.0);
}

// Two sets of `size` ids each sharing `common`: Jaccard common / (2 size - common).
std::pair<std::vector<std::uint32_t>, std::vector<std::uint32_t>>
sets_with_overlap(std::mt19937_64 &rng, std::size_t size, std::size_t common) {
  std::vector<std::uint32_t> ids(2 * size - common);
  for (auto &id : ids)
    id = static_cast<std::uint32_t>(rng());
  std::vector<std::uint32_t> a(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(size));
  std::vector<std::uint32_t> b(ids.begin() + static_cast<std::ptrdiff_t>(size - common), ids.end());
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return {a, b};
}

TEST(MinHash, AgreementEstimatesJaccard) {
  std::mt19937_64 rng(7);
  const MinHasher hasher({50, 20, 11}); // 1000 minimums
  for (const std::size_t common : {10, 40, 70}) {
    const auto [a, b] = sets_with_overlap(rng, 80, common);
    std::vector<std::uint32_t> sa, sb;
    hasher.signature(a, sa);
    hasher.signature(b, sb);
    std::size_t agree = 0;
    for (std::size_t i = 0; i < sa.size(); ++i)
      agree += sa[i] == sb[i];
    const double estimate = static_cast<double>(agree) / static_cast<double>(sa.size());
    EXPECT_NEAR(estimate, jaccard(a, b), 0.05) << "common " << common;
  }
}

TEST(MinHash, BandsComputedInRoundsMatchAllAtOnce) {
  const MinHasher hasher({10, 3, 9});
  const std::vector<std::uint32_t> ids{4, 8, 15, 16, 23, 42};
  std::vector<std::uint64_t> all, part, joined;
  hasher.band_keys(ids, all);
  for (const auto &[first, last] : {std::pair{0u, 4u}, {4u, 5u}, {5u, 10u}}) {
    hasher.band_keys(ids, first, last, part);
    joined.insert(joined.end(), part.begin(), part.end());
  }
  EXPECT_EQ(all, joined);
  EXPECT_EQ(all.size(), 10u);
}

TEST(MinHash, SketchAgreementTracksJaccardAndTheThresholdKeepsAlmostAllPairsAtIt) {
  std::mt19937_64 rng(13);
  EXPECT_EQ(sketch_threshold(1.0), 128);
  const int threshold = sketch_threshold(0.6);
  EXPECT_GT(threshold, 80);
  EXPECT_LT(threshold, 102);
  for (const std::size_t common : {6, 15, 20}) { // Jaccard 0.18, 0.6, 1 with 20-id sets
    const int trials = 2000;
    double agreement = 0;
    int passed = 0;
    double s = 0;
    for (int t = 0; t < trials; ++t) {
      const MinHasher hasher({1, 1, 100 + static_cast<std::uint64_t>(t)});
      const auto [a, b] = sets_with_overlap(rng, 20, common);
      s = jaccard(a, b);
      const int agree = sketch_agreement(hasher.sketch(a), hasher.sketch(b));
      agreement += agree;
      passed += agree >= threshold;
    }
    EXPECT_NEAR(agreement / trials, 128 * (1 + s) / 2, 1.0) << "jaccard " << s;
    const double pass_rate = static_cast<double>(passed) / trials;
    if (s >= 0.6)
      EXPECT_GE(pass_rate, 0.97) << "jaccard " << s; // 0.99 by design
    else
      EXPECT_LE(pass_rate, 0.01) << "jaccard " << s;
  }
}

TEST(MinHash, BandCollisionsFollowTheSCurve) {
  std::mt19937_64 rng(3);
  EXPECT_NEAR(lsh_threshold(20, 4), 0.473, 0.001);
  EXPECT_NEAR(lsh_candidate_probability(0.8, 20, 4), 1.0 - std::pow(1.0 - 0.4096, 20), 1e-12);
  for (const LshRule rule : {LshRule{20, 4, 5}, LshRule{}}) { // and the default, 40 x 5
    for (const std::size_t common : {6, 12, 15, 18}) {        // Jaccard 0.18, 0.43, 0.6, 0.82
      const int trials = 800;
      int collided = 0;
      double s = 0;
      for (int t = 0; t < trials; ++t) {
        const MinHasher hasher({rule.bands, rule.rows, rule.seed + static_cast<std::uint64_t>(t)});
        const auto [a, b] = sets_with_overlap(rng, 20, common);
        s = jaccard(a, b);
        std::vector<std::uint64_t> ka, kb;
        hasher.band_keys(a, ka);
        hasher.band_keys(b, kb);
        bool any = false;
        for (std::size_t band = 0; band < ka.size(); ++band)
          any = any || ka[band] == kb[band];
        collided += any;
      }
      EXPECT_NEAR(static_cast<double>(collided) / trials,
                  lsh_candidate_probability(s, rule.bands, rule.rows), 0.05)
          << "jaccard " << s << ", " << rule.bands << " x " << rule.rows;
    }
  }
}

} // namespace
} // namespace lockstep::testing
