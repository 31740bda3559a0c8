// Account ownership for tests: the first dense account of each rank's contiguous range, plus the
// end (size ranks + 1), as detect's PartitionData::account_begin holds them.
#pragma once

#include <cstdint>
#include <vector>

namespace lockstep::testing {

// Equal ranges.
inline std::vector<std::uint64_t> even_account_ranges(int ranks, std::uint64_t accounts) {
  std::vector<std::uint64_t> begin;
  for (int r = 0; r <= ranks; ++r)
    begin.push_back(accounts * static_cast<std::uint64_t>(r) / static_cast<std::uint64_t>(ranks));
  return begin;
}

// Uneven ranges, as whole partitions give: rank r's range starts at accounts (r / ranks)^2.
inline std::vector<std::uint64_t> uneven_account_ranges(int ranks, std::uint64_t accounts) {
  std::vector<std::uint64_t> begin;
  for (int r = 0; r <= ranks; ++r)
    begin.push_back(accounts * static_cast<std::uint64_t>(r * r) /
                    static_cast<std::uint64_t>(ranks * ranks));
  return begin;
}

} // namespace lockstep::testing
