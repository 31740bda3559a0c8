// The first half of clustering: components, their spread over ranks by size, Leiden inside each,
// canonical cluster ids, and what the inside edges say about each cluster and member.
#include "cluster/clusters.hpp"

#include "cluster/components.hpp"
#include "cluster/leiden.hpp"
#include "cluster/networks.hpp"
#include "cluster/profile.hpp"
#include "cluster/recruit.hpp"
#include "common/dense_index.hpp"
#include "common/hash.hpp"
#include "common/union_find.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/collectives.hpp"
#include "partition/ownership.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace lockstep::cluster {

namespace {

// A significant or provisional edge on its way to the rank that refines its component.
struct EdgeRecord {
  std::uint64_t component = 0, a = 0, b = 0;
  bool provisional = false;
  bool by_engagement = false;    // detect::Edge::by_engagement
  bool by_follows_alone = false; // detect::Edge::by_follows_alone
  double weight = 0;             // for Leiden: 1 + ln(distinct keys)
  double score = 0;              // edge_score
  double delay_s = 0;            // the smallest median |dt| of its timed signals; NaN when none
  std::uint32_t a_first = 0, b_first = 0; // evidence co-actions in which a (b) acted first
  std::uint64_t coactions[kSignalSlots] = {};
};

struct ComponentSize {
  std::uint64_t component = 0, size = 0;
};

struct ClusterKey {
  std::uint64_t size = 0, smallest_account = 0;
};

struct MemberFact {
  std::uint64_t account = 0, cluster = 0, degree = 0;
  double score = 0;
  std::uint64_t acted_first = 0, acted_second = 0;
};

EdgeRecord edge_record(const detect::Edge &edge, std::uint64_t component) {
  EdgeRecord r{
      component, edge.a, edge.b, edge.provisional, edge.by_engagement, edge.by_follows_alone};
  r.weight = 1 + std::log(double(std::max<std::uint64_t>(edge.weight, 1)));
  r.score = edge_score(edge);
  r.delay_s = std::numeric_limits<double>::quiet_NaN();
  for (const auto &s : edge.signals) {
    if (s.signal < kSignalSlots)
      r.coactions[s.signal] += s.stats.coactions;
    if (s.stats.coactions > 0 && signals::row(s.signal).timed) {
      const double delay = double(s.stats.median_dt_ms) / 1000;
      if (std::isnan(r.delay_s) || delay < r.delay_s)
        r.delay_s = delay;
    }
    for (const auto &e : s.evidence) {
      r.a_first += e.time_a < e.time_b;
      r.b_first += e.time_b < e.time_a;
    }
  }
  // A signal whose window contains another's on the same actions adds only the co-actions beyond.
  for (std::uint8_t s = 1; s < kSignalSlots; ++s) {
    if (const auto inner = signals::nested(s); inner != 0)
      r.coactions[s] -= std::min(r.coactions[s], r.coactions[inner]);
  }
  return r;
}

// Every component's size, identical on every rank, largest first (ties by smallest account).
std::vector<ComponentSize> component_sizes(const mpi::Comm &comm,
                                           const std::vector<std::uint64_t> &labels) {
  std::map<std::uint64_t, std::uint64_t> local;
  for (const auto label : labels) {
    if (label != kNoComponent)
      ++local[label];
  }
  std::vector<ComponentSize> mine;
  for (const auto &[component, size] : local)
    mine.push_back({component, size});
  std::map<std::uint64_t, std::uint64_t> all;
  for (const auto &c : mpi::allgatherv(comm, mine))
    all[c.component] += c.size;
  std::vector<ComponentSize> out;
  for (const auto &[component, size] : all)
    out.push_back({component, size});
  std::sort(out.begin(), out.end(), [](const ComponentSize &x, const ComponentSize &y) {
    return x.size != y.size ? x.size > y.size : x.component < y.component;
  });
  return out;
}

// Components to ranks, largest first to the least loaded rank (load: accounts squared, a proxy
// for the edges Leiden visits). The results do not depend on this choice.
std::map<std::uint64_t, int> spread_components(const std::vector<ComponentSize> &components,
                                               int ranks) {
  std::vector<double> load(static_cast<std::size_t>(ranks), 0);
  std::map<std::uint64_t, int> rank_of;
  for (const auto &c : components) {
    const auto least = std::min_element(load.begin(), load.end()) - load.begin();
    load[std::size_t(least)] += double(c.size) * double(c.size);
    rank_of[c.component] = static_cast<int>(least);
  }
  return rank_of;
}

// One refined community, before it has its id.
struct Community {
  std::vector<std::uint64_t> members; // sorted
  std::uint64_t component = 0;
  std::vector<const EdgeRecord *> edges; // inside edges
};

// Whether most inside edges of `c` are ties by follows alone (provisional: detect::Edge).
bool tied_mostly_by_follows(const Community &c) {
  const auto alone = std::count_if(c.edges.begin(), c.edges.end(),
                                   [](const EdgeRecord *e) { return e->by_follows_alone; });
  return 2 * static_cast<std::size_t>(alone) > c.edges.size();
}

// A community tied mostly by follows alone is a network only when it is as large as an anchored
// one and dense ([follows] min_network_density): an organic community's members follow the same
// niche accounts, and its most alike pairs pass the null (which knows no communities) as small or
// sparse clusters, which a few edges of other signals may join; a managed network's members are
// near copies of each other.
bool sparse_follow_community(const Community &c, const DetectConfig &job) {
  if (!tied_mostly_by_follows(c))
    return false;
  const auto k = static_cast<double>(c.members.size());
  const double density = k < 2 ? 0 : static_cast<double>(c.edges.size()) / (k * (k - 1) / 2);
  return c.members.size() < job.clusters.anchor_below || density < job.follows.min_network_density;
}

// What is left of a sparse follow community without its ties by follows alone: the connected
// parts of its other edges (their members; each member's edges inside its part).
std::vector<Community> without_follows_alone(const Community &c) {
  std::vector<const EdgeRecord *> kept;
  for (const auto *e : c.edges) {
    if (!e->by_follows_alone)
      kept.push_back(e);
  }
  const auto index = [&](std::uint64_t account) {
    return static_cast<std::size_t>(std::lower_bound(c.members.begin(), c.members.end(), account) -
                                    c.members.begin());
  };
  UnionFind parts(c.members.size());
  for (const auto *e : kept)
    parts.unite(index(e->a), index(e->b));
  std::map<std::size_t, Community> by_root;
  for (const auto *e : kept) {
    auto &part = by_root[parts.find(index(e->a))];
    part.component = c.component;
    part.edges.push_back(e);
    part.members.push_back(e->a);
    part.members.push_back(e->b);
  }
  std::vector<Community> out;
  for (auto &[root, part] : by_root) {
    std::sort(part.members.begin(), part.members.end());
    part.members.erase(std::unique(part.members.begin(), part.members.end()), part.members.end());
    out.push_back(std::move(part));
  }
  return out;
}

// Leiden (or the whole component) for the records of one component, sorted by (a, b).
std::vector<Community> refine_component(std::span<const EdgeRecord> records,
                                        const ClusterConfig &config, ClusterTotals &totals) {
  const DenseIndex nodes(
      records, [](const EdgeRecord &r) { return r.a; }, [](const EdgeRecord &r) { return r.b; });
  const auto index = [&](std::uint64_t account) {
    return static_cast<std::uint32_t>(nodes.index(account));
  };
  WeightedGraph graph;
  graph.nodes = static_cast<std::uint32_t>(nodes.size());
  for (const auto &r : records) {
    graph.from.push_back(index(r.a));
    graph.to.push_back(index(r.b));
    graph.weight.push_back(r.weight);
  }
  std::vector<std::uint32_t> membership(nodes.size(), 0);
  if (config.refine) {
    const LeidenRule rule{config.resolution, config.beta,
                          mix64(config.seed ^ mix64(records.front().component))};
    membership = leiden_communities(graph, rule);
  }
  const auto count = *std::max_element(membership.begin(), membership.end()) + std::size_t{1};
  totals.refined_components += count > 1;
  std::vector<Community> out(count);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    out[membership[i]].members.push_back(nodes.id(i));
    out[membership[i]].component = records.front().component;
  }
  for (std::size_t e = 0; e < records.size(); ++e) {
    if (membership[graph.from[e]] == membership[graph.to[e]])
      out[membership[graph.from[e]]].edges.push_back(&records[e]);
  }
  return out;
}

