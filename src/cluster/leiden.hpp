// Community refinement inside one component: igraph's Leiden algorithm with the constant Potts
// model, its resolution set relative to the component's own weighted density, so that a
// homogeneous component stays whole while groups joined by a few weak bridges separate.
#pragma once

#include <cstdint>
#include <vector>

namespace lockstep::cluster {

struct WeightedGraph {
  std::uint32_t nodes = 0;
  std::vector<std::uint32_t> from, to; // node indices, one entry per undirected edge
  std::vector<double> weight;          // > 0
};

struct LeidenRule {
  // gamma = relative_resolution * (total weight / node pairs): a community must be denser than
  // this share of the component's mean density to hold together.
  double relative_resolution = 0.05;
  double beta = 0.01;     // randomness of the refinement step
  std::uint64_t seed = 1; // combined with the component's label by the caller
};

// A community per node, numbered 0.. in order of each community's smallest node. Deterministic
// for a given graph, rule and seed. Not thread-safe (igraph's random generator is global).
std::vector<std::uint32_t> leiden_communities(const WeightedGraph &graph, const LeidenRule &rule);

} // namespace lockstep::cluster
