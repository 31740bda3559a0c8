// Recruitment by a principal's audience: each family's accounts, its recruitable edges, and one
// Benjamini-Hochberg cut per family.
#include "cluster/recruit.hpp"

#include "detect/significance.hpp"
#include "mpi/collectives.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <utility>

namespace lockstep::cluster {

namespace {

// An account of a family's audience that is a member of the family's cluster or in no kept one.
struct AudienceAccount {
  std::uint64_t family = 0; // index into the audiences
  std::uint64_t account = 0;
  std::uint64_t member = 0; // 1: a member; 0: a candidate
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 reads a defaulted <=> as comparing to 0
  auto operator<=>(const AudienceAccount &) const = default;
};

// Every family's members and candidates, on every rank, sorted. Collective.
std::vector<AudienceAccount> audience_accounts(const mpi::Comm &comm,
                                               const detect::PartitionData &data,
                                               const std::vector<PrincipalAudience> &audiences,
                                               const ClusterResult &result) {
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> families_of_author;
  for (std::uint64_t f = 0; f < audiences.size(); ++f)
    families_of_author[audiences[f].author].push_back(f);
  std::set<AudienceAccount> local;
  const auto &in = data.interactions;
  for (std::size_t i = 0; i < in.kind.size(); ++i) {
    const auto found = families_of_author.find(in.target_key[i]);
    if (found == families_of_author.end() || !names_an_author(in, i))
      continue;
    const auto cluster = result.accounts[in.source[i] - data.accounts.rows.begin].cluster;
    for (const auto f : found->second) {
      if (cluster == 0 || cluster == audiences[f].cluster)
        local.insert({f, in.source[i], cluster != 0});
    }
  }
  auto all = mpi::allgatherv(comm, std::vector<AudienceAccount>(local.begin(), local.end()));
  std::sort(all.begin(), all.end());
  return all;
}

// A recruitable edge inside a family.
struct FamilyTest {
  std::uint64_t family = 0, a = 0, b = 0;
  double log10_p = 0; // the edge's popularity p
};

// This rank's recruitable edges inside a family: one end a candidate, the other a member or a
// candidate of the same family.
std::vector<FamilyTest> family_tests(const std::vector<AudienceAccount> &accounts,
                                     const detect::DetectResult &detected) {
  std::unordered_map<std::uint64_t, std::vector<const AudienceAccount *>> roles; // by account
  for (const auto &a : accounts)
    roles[a.account].push_back(&a);
  std::vector<FamilyTest> tests;
  for (const auto &edge : detected.recruitable) {
    const auto a = roles.find(edge.a), b = roles.find(edge.b);
    if (a == roles.end() || b == roles.end())
      continue;
    for (const auto *x : a->second) {
      for (const auto *y : b->second) {
        if (x->family == y->family && !(x->member && y->member))
          tests.push_back({x->family, edge.a, edge.b, edge.log10_p_popularity});
      }
    }
  }
  return tests;
}

// The pairs in each family: candidates x members plus candidate pairs.
std::vector<std::uint64_t> family_hypotheses(const std::vector<AudienceAccount> &accounts,
                                             std::size_t families) {
  std::vector<std::uint64_t> members(families, 0), candidates(families, 0), hypotheses;
  for (const auto &a : accounts)
    ++(a.member ? members : candidates)[a.family];
  for (std::size_t f = 0; f < families; ++f) {
    const auto c = candidates[f];
    hypotheses.push_back(c == 0 ? 0 : c * members[f] + c * (c - 1) / 2);
  }
  return hypotheses;
}

// The (a, b) pairs that pass their family's cut, sorted.
std::vector<std::pair<std::uint64_t, std::uint64_t>>
passing_pairs(std::vector<FamilyTest> tests, const std::vector<std::uint64_t> &hypotheses,
              double alpha) {
  std::sort(tests.begin(), tests.end(), [](const FamilyTest &x, const FamilyTest &y) {
    return std::tie(x.family, x.log10_p, x.a, x.b) < std::tie(y.family, y.log10_p, y.a, y.b);
  });
  std::vector<std::pair<std::uint64_t, std::uint64_t>> passing;
  for (std::size_t i = 0; i < tests.size();) {
    auto j = i;
    std::vector<double> ascending;
    for (; j < tests.size() && tests[j].family == tests[i].family; ++j)
      ascending.push_back(tests[j].log10_p);
    const double cut =
        detect::benjamini_hochberg_log10(ascending, hypotheses[tests[i].family], alpha);
    for (; i < j; ++i) {
      if (tests[i].log10_p <= cut)
        passing.emplace_back(tests[i].a, tests[i].b);
    }
  }
  std::sort(passing.begin(), passing.end());
  passing.erase(std::unique(passing.begin(), passing.end()), passing.end());
  return passing;
}

} // namespace

RecruitTotals recruit_audiences(const mpi::Comm &comm, const DetectConfig &job,
                                const detect::PartitionData &data,
                                std::vector<PrincipalAudience> audiences,
                                const ClusterResult &result, detect::DetectResult &detected) {
  mpi::broadcast(comm, audiences);
  RecruitTotals totals;
  totals.families = audiences.size();
  std::vector<std::pair<std::uint64_t, std::uint64_t>> passing;
  if (!audiences.empty()) {
    const auto accounts = audience_accounts(comm, data, audiences, result);
    const auto hypotheses = family_hypotheses(accounts, audiences.size());
    for (const auto &a : accounts)
      totals.candidates += a.member == 0;
    for (const auto h : hypotheses)
      totals.hypotheses += h;
    passing = passing_pairs(mpi::allgatherv(comm, family_tests(accounts, detected)), hypotheses,
                            job.alpha);
  }
  const auto recruited = detect::recruit_edges(comm, job, data, passing, detected);
  totals.recruited_edges = mpi::allreduce(comm, recruited, mpi::Op::sum);
  return totals;
}

} // namespace lockstep::cluster
