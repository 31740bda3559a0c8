// Networks, not audiences: the evidence a cluster tied by author-keyed signals needs to be kept.
#include "cluster/networks.hpp"

#include "cluster/activity.hpp"
#include "common/time.hpp"
#include "detect/audience.hpp"
#include "detect/features.hpp"
#include "mpi/collectives.hpp"

#include <algorithm>
#include <array>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

namespace lockstep::cluster {

namespace {

using detect::Feature;
using store::schema::Interaction;
using store::schema::Signal;

// Signals whose keys are posts with an author, as the audience null groups them.
bool author_keyed(std::size_t signal) {
  return signals::has_authors(static_cast<std::uint8_t>(signal));
}

// An account posts mostly from automation clients (NaN, no posts, is not).
bool automated(const detect::FeatureRow &features) {
  return features[std::size_t(Feature::automation_client_share)] > 0.5;
}

// What the tests need of the whole dataset and of each cluster's members, on rank 0.
struct Baseline {
  std::map<std::int64_t, std::uint64_t> accounts_per_week; // by creation week (its Monday)
  std::uint64_t dated_accounts = 0;                        // with a creation date
  std::uint64_t automated_accounts = 0, posting_accounts = 0;
  std::map<std::uint64_t, std::uint64_t> automated_members, posting_members; // by cluster id
};

// Gathers the Baseline (complete on rank 0). Collective.
Baseline gather_baseline(const mpi::Comm &comm, const detect::PartitionData &data,
                         const detect::DetectResult &detected, const ClusterResult &result) {
  std::map<std::int64_t, std::uint64_t> weeks;
  std::map<std::uint64_t, std::pair<std::uint64_t, std::uint64_t>> members; // automated, posting
  std::uint64_t totals[2] = {0, 0};                                         // the same
  for (std::size_t i = 0; i < data.accounts.rows.count; ++i) {
    if (data.accounts.created_day[i] != kUnknownDay)
      ++weeks[time::week_monday(data.accounts.created_day[i])];
    const bool posts =
        !std::isnan(detected.features[i][std::size_t(Feature::automation_client_share)]);
    totals[0] += automated(detected.features[i]);
    totals[1] += posts;
    if (const auto cluster = result.accounts[i].cluster; cluster != 0) {
      members[cluster].first += automated(detected.features[i]);
      members[cluster].second += posts;
    }
  }
  std::vector<std::int64_t> flat_weeks;
  for (const auto &[week, count] : weeks) {
    flat_weeks.push_back(week);
    flat_weeks.push_back(static_cast<std::int64_t>(count));
  }
  std::vector<std::uint64_t> flat_members;
  for (const auto &[cluster, counts] : members) {
    flat_members.insert(flat_members.end(), {cluster, counts.first, counts.second});
  }
  Baseline b;
  const auto all_weeks = mpi::allgatherv(comm, flat_weeks);
  for (std::size_t i = 0; i + 1 < all_weeks.size(); i += 2) {
    b.accounts_per_week[all_weeks[i]] += static_cast<std::uint64_t>(all_weeks[i + 1]);
    b.dated_accounts += static_cast<std::uint64_t>(all_weeks[i + 1]);
  }
  const auto all_members = mpi::allgatherv(comm, flat_members);
  for (std::size_t i = 0; i + 2 < all_members.size(); i += 3) {
    b.automated_members[all_members[i]] += all_members[i + 1];
    b.posting_members[all_members[i]] += all_members[i + 2];
  }
  b.automated_accounts = mpi::allreduce(comm, totals[0], mpi::Op::sum);
  b.posting_accounts = mpi::allreduce(comm, totals[1], mpi::Op::sum);
  return b;
}

// More than half of the cluster's inside co-actions come from author-keyed signals.
bool tied_by_authors(const ClusterProfile &p) {
  std::uint64_t authored = 0, all = 0;
  for (std::size_t s = 0; s < p.coactions.size(); ++s) {
    all += p.coactions[s];
    authored += author_keyed(s) ? p.coactions[s] : 0;
  }
  return 2 * authored > all;
}

// The principal of each tested cluster, its audience (accounts that retweeted or replied to it),
// and how many of the cluster's members are in it; on rank 0, by cluster id.
struct Principal {
  std::uint64_t author = 0; // key of its userid (/interactions target_key); 0: none found
  std::uint64_t audience = 0, members = 0;
};

// The store signal whose keys tie the cluster most among retweet, reply and quote, each counting
// the co-actions of the signals that read its actions (retweet_slow's go to retweet); ties go to
// the lower signal.
std::uint8_t main_author_signal(const ClusterProfile &p) {
  std::array<std::uint64_t, store::schema::kSignalCount> by_source{};
  for (std::size_t s = 0; s < p.coactions.size(); ++s) {
    if (author_keyed(s))
      by_source[signals::source(static_cast<std::uint8_t>(s))] += p.coactions[s];
  }
  std::uint8_t best = std::uint8_t(Signal::retweet);
  for (const auto s : {Signal::reply, Signal::quote}) {
    if (by_source[std::size_t(s)] > by_source[best])
      best = std::uint8_t(s);
  }
  return best;
}

// One of a tested cluster's top keys of its main author-keyed signal, asked for its author.
struct KeyQuery {
  std::uint64_t cluster = 0, key = 0;
  double particularity = 0; // members x members / dataset accounts (TopKey's order)
  std::uint8_t signal = 0;
};
struct KeyAuthor {
  std::uint64_t query = 0, author = 0;
};

// Queries for the top keys of each cluster's main author-keyed signal (quotes carry no author).
std::vector<KeyQuery> principal_queries(const std::vector<const ClusterProfile *> &clusters) {
  std::vector<KeyQuery> queries;
  for (const auto *p : clusters) {
    const auto signal = main_author_signal(*p);
    for (const auto &k : p->top_keys) {
      if (k.signal == signal && signal != std::uint8_t(Signal::quote))
        queries.push_back({p->id, k.key,
                           double(k.accounts) * double(k.accounts) /
                               double(std::max<std::uint64_t>(k.dataset_accounts, 1)),
                           k.signal});
    }
  }
  return queries;
}

// The author of each queried key (by query), from the interaction of any post acting on it.
// Collective.
std::map<std::uint64_t, std::uint64_t> key_authors(const mpi::Comm &comm,
                                                   const detect::PartitionData &data,
                                                   const std::vector<KeyQuery> &queries) {
  std::map<std::pair<std::uint8_t, std::uint64_t>, std::vector<std::uint64_t>> query_of;
  for (std::size_t q = 0; q < queries.size(); ++q)
    query_of[{queries[q].signal, queries[q].key}].push_back(q);
  std::unordered_map<std::uint64_t, const std::vector<std::uint64_t> *> queries_of_post;
  const auto &actions = data.actions;
  for (std::size_t i = 0; i < actions.key.size(); ++i) {
    const auto found = query_of.find({actions.signal[i], actions.key[i]});
    if (found != query_of.end())
      queries_of_post.emplace(actions.post[i], &found->second);
  }
  const auto &in = data.interactions;
  std::map<std::uint64_t, std::uint64_t> local; // query -> author
  for (std::size_t i = 0; i < in.kind.size(); ++i) {
    const auto found = queries_of_post.find(in.post[i]);
    if (found == queries_of_post.end() || !names_an_author(in, i))
      continue;
    for (const auto q : *found->second)
      local.emplace(q, in.target_key[i]);
  }
  std::vector<KeyAuthor> flat;
  for (const auto &[q, author] : local)
    flat.push_back({q, author});
  std::map<std::uint64_t, std::uint64_t> author_of_query; // the smallest found: all agree
  for (const auto &found : mpi::allgatherv(comm, flat)) {
    auto [it, inserted] = author_of_query.emplace(found.query, found.author);
    if (!inserted)
      it->second = std::min(it->second, found.author);
  }
  return author_of_query;
}

// Each cluster's principal (cluster -> author): the author of its most particular top keys.
std::map<std::uint64_t, std::uint64_t>
choose_principals(const std::vector<KeyQuery> &queries,
                  const std::map<std::uint64_t, std::uint64_t> &author_of_query) {
  std::map<std::uint64_t, std::map<std::uint64_t, double>> weight; // cluster -> author
  for (const auto &[q, author] : author_of_query)
    weight[queries[q].cluster][author] += queries[q].particularity;
  std::map<std::uint64_t, std::uint64_t> principal_of;
  for (const auto &[cluster, authors] : weight) {
    principal_of[cluster] = std::max_element(authors.begin(), authors.end(), [](auto &x, auto &y) {
                              return x.second != y.second ? x.second < y.second : x.first > y.first;
                            })->first;
  }
  return principal_of;
}

// Each principal's audience (accounts that retweeted or replied to it) and the cluster's members
// in it, counted where the accounts are. Collective.
std::map<std::uint64_t, Principal>
count_audiences(const mpi::Comm &comm, const detect::PartitionData &data,
                const ClusterResult &result,
                const std::map<std::uint64_t, std::uint64_t> &principal_of) {
  std::map<std::uint64_t, std::size_t> slot_of_author; // several clusters may share a principal
  for (const auto &[cluster, author] : principal_of)
    slot_of_author.emplace(author, slot_of_author.size());
  std::set<std::pair<std::size_t, std::uint64_t>> in_audience;  // (author slot, account)
  std::set<std::pair<std::uint64_t, std::uint64_t>> in_cluster; // (cluster, account)
  const auto &in = data.interactions;
  for (std::size_t i = 0; i < in.kind.size(); ++i) {
    const auto author = slot_of_author.find(in.target_key[i]);
    if (!names_an_author(in, i) || author == slot_of_author.end())
      continue;
    in_audience.emplace(author->second, in.source[i]);
    const auto cluster = result.accounts[in.source[i] - data.accounts.rows.begin].cluster;
    const auto principal = principal_of.find(cluster);
    if (principal != principal_of.end() && principal->second == in.target_key[i])
      in_cluster.emplace(cluster, in.source[i]);
  }
  std::vector<std::uint64_t> audience(slot_of_author.size(), 0), members;
  for (const auto &[slot, account] : in_audience)
    ++audience[slot];
  for (const auto &[cluster, author] : principal_of) {
    members.push_back(static_cast<std::uint64_t>(std::distance(
        in_cluster.lower_bound({cluster, 0}), in_cluster.lower_bound({cluster + 1, 0}))));
  }
  audience = mpi::allreduce(comm, std::span<const std::uint64_t>(audience), mpi::Op::sum);
  members = mpi::allreduce(comm, std::span<const std::uint64_t>(members), mpi::Op::sum);
  std::map<std::uint64_t, Principal> out;
  std::size_t i = 0;
  for (const auto &[cluster, author] : principal_of)
    out[cluster] = {author, audience[slot_of_author.at(author)], members[i++]};
  return out;
}

// The principals of `clusters` (on rank 0; other ranks pass none): for each, the author whose posts
// among its top keys of its main author-keyed signal are most particular to it (members acting on
// them, times the members' share of all accounts acting on them); then that author's audience and
// the members in it. Quote-tied clusters have none. Collective.
std::map<std::uint64_t, Principal>
find_principals(const mpi::Comm &comm, const detect::PartitionData &data,
                const ClusterResult &result, const std::vector<const ClusterProfile *> &clusters) {
  auto queries = principal_queries(clusters);
  mpi::broadcast(comm, queries);
  const auto principal_of = choose_principals(queries, key_authors(comm, data, queries));
  return count_audiences(comm, data, result, principal_of);
}

std::uint64_t member_weeks(const ClusterProfile &p) {
  return static_cast<std::uint64_t>(
      std::count_if(p.activity.begin(), p.activity.end(), [](const ActivityBucket &a) {
        return a.kind == static_cast<std::uint8_t>(ActivityKind::created_week);
      }));
}

// A tested cluster's evidence (kept_by_coactions for the others).
std::uint8_t kept_because(const ClusterProfile &p, const Principal &principal, const Baseline &b,
                          double alpha, std::uint64_t tested) {
  if (!tied_by_authors(p))
    return kept_by_coactions;
  // Its members are more than half of the accounts that retweeted or replied to its principal.
  std::uint8_t why = 2 * principal.members > principal.audience ? kept_by_audience : 0;
  if (2 * p.engagement_edges > p.edges)
    why |= kept_by_engagement;
  const double cut = alpha / double(std::max<std::uint64_t>(tested, 1));
  if (p.cohort_week != kUnknownDay && b.dated_accounts > 0) {
    const auto week = b.accounts_per_week.find(p.cohort_week);
    const double share =
        week == b.accounts_per_week.end() ? 0 : double(week->second) / double(b.dated_accounts);
    const double tail = binomial_tail(p.cohort_accounts, p.size, share);
    if (tail * double(std::max<std::uint64_t>(member_weeks(p), 1)) <= cut)
      why |= kept_by_cohort;
  }
  if (b.posting_accounts > 0) {
    const auto at = [](const auto &map, std::uint64_t id) {
      const auto it = map.find(id);
      return it == map.end() ? std::uint64_t{0} : it->second;
    };
    const double share = double(b.automated_accounts) / double(b.posting_accounts);
    if (binomial_tail(at(b.automated_members, p.id), at(b.posting_members, p.id), share) <= cut)
      why |= kept_by_automation;
  }
  return why;
}

} // namespace

bool names_an_author(const detect::InteractionTable &in, std::size_t i) {
  return in.kind[i] == std::uint8_t(Interaction::retweet_of) ||
         in.kind[i] == std::uint8_t(Interaction::reply_to);
}

std::string kept_because_text(std::uint8_t kept_because) {
  static constexpr std::pair<std::uint8_t, const char *> kNames[] = {
      {kept_by_coactions, "co-actions"},
      {kept_by_audience, "principal's audience"},
      {kept_by_cohort, "creation cohort"},
      {kept_by_automation, "automation clients"},
      {kept_by_engagement, "in step beyond habits"}};
  std::string out;
  for (const auto &[bit, name] : kNames) {
    if (kept_because & bit)
      out += (out.empty() ? "" : ";") + std::string(name);
  }
  return out;
}

double binomial_tail(std::uint64_t k, std::uint64_t n, double p) {
  if (k == 0)
    return 1;
  if (k > n || p <= 0)
    return 0;
  if (p >= 1)
    return 1;
  return boost::math::ibeta(double(k), double(n - k + 1), p); // P(X >= k) = I_p(k, n - k + 1)
}

std::vector<PrincipalAudience> keep_networks(const mpi::Comm &comm, double alpha,
                                             const detect::PartitionData &data,
                                             const detect::DetectResult &detected,
                                             ClusterResult &result) {
  const auto baseline = gather_baseline(comm, data, detected, result);
  std::vector<const ClusterProfile *> tested; // on rank 0
  for (const auto &p : result.profiles) {
    if (tied_by_authors(p))
      tested.push_back(&p);
  }
  const auto principals = find_principals(comm, data, result, tested);
  std::vector<std::uint64_t> new_id; // by old id; 0: dropped
  std::vector<PrincipalAudience> audiences;
  if (comm.is_root()) {
    new_id.assign(result.profiles.size() + 1, 0);
    std::vector<ClusterProfile> kept;
    for (auto &p : result.profiles) {
      const auto principal = principals.find(p.id);
      p.kept_because =
          kept_because(p, principal == principals.end() ? Principal() : principal->second, baseline,
                       alpha, tested.size());
      if (p.kept_because == 0)
        continue;
      new_id[p.id] = kept.size() + 1;
      p.id = kept.size() + 1;
      if (p.kept_because & kept_by_audience)
        audiences.push_back({p.id, principal->second.author});
      kept.push_back(std::move(p));
    }
    result.profiles = std::move(kept);
  }
  mpi::broadcast(comm, new_id);
  for (auto &a : result.accounts) {
    if (a.cluster != 0 && (a.cluster = new_id[a.cluster]) == 0)
      a = AccountCluster();
  }
  std::uint64_t kept = 0, clustered = 0;
  for (std::size_t old = 1; old < new_id.size(); ++old)
    kept += new_id[old] != 0;
  for (const auto &a : result.accounts)
    clustered += a.cluster != 0;
  result.totals.clusters = kept;
  result.totals.clustered_accounts = mpi::allreduce(comm, clustered, mpi::Op::sum);
  return audiences;
}

} // namespace lockstep::cluster
