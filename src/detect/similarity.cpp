// TF-IDF cosine between accounts: terms to their owners (document frequency, weights), norms back
// to the accounts' owners, weighted pairs per term to the pair owners, then top-N per account.
#include "detect/similarity.hpp"

#include "common/hash.hpp"
#include "detect/coaction.hpp"
#include "mpi/collectives.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tbb/parallel_sort.h>
#include <tuple>

namespace lockstep::detect {

namespace {

// Term counts of this rank's accounts: one TermWeight (weight = count) per (account, term).
std::vector<TermWeight> local_term_counts(const InteractionTable &interactions) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> account_term;
  for (std::size_t i = 0; i < interactions.source.size(); ++i) {
    const auto term =
        mix64(interactions.target_key[i] ^ (0x9e3779b97f4a7c15ULL * interactions.kind[i]));
    account_term.emplace_back(interactions.source[i], term);
  }
  std::sort(account_term.begin(), account_term.end());
  std::vector<TermWeight> out;
  for (std::size_t i = 0; i < account_term.size(); ++i) {
    if (i > 0 && account_term[i] == account_term[i - 1]) {
      out.back().weight += 1;
      continue;
    }
    out.push_back({account_term[i].second, account_term[i].first, 1});
  }
  return out;
}

struct PairKey {
  std::uint64_t a = 0, b = 0;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 reads a defaulted <=> as comparing to 0
  auto operator<=>(const PairKey &) const = default;
};

struct WeightedPair {
  std::uint64_t a = 0, b = 0, term = 0;
  double product = 0;
};

// Per account, its top_n entries (self, partner, cosine) by (cosine desc, partner asc).
std::vector<PairKey> select_top(std::vector<SimilarPair> &by_self, std::uint32_t top_n) {
  std::sort(by_self.begin(), by_self.end(), [](const SimilarPair &x, const SimilarPair &y) {
    return std::make_tuple(x.a, -x.cosine, x.b) < std::make_tuple(y.a, -y.cosine, y.b);
  });
  std::vector<PairKey> kept;
  std::uint32_t rank_in_account = 0;
  for (std::size_t i = 0; i < by_self.size(); ++i) {
    rank_in_account = i > 0 && by_self[i].a == by_self[i - 1].a ? rank_in_account + 1 : 0;
    if (rank_in_account < top_n)
      kept.push_back({std::min(by_self[i].a, by_self[i].b), std::max(by_self[i].a, by_self[i].b)});
  }
  return kept;
}

} // namespace

std::vector<SimilarPair> top_n_union(const std::vector<SimilarPair> &pairs, std::uint32_t top_n) {
  std::vector<SimilarPair> by_self;
  for (const auto &p : pairs) {
    by_self.push_back(p);
    by_self.push_back({p.b, p.a, p.shared_terms, p.cosine});
  }
  auto kept = select_top(by_self, top_n);
  std::sort(kept.begin(), kept.end());
  kept.erase(std::unique(kept.begin(), kept.end()), kept.end());
  std::vector<SimilarPair> out;
  for (const auto &p : pairs) {
    if (std::binary_search(kept.begin(), kept.end(), PairKey{p.a, p.b}))
      out.push_back(p);
  }
  std::sort(out.begin(), out.end(), [](const SimilarPair &x, const SimilarPair &y) {
    return std::tie(x.a, x.b) < std::tie(y.a, y.b);
  });
  return out;
}

