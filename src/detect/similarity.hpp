// Behavioural similarity over the whole period (Pacheco et al. 2021): accounts that retweet,
// reply to and mention the same accounts, compared as TF-IDF cosine. Terms are (interaction kind,
// target account); targets reached by more than max_target_accounts accounts are skipped and
// counted (their IDF is near zero and their pairs would be quadratic). Each account keeps its
// top_n most similar partners; a pair is kept when either side keeps it.
#pragma once

#include "detect/partition_data.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/comm.hpp"

#include <cstdint>
#include <vector>

namespace lockstep::detect {

struct SimilarityRule {
  std::uint32_t top_n = 10;
  std::uint64_t max_target_accounts = 1000;
};

struct SimilarPair {
  std::uint64_t a = 0, b = 0; // dense account ids, a < b
  std::uint64_t shared_terms = 0;
  double cosine = 0;
};

struct SimilarityResult {
  std::vector<SimilarPair> pairs; // kept pairs at home on this rank (pair_home), sorted by (a, b)
  std::uint64_t accounts = 0;     // accounts with at least one interaction (all ranks)
  std::uint64_t terms = 0, skipped_terms = 0, candidate_pairs = 0; // all ranks
};

// One weighted term of one account, as exchanged between ranks.
struct TermWeight {
  std::uint64_t term = 0;
  std::uint64_t account = 0;
  double weight = 0;
};

// Cosine of accounts' TF-IDF vectors, top_n per account. Collective.
SimilarityResult find_similar_accounts(const mpi::Comm &comm, const PartitionData &data,
                                       const SimilarityRule &rule,
                                       const mpi::ExchangeOptions &exchange);

// Keeps, for each account, its top_n pairs by (cosine desc, partner asc); `pairs` holds every
// pair once, from both sides' point of view it need not be local. Returns the union, sorted.
// Pure: the distributed version routes pairs so that each account sees all of its own.
std::vector<SimilarPair> top_n_union(const std::vector<SimilarPair> &pairs, std::uint32_t top_n);

} // namespace lockstep::detect
