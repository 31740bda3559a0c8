// Recruitment by a principal's audience at 1 to 4 ranks, on random worlds: which edges are tested
// (one end a candidate, the other a member or candidate of the same principal's audience; never
// two members, an account of another kept cluster or one outside the audience), and which pass,
// against a brute-force Benjamini-Hochberg per family written from its definition.
#include "account_ranges.hpp"
#include "cluster/recruit.hpp"
#include "detect/tested_parts.hpp"
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"
#include "partition/ownership.hpp"
#include "store/schema.hpp"

#include <cmath>
#include <map>
#include <memory>
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

// A job under which fusion marks the world's edges as it did: none passes the edge cuts, and a
// popularity p at most alpha (all of them) makes an edge with weight recruitable.
DetectConfig recruiting_job() {
  DetectConfig job;
  job.alpha = kAlpha;
  return job;
}

// This rank's share of fusion's output: the edges at the owner of a (with keep_candidates, the
// recruitable ones too, whole), the recruitable ones as RecruitableEdge at the owner, and their
// pair-signals (one each, with one evidence item) at the pairs' homes.
detect::DetectResult detected_at_rank(const World &w, const detect::PartitionData &data,
                                      const DetectConfig &job, int rank) {
  detect::DetectResult detected;
  detected.log10_p_threshold = detected.log10_p_popularity_threshold = -50;
  std::vector<detect::EdgeSignal> waiting;
  const auto begin = data.account_begin[std::size_t(rank)];
  const auto end = data.account_begin[std::size_t(rank) + 1];
  for (const auto &e : w.edges) {
    const bool owned = e.a >= begin && e.a < end;
    if (owned && e.recruitable)
      detected.recruitable.push_back({e.a, e.b, e.log10_p_popularity, e.a % 3, 0.25});
    if (owned && (!e.recruitable || job.keep_candidates))
      detected.edges.push_back(e);
    if (e.recruitable && !job.keep_candidates &&
        partition::pair_home(data.account_begin, e.a, e.b) == rank) {
      detect::EdgeSignal s;
      s.stats.a = e.a;
      s.stats.b = e.b;
      s.stats.keys = s.stats.coactions = 3;
      s.signal = 1;
      s.log10_p = s.log10_p_popularity = e.log10_p_popularity;
      s.evidence.push_back({e.b, e.a, e.b, std::int64_t(e.a), std::int64_t(e.b)});
      waiting.push_back(s);
    }
  }
  detected.recruitable_signals = std::make_shared<detect::TestedParts>();
  detected.recruitable_signals->add(std::move(waiting));
  return detected;
}

// Recruitment passed what the brute force passes; a recruited edge is whole where it settled.
// Brought: without keep_candidates, each with its one pair-signal from its home.
void expect_recruits(const mpi::Comm &comm, const World &w, const detect::DetectResult &detected,
                     const cluster::RecruitTotals &totals, bool brought) {
  std::vector<std::uint64_t> recruited; // a, b, a, b, ...
  for (std::size_t i = 0; i < detected.edges.size(); ++i) {
    const auto &e = detected.edges[i];
    EXPECT_EQ(e.recruited, e.provisional);
    EXPECT_FALSE(e.recruited && e.recruitable);
    if (i > 0) {
      EXPECT_LT(std::pair(detected.edges[i - 1].a, detected.edges[i - 1].b), std::pair(e.a, e.b));
    }
    for (const auto &s : e.signals)
      EXPECT_TRUE(s.stats.a == e.a && s.stats.b == e.b);
    if (!e.recruited)
      continue;
    recruited.insert(recruited.end(), {e.a, e.b});
    ASSERT_EQ(e.signals.size(), brought ? 1u : 0u);
    if (brought) {
      EXPECT_EQ(e.shared_targets, e.a % 3);
      EXPECT_EQ(e.cosine, 0.25);
      ASSERT_EQ(e.signals[0].evidence.size(), 1u);
      EXPECT_EQ(e.signals[0].evidence[0].post_a, e.a);
      EXPECT_EQ(e.log10_p_popularity, e.signals[0].log10_p_popularity);
    }
  }

  const auto flat = mpi::allgatherv(comm, recruited);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> all;
  for (std::size_t i = 0; i + 1 < flat.size(); i += 2)
    all.emplace_back(flat[i], flat[i + 1]);
  const auto expected = expected_recruits(w);
  EXPECT_EQ(std::set(all.begin(), all.end()), expected);
  EXPECT_EQ(all.size(), expected.size());
  EXPECT_EQ(totals.recruited_edges, expected.size());
  EXPECT_EQ(totals.families, 2u);
  EXPECT_EQ(totals.candidates, 15u + 10u); // 25..39 and 60..69
  EXPECT_EQ(totals.hypotheses, 15u * 25 + 15 * 14 / 2 + 10u * 20 + 10 * 9 / 2);
  EXPECT_GT(expected.size(), 0u);
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
    for (const bool keep_candidates : {false, true}) {
      auto job = recruiting_job();
      job.keep_candidates = keep_candidates;
      auto detected = detected_at_rank(w, data, job, comm.rank());
      std::vector<cluster::PrincipalAudience> audiences;
      if (comm.is_root())
        audiences = {{1, 1001}, {2, 1002}};
      const auto totals = cluster::recruit_audiences(comm, job, data, audiences, result, detected);
      SCOPED_TRACE(::testing::Message()
                   << "seed " << seed << ", keep_candidates " << keep_candidates);
      expect_recruits(comm, w, detected, totals, !keep_candidates);
      EXPECT_TRUE(detected.recruitable.empty()); // read and dropped
      EXPECT_FALSE(detected.recruitable_signals);
    }
  }
}

TEST_F(Recruit, NoFamiliesRecruitNothing) {
  detect::PartitionData data;
  data.account_begin = even_account_ranges(comm.size(), kAccounts);
  cluster::ClusterResult result;
  detect::DetectResult detected;
  const auto totals =
      cluster::recruit_audiences(comm, recruiting_job(), data, {}, result, detected);
  EXPECT_EQ(totals.families, 0u);
  EXPECT_EQ(totals.recruited_edges, 0u);
}

} // namespace
} // namespace lockstep::testing
