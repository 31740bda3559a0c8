// Connected components of links between hashed 64-bit keys (text keys, say), kept where the keys
// are owned (key_owner) instead of gathered: min-label propagation with hooking and pointer
// jumping over ask_owners lookups, so no rank holds more than its share of keys and links.
#pragma once

#include "mpi/alltoallv.hpp"
#include "mpi/comm.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace lockstep::partition {

struct KeyLink {
  std::uint64_t a = 0, b = 0;
};

struct KeyLabel {
  std::uint64_t key = 0, label = 0;
  friend auto operator<=>(const KeyLabel &, const KeyLabel &) = default;
};

// (key, label) for the keys this rank owns (key_owner) among the ends of every rank's links,
// sorted by key: a key's label is the smallest key of its component. Any split of the links over
// ranks gives the same labels. Collective.
std::vector<KeyLabel> key_components(const mpi::Comm &comm, std::span<const KeyLink> links,
                                     mpi::ExchangeOptions exchange);

// The label (key_components) of each of `keys`, or 0 for a key in no link: asked of the keys'
// owners, in the order of `keys`. Collective.
std::vector<std::uint64_t> component_of(const mpi::Comm &comm, const std::vector<KeyLabel> &labels,
                                        const std::vector<std::uint64_t> &keys,
                                        mpi::ExchangeOptions exchange);

} // namespace lockstep::partition
