// Key components at 1 to 4 ranks against a union-find over all links on one rank: random forests
// of hashed keys, a long path in shuffled order (many rounds of hooking and jumping), and links
// split over ranks in different ways.
#include "common/hash.hpp"
#include "common/union_find.hpp"
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"
#include "partition/key_components.hpp"
#include "partition/ownership.hpp"

#include <algorithm>
#include <map>
#include <random>

namespace lockstep::testing {
namespace {

using partition::KeyLabel;
using partition::KeyLink;

// Every key's smallest component key, by union-find over all links.
std::map<std::uint64_t, std::uint64_t> oracle(const std::vector<KeyLink> &links) {
  std::vector<std::uint64_t> keys;
  for (const auto &[a, b] : links)
    keys.insert(keys.end(), {a, b});
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  const auto index = [&](std::uint64_t k) {
    return static_cast<std::size_t>(std::lower_bound(keys.begin(), keys.end(), k) - keys.begin());
  };
  UnionFind components(keys.size()); // the smaller index (and key) is the root
  for (const auto &[a, b] : links)
    components.unite(index(a), index(b));
  std::map<std::uint64_t, std::uint64_t> out;
  for (std::size_t i = 0; i < keys.size(); ++i)
    out[keys[i]] = keys[components.find(i)];
  return out;
}

// key_components over this rank's share of `links` (those i with share(i) == rank), gathered,
// each key checked to be at its owner.
std::map<std::uint64_t, std::uint64_t> distributed(const mpi::Comm &comm,
                                                   const std::vector<KeyLink> &links,
                                                   const std::function<int(std::size_t)> &share) {
  std::vector<KeyLink> mine;
  for (std::size_t i = 0; i < links.size(); ++i) {
    if (share(i) == comm.rank())
      mine.push_back(links[i]);
  }
  const auto labels = partition::key_components(comm, mine, {1 << 10});
  std::vector<std::uint64_t> flat;
  for (const auto &[key, label] : labels) {
    EXPECT_EQ(partition::key_owner(key, comm.size()), comm.rank());
    flat.insert(flat.end(), {key, label});
  }
  flat = mpi::allgatherv(comm, flat);
  std::map<std::uint64_t, std::uint64_t> out;
  for (std::size_t i = 0; i + 1 < flat.size(); i += 2)
    EXPECT_TRUE(out.emplace(flat[i], flat[i + 1]).second) << "key " << flat[i] << " twice";
  return out;
}

// Random links among `keys` hashed keys, `links` of them, the smaller key first.
std::vector<KeyLink> random_links(std::uint64_t seed, std::uint64_t keys, std::size_t links) {
  std::mt19937_64 rng(seed);
  std::vector<KeyLink> out;
  for (std::size_t i = 0; i < links; ++i) {
    const auto a = mix64(rng() % keys + 1), b = mix64(rng() % keys + 1);
    if (a != b)
      out.push_back({std::min(a, b), std::max(a, b)});
  }
  return out;
}

TEST(KeyComponents, RandomForestsAsTheUnionFindLabelsThem) {
  const mpi::Comm comm;
  const int ranks = comm.size();
  for (const std::uint64_t seed : {1, 2, 3}) {
    const auto links = random_links(seed, 3000, 1800 + 300 * seed);
    const auto truth = oracle(links);
    ASSERT_GT(truth.size(), 1000u);
    EXPECT_EQ(distributed(comm, links, [&](std::size_t i) { return int(i % ranks); }), truth);
    EXPECT_EQ(distributed(comm, links, [](std::size_t) { return 0; }), truth);
  }
}

TEST(KeyComponents, ALongPathInShuffledOrder) {
  const mpi::Comm comm;
  std::vector<KeyLink> links;
  for (std::uint64_t i = 1; i < 5000; ++i) {
    const auto a = mix64(i), b = mix64(i + 1);
    links.push_back({std::min(a, b), std::max(a, b)});
  }
  std::shuffle(links.begin(), links.end(), std::mt19937_64(7));
  const auto truth = oracle(links);
  ASSERT_EQ(
      std::count_if(truth.begin(), truth.end(), [](auto &kv) { return kv.first == kv.second; }), 1);
  EXPECT_EQ(distributed(comm, links, [&](std::size_t i) { return int(i * 7 % comm.size()); }),
            truth);
}

TEST(KeyComponents, NoLinksNoLabelsAndUnknownKeysAskedGiveZero) {
  const mpi::Comm comm;
  const std::vector<KeyLink> none;
  const auto labels = partition::key_components(comm, none, {});
  EXPECT_TRUE(labels.empty());
  const std::vector<KeyLink> one = {{5, 9}};
  const auto some = partition::key_components(comm, comm.is_root() ? one : none, {});
  const auto asked = partition::component_of(comm, some, {9, 5, 7}, {});
  EXPECT_EQ(asked, (std::vector<std::uint64_t>{5, 5, 0}));
}

} // namespace
} // namespace lockstep::testing
