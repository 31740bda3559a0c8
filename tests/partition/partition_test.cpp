// Ownership and questions to owners at 1 to 4 ranks: owner_of against a linear scan, pair_home
// always at an owner of one of the pair, and remote_lookup and ask_owners against answers computed
// where the question is asked (every rank knows the whole world here), with tiny exchange rounds.
#include "account_ranges.hpp"
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"
#include "partition/lookup.hpp"
#include "partition/ownership.hpp"

#include <map>
#include <random>

namespace lockstep::testing {
namespace {

class Partition : public MpiTest {};

TEST_F(Partition, OwnerOfMatchesALinearScan) {
  const auto begin = uneven_account_ranges(comm.size(), 1000);
  for (std::uint64_t account = 0; account < 1000; ++account) {
    int expected = 0;
    while (begin[std::size_t(expected) + 1] <= account)
      ++expected;
    EXPECT_EQ(partition::owner_of(begin, account), expected) << account;
  }
}

TEST_F(Partition, APairsHomeOwnsOneOfItsAccounts) {
  const auto begin = even_account_ranges(comm.size(), 500);
  std::mt19937_64 rng(3);
  int at_a = 0;
  for (int i = 0; i < 2000; ++i) {
    const auto a = rng() % 499, b = a + 1 + rng() % (499 - a);
    const auto home = partition::home_account(a, b);
    ASSERT_TRUE(home == a || home == b);
    EXPECT_EQ(partition::pair_home(begin, a, b), partition::owner_of(begin, home));
    at_a += home == a;
  }
  EXPECT_GT(at_a, 800); // one hash bit: about half at a
  EXPECT_LT(at_a, 1200);
}

// Every rank asks for random values; the owner of value v is v % ranks.
std::vector<std::uint64_t> random_requests(int rank, std::size_t count) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(rank) + 11);
  std::vector<std::uint64_t> out;
  for (std::size_t i = 0; i < count; ++i)
    out.push_back(rng() % 300);
  return out;
}

TEST_F(Partition, RemoteLookupAnswersInRequestOrder) {
  const auto requests = random_requests(comm.rank(), 2000);
  const int ranks = comm.size();
  const auto owner = [ranks](std::uint64_t v) {
    return static_cast<int>(v % std::uint64_t(ranks));
  };
  const auto name = [](std::uint64_t v) { return std::string(v % 7, 'x') + std::to_string(v); };
  const auto answer = [&](std::uint64_t v) {
    EXPECT_EQ(owner(v), comm.rank()) << "asked the wrong rank for " << v;
    return name(v);
  };
  const auto got = partition::remote_lookup(comm, requests, owner, answer, {64});
  ASSERT_EQ(got.size(), requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i)
    EXPECT_EQ(got[i], name(requests[i])) << i;
}

TEST_F(Partition, AskOwnersSeesEveryRequestAtOnce) {
  // Each value's answer: how many times all ranks asked for it (the owner counts its requests).
  const auto requests = random_requests(comm.rank(), 1500);
  std::map<std::uint64_t, std::uint64_t> times_asked;
  for (int r = 0; r < comm.size(); ++r) {
    for (const auto v : random_requests(r, 1500))
      ++times_asked[v];
  }
  const int ranks = comm.size();
  const auto owner = [ranks](std::uint64_t v) {
    return static_cast<int>(v % std::uint64_t(ranks));
  };
  const auto count_all = [](std::span<const std::uint64_t> asked) {
    std::map<std::uint64_t, std::uint64_t> counts;
    for (const auto v : asked)
      ++counts[v];
    std::vector<std::uint64_t> out;
    for (const auto v : asked)
      out.push_back(counts[v]);
    return out;
  };
  const auto got = partition::ask_owners(comm, requests, owner, count_all, {64});
  ASSERT_EQ(got.size(), requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i)
    EXPECT_EQ(got[i], times_asked[requests[i]]) << i;
}

TEST_F(Partition, AskOwnersRefusesAnAnswerCountThatDoesNotMatch) {
  const std::vector<std::uint64_t> requests = {1, 2, 3};
  const auto none = [](std::span<const std::uint64_t>) { return std::vector<std::uint64_t>(); };
  const auto self = [rank = comm.rank()](std::uint64_t) { return rank; }; // every rank throws
  EXPECT_THROW(partition::ask_owners(comm, requests, self, none, {}), std::logic_error);
}

} // namespace
} // namespace lockstep::testing
