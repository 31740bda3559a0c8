// Recruitment by a principal's audience at 1 to 4 ranks, on random worlds: which edges are tested
// (one end a candidate, the other a member or candidate of the same principal's audience; never
// two members, an account of another kept cluster or one outside the audience), and which pass,
// against a brute-force Benjamini-Hochberg per family written from its definition.
#include "account_ranges.hpp"
#include "cluster/recruit.hpp"
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"
#include "partition/ownership.hpp"
#include "store/schema.hpp"

#include <cmath>
#include <map>
#include <random>
#include <set>

namespace lockstep::testing {
namespace {

using store::schema::Interaction;

constexpr std::uint64_t kAccounts = 120;
constexpr double kAlpha = 0.01;

// Accounts 0..39 retweet principal 1001 (cluster 1 holds 0..24), 40..69 principal 1002 (cluster
// 2 holds 40..59), 70..79 are in cluster 3 but retweet 1001 too, and 80..119 retweet other
// authors. Every account also replies to an author nobody is the principal of.
struct World {
  std::vector<std::uint64_t> cluster = std::vector<std::uint64_t>(kAccounts, 0);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> retweets; // (account, author)
  std::vector<detect::Edge> edges;                               // a < b, sorted
};

World make_world(std::uint64_t seed) {
  World w;
  for (std::uint64_t a = 0; a < kAccounts; ++a) {
    if (a < 25)
      w.cluster[a] = 1;
    else if (a >= 40 && a < 60)
      w.cluster[a] = 2;
    else if (a >= 70 && a < 80)
      w.cluster[a] = 3;
    const std::uint64_t author = a < 40 || (a >= 70 && a < 80) ? 1001 : a < 70 ? 1002 : 2000 + a;
    w.retweets.emplace_back(a, author);
  }
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> log10_p(-9.0, -2.0);
  for (std::uint64_t a = 0; a < kAccounts; ++a) {
    for (std::uint64_t b = a + 1; b < kAccounts; ++b) {
      if (rng() % 4 != 0)
        continue;
      detect::Edge e;
      e.a = a;
      e.b = b;
      e.recruitable = rng() % 5 != 0;
      e.log10_p_popularity = log10_p(rng);
      w.edges.push_back(e);
    }
  }
  return w;
}

// The edges that should pass, from the definitions in cluster/recruit.hpp.
std::set<std::pair<std::uint64_t, std::uint64_t>> expected_recruits(const World &w) {
  const std::map<std::uint64_t, std::uint64_t> principal_of_cluster = {{1, 1001}, {2, 1002}};
  std::set<std::pair<std::uint64_t, std::uint64_t>> out;
  for (const auto &[cluster, principal] : principal_of_cluster) {
    std::set<std::uint64_t> members, candidates;
    for (const auto &[account, author] : w.retweets) {
      if (author != principal)
        continue;
      if (w.cluster[account] == cluster)
        members.insert(account);
      else if (w.cluster[account] == 0)
        candidates.insert(account);
    }
    const double c = double(candidates.size()), m = double(members.size());
    const double hypotheses = c * m + c * (c - 1) / 2;
    std::vector<const detect::Edge *> tested;
    for (const auto &e : w.edges) {
      const bool a_in = members.count(e.a) || candidates.count(e.a);
      const bool b_in = members.count(e.b) || candidates.count(e.b);
      if (e.recruitable && a_in && b_in && (candidates.count(e.a) || candidates.count(e.b)))
        tested.push_back(&e);
    }
    // Benjamini-Hochberg: reject every p at most the largest p_(k) with p_(k) <= k alpha / m.
    double cut = -INFINITY;
    for (const auto *x : tested) {
      std::size_t rank = 0; // how many tested p-values are at most x's
      for (const auto *y : tested)
        rank += y->log10_p_popularity <= x->log10_p_popularity;
      if (std::pow(10.0, x->log10_p_popularity) <= double(rank) * kAlpha / hypotheses)
        cut = std::max(cut, x->log10_p_popularity);
    }
    for (const auto *x : tested) {
      if (x->log10_p_popularity <= cut)
        out.emplace(x->a, x->b);
    }
  }
  return out;
}

class Recruit : public MpiTest {};

TEST_F(Recruit, PassesWhatAPerFamilyBenjaminiHochbergPasses) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto w = make_world(seed);
    detect::PartitionData data;
    data.account_begin = uneven_account_ranges(comm.size(), kAccounts);
    const auto begin = data.account_begin[std::size_t(comm.rank())];
    const auto end = data.account_begin[std::size_t(comm.rank()) + 1];
    data.accounts.rows = {begin, end - begin};
    cluster::ClusterResult result;
    for (std::uint64_t a = begin; a < end; ++a) {
      result.accounts.push_back({});
      result.accounts.back().cluster = w.cluster[a];
    }
    for (const auto &[account, author] : w.retweets) {
      if (account < begin || account >= end)
        continue;
      for (const auto kind : {Interaction::retweet_of, Interaction::reply_to}) {
        data.interactions.source.push_back(account);
        data.interactions.target_key.push_back(kind == Interaction::reply_to ? 5000 : author);
        data.interactions.kind.push_back(std::uint8_t(kind));
        data.interactions.post.push_back(0);
      }
    }
    detect::DetectResult detected;
    for (const auto &e : w.edges) {
      if (e.a >= begin && e.a < end)
        detected.edges.push_back(e);
    }
    std::vector<cluster::PrincipalAudience> audiences;
    if (comm.is_root())
      audiences = {{1, 1001}, {2, 1002}};
    const auto totals = cluster::recruit_audiences(comm, kAlpha, data, audiences, result, detected);

    std::vector<std::uint64_t> recruited; // a, b, a, b, ...
    for (const auto &e : detected.edges) {
      EXPECT_EQ(e.recruited, e.provisional);
      EXPECT_FALSE(e.recruited && e.recruitable);
      if (e.recruited)
        recruited.insert(recruited.end(), {e.a, e.b});
    }
    const auto flat = mpi::allgatherv(comm, recruited);
    std::vector<std::pair<std::uint64_t, std::uint64_t>> all;
    for (std::size_t i = 0; i + 1 < flat.size(); i += 2)
      all.emplace_back(flat[i], flat[i + 1]);
    const auto expected = expected_recruits(w);
    EXPECT_EQ(std::set(all.begin(), all.end()), expected) << "seed " << seed;
    EXPECT_EQ(all.size(), expected.size());
    EXPECT_EQ(totals.recruited_edges, expected.size());
    EXPECT_EQ(totals.families, 2u);
    EXPECT_EQ(totals.candidates, 15u + 10u); // 25..39 and 60..69
    EXPECT_EQ(totals.hypotheses, 15u * 25 + 15 * 14 / 2 + 10u * 20 + 10 * 9 / 2);
    EXPECT_GT(expected.size(), 0u);
  }
}

TEST_F(Recruit, NoFamiliesRecruitNothing) {
  detect::PartitionData data;
  data.account_begin = even_account_ranges(comm.size(), kAccounts);
  cluster::ClusterResult result;
  detect::DetectResult detected;
  const auto totals = cluster::recruit_audiences(comm, kAlpha, data, {}, result, detected);
  EXPECT_EQ(totals.families, 0u);
  EXPECT_EQ(totals.recruited_edges, 0u);
}

} // namespace
} // namespace lockstep::testing
