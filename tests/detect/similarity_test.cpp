// Behavioural similarity at 1 to 4 ranks against a brute-force TF-IDF cosine over all account
// pairs, with the top-N union applied by the pure helper.
#include "account_ranges.hpp"
#include "detect/coaction.hpp"
#include "detect/similarity.hpp"
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <set>

namespace lockstep::testing {
namespace {

struct Interaction {
  std::uint64_t source, target;
  std::uint8_t kind;
};

// Brute force: every pair of accounts, cosine over terms with 2 <= df <= max_df.
std::vector<detect::SimilarPair> brute_force(const std::vector<Interaction> &all,
                                             std::uint64_t max_df) {
  std::map<std::uint64_t, std::map<std::pair<int, std::uint64_t>, double>> tf;
  for (const auto &i : all)
    tf[i.source][{i.kind, i.target}] += 1;
  std::map<std::pair<int, std::uint64_t>, std::uint64_t> df;
  for (const auto &[account, terms] : tf)
    for (const auto &[term, count] : terms)
      ++df[term];
  const double n = static_cast<double>(tf.size());
  std::map<std::uint64_t, double> norm;
  for (auto &[account, terms] : tf) {
    for (auto &[term, w] : terms) {
      w *= std::log(n / static_cast<double>(df[term]));
      norm[account] += w * w;
    }
  }
  std::vector<detect::SimilarPair> pairs;
  for (auto u = tf.begin(); u != tf.end(); ++u) {
    for (auto v = std::next(u); v != tf.end(); ++v) {
      detect::SimilarPair p{u->first, v->first, 0, 0};
      for (const auto &[term, w] : u->second) {
        const auto it = v->second.find(term);
        if (it == v->second.end() || df[term] < 2 || df[term] > max_df)
          continue;
        ++p.shared_terms;
        p.cosine += w * it->second / std::sqrt(norm[u->first] * norm[v->first]);
      }
      if (p.shared_terms > 0)
        pairs.push_back(p);
    }
  }
  return pairs;
}

class Similarity : public MpiTest {};

TEST_F(Similarity, MatchesBruteForceCosineAndTopN) {
  const std::uint64_t accounts = 50;
  const auto begin = even_account_ranges(comm.size(), accounts);
  std::mt19937_64 rng(5);
  std::vector<Interaction> all;
  for (int i = 0; i < 600; ++i)
    all.push_back({rng() % accounts, rng() % 30, static_cast<std::uint8_t>(1 + rng() % 3)});
  std::sort(all.begin(), all.end(), [](const Interaction &x, const Interaction &y) {
    return std::tie(x.source, x.target, x.kind) < std::tie(y.source, y.target, y.kind);
  });

  detect::PartitionData data;
  data.account_begin = begin;
  data.accounts.rows = {begin[comm.rank()], begin[comm.rank() + 1] - begin[comm.rank()]};
  for (const auto &i : all) {
    if (partition::owner_of(begin, i.source) != comm.rank())
      continue;
    data.interactions.source.push_back(i.source);
    data.interactions.target_key.push_back(i.target);
    data.interactions.kind.push_back(i.kind);
  }
  for (const std::uint64_t max_df : {1000u, 6u}) {
    const auto result = detect::find_similar_accounts(comm, data, {3, max_df}, {});
    std::vector<double> flat;
    for (const auto &p : result.pairs)
      flat.insert(flat.end(), {double(p.a), double(p.b), double(p.shared_terms), p.cosine});
    auto gathered = mpi::allgatherv(comm, flat); // ranks' pairs, sorted again by (a, b) below
    std::vector<std::array<double, 4>> rows(gathered.size() / 4);
    std::memcpy(rows.data(), gathered.data(), gathered.size() * sizeof(double));
    std::sort(rows.begin(), rows.end());
    std::memcpy(gathered.data(), rows.data(), gathered.size() * sizeof(double));
    const auto expected = detect::top_n_union(brute_force(all, max_df), 3);
    ASSERT_EQ(gathered.size(), expected.size() * 4) << "max_df " << max_df;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(gathered[4 * i], double(expected[i].a));
      EXPECT_EQ(gathered[4 * i + 1], double(expected[i].b));
      EXPECT_EQ(gathered[4 * i + 2], double(expected[i].shared_terms));
      EXPECT_NEAR(gathered[4 * i + 3], expected[i].cosine, 1e-12);
    }
  }
}

TEST_F(Similarity, TopNUnionKeepsEitherSidesBest) {
  // Account 1 is everyone's best partner; with top 1, each pair (1, x) is kept by x, and (2, 3)
  // by nobody.
  const std::vector<detect::SimilarPair> pairs{
      {1, 2, 5, 0.9}, {1, 3, 5, 0.8}, {2, 3, 5, 0.7}, {1, 4, 5, 0.6}};
  const auto kept = detect::top_n_union(pairs, 1);
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].b, 2u);
  EXPECT_EQ(kept[1].b, 3u);
  EXPECT_EQ(kept[2].b, 4u);
}

} // namespace
} // namespace lockstep::testing
