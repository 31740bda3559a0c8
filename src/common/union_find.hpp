// Union-find over dense indices in which the smaller index is always the root, so a component's
// root is its smallest member whatever order the unions come in (deterministic labels).
#pragma once

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <vector>

namespace lockstep {

class UnionFind {
public:
  explicit UnionFind(std::size_t size) : parent_(size) {
    std::iota(parent_.begin(), parent_.end(), std::size_t{0});
  }

  // The smallest index in i's component (path halving).
  std::size_t find(std::size_t i) {
    while (parent_[i] != i)
      i = parent_[i] = parent_[parent_[i]];
    return i;
  }

  void unite(std::size_t a, std::size_t b) {
    const auto ra = find(a), rb = find(b);
    parent_[std::max(ra, rb)] = std::min(ra, rb);
  }

  std::size_t size() const { return parent_.size(); }

private:
  std::vector<std::size_t> parent_;
};

} // namespace lockstep
