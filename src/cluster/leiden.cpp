// The igraph call, with igraph's errors turned into exceptions instead of its default abort.
#include "cluster/leiden.hpp"

#include <igraph.h>
#include <limits>
#include <stdexcept>
#include <string>

namespace lockstep::cluster {

namespace {

void check(igraph_error_t status, const char *what) {
  if (status != IGRAPH_SUCCESS)
    throw std::runtime_error(std::string("igraph: ") + what + ": " + igraph_strerror(status));
}

// Owns igraph objects for the length of one call.
struct IgraphCall {
  IgraphCall() { igraph_set_error_handler(igraph_error_handler_ignore); }
  ~IgraphCall() {
    if (graph_made)
      igraph_destroy(&graph);
    igraph_vector_int_destroy(&edges);
    igraph_vector_destroy(&weights);
    igraph_vector_int_destroy(&membership);
  }
  igraph_t graph;
  bool graph_made = false;
  igraph_vector_int_t edges, membership;
  igraph_vector_t weights;
};

std::vector<std::uint32_t> canonical_numbering(const igraph_vector_int_t &membership) {
  const auto n = static_cast<std::size_t>(igraph_vector_int_size(&membership));
  std::vector<std::uint32_t> renamed(n, std::numeric_limits<std::uint32_t>::max());
  std::vector<std::uint32_t> out(n);
  std::uint32_t next = 0;
  for (std::size_t i = 0; i < n; ++i) {
    auto &name = renamed[static_cast<std::size_t>(VECTOR(membership)[i])];
    if (name == std::numeric_limits<std::uint32_t>::max())
      name = next++;
    out[i] = name;
  }
  return out;
}

} // namespace

std::vector<std::uint32_t> leiden_communities(const WeightedGraph &graph, const LeidenRule &rule) {
  if (graph.nodes < 3 || graph.from.empty())
    return std::vector<std::uint32_t>(graph.nodes, 0);
  const auto m = graph.from.size();
  IgraphCall call;
  check(igraph_vector_int_init(&call.edges, static_cast<igraph_integer_t>(2 * m)), "edges");
  check(igraph_vector_init(&call.weights, static_cast<igraph_integer_t>(m)), "weights");
  check(igraph_vector_int_init(&call.membership, graph.nodes), "membership");
  double total = 0;
  for (std::size_t e = 0; e < m; ++e) {
    VECTOR(call.edges)[2 * e] = graph.from[e];
    VECTOR(call.edges)[2 * e + 1] = graph.to[e];
    VECTOR(call.weights)[e] = graph.weight[e];
    total += graph.weight[e];
  }
  check(igraph_create(&call.graph, &call.edges, graph.nodes, IGRAPH_UNDIRECTED), "create");
  call.graph_made = true;
  const double pairs = 0.5 * double(graph.nodes) * double(graph.nodes - 1);
  const double gamma = rule.relative_resolution * total / pairs;
  igraph_rng_seed(igraph_rng_default(), static_cast<igraph_uint_t>(rule.seed));
  igraph_integer_t communities = 0;
  igraph_real_t quality = 0;
  // Node weights NULL: every node weighs 1, which is the constant Potts model. A negative
  // iteration count runs until an iteration changes nothing.
  check(igraph_community_leiden(&call.graph, &call.weights, nullptr, gamma, rule.beta, false, -1,
                                &call.membership, &communities, &quality),
        "Leiden");
  return canonical_numbering(call.membership);
}

} // namespace lockstep::cluster
