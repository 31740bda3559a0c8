// The follows signal: weights, the Chernoff tail against the exact compound Poisson tail, every
// tested pair against a brute-force oracle at 1-4 ranks, and on a generated world the follow-only
// campaign found while the niche communities (towns, universities) stay out of every cluster.
#include "cluster/clusters.hpp"
#include "common/hash.hpp"
#include "detect/follows.hpp"
#include "generated_store.hpp"
#include "ingest/ingest.hpp"
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"
#include "signals/table.hpp"
#include "synth/model.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

namespace lockstep::testing {
namespace {

TEST(FollowWeight, IsTheFloorOfLog2OfAccountsOverFollowers) {
  EXPECT_EQ(detect::follow_weight(1, 1000), 9u); // 1000: between 2^9 and 2^10
  EXPECT_EQ(detect::follow_weight(3, 1000), 8u); // 333
  EXPECT_EQ(detect::follow_weight(500, 1000), 1u);
  EXPECT_EQ(detect::follow_weight(501, 1000), 0u);
  EXPECT_EQ(detect::follow_weight(1000, 1000), 0u);
  EXPECT_EQ(detect::follow_weight(1, 1024), 10u);
  EXPECT_EQ(detect::follow_weight(0, 1000), 0u);
}

// P(S >= s) for S = sum w_c X_c, X_c ~ Poisson(rate_c), exactly (Panjer's recursion in long
// double, summing the far tail until it stops mattering).
long double exact_tail(std::uint64_t s, const std::vector<detect::WeightedRate> &rates) {
  long double total = 0;
  for (const auto &r : rates)
    total += static_cast<long double>(r.rate);
  std::vector<long double> p{std::exp(-total)};
  long double below = 0;
  for (std::uint64_t k = 0; k < s; ++k)
    below += k < p.size() ? p[k] : 0;
  for (std::uint64_t k = 1; k < s + 2000; ++k) {
    long double sum = 0;
    for (const auto &r : rates) {
      if (r.weight > 0 && r.weight <= k)
        sum += static_cast<long double>(r.weight) * r.rate * p[k - r.weight];
    }
    p.push_back(sum / static_cast<long double>(k));
  }
  long double tail = 0;
  for (std::uint64_t k = s; k < p.size(); ++k)
    tail += p[k];
  return tail;
}

TEST(WeightedTail, BoundsTheExactTailFromAboveAndCloselyFarOut) {
  const std::vector<detect::WeightedRate> rates = {{1, 0.8}, {3, 0.2}, {7, 0.01}, {10, 0.002}};
  double mean = 0;
  for (const auto &r : rates)
    mean += r.rate * r.weight;
  EXPECT_EQ(detect::log10_weighted_tail(mean, rates), 0.0);
  EXPECT_EQ(detect::log10_weighted_tail(0.5 * mean, rates), 0.0);
  for (const std::uint64_t s : {3u, 8u, 15u, 30u, 60u, 120u}) {
    const double exact = static_cast<double>(std::log10(exact_tail(s, rates)));
    const double bound = detect::log10_weighted_tail(static_cast<double>(s), rates);
    EXPECT_GE(bound, exact - 1e-9) << "s " << s << ": a bound below the exact p";
    EXPECT_LE(bound - exact, 2.0) << "s " << s << ": the bound is too loose";
  }
  // One weight: the bound of a Poisson tail.
  const std::vector<detect::WeightedRate> single = {{4, 0.5}};
  EXPECT_NEAR(detect::log10_weighted_tail(20, single),
              (0.5 * std::expm1(std::log(20.0 / 2.0)) - 20 * std::log(10.0) / 4) / std::log(10.0),
              1e-6);
}

// A follow table: 80 accounts following a Zipf choice of 60 popular and 200 rare accounts, and
// a group of 10 that also follows 12 rare accounts and one another.
class Follows : public SharedFolderTest {
protected:
  void SetUp() override {
    make_folder("follows");
    if (comm.is_root()) {
      std::mt19937_64 rng(7);
      std::ofstream out(dir + "/follows.csv");
      out << "account_id,followed_id,collected_at\n";
      std::discrete_distribution<int> popular({60, 30, 20, 15, 12, 10, 8, 7, 6, 5, 4, 4, 3, 3, 2});
      for (int a = 0; a < 80; ++a) {
        const int follows = 5 + static_cast<int>(rng() % 25);
        for (int i = 0; i < follows; ++i) {
          const bool rare = rng() % 3 == 0;
          const auto followed = rare ? "r" + std::to_string(rng() % 200)
                                     : "p" + std::to_string(popular(rng) * 4 + int(rng() % 4));
          out << "a" << a << "," << followed << "," << 1'600'000'000 + (rng() % 5) * 86'400 << "\n";
        }
        if (a < 10) {
          for (int g = 0; g < 12; ++g)
            out << "a" << a << ",g" << g << ",\n";
          for (int b = 0; b < 10; ++b) {
            if (b != a)
              out << "a" << a << ",a" << b << ",2020-09-14\n";
          }
        }
      }
      std::ofstream(dir + "/actions.csv") << "object_id,account_id,content_id,timestamp_share\n"
                                             "x,a0,c1,1600000000\n";
    }
    comm.barrier();
    IngestConfig c;
    c.store_path = dir + "/store.h5";
    c.format = "actions";
    c.actions = {dir + "/actions.csv"};
    c.follows = {dir + "/follows.csv"};
    c.partitions = 7;
    ingest::ingest(comm, c);
    data = detect::read_partitions(comm, c.store_path);
  }
  detect::PartitionData data;
};

struct OracleFollow {
  std::uint64_t account = 0, followed = 0;
  std::int64_t first_ms = 0;
};

// The tested pairs by brute force over every follow (all ranks), as find_follow_pairs documents:
// every pair of accounts, its shared followed accounts by set intersection.
std::vector<detect::EdgeSignal> oracle_pairs(const std::vector<OracleFollow> &all,
                                             const detect::FollowRule &rule) {
  std::map<std::uint64_t, std::map<std::uint64_t, std::int64_t>> lists; // account -> followed
  std::map<std::uint64_t, std::uint64_t> popularity;
  for (const auto &f : all) {
    lists[f.account][f.followed] = f.first_ms;
    ++popularity[f.followed];
  }
  const auto accounts = lists.size();
  std::vector<std::uint64_t> squares(64, 0);
  for (const auto &[followed, p] : popularity)
    squares[detect::follow_weight(p, accounts)] += p * p;
  const auto weight = [&](std::uint64_t followed) {
    return detect::follow_weight(popularity.at(followed), accounts);
  };
  std::map<std::uint64_t, std::uint64_t> list_weight;
  for (const auto &[account, list] : lists) {
    for (const auto &[followed, t] : list)
      list_weight[account] += weight(followed);
  }
  std::vector<detect::EdgeSignal> out;
  for (auto x = lists.begin(); x != lists.end(); ++x) {
    for (auto y = std::next(x); y != lists.end(); ++y) {
      std::uint64_t shared = 0, sum = 0;
      std::vector<detect::Evidence> evidence;
      for (const auto &[followed, t] : x->second) {
        const auto p = popularity.at(followed);
        const auto other = y->second.find(followed);
        if (other == y->second.end() || p > rule.max_followers)
          continue;
        ++shared;
        sum += weight(followed);
        evidence.push_back({followed, 0, 0, t, other->second});
      }
      if (shared < rule.min_shared ||
          static_cast<double>(sum) <
              rule.min_overlap *
                  static_cast<double>(std::min(list_weight[x->first], list_weight[y->first])))
        continue;
      const double scale = static_cast<double>(x->second.size()) / double(all.size()) *
                           (static_cast<double>(y->second.size()) / double(all.size()));
      std::vector<detect::WeightedRate> rates;
      for (std::uint32_t w = 0; w < 64; ++w) {
        if (squares[w] > 0)
          rates.push_back({w, scale * static_cast<double>(squares[w])});
      }
      detect::EdgeSignal s;
      s.stats.a = x->first;
      s.stats.b = y->first;
      s.stats.keys = shared;
      s.log10_p = detect::log10_weighted_tail(static_cast<double>(sum), rates);
      std::sort(evidence.begin(), evidence.end(), [&](const auto &e, const auto &f) {
        return std::make_pair(-static_cast<int>(weight(e.key)), e.key) <
               std::make_pair(-static_cast<int>(weight(f.key)), f.key);
      });
      evidence.resize(std::min<std::size_t>(evidence.size(), rule.evidence_per_edge));
      s.evidence = evidence;
      out.push_back(s);
    }
  }
  for (auto &s : out) {
    s.log10_p = std::min(0.0, s.log10_p + std::log10(static_cast<double>(out.size())));
    if (s.log10_p > std::log10(rule.alpha))
      s.evidence.clear();
  }
  return out;
}

TEST_F(Follows, TestedPairsAreTheOraclesAtAnyRankCount) {
  std::vector<OracleFollow> mine;
  for (std::size_t i = 0; i < data.follows.account.size(); ++i)
    mine.push_back({data.follows.account[i], data.follows.followed[i], data.follows.first_ms[i]});
  const auto all = mpi::allgatherv(comm, mine);
  // The last rule's records go through in rounds of 2 KB per rank: the same pairs.
  for (const auto &rule :
       {detect::FollowRule{30, 2, 0.2, 3, 0.01}, detect::FollowRule{1000, 1, 0, 5, 0.05},
        detect::FollowRule{12, 3, 0.3, 2, 0.01}, detect::FollowRule{30, 2, 0.2, 3, 0.01, 2048}}) {
    auto found = detect::find_follow_pairs(comm, data, rule, {});
    struct Got {
      std::uint64_t a, b, keys;
      double log10_p;
      std::uint64_t evidence[5];
      std::uint32_t items;
    };
    std::vector<Got> got_mine;
    for (const auto &s : found.tested) {
      Got g{s.stats.a, s.stats.b, s.stats.keys, s.log10_p, {}, 0};
      for (const auto &e : s.evidence)
        g.evidence[g.items++] = e.key;
      got_mine.push_back(g);
    }
    auto got = mpi::allgatherv(comm, got_mine);
    std::sort(got.begin(), got.end(),
              [](const Got &x, const Got &y) { return std::tie(x.a, x.b) < std::tie(y.a, y.b); });
    const auto oracle = oracle_pairs(all, rule);
    ASSERT_GT(oracle.size(), 20u) << "max_followers " << rule.max_followers;
    EXPECT_EQ(found.rounds > 1, rule.round_bytes > 0);
    ASSERT_EQ(got.size(), oracle.size()) << "max_followers " << rule.max_followers;
    EXPECT_EQ(found.follows, all.size());
    EXPECT_EQ(found.followers, 80u);
    for (std::size_t i = 0; i < got.size(); ++i) {
      const auto &o = oracle[i];
      ASSERT_EQ(std::tie(got[i].a, got[i].b), std::tie(o.stats.a, o.stats.b));
      EXPECT_EQ(got[i].keys, o.stats.keys);
      EXPECT_NEAR(got[i].log10_p, o.log10_p, 1e-9);
      ASSERT_EQ(got[i].items, o.evidence.size()) << o.stats.a << "-" << o.stats.b;
      for (std::uint32_t e = 0; e < got[i].items; ++e)
        EXPECT_EQ(got[i].evidence[e], o.evidence[e].key);
    }
  }
}

TEST_F(Follows, OnlyTheGroupIsTiedAndItsEvidenceNamesWhatItFollows) {
  const detect::FollowRule rule{30, 2, 0.2, 5, 0.01};
  const auto found = detect::find_follow_pairs(comm, data, rule, {});
  std::set<std::uint64_t> group_keys, group_accounts;
  for (int g = 0; g < 12; ++g)
    group_keys.insert(hash64("g" + std::to_string(g)));
  for (int a = 0; a < 10; ++a) {
    group_keys.insert(hash64("a" + std::to_string(a)));
    for (std::size_t i = 0; i < data.accounts.id.size(); ++i) {
      if (data.accounts.id[i] == "a" + std::to_string(a))
        group_accounts.insert(data.accounts.rows.begin + i);
    }
  }
  group_accounts = [&] {
    const std::vector<std::uint64_t> mine(group_accounts.begin(), group_accounts.end());
    const auto all = mpi::allgatherv(comm, mine);
    return std::set<std::uint64_t>(all.begin(), all.end());
  }();
  ASSERT_EQ(group_accounts.size(), 10u);
  std::uint64_t group_pairs = 0, others = 0, without_group_evidence = 0;
  for (const auto &s : found.tested) {
    if (s.log10_p > std::log10(rule.alpha))
      continue;
    const bool group = group_accounts.contains(s.stats.a) && group_accounts.contains(s.stats.b);
    group_pairs += group;
    others += !group;
    without_group_evidence +=
        group && std::none_of(s.evidence.begin(), s.evidence.end(), [&](const detect::Evidence &e) {
          return group_keys.contains(e.key);
        });
    EXPECT_EQ(s.evidence.size(), rule.evidence_per_edge);
  }
  group_pairs = mpi::allreduce(comm, group_pairs, mpi::Op::sum);
  others = mpi::allreduce(comm, others, mpi::Op::sum);
  without_group_evidence = mpi::allreduce(comm, without_group_evidence, mpi::Op::sum);
  EXPECT_GE(group_pairs, 20u); // of the group's 45 pairs, in a world of 80 accounts
  EXPECT_EQ(others, 0u);
  EXPECT_EQ(without_group_evidence, 0u);
}

// A generated world with follow lists: the ninth campaign shows itself only in whom it follows.
class GeneratedFollows : public MpiTest {};

TEST_F(GeneratedFollows, TheFollowOnlyCampaignIsFoundAndNicheCommunitiesAreNot) {
  const auto dir = shared_temp_path(comm, "generated-follows");
  GenerateConfig world;
  world.accounts = 2500;
  world.days = 4;
  world.seed = 5;
  world.campaigns = 9;
  world.campaign_size = 15;
  world.follows = true;
  const auto store = generate_and_ingest(comm, dir, world);
  const auto data = detect::read_partitions(comm, store, true);
  DetectConfig config;
  config.store_path = store;
  auto result = detect::detect(comm, config, data);
  const auto clusters = cluster::find_clusters(comm, config, data, result);
  const synth::World model([&] {
    auto w = world;
    w.out_dir = dir + "/gen";
    return w;
  }());
  std::map<std::string, std::uint64_t> index_of;
  for (std::uint64_t i = 0; i < world.accounts; ++i)
    index_of[model.user_id(i)] = i;

  struct Member {
    std::uint64_t cluster = 0;
    std::uint32_t campaign = 0, community = 0;
    bool follow_network = false;
  };
  std::vector<Member> mine;
  for (std::size_t i = 0; i < clusters.accounts.size(); ++i) {
    const auto index = index_of.at(std::string(data.accounts.id[i]));
    const auto *campaign = model.campaign_of(index);
    mine.push_back({clusters.accounts[i].cluster, campaign != nullptr ? campaign->id : 0,
                    model.community_of(index),
                    campaign != nullptr && campaign->style == synth::Style::follow_network});
  }
  const auto all = mpi::allgatherv(comm, mine); // by dense id
  std::map<std::uint64_t, std::uint64_t> network_clusters;
  std::uint64_t network = 0, community_members = 0;
  for (const auto &m : all) {
    network += m.follow_network;
    network_clusters[m.cluster] += m.follow_network;
    community_members += m.community != 0;
  }
  ASSERT_EQ(network, 15u);
  ASSERT_GT(community_members, 300u);
  // The network: most of it in one cluster, which holds no one else.
  const auto best =
      std::max_element(network_clusters.begin(), network_clusters.end(),
                       [](const auto &x, const auto &y) { return x.second < y.second; });
  ASSERT_NE(best->first, 0u);
  EXPECT_GE(best->second, 12u);
  for (const auto &m : all) {
    if (m.cluster == best->first) {
      EXPECT_TRUE(m.follow_network);
    }
  }
  // No significant follows tie touches an organic account (niche communities' members among them:
  // they follow the same obscure accounts).
  std::uint64_t follow_ties = 0, organic_follow_ties = 0;
  for (const auto &edge : result.edges) {
    const bool by_follows =
        std::any_of(edge.signals.begin(), edge.signals.end(),
                    [](const detect::EdgeSignal &s) { return s.signal == detect::kFollowsSignal; });
    if (!edge.significant || !by_follows)
      continue;
    ++follow_ties;
    if (all[edge.a].campaign == 0 || all[edge.b].campaign == 0) {
      ++organic_follow_ties;
      ADD_FAILURE() << "a follows tie of an organic account"
                    << (all[edge.a].community + all[edge.b].community != 0 ? " (a niche community)"
                                                                           : "");
    }
  }
  EXPECT_GT(mpi::allreduce(comm, follow_ties, mpi::Op::sum), 100u);
  EXPECT_EQ(mpi::allreduce(comm, organic_follow_ties, mpi::Op::sum), 0u);
  // The report's interconnectedness: members follow one another far beyond the dataset.
  if (comm.is_root()) {
    const auto &p = clusters.profiles.at(best->first - 1);
    EXPECT_EQ(p.size, best->second);
    EXPECT_GT(p.follows, p.size * (p.size - 1) / 4); // each follows about half the others
    EXPECT_GT(p.mutual_follows, 0u);
    EXPECT_GT(p.follow_density, 20 * clusters.dataset_follow_density);
    // The followers it gave itself came in one burst, on the network's own day.
    const auto network_campaign = std::find_if(
        model.campaigns().begin(), model.campaigns().end(),
        [](const synth::Campaign &c) { return c.style == synth::Style::follow_network; });
    const auto burst_day = model.follow_burst_ms(*network_campaign) / synth::kDayMs;
    std::uint64_t on_burst_day = 0;
    for (const auto &a : p.activity)
      on_burst_day += a.kind == 4 && a.bucket == burst_day ? a.count : 0; // follows_gained
    EXPECT_EQ(on_burst_day, p.follows);
  }
  comm.barrier();
  if (comm.is_root())
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace lockstep::testing