double median(std::vector<double> values) {
  if (values.empty())
    return std::numeric_limits<double>::quiet_NaN();
  const auto middle = values.begin() + std::ptrdiff_t((values.size() - 1) / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle; // the lower median
}

EdgeProfile edge_profile(const Community &c, std::uint64_t id) {
  EdgeProfile p;
  p.id = id;
  p.size = c.members.size();
  p.smallest_account = c.members.front();
  p.component = c.component;
  p.edges = c.edges.size();
  std::vector<double> delays;
  for (const auto *e : c.edges) {
    p.engagement_edges += e->by_engagement;
    p.score_sum += e->score;
    if (!std::isnan(e->delay_s))
      delays.push_back(e->delay_s);
    for (std::size_t s = 0; s < kSignalSlots; ++s)
      p.coactions[s] += e->coactions[s];
  }
  p.median_delay_s = median(std::move(delays));
  return p;
}

void add_member_facts(const Community &c, std::uint64_t id, std::vector<MemberFact> &out) {
  const auto first = out.size();
  for (const auto account : c.members)
    out.push_back({account, id});
  const auto fact = [&](std::uint64_t account) -> MemberFact & {
    return *std::lower_bound(out.begin() + std::ptrdiff_t(first), out.end(), account,
                             [](const MemberFact &f, std::uint64_t a) { return f.account < a; });
  };
  for (const auto *e : c.edges) {
    auto &a = fact(e->a);
    auto &b = fact(e->b);
    ++a.degree;
    ++b.degree;
    a.score += e->score;
    b.score += e->score;
    a.acted_first += e->a_first;
    a.acted_second += e->b_first;
    b.acted_first += e->b_first;
    b.acted_second += e->a_first;
  }
  for (auto it = out.begin() + std::ptrdiff_t(first); it != out.end(); ++it)
    it->score /= double(c.members.size() - 1);
}

// The provisional edges inside `communities`, at the owner of a, sorted. Collective.
std::vector<AccountPair> inside_provisional_edges(const mpi::Comm &comm,
                                                  const detect::PartitionData &data,
                                                  const std::vector<Community> &communities,
                                                  mpi::ExchangeOptions exchange) {
  std::vector<AccountPair> inside;
  for (const auto &c : communities) {
    for (const auto *e : c.edges) {
      if (e->provisional)
        inside.push_back({e->a, e->b});
    }
  }
  inside = mpi::route(
      comm, std::move(inside),
      [&](const AccountPair &p) { return partition::owner_of(data.account_begin, p.a); }, exchange);
  std::sort(inside.begin(), inside.end());
  return inside;
}

// Marks significant the provisional edges inside the kept clusters (both ends in one community,
// whose cluster keep_networks kept: a's cluster is not 0), and counts them over all ranks.
// Collective.
std::uint64_t confirm_provisional_edges(const mpi::Comm &comm, const detect::PartitionData &data,
                                        const std::vector<AccountPair> &inside,
                                        const ClusterResult &result,
                                        detect::DetectResult &detected) {
  std::uint64_t confirmed = 0;
  for (auto &edge : detected.edges) {
    if (edge.provisional && result.accounts[edge.a - data.accounts.rows.begin].cluster != 0 &&
        std::binary_search(inside.begin(), inside.end(), AccountPair{edge.a, edge.b})) {
      edge.significant = true;
      ++confirmed;
    }
  }
  return mpi::allreduce(comm, confirmed, mpi::Op::sum);
}

} // namespace

