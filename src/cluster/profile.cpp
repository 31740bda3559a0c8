// Roles and profiles. Every fact about a member is computed on the rank that owns the member and
// sent to its cluster's owner rank; interactions among members are found by joining interaction
// targets with members' account keys on the key's owner rank.
#include "cluster/profile.hpp"

#include "cluster/activity.hpp"
#include "cluster/follows.hpp"
#include "common/time.hpp"
#include "detect/coaction.hpp"
#include "detect/features.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/collectives.hpp"
#include "mpi/serialize.hpp"
#include "partition/ownership.hpp"
#include "store/schema.hpp"

#include <algorithm>
#include <boost/serialization/vector.hpp>
#include <cmath>
#include <map>
#include <unordered_map>

namespace lockstep::cluster {

namespace {

using detect::Feature;

// Top-key candidates per signal and kept key: the most shared keys, before ranking by how
// particular they are to the cluster.
constexpr std::uint32_t kCandidateKeys = 10;

struct InteractionProbe {
  std::uint64_t target_key = 0, source = 0, cluster = 0;
  std::uint8_t kind = 0;
};

struct InteractionHit {
  std::uint64_t source = 0, target = 0, cluster = 0;
  std::uint8_t kind = 0;
};

struct RoleCount {
  std::uint64_t account = 0, sent = 0, received = 0;
};

struct MemberSummary {
  std::uint64_t cluster = 0;
  std::int64_t first_ms = 0, last_ms = 0;
  double automation_client_share = 0, posts_per_active_day = 0, hour_of_week_share = 0;
  std::int32_t created_day = kUnknownDay;
  Role role = Role::none;
};

struct SignalKey {
  std::uint64_t key = 0;
  std::uint8_t signal = 0;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 reads a defaulted <=> as comparing to 0
  auto operator<=>(const SignalKey &) const = default;
};

struct KeyCount {
  std::uint64_t cluster = 0, key = 0, accounts = 0;
  std::uint64_t post = 0; // the first /posts row of a member acting on it (an example)
  std::uint8_t signal = 0;
};

// Interactions from a member to another member of its cluster. Collective.
std::vector<InteractionHit> member_interactions(const mpi::Comm &comm,
                                                const detect::PartitionData &data,
                                                const std::vector<AccountCluster> &accounts,
                                                mpi::ExchangeOptions exchange) {
  const auto begin = data.accounts.rows.begin;
  std::vector<AccountKey> keys;
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    if (accounts[i].cluster != 0)
      keys.push_back({data.accounts.key[i], begin + i, accounts[i].cluster});
  }
  std::vector<InteractionProbe> probes;
  const auto &in = data.interactions;
  for (std::size_t i = 0; i < in.source.size(); ++i) {
    const auto cluster = accounts[in.source[i] - begin].cluster;
    if (cluster != 0)
      probes.push_back({in.target_key[i], in.source[i], cluster, in.kind[i]});
  }
  std::vector<InteractionHit> hits;
  match_account_keys(
      comm, std::move(keys), std::move(probes),
      [](const InteractionProbe &p) { return p.target_key; },
      [&](const InteractionProbe &p, const AccountKey &k) {
        if (k.cluster == p.cluster && k.account != p.source)
          hits.push_back({p.source, k.account, p.cluster, p.kind});
      },
      exchange);
  return hits;
}

void count_roles(const mpi::Comm &comm, const detect::PartitionData &data,
                 const std::vector<InteractionHit> &hits, std::vector<AccountCluster> &accounts,
                 mpi::ExchangeOptions exchange) {
  std::vector<RoleCount> counts;
  for (const auto &h : hits) {
    counts.push_back({h.source, 1, 0});
    counts.push_back({h.target, 0, 1});
  }
  counts = mpi::route(
      comm, std::move(counts),
      [&](const RoleCount &c) { return partition::owner_of(data.account_begin, c.account); },
      exchange);
  for (const auto &c : counts) {
    auto &a = accounts[c.account - data.accounts.rows.begin];
    a.interactions_sent += c.sent;
    a.interactions_received += c.received;
  }
  for (auto &a : accounts) {
    if (a.cluster == 0)
      continue;
    if (a.interactions_received >= 2 && a.interactions_received >= 2 * a.interactions_sent)
      a.role = Role::principal;
    else if (a.acted_first >= 3 && a.acted_first >= 2 * a.acted_second)
      a.role = Role::initiator;
    else
      a.role = Role::amplifier;
  }
}

std::vector<MemberSummary> member_summaries(const detect::PartitionData &data,
                                            const detect::DetectResult &detected,
                                            const std::vector<AccountCluster> &accounts) {
  const auto begin = data.accounts.rows.begin;
  std::vector<MemberSummary> out(accounts.size());
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    const auto &f = detected.features[i];
    out[i] = {accounts[i].cluster,
              std::numeric_limits<std::int64_t>::max(),
              std::numeric_limits<std::int64_t>::min(),
              f[std::size_t(Feature::automation_client_share)],
              f[std::size_t(Feature::posts_per_active_day)],
              f[std::size_t(Feature::hour_of_week_share)],
              data.accounts.created_day[i],
              accounts[i].role};
  }
  for (std::size_t p = 0; p < data.posts.account.size(); ++p) {
    auto &m = out[data.posts.account[p] - begin];
    m.first_ms = std::min(m.first_ms, data.posts.time_ms[p]);
    m.last_ms = std::max(m.last_ms, data.posts.time_ms[p]);
  }
  std::erase_if(out, [](const MemberSummary &m) { return m.cluster == 0; });
  return out;
}

