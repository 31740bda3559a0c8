// Dense indices 0..n-1 for the distinct 64-bit ids at the ends of a list of pairs (edges, text
// pairs), in ascending id order, so index order is id order.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace lockstep {

class DenseIndex {
public:
  // end_a(item) and end_b(item) give the two ids of each item.
  template <typename Items, typename EndA, typename EndB>
  DenseIndex(const Items &items, EndA end_a, EndB end_b) {
    ids_.reserve(2 * std::size(items));
    for (const auto &item : items) {
      ids_.push_back(end_a(item));
      ids_.push_back(end_b(item));
    }
    std::sort(ids_.begin(), ids_.end());
    ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());
  }

  std::size_t size() const { return ids_.size(); }
  std::uint64_t id(std::size_t index) const { return ids_[index]; }
  const std::vector<std::uint64_t> &ids() const { return ids_; }

  // The index of an id that is in the list.
  std::size_t index(std::uint64_t id) const {
    return static_cast<std::size_t>(std::lower_bound(ids_.begin(), ids_.end(), id) - ids_.begin());
  }

private:
  std::vector<std::uint64_t> ids_;
};

} // namespace lockstep
