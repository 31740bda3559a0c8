// Ownership by range and by hash.
#include "partition/ownership.hpp"

#include "common/hash.hpp"

#include <algorithm>

namespace lockstep::partition {

int owner_of(std::span<const std::uint64_t> account_begin, std::uint64_t account) {
  const auto it = std::upper_bound(account_begin.begin(), account_begin.end(), account);
  return static_cast<int>(it - account_begin.begin()) - 1;
}

std::uint64_t home_account(std::uint64_t a, std::uint64_t b) {
  return mix64(a ^ mix64(b)) & 1 ? a : b;
}

int pair_home(std::span<const std::uint64_t> account_begin, std::uint64_t a, std::uint64_t b) {
  return owner_of(account_begin, home_account(a, b));
}

int key_owner(std::uint64_t key, int ranks) {
  return static_cast<int>(mix64(key) % static_cast<std::uint64_t>(ranks));
}

} // namespace lockstep::partition
