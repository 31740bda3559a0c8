// Near-duplicate text detection at 1 to 4 ranks against a brute-force oracle: every post pair of
// different accounts within the window whose texts have Jaccard >= threshold. At least 95% of
// those pairs must be found, none that is not one, and the same pairs whatever the rank count
// (checked against the whole pipeline run on one rank alone).
#include "account_ranges.hpp"
#include "common/hash.hpp"
#include "detect/near_duplicate.hpp"
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"
#include "text/normalize.hpp"
#include "text/shingles.hpp"

#include <cstdio>
#include <random>
#include <set>

namespace lockstep::testing {
namespace {

using detect::Action;
using detect::CoactionPair;

struct Post {
  std::uint64_t account = 0;
  std::int64_t time_ms = 0;
  std::string text;
};

// Posts of `accounts` accounts over a few hours: a third copy one of a few templates with 0 to 5
// of their 14 words replaced (Jaccard from 1 down to about 0.3), the rest are unrelated.
// Sorted by account, as a store's posts are.
std::vector<Post> make_posts(std::uint64_t seed, std::uint64_t accounts, std::size_t n) {
  std::mt19937_64 rng(seed);
  const auto word = [&] { return "w" + std::to_string(rng() % 3000); };
  const auto sentence = [&](int words) {
    std::vector<std::string> out;
    for (int i = 0; i < words; ++i)
      out.push_back(word());
    return out;
  };
  std::vector<std::vector<std::string>> templates;
  for (int t = 0; t < 6; ++t)
    templates.push_back(sentence(14));
  std::vector<Post> posts;
  for (std::size_t i = 0; i < n; ++i) {
    auto words = rng() % 3 == 0 ? templates[rng() % templates.size()]
                                : sentence(static_cast<int>(3 + rng() % 12));
    for (std::uint64_t e = 0, edits = rng() % 6; e < edits; ++e)
      words[rng() % words.size()] = word();
    std::string text;
    for (const auto &w : words)
      text += (text.empty() ? "" : " ") + w;
    posts.push_back({rng() % accounts, static_cast<std::int64_t>(rng() % (6 * 3'600'000)), text});
  }
  std::stable_sort(posts.begin(), posts.end(),
                   [](const Post &a, const Post &b) { return a.account < b.account; });
  return posts;
}

// The posts of the accounts rank `rank` owns, as the store would give them.
detect::PostTable post_table(const std::vector<Post> &posts, std::span<const std::uint64_t> begin,
                             int rank) {
  detect::PostTable t;
  bool first = true;
  for (std::size_t row = 0; row < posts.size(); ++row) {
    if (partition::owner_of(begin, posts[row].account) != rank)
      continue;
    if (first)
      t.rows.begin = row;
    first = false;
    ++t.rows.count;
    t.account.push_back(posts[row].account);
    t.time_ms.push_back(posts[row].time_ms);
    t.text.push_back(posts[row].text);
    t.text_key.push_back(hash64(posts[row].text) | 1);
  }
  return t;
}

const std::int64_t kWindowMs = 3'600'000;

detect::NearDuplicateRule rule() {
  detect::NearDuplicateRule r;
  r.min_jaccard = 0.6;
  r.bucket_cap = 100000;
  return r;
}

// The whole pipeline on `comm`: every post pair it counts, as (post_a, post_b), gathered.
std::set<std::pair<std::uint64_t, std::uint64_t>>
found_pairs(const mpi::Comm &comm, const std::vector<Post> &posts, std::uint64_t accounts) {
  const auto begin = even_account_ranges(comm.size(), accounts);
  const auto table = post_table(posts, begin, comm.rank());
  const auto r = rule();
  const auto texts = detect::shingle_local_texts(table, r.shingles, r.min_shingles);
  const auto found = detect::find_near_duplicate_texts(comm, texts, r, {1 << 12});
  auto actions = detect::near_duplicate_actions(table, texts, found);
  const detect::NearDuplicateFilter filter(comm, table, actions, found, {1 << 12});
  detect::EngineOptions engine;
  engine.exchange.max_round_bytes = 1 << 12;
  engine.filter = &filter;
  engine.evidence_per_pair = SIZE_MAX; // every co-action
  const auto result = detect::find_coactions(comm, std::move(actions), {kWindowMs, 1'000'000},
                                             3'600'000, begin, engine);
  std::vector<std::uint64_t> flat;
  for (const auto &p : result.evidence_items) {
    flat.push_back(std::min(p.post_a, p.post_b));
    flat.push_back(std::max(p.post_a, p.post_b));
  }
  const auto all = mpi::allgatherv(comm, flat);
  std::set<std::pair<std::uint64_t, std::uint64_t>> out;
  for (std::size_t i = 0; i < all.size(); i += 2)
    out.emplace(all[i], all[i + 1]);
  EXPECT_EQ(out.size() * 2, all.size()) << "a post pair counted twice";
  return out;
}

// Brute force: every pair of posts of different accounts within the window whose shingle sets
// have Jaccard >= threshold (both with enough shingles).
std::set<std::pair<std::uint64_t, std::uint64_t>> oracle_pairs(const std::vector<Post> &posts) {
  const auto r = rule();
  std::vector<std::vector<std::uint32_t>> shingles;
  for (const auto &post : posts)
    shingles.push_back(text::shingle_ids(post.text, r.shingles));
  std::set<std::pair<std::uint64_t, std::uint64_t>> out;
  for (std::size_t i = 0; i < posts.size(); ++i) {
    for (std::size_t j = i + 1; j < posts.size(); ++j) {
      if (posts[i].account == posts[j].account ||
          std::llabs(posts[i].time_ms - posts[j].time_ms) > kWindowMs ||
          shingles[i].size() < r.min_shingles || shingles[j].size() < r.min_shingles)
        continue;
      if (text::jaccard(shingles[i], shingles[j]) >= r.min_jaccard)
        out.emplace(i, j);
    }
  }
  return out;
}

TEST(NearDuplicate, FindsTheOraclesPairsAndNoOthers) {
  const mpi::Comm comm;
  const std::uint64_t accounts = 150;
  const auto posts = make_posts(11, accounts, 1500);
  const auto found = found_pairs(comm, posts, accounts);
  const auto truth = oracle_pairs(posts);
  ASSERT_GT(truth.size(), 1000u) << "the data must hold near-duplicates";
  std::size_t false_pairs = 0, hits = 0;
  for (const auto &pair : found) {
    hits += truth.contains(pair);
    false_pairs += !truth.contains(pair);
  }
  if (comm.is_root())
    std::printf("near-duplicate oracle: %zu of %zu pairs found, %zu false\n", hits, truth.size(),
                false_pairs);
  EXPECT_EQ(false_pairs, 0u);
  EXPECT_GE(static_cast<double>(hits), 0.95 * static_cast<double>(truth.size()))
      << hits << " of " << truth.size() << " oracle pairs found";
  // Pairs below the threshold exist, so the verification has work to do.
  std::size_t near_misses = 0;
  const auto r = rule();
  for (std::size_t i = 1; i < posts.size(); ++i) {
    const auto a = text::shingle_ids(posts[i - 1].text, r.shingles);
    const auto b = text::shingle_ids(posts[i].text, r.shingles);
    const double s = text::jaccard(a, b);
    near_misses += s > 0.3 && s < r.min_jaccard;
  }
  EXPECT_GT(near_misses, 0u);
}

TEST(NearDuplicate, SamePairsAtAnyRankCount) {
  const mpi::Comm comm;
  const std::uint64_t accounts = 90;
  const auto posts = make_posts(5, accounts, 900);
  const auto distributed = found_pairs(comm, posts, accounts);
  // The same pipeline on this rank alone (every rank checks).
  const mpi::Comm self(MPI_COMM_SELF);
  const auto alone = found_pairs(self, posts, accounts);
  EXPECT_EQ(distributed, alone);
  EXPECT_FALSE(alone.empty());
}

// Rounds cut small (bands in slices of their bucket keys, candidates verified in chunks) find the
// same pairs and families as one round of every band.
TEST(NearDuplicate, SmallRoundsFindWhatOneRoundDoes) {
  const mpi::Comm comm;
  const std::uint64_t accounts = 120;
  const auto posts = make_posts(7, accounts, 1200);
  const auto table = post_table(posts, even_account_ranges(comm.size(), accounts), comm.rank());
  auto r = rule();
  const auto texts = detect::shingle_local_texts(table, r.shingles, r.min_shingles);
  const auto whole = detect::find_near_duplicate_texts(comm, texts, r, {1 << 20});
  const auto sliced = detect::find_near_duplicate_texts(comm, texts, r, {1 << 12}, 1 << 14);
  EXPECT_EQ(whole.band_rounds, 1u);
  EXPECT_GE(sliced.band_rounds, 2 * r.lsh.bands) << "16 KB rounds must slice every band";
  ASSERT_GT(whole.verified, 100u);
  ASSERT_EQ(sliced.pairs.size(), whole.pairs.size());
  for (std::size_t i = 0; i < whole.pairs.size(); ++i) {
    EXPECT_EQ(sliced.pairs[i].a, whole.pairs[i].a);
    EXPECT_EQ(sliced.pairs[i].b, whole.pairs[i].b);
    EXPECT_EQ(sliced.pairs[i].jaccard, whole.pairs[i].jaccard);
  }
  EXPECT_EQ(sliced.text_family, whole.text_family);
  EXPECT_EQ(sliced.owned_families, whole.owned_families);
  EXPECT_EQ(sliced.verified, whole.verified);
  EXPECT_EQ(sliced.families, whole.families);
  EXPECT_GT(whole.families, 0u);
  EXPECT_EQ(sliced.texts, whole.texts);
  EXPECT_EQ(sliced.prefiltered_pairs, whole.prefiltered_pairs);
}

// A text's shingles are the same whichever block of LocalTexts holds them.
TEST(NearDuplicate, ShingleBlocksHoldEveryTextWhole) {
  detect::PostTable table;
  const std::size_t n = detect::LocalTexts::kBlockTexts + 100;
  for (std::size_t i = 0; i < n; ++i) {
    std::string text = "t" + std::to_string(i);
    for (std::size_t w = 0; w < 3 + i % 5; ++w)
      text += " w" + std::to_string(w);
    table.text.push_back(text);
    table.text_key.push_back(hash64(text) | 1);
  }
  table.text.push_back("too short");
  table.text_key.push_back(hash64("too short") | 1);
  const auto r = rule();
  const auto texts = detect::shingle_local_texts(table, r.shingles, r.min_shingles);
  ASSERT_EQ(texts.key.size(), n);
  EXPECT_EQ(texts.short_texts, 1u);
  EXPECT_EQ(texts.blocks.size(), 2u);
  for (std::size_t row = 0; row < n; ++row) {
    const auto i = texts.find(table.text_key[row]);
    ASSERT_LT(i, n);
    const auto shingles = texts.shingles(i);
    const auto expected = text::shingle_ids(*text::normalize_text(table.text[row]), r.shingles);
    ASSERT_TRUE(std::equal(shingles.begin(), shingles.end(), expected.begin(), expected.end()))
        << "text " << row;
  }
}

TEST(NearDuplicate, FamiliesJoinVerifiedPairsOnly) {
  const mpi::Comm comm;
  // Texts a~b and b~c verified, a and c not alike: one family, but a-c is not a pair.
  const std::vector<Post> posts = {
      {0, 0, "one two three four five six seven eight"},
      {1, 10, "one two three four five six seven nine"},
      {2, 20, "one two three four five ten eleven nine"},
  };
  const auto found = found_pairs(comm, posts, 3);
  const std::set<std::pair<std::uint64_t, std::uint64_t>> expected = {{0, 1}, {1, 2}};
  EXPECT_EQ(found, expected);
}

} // namespace
} // namespace lockstep::testing
