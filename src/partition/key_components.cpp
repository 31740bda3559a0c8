// Key components: hook each link's ends and labels on the smaller label, then jump every label to
// its label's label, until a round changes nothing on any rank.
#include "partition/key_components.hpp"

#include "mpi/collectives.hpp"
#include "partition/lookup.hpp"
#include "partition/ownership.hpp"

#include <algorithm>
#include <tbb/parallel_sort.h>

namespace lockstep::partition {

namespace {

// The owned (key, label) of `key`, or labels.end(); for labels held const or not.
template <typename Labels>
auto find_key(Labels &labels, std::uint64_t key) {
  const auto it = std::lower_bound(labels.begin(), labels.end(), KeyLabel{key, 0});
  return it != labels.end() && it->key == key ? it : labels.end();
}

// Every key at the end of a link, one (key, key) each at its owner, sorted.
std::vector<KeyLabel> owned_ends(const mpi::Comm &comm, std::span<const KeyLink> links,
                                 mpi::ExchangeOptions exchange) {
  std::vector<std::uint64_t> ends;
  ends.reserve(2 * links.size());
  for (const auto &[a, b] : links)
    ends.insert(ends.end(), {a, b});
  tbb::parallel_sort(ends.begin(), ends.end());
  ends.erase(std::unique(ends.begin(), ends.end()), ends.end());
  ends = mpi::route(
      comm, std::move(ends), [&](std::uint64_t key) { return key_owner(key, comm.size()); },
      exchange);
  tbb::parallel_sort(ends.begin(), ends.end());
  ends.erase(std::unique(ends.begin(), ends.end()), ends.end());
  std::vector<KeyLabel> out(ends.size());
  std::transform(ends.begin(), ends.end(), out.begin(), [](auto key) {
    return KeyLabel{key, key};
  });
  return out;
}

// The smaller of each link's two labels, proposed to both ends and to the larger label's own key
// (hooking its tree under the smaller); applied at the owners. Returns whether a label fell.
// Collective.
bool hook_links(const mpi::Comm &comm, std::span<const KeyLink> links,
                std::vector<KeyLabel> &labels, mpi::ExchangeOptions exchange) {
  std::vector<std::uint64_t> asked;
  asked.reserve(2 * links.size());
  for (const auto &[a, b] : links)
    asked.insert(asked.end(), {a, b});
  const auto got = component_of(comm, labels, asked, exchange);
  std::vector<KeyLabel> proposals; // each a key and a smaller label
  for (std::size_t i = 0; i < links.size(); ++i) {
    const auto la = got[2 * i], lb = got[2 * i + 1];
    if (la == lb)
      continue;
    const auto smaller = std::min(la, lb);
    proposals.insert(proposals.end(),
                     {{links[i].a, smaller}, {links[i].b, smaller}, {std::max(la, lb), smaller}});
  }
  proposals = mpi::route(
      comm, std::move(proposals), [&](const KeyLabel &p) { return key_owner(p.key, comm.size()); },
      exchange);
  bool fell = false;
  for (const auto &[key, label] : proposals) {
    const auto it = find_key(labels, key);
    if (label < it->label) {
      it->label = label;
      fell = true;
    }
  }
  return fell;
}

// hook_links over the links in chunks that keep each step within an exchange round: a link's two
// ends asked and answered, and up to three proposals sent and received. Collective.
bool hook(const mpi::Comm &comm, std::span<const KeyLink> links, std::vector<KeyLabel> &labels,
          mpi::ExchangeOptions exchange) {
  constexpr std::size_t kBytesPerLink = 4 * sizeof(std::uint64_t) + 6 * sizeof(KeyLabel);
  const auto per_chunk = std::max<std::size_t>(1, exchange.max_round_bytes / kBytesPerLink);
  const auto chunks = mpi::allreduce(
      comm, static_cast<std::uint64_t>((links.size() + per_chunk - 1) / per_chunk), mpi::Op::max);
  bool fell = false;
  for (std::uint64_t k = 0; k < chunks; ++k) {
    const auto first = std::min(links.size(), k * per_chunk);
    const auto last = std::min(links.size(), first + per_chunk);
    fell = hook_links(comm, links.subspan(first, last - first), labels, exchange) || fell;
  }
  return fell;
}

// Every owned key's label becomes its label's label. Returns whether a label fell. Collective.
bool jump(const mpi::Comm &comm, std::vector<KeyLabel> &labels, mpi::ExchangeOptions exchange) {
  std::vector<std::uint64_t> parents(labels.size());
  std::transform(labels.begin(), labels.end(), parents.begin(),
                 [](const KeyLabel &l) { return l.label; });
  const auto grandparents = component_of(comm, labels, parents, exchange);
  bool fell = false;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (grandparents[i] < labels[i].label) {
      labels[i].label = grandparents[i];
      fell = true;
    }
  }
  return fell;
}

} // namespace

std::vector<KeyLabel> key_components(const mpi::Comm &comm, std::span<const KeyLink> links,
                                     mpi::ExchangeOptions exchange) {
  auto labels = owned_ends(comm, links, exchange);
  // Labels only fall, and only to keys of their component; when a round changes none, every
  // link's ends share a label, and the smallest key of a component, never relabelled, is it.
  // Hooking a chunk of links after another only lets labels fall sooner.
  for (bool fell = true; fell;) {
    fell = hook(comm, links, labels, exchange);
    fell = jump(comm, labels, exchange) || fell;
    fell = mpi::allreduce(comm, fell ? 1 : 0, mpi::Op::max) != 0;
  }
  return labels;
}

std::vector<std::uint64_t> component_of(const mpi::Comm &comm, const std::vector<KeyLabel> &labels,
                                        const std::vector<std::uint64_t> &keys,
                                        mpi::ExchangeOptions exchange) {
  return ask_owners(
      comm, keys, [&](std::uint64_t key) { return key_owner(key, comm.size()); },
      [&](std::span<const std::uint64_t> asked) {
        std::vector<std::uint64_t> out(asked.size());
        std::transform(asked.begin(), asked.end(), out.begin(), [&](std::uint64_t key) {
          const auto it = find_key(labels, key);
          return it != labels.end() ? it->label : 0;
        });
        return out;
      },
      exchange);
}

} // namespace lockstep::partition
