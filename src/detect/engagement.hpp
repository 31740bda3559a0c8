// The engagement null: what two accounts' own engagement with an author predicts of their
// co-actions on that author's posts. The audience null (significance.hpp) explains a pair's
// co-actions on author g by the chance that both are in g's audience; inside it, the pair is still
// expected to co-act only as much as its own habits make likely:
//   engaged_g(u, v) = min(n_u n_v H_g, n_u, n_v) * q_uv,
// - n_u: the distinct posts of g that u acted on in this signal;
// - H_g: the Simpson index of g's posts by their distinct accounts (sum c_k^2 / (sum c_k)^2), so
//   n_u n_v H_g is the posts both would share if each picked g's posts in proportion to their
//   popularity: fans share the posts everyone shares, not the same obscure ones;
// - q_uv: the share of pairs (one delay of u, one of v) within the window, where a delay is the
//   time from a post's first action in the data to the account's first action on it. Superfans
//   who both act within a minute have q near 1; accounts whose delays are hours and spread, but
//   match post by post, have q near 0.
// So choosing the same posts of an author beyond what popularity predicts, and acting on them
// closer in time than each account's own delays predict, are evidence; sharing an author and a
// habit of acting fast are not.
#pragma once

#include "detect/coaction.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/comm.hpp"

#include <cstdint>
#include <span>

namespace lockstep::detect {

// The share of pairs (x in u, y in v) with |x - y| <= window_ms; both sorted ascending, neither
// empty.
double delay_overlap(std::span<const std::int64_t> u_sorted, std::span<const std::int64_t> v_sorted,
                     std::int64_t window_ms);

// engaged_g(u, v) above, from n_u, n_v, H_g and q_uv.
double engaged_keys(std::uint64_t posts_u, std::uint64_t posts_v, double popularity,
                    double overlap);

// Sets GroupShare::engaged for every group of the pairs `priced` (indices into found.pairs, at
// their homes). `actions` are this rank's accounts' actions of the signal (those that went into
// the engine, which found.key_firsts summarises) and `key_groups` the groups of the keys this rank
// owns, as the engine had them: an action's group is its key's. Collective.
void add_engagement(const mpi::Comm &comm, std::span<const Action> actions,
                    std::span<const KeyGroup> key_groups, std::span<const std::size_t> priced,
                    std::int64_t window_ms, std::span<const std::uint64_t> account_begin,
                    const mpi::ExchangeOptions &exchange, CoactionResult &found);

} // namespace lockstep::detect
