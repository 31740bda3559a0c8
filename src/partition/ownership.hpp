// Who owns what: the rank that owns a dense account (its contiguous range), a key (a hash), and
// a pair of accounts (one of the two, by a hash bit). Every module that routes records by owner
// reads it here: detect's engine, clustering and the results writers.
#pragma once

#include <cstdint>
#include <span>

namespace lockstep::partition {

// The rank owning dense account `account` under `account_begin`.
int owner_of(std::span<const std::uint64_t> account_begin, std::uint64_t account);

// The rank that scans `key`'s actions.
int key_owner(std::uint64_t key, int ranks);

// Where pair (a, b), a < b, is aggregated and tested: at the owner of one of its accounts, a or b
// by one hash bit of the pair (home_account), so one of the two is always local there. Always
// the owner of a would give the ranks owning low account ids most pairs (at 2 ranks, the lower of
// two random accounts is in the first half 3 times in 4); this splits them evenly. Every producer
// of pairs (the engine, similarity) sends a pair to the same home, so its signals meet for fusion.
std::uint64_t home_account(std::uint64_t a, std::uint64_t b);
int pair_home(std::span<const std::uint64_t> account_begin, std::uint64_t a, std::uint64_t b);

} // namespace lockstep::partition