const char *role_name(Role role) {
  switch (role) {
  case Role::principal:
    return "principal";
  case Role::initiator:
    return "initiator";
  case Role::amplifier:
    return "amplifier";
  case Role::none:
    break;
  }
  return "";
}

double edge_score(const detect::Edge &edge) {
  return edge.timed ? -edge.log10_p : 0.0;
}

namespace {

// One clustering of the significant and provisional edges: the kept clusters, the provisional
// edges inside them (at the owner of a, sorted) and the principals of those kept by their
// principal's audience (on rank 0).
struct ClusterPass {
  ClusterResult result;
  std::vector<AccountPair> inside_provisional;
  std::vector<PrincipalAudience> audiences;
};

ClusterPass cluster_pass(const mpi::Comm &comm, const DetectConfig &job,
                         const detect::PartitionData &data, const detect::DetectResult &detected) {
  const auto &config = job.clusters;
  const double alpha = job.alpha;
  const auto exchange = detect::exchange_options(job);
  ClusterPass pass;
  ClusterResult &result = pass.result;
  const auto begin = data.accounts.rows.begin;
  const auto ties = [](const detect::Edge &edge) { return edge.significant || edge.provisional; };
  std::vector<AccountPair> pairs;
  for (const auto &edge : detected.edges) {
    if (ties(edge))
      pairs.push_back({edge.a, edge.b});
  }
  const auto labels = component_labels(comm, pairs, data.account_begin, exchange);
  const auto components = component_sizes(comm, labels);
  const auto rank_of = spread_components(components, comm.size());

  // Each tie goes to the rank refining its component (a is this rank's account).
  std::vector<EdgeRecord> records;
  for (const auto &edge : detected.edges) {
    if (ties(edge))
      records.push_back(edge_record(edge, labels[edge.a - begin]));
  }
  records = mpi::route(
      comm, std::move(records), [&](const EdgeRecord &r) { return rank_of.at(r.component); },
      exchange);
  std::sort(records.begin(), records.end(), [](const EdgeRecord &x, const EdgeRecord &y) {
    return std::tie(x.component, x.a, x.b) < std::tie(y.component, y.a, y.b);
  });

  ClusterTotals local;
  std::vector<Community> communities;
  for (std::size_t i = 0; i < records.size();) {
    auto j = i;
    while (j < records.size() && records[j].component == records[i].component)
      ++j;
    for (auto &c : refine_component(std::span(records).subspan(i, j - i), config, local))
      communities.push_back(std::move(c));
    i = j;
  }
  local.communities = communities.size();
  const double anchor_score = std::log10(double(std::max<std::uint64_t>(detected.tests, 1))) -
                              std::log10(alpha); // -log10 of the Bonferroni cut
  const auto anchored = [&](const Community &c) {
    return std::any_of(c.edges.begin(), c.edges.end(),
                       [&](const EdgeRecord *e) { return e->score >= anchor_score; });
  };
  // A sparse follow community keeps only what its other edges hold together.
  std::vector<Community> checked;
  for (auto &c : communities) {
    if (!sparse_follow_community(c, job)) {
      checked.push_back(std::move(c));
      continue;
    }
    for (auto &part : without_follows_alone(c))
      checked.push_back(std::move(part));
  }
  communities = std::move(checked);
  std::erase_if(communities, [&](const Community &c) {
    return c.members.size() < config.min_size ||
           (c.members.size() < config.anchor_below && !anchored(c));
  });

  // Canonical ids: by size (largest first), then smallest account.
  std::vector<ClusterKey> keys;
  for (const auto &c : communities)
    keys.push_back({c.members.size(), c.members.front()});
  auto all_keys = mpi::allgatherv(comm, keys);
  std::sort(all_keys.begin(), all_keys.end(), [](const ClusterKey &x, const ClusterKey &y) {
    return x.size != y.size ? x.size > y.size : x.smallest_account < y.smallest_account;
  });
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ids; // (smallest account, id)
  for (std::size_t i = 0; i < all_keys.size(); ++i)
    ids.emplace_back(all_keys[i].smallest_account, i + 1);
  std::sort(ids.begin(), ids.end());
  const auto id_of = [&](const Community &c) {
    return std::lower_bound(ids.begin(), ids.end(), std::pair(c.members.front(), std::uint64_t{0}))
        ->second;
  };

  std::vector<EdgeProfile> edge_profiles;
  std::vector<MemberFact> facts;
  for (const auto &c : communities) {
    const auto id = id_of(c);
    edge_profiles.push_back(edge_profile(c, id));
    add_member_facts(c, id, facts);
  }
  facts = mpi::route(
      comm, std::move(facts),
      [&](const MemberFact &f) { return partition::owner_of(data.account_begin, f.account); },
      exchange);
  result.accounts.resize(data.accounts.rows.count);
  for (const auto &f : facts) {
    auto &a = result.accounts[f.account - begin];
    a.cluster = f.cluster;
    a.degree = f.degree;
    a.score = f.score;
    a.acted_first = f.acted_first;
    a.acted_second = f.acted_second;
  }

  result.totals.components = components.size();
  result.totals.refined_components = mpi::allreduce(comm, local.refined_components, mpi::Op::sum);
  result.totals.communities = mpi::allreduce(comm, local.communities, mpi::Op::sum);
  result.totals.clusters = all_keys.size();
  for (const auto &k : all_keys)
    result.totals.clustered_accounts += k.size;
  for (const auto &c : components)
    result.totals.linked_accounts += c.size;
  result.profiles =
      profile_clusters(comm, config, data, detected, edge_profiles, result.accounts,
                       result.baseline_hour_of_week, result.dataset_follow_density, exchange);
  pass.inside_provisional = inside_provisional_edges(comm, data, communities, exchange);
  pass.audiences = keep_networks(comm, alpha, data, detected, result);
  return pass;
}

} // namespace

ClusterResult find_clusters(const mpi::Comm &comm, const DetectConfig &job,
                            const detect::PartitionData &data, detect::DetectResult &detected) {
  auto pass = cluster_pass(comm, job, data, detected);
  const auto recruited =
      recruit_audiences(comm, job, data, std::move(pass.audiences), pass.result, detected);
  if (recruited.recruited_edges > 0)
    pass = cluster_pass(comm, job, data, detected); // the recruited edges are ties now
  ClusterResult &result = pass.result;
  result.totals.recruitment = recruited;
  result.totals.confirmed_edges =
      confirm_provisional_edges(comm, data, pass.inside_provisional, result, detected);
  detected.significant_edges += result.totals.confirmed_edges;
  return std::move(result);
}

} // namespace lockstep::cluster
