// HashSlots against std::unordered_map: hashes that crowd one slot, and growth.
#include "common/hash_slots.hpp"

#include <gtest/gtest.h>
#include <random>
#include <unordered_map>

namespace lockstep::testing {
namespace {

TEST(HashSlots, AgreesWithAnUnorderedMap) {
  HashSlots slots;
  std::unordered_map<std::uint64_t, std::size_t> oracle;
  std::mt19937_64 random(7);
  for (std::size_t row = 0; row < 50'000; ++row) {
    // Hashes differing only in their low or high bits, zero and repeats.
    const auto pick = random() % 4;
    const std::uint64_t hash = pick == 0   ? random() % 3000
                               : pick == 1 ? (random() % 3000) << 52
                               : pick == 2 ? 0
                                           : random();
    const auto [got, added] = slots.try_emplace(hash, row);
    const auto [want, inserted] = oracle.try_emplace(hash, row);
    ASSERT_EQ(added, inserted) << hash;
    ASSERT_EQ(got, want->second) << hash;
  }
  EXPECT_EQ(slots.size(), oracle.size());
  for (const auto &[hash, row] : oracle)
    EXPECT_EQ(slots.find(hash), row);
  ASSERT_FALSE(oracle.contains(0x5eed)); // a hash never added
  EXPECT_EQ(slots.find(0x5eed), HashSlots::kNone);
}

} // namespace
} // namespace lockstep::testing