// The first `n` keys of each signal, from keys sorted by signal.
std::vector<TopKey> first_per_signal(const std::vector<TopKey> &keys, std::size_t n) {
  std::vector<TopKey> out;
  std::size_t taken = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    taken = (i > 0 && keys[i].signal == keys[i - 1].signal) ? taken + 1 : 0;
    if (taken < n)
      out.push_back(keys[i]);
  }
  return out;
}

// Per (cluster, signal, key): members that acted on the key, counted on this rank.
std::vector<KeyCount> member_keys(const detect::PartitionData &data,
                                  const std::vector<detect::Action> &family_posts,
                                  const std::vector<AccountCluster> &accounts) {
  const auto begin = data.accounts.rows.begin;
  const auto &actions = data.actions;
  // (cluster, signal, key, account, post): sorted, the first post of each account comes first
  std::vector<std::tuple<std::uint64_t, std::uint8_t, std::uint64_t, std::uint64_t, std::uint64_t>>
      seen;
  for (std::size_t i = 0; i < actions.account.size(); ++i) {
    const auto cluster = accounts[actions.account[i] - begin].cluster;
    if (cluster != 0) {
      seen.emplace_back(cluster, actions.signal[i], actions.key[i], actions.account[i],
                        actions.post[i]);
    }
  }
  for (const auto &post : family_posts) { // near-duplicate families: the templates
    const auto cluster = accounts[post.account - begin].cluster;
    if (cluster != 0)
      seen.emplace_back(cluster, detect::kNearDuplicateSignal, post.key, post.account, post.post);
  }
  const auto &follows = data.follows; // whom members follow (no post to show)
  for (std::size_t i = 0; i < follows.account.size(); ++i) {
    const auto cluster = accounts[follows.account[i] - begin].cluster;
    if (cluster != 0)
      seen.emplace_back(cluster, detect::kFollowsSignal, follows.followed[i], follows.account[i],
                        0);
  }
  std::sort(seen.begin(), seen.end());
  std::vector<KeyCount> out;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const auto &[cluster, signal, key, account, post] = seen[i];
    if (i > 0 && std::get<3>(seen[i - 1]) == account && std::get<2>(seen[i - 1]) == key &&
        std::get<1>(seen[i - 1]) == signal && std::get<0>(seen[i - 1]) == cluster)
      continue; // the same member again
    if (!out.empty() && out.back().cluster == cluster && out.back().signal == signal &&
        out.back().key == key) {
      ++out.back().accounts;
      out.back().post = std::min(out.back().post, post);
    } else {
      out.push_back({cluster, key, 1, post, signal});
    }
  }
  return out;
}

// Keys shared by at least two members, the `n` with most members per signal (ties: smaller key).
std::vector<TopKey> most_shared_keys(std::vector<KeyCount> counts, std::uint32_t n) {
  std::sort(counts.begin(), counts.end(), [](const KeyCount &x, const KeyCount &y) {
    return std::tie(x.signal, x.key) < std::tie(y.signal, y.key);
  });
  std::vector<TopKey> summed;
  for (const auto &c : counts) {
    if (!summed.empty() && summed.back().signal == c.signal && summed.back().key == c.key) {
      summed.back().accounts += c.accounts;
      summed.back().post = std::min(summed.back().post, c.post);
    } else {
      summed.push_back({c.signal, c.key, c.accounts, 0, c.post});
    }
  }
  std::erase_if(summed, [](const TopKey &k) { return k.accounts < 2; });
  std::sort(summed.begin(), summed.end(), [](const TopKey &x, const TopKey &y) {
    if (x.signal != y.signal)
      return x.signal < y.signal;
    return x.accounts != y.accounts ? x.accounts > y.accounts : x.key < y.key;
  });
  return first_per_signal(summed, n);
}

