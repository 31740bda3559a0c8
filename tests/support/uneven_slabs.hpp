// Uneven shares of a column for the store's tests: rank r holds 7r+3 rows, except rank 1, which
// holds none (an empty slab between others), in rank order.
#pragma once

#include <cstdint>

namespace lockstep::testing {

inline std::uint64_t uneven_count(int rank) {
  return rank == 1 ? 0 : 7 * static_cast<std::uint64_t>(rank) + 3;
}

// The first row of rank `rank`'s share; of `ranks`, the whole column's length.
inline std::uint64_t uneven_first(int rank) {
  std::uint64_t first = 0;
  for (int r = 0; r < rank; ++r)
    first += uneven_count(r);
  return first;
}

} // namespace lockstep::testing
