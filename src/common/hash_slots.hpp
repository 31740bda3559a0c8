// An open-addressing table from 64-bit hashes to row indices, for the hot maps of ingest (key
// strings, account profiles, dense account ids): a std::unordered_map node per entry cost a cache
// miss or two per lookup and an allocation per insert. Equal hashes of distinct texts are the
// caller's to settle: a hash holds one row here.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace lockstep {

class HashSlots {
public:
  static constexpr std::size_t kNone = ~std::size_t{0};

  explicit HashSlots(std::size_t expected = 0) : slots_(std::bit_ceil(2 * expected + 16)) {}

  // The row of `hash`, or kNone.
  std::size_t find(std::uint64_t hash) const {
    const Slot &slot = slots_[probe(hash)];
    return slot.row;
  }

  // The row of `hash` if it has one (second: false); else `row`, now its row (second: true).
  std::pair<std::size_t, bool> try_emplace(std::uint64_t hash, std::size_t row) {
    Slot &slot = slots_[probe(hash)];
    if (slot.row != kNone)
      return {slot.row, false};
    slot = {hash, row};
    if (++used_ * 2 > slots_.size())
      grow();
    return {row, true};
  }

  std::size_t size() const { return used_; }

private:
  struct Slot {
    std::uint64_t hash = 0;
    std::size_t row = kNone;
  };

  // The slot holding `hash`, or the empty one where it would go (linear probing).
  std::size_t probe(std::uint64_t hash) const {
    const std::size_t mask = slots_.size() - 1;
    // Fibonacci hashing: the product's top bits index the table, whatever bits `hash` varies in.
    std::size_t i = (hash * 0x9E3779B97F4A7C15ull) >> (64 - std::countr_zero(slots_.size()));
    while (slots_[i].row != kNone && slots_[i].hash != hash)
      i = (i + 1) & mask;
    return i;
  }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const auto &slot : old) {
      if (slot.row != kNone)
        slots_[probe(slot.hash)] = slot;
    }
  }

  std::vector<Slot> slots_; // a power of two, at most half full
  std::size_t used_ = 0;
};

} // namespace lockstep