// Accounts of the whole dataset that acted on each of `keys` (the same list on every rank).
// Collective.
std::vector<std::uint64_t> dataset_accounts(const mpi::Comm &comm,
                                            const detect::PartitionData &data,
                                            const std::vector<detect::Action> &family_posts,
                                            const std::vector<SignalKey> &keys) {
  std::unordered_map<std::uint64_t, std::vector<std::size_t>> index; // key -> positions in keys
  for (std::size_t i = 0; i < keys.size(); ++i)
    index[keys[i].key].push_back(i);
  std::vector<std::pair<std::size_t, std::uint64_t>> acted; // (position, account)
  const auto &actions = data.actions;
  for (std::size_t i = 0; i < actions.key.size(); ++i) {
    const auto it = index.find(actions.key[i]);
    if (it == index.end())
      continue;
    for (const auto position : it->second) {
      if (keys[position].signal == actions.signal[i])
        acted.emplace_back(position, actions.account[i]);
    }
  }
  for (const auto &post : family_posts) {
    const auto it = index.find(post.key);
    if (it == index.end())
      continue;
    for (const auto position : it->second) {
      if (keys[position].signal == detect::kNearDuplicateSignal)
        acted.emplace_back(position, post.account);
    }
  }
  const auto &follows = data.follows;
  for (std::size_t i = 0; i < follows.followed.size(); ++i) {
    const auto it = index.find(follows.followed[i]);
    if (it == index.end())
      continue;
    for (const auto position : it->second) {
      if (keys[position].signal == detect::kFollowsSignal)
        acted.emplace_back(position, follows.account[i]);
    }
  }
  std::sort(acted.begin(), acted.end());
  acted.erase(std::unique(acted.begin(), acted.end()), acted.end());
  std::vector<std::uint64_t> counts(keys.size(), 0);
  for (const auto &[position, account] : acted)
    ++counts[position];
  return mpi::allreduce(comm, std::span<const std::uint64_t>(counts), mpi::Op::sum);
}

// The top keys of every local cluster: the shared keys most particular to the cluster (members
// times the members' share of every account acting on the key), so a viral post that half the
// dataset retweeted ranks below a slogan only the cluster used. Collective.
void choose_top_keys(const mpi::Comm &comm, const detect::PartitionData &data,
                     const std::vector<detect::Action> &family_posts, std::uint32_t n,
                     std::map<std::uint64_t, std::vector<TopKey>> &candidates) {
  std::vector<SignalKey> local;
  for (const auto &[id, keys] : candidates) {
    for (const auto &k : keys)
      local.push_back({k.key, k.signal});
  }
  auto all = mpi::allgatherv(comm, local);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  const auto counts = dataset_accounts(comm, data, family_posts, all);
  for (auto &[id, keys] : candidates) {
    for (auto &k : keys) {
      const auto at = std::lower_bound(all.begin(), all.end(), SignalKey{k.key, k.signal});
      k.dataset_accounts = counts[std::size_t(at - all.begin())];
    }
    std::sort(keys.begin(), keys.end(), [](const TopKey &x, const TopKey &y) {
      if (x.signal != y.signal)
        return x.signal < y.signal;
      // members * members / dataset accounts, compared without division
      const auto lx = double(x.accounts) * double(x.accounts) * double(y.dataset_accounts);
      const auto ly = double(y.accounts) * double(y.accounts) * double(x.dataset_accounts);
      return lx != ly ? lx > ly : x.key < y.key;
    });
    keys = first_per_signal(keys, n);
  }
}

// Mean of the defined (non-NaN) values.
struct Mean {
  double sum = 0;
  std::uint64_t count = 0;
  void add(double value) {
    if (!std::isnan(value)) {
      sum += value;
      ++count;
    }
  }
  double value() const { return count ? sum / double(count) : std::nan(""); }
};

void add_members(ClusterProfile &p, const std::vector<const MemberSummary *> &members) {
  Mean automation, pace, hours;
  std::map<std::int32_t, std::uint64_t> weeks;
  p.first_ms = std::numeric_limits<std::int64_t>::max();
  p.last_ms = std::numeric_limits<std::int64_t>::min();
  for (const auto *m : members) {
    automation.add(m->automation_client_share);
    pace.add(m->posts_per_active_day);
    hours.add(m->hour_of_week_share);
    p.first_ms = std::min(p.first_ms, m->first_ms);
    p.last_ms = std::max(p.last_ms, m->last_ms);
    if (m->created_day != kUnknownDay)
      ++weeks[static_cast<std::int32_t>(time::week_monday(m->created_day))];
    p.principals += m->role == Role::principal;
    p.initiators += m->role == Role::initiator;
    p.amplifiers += m->role == Role::amplifier;
  }
  p.automation_client_share = automation.value();
  p.posts_per_active_day = pace.value();
  p.hour_of_week_share = hours.value();
  for (const auto &[week, count] : weeks) {
    if (count > p.cohort_accounts) // the earliest week among equals
      std::tie(p.cohort_week, p.cohort_accounts) = std::pair(week, count);
  }
}

