// Connected components of the coordination graph without gathering it: a union-find per rank over
// its edges, spanning forests merged up the binary reduction tree, and each account's component
// label sent back to the rank that owns the account.
#pragma once

#include "mpi/alltoallv.hpp"
#include "mpi/comm.hpp"

#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

namespace lockstep::cluster {

struct AccountPair {
  std::uint64_t a = 0, b = 0; // dense account ids
  friend bool operator<(const AccountPair &x, const AccountPair &y) {
    return x.a != y.a ? x.a < y.a : x.b < y.b;
  }
};

// A spanning forest in star form: (member, root) for every member of a component except its root,
// the smallest member; sorted by member. Its size is bounded by the accounts with an edge, not by
// the edges.
using StarForest = std::vector<std::pair<std::uint64_t, std::uint64_t>>;

// The star forest of a set of links (edges, or the links of other forests).
StarForest star_forest(std::span<const std::pair<std::uint64_t, std::uint64_t>> links);

// The star forest of the union of two forests' components.
StarForest merge_forests(const StarForest &left, const StarForest &right);

inline constexpr std::uint64_t kNoComponent = std::numeric_limits<std::uint64_t>::max();

// For each account this rank owns (account_begin[rank] .. account_begin[rank + 1]), the smallest
// account of its component, or kNoComponent when it has no edge. `edges` are this rank's share of
// the graph: any split of the edges over ranks gives the same labels. Collective.
std::vector<std::uint64_t> component_labels(const mpi::Comm &comm,
                                            std::span<const AccountPair> edges,
                                            std::span<const std::uint64_t> account_begin,
                                            mpi::ExchangeOptions exchange);

} // namespace lockstep::cluster
