// Star forests: union-find over the sorted distinct endpoints of a link list. Merging two forests
// is the same operation on their concatenation, so the reduction tree needs nothing else.
#include "cluster/components.hpp"

#include "common/dense_index.hpp"
#include "common/union_find.hpp"
#include "detect/coaction.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/reduction_tree.hpp"
#include "partition/ownership.hpp"

#include <algorithm>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>

namespace lockstep::cluster {

namespace {

struct Label {
  std::uint64_t account = 0, component = 0;
};

} // namespace

StarForest star_forest(std::span<const std::pair<std::uint64_t, std::uint64_t>> links) {
  using Link = std::pair<std::uint64_t, std::uint64_t>;
  const DenseIndex nodes(
      links, [](const Link &l) { return l.first; }, [](const Link &l) { return l.second; });
  UnionFind components(nodes.size());
  for (const auto &[a, b] : links)
    components.unite(nodes.index(a), nodes.index(b));
  StarForest forest;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto root = components.find(i);
    if (root != i)
      forest.emplace_back(nodes.id(i), nodes.id(root));
  }
  return forest;
}

StarForest merge_forests(const StarForest &left, const StarForest &right) {
  StarForest links;
  links.reserve(left.size() + right.size());
  links.insert(links.end(), left.begin(), left.end());
  links.insert(links.end(), right.begin(), right.end());
  return star_forest(links);
}

std::vector<std::uint64_t> component_labels(const mpi::Comm &comm,
                                            std::span<const AccountPair> edges,
                                            std::span<const std::uint64_t> account_begin,
                                            mpi::ExchangeOptions exchange) {
  StarForest links;
  links.reserve(edges.size());
  for (const auto &edge : edges)
    links.emplace_back(edge.a, edge.b);
  auto forest = mpi::reduce_tree(comm, star_forest(links), merge_forests);

  // Rank 0 holds every component; each label goes to the owner of its account.
  std::vector<std::vector<Label>> to_owner(static_cast<std::size_t>(comm.size()));
  if (forest) {
    std::vector<std::uint64_t> roots;
    for (const auto &[member, root] : *forest) {
      to_owner[std::size_t(partition::owner_of(account_begin, member))].push_back({member, root});
      roots.push_back(root);
    }
    std::sort(roots.begin(), roots.end());
    roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
    for (const auto root : roots)
      to_owner[std::size_t(partition::owner_of(account_begin, root))].push_back({root, root});
  }
  const auto received = mpi::alltoallv(comm, to_owner, exchange);
  const auto rank = static_cast<std::size_t>(comm.rank());
  std::vector<std::uint64_t> labels(account_begin[rank + 1] - account_begin[rank], kNoComponent);
  for (const auto &label : received)
    labels[label.account - account_begin[rank]] = label.component;
  return labels;
}

} // namespace lockstep::cluster