ClusterProfile from_edges(const EdgeProfile &e) {
  ClusterProfile p;
  p.id = e.id;
  p.size = e.size;
  p.smallest_account = e.smallest_account;
  p.component = e.component;
  p.edges = e.edges;
  p.engagement_edges = e.engagement_edges;
  const double pairs = 0.5 * double(e.size) * double(e.size - 1);
  p.density = double(e.edges) / pairs;
  p.mean_edge_score = e.edges ? e.score_sum / double(e.edges) : 0;
  p.median_delay_s = e.median_delay_s;
  p.score = p.density * p.mean_edge_score;
  p.coactions.assign(std::begin(e.coactions), std::end(e.coactions));
  return p;
}

} // namespace

std::vector<ClusterProfile>
profile_clusters(const mpi::Comm &comm, const ClusterConfig &config,
                 const detect::PartitionData &data, const detect::DetectResult &detected,
                 const std::vector<EdgeProfile> &edge_profiles,
                 std::vector<AccountCluster> &accounts, std::vector<std::uint64_t> &baseline,
                 double &dataset_follow_density, mpi::ExchangeOptions exchange) {
  const auto hits = member_interactions(comm, data, accounts, exchange);
  auto follows = follows_among_members(comm, data, accounts, exchange);
  dataset_follow_density = follows.dataset_density;
  count_roles(comm, data, hits, accounts, exchange);
  std::array<std::uint64_t, 168> hours{};
  auto activity = cluster_activity(comm, data, accounts, hours, exchange);
  baseline.assign(hours.begin(), hours.end());

  const auto ranks = comm.size();
  const auto to_owner = [ranks](const auto &item) { return cluster_owner(item.cluster, ranks); };
  const auto edges = mpi::route(
      comm, edge_profiles, [ranks](const EdgeProfile &e) { return cluster_owner(e.id, ranks); },
      exchange);
  const auto members =
      mpi::route(comm, member_summaries(data, detected, accounts), to_owner, exchange);
  const auto keys =
      mpi::route(comm, member_keys(data, detected.family_posts, accounts), to_owner, exchange);
  const auto interactions = mpi::route(comm, hits, to_owner, exchange);

  std::map<std::uint64_t, ClusterProfile> profiles;
  for (const auto &e : edges)
    profiles.emplace(e.id, from_edges(e));
  std::map<std::uint64_t, std::vector<const MemberSummary *>> members_of;
  for (const auto &m : members)
    members_of[m.cluster].push_back(&m);
  for (auto &[id, p] : profiles)
    add_members(p, members_of[id]);
  for (const auto &h : interactions) {
    auto &p = profiles.at(h.cluster);
    using store::schema::Interaction;
    p.retweets += h.kind == std::uint8_t(Interaction::retweet_of);
    p.replies += h.kind == std::uint8_t(Interaction::reply_to);
    p.mentions += h.kind == std::uint8_t(Interaction::mention_of);
  }
  std::map<std::uint64_t, std::vector<KeyCount>> keys_of;
  for (const auto &k : keys)
    keys_of[k.cluster].push_back(k);
  std::map<std::uint64_t, std::vector<TopKey>> candidates;
  for (auto &[id, p] : profiles) // more candidates than kept: the final order is by particularity
    candidates[id] = most_shared_keys(std::move(keys_of[id]), kCandidateKeys * config.top_keys);
  choose_top_keys(comm, data, detected.family_posts, config.top_keys, candidates);
  for (auto &[id, p] : profiles) {
    p.top_keys = std::move(candidates[id]);
    for (const auto &c : activity[id])
      p.activity.push_back({static_cast<std::uint8_t>(c.kind), c.bucket, c.count});
    const auto &f = follows.clusters[id]; // on this cluster's owner, like its profile
    p.follows = f.follows;
    p.mutual_follows = f.mutual;
    const auto k = static_cast<double>(p.size);
    p.follow_density = k < 2 ? 0 : static_cast<double>(f.follows) / (k * (k - 1));
    for (const auto &[day, count] : f.by_day) // after the other kinds: the order stays sorted
      p.activity.push_back({std::uint8_t(ActivityKind::follows_gained), day, count});
  }

  std::vector<ClusterProfile> mine;
  for (auto &[id, p] : profiles)
    mine.push_back(std::move(p));
  std::vector<ClusterProfile> all;
  for (auto &part : mpi::gather_objects(comm, mine))
    std::move(part.begin(), part.end(), std::back_inserter(all));
  std::sort(all.begin(), all.end(),
            [](const ClusterProfile &x, const ClusterProfile &y) { return x.id < y.id; });
  return all;
}

} // namespace lockstep::cluster