SimilarityResult find_similar_accounts(const mpi::Comm &comm, const PartitionData &data,
                                       const SimilarityRule &rule,
                                       const mpi::ExchangeOptions &exchange) {
  SimilarityResult result;
  const auto ranks = static_cast<std::uint64_t>(comm.size());
  const auto account_owner = [&](std::uint64_t account) {
    return partition::owner_of(data.account_begin, account);
  };
  auto counts = local_term_counts(data.interactions);
  std::uint64_t active = 0;
  for (std::size_t i = 0; i < counts.size(); ++i)
    active += i == 0 || counts[i].account != counts[i - 1].account;
  result.accounts = mpi::allreduce(comm, active, mpi::Op::sum);

  // Term owners: document frequencies and TF-IDF weights.
  auto by_term = mpi::route(
      comm, std::move(counts),
      [&](const TermWeight &t) { return static_cast<int>(mix64(t.term) % ranks); }, exchange);
  std::sort(by_term.begin(), by_term.end(), [](const TermWeight &x, const TermWeight &y) {
    return std::tie(x.term, x.account) < std::tie(y.term, y.account);
  });
  std::vector<std::size_t> runs;
  for (std::size_t i = 0; i < by_term.size(); ++i) {
    if (i == 0 || by_term[i].term != by_term[i - 1].term)
      runs.push_back(i);
  }
  runs.push_back(by_term.size());
  std::uint64_t terms = runs.size() - 1, skipped = 0;
  const double n = static_cast<double>(std::max<std::uint64_t>(1, result.accounts));
  for (std::size_t r = 0; r + 1 < runs.size(); ++r) {
    const auto df = runs[r + 1] - runs[r];
    const double idf = std::log(n / static_cast<double>(df));
    for (std::size_t i = runs[r]; i < runs[r + 1]; ++i)
      by_term[i].weight *= idf;
    skipped += df > rule.max_target_accounts;
  }

  // Account owners: the norms of the weight vectors, then every rank learns all of them.
  auto to_accounts = mpi::route(
      comm, std::vector<TermWeight>(by_term),
      [&](const TermWeight &t) { return account_owner(t.account); }, exchange);
  std::sort(to_accounts.begin(), to_accounts.end(), [](const TermWeight &x, const TermWeight &y) {
    return std::tie(x.account, x.term) < std::tie(y.account, y.term);
  });
  std::vector<double> local_norm(data.accounts.rows.count, 0.0);
  for (const auto &t : to_accounts)
    local_norm[t.account - data.accounts.rows.begin] += t.weight * t.weight;
  for (auto &norm : local_norm)
    norm = std::sqrt(norm);
  const auto norms = mpi::allgatherv(comm, local_norm);

  // Pairs of accounts sharing a term, with the product of their normalised weights.
  std::vector<WeightedPair> products;
  for (std::size_t r = 0; r + 1 < runs.size(); ++r) {
    const auto df = runs[r + 1] - runs[r];
    if (df < 2 || df > rule.max_target_accounts)
      continue;
    for (std::size_t i = runs[r]; i < runs[r + 1]; ++i) {
      for (std::size_t j = i + 1; j < runs[r + 1]; ++j) {
        const auto &x = by_term[i], &y = by_term[j]; // x.account < y.account
        const double nx = norms[x.account], ny = norms[y.account];
        if (nx > 0 && ny > 0)
          products.push_back({x.account, y.account, x.term, x.weight / nx * (y.weight / ny)});
      }
    }
  }
  std::vector<TermWeight>().swap(by_term);
  auto owned = mpi::route(
      comm, std::move(products),
      [&](const WeightedPair &p) { return partition::pair_home(data.account_begin, p.a, p.b); },
      exchange);
  tbb::parallel_sort(owned.begin(), owned.end(), [](const WeightedPair &x, const WeightedPair &y) {
    return std::tie(x.a, x.b, x.term) < std::tie(y.a, y.b, y.term);
  });
  std::vector<SimilarPair> candidates;
  for (std::size_t i = 0; i < owned.size(); ++i) {
    if (i == 0 || owned[i].a != owned[i - 1].a || owned[i].b != owned[i - 1].b)
      candidates.push_back({owned[i].a, owned[i].b, 0, 0});
    candidates.back().shared_terms += 1;
    candidates.back().cosine += owned[i].product;
  }
  std::vector<WeightedPair>().swap(owned);

  // Top-N per account: each side sees its pairs (from the pair's home), keeps its best, and the
  // pair's home keeps the pairs either side kept.
  std::vector<SimilarPair> both_sides;
  for (const auto &p : candidates) {
    both_sides.push_back(p);
    both_sides.push_back({p.b, p.a, p.shared_terms, p.cosine});
  }
  auto by_self = mpi::route(
      comm, std::move(both_sides), [&](const SimilarPair &p) { return account_owner(p.a); },
      exchange);
  auto kept = select_top(by_self, rule.top_n);
  auto kept_here = mpi::route(
      comm, std::move(kept),
      [&](const PairKey &k) { return partition::pair_home(data.account_begin, k.a, k.b); },
      exchange);
  std::sort(kept_here.begin(), kept_here.end());
  for (const auto &p : candidates) {
    if (std::binary_search(kept_here.begin(), kept_here.end(), PairKey{p.a, p.b}))
      result.pairs.push_back(p);
  }

  const std::vector<std::uint64_t> totals{terms, skipped, candidates.size()};
  const auto sums = mpi::allreduce(comm, std::span<const std::uint64_t>(totals), mpi::Op::sum);
  result.terms = sums[0];
  result.skipped_terms = sums[1];
  result.candidate_pairs = sums[2];
  return result;
}

} // namespace lockstep::detect
