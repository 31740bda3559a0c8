// Typed collectives at every rank count: reductions, gathers with uneven and empty contributions,
// broadcasts of scalars, structs and vectors.
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"

#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

namespace lockstep::testing {
namespace {

struct Record {
  std::uint64_t key;
  std::int32_t account;
  double time;
  bool operator==(const Record &) const = default;
};

class Collectives : public MpiTest {};

TEST_F(Collectives, AllreduceScalars) {
  const int p = comm.size(), r = comm.rank();
  EXPECT_EQ(mpi::allreduce(comm, r + 1, mpi::Op::sum), p * (p + 1) / 2);
  EXPECT_EQ(mpi::allreduce(comm, r, mpi::Op::min), 0);
  EXPECT_EQ(mpi::allreduce(comm, static_cast<std::uint64_t>(r), mpi::Op::max),
            static_cast<std::uint64_t>(p - 1));
  EXPECT_DOUBLE_EQ(mpi::allreduce(comm, 0.5, mpi::Op::sum), 0.5 * p);
  EXPECT_TRUE(mpi::allreduce(comm, r == 0, mpi::Op::logical_or));
  EXPECT_EQ(mpi::allreduce(comm, r == 0, mpi::Op::logical_and), p == 1);
}

// Unsigned values above the signed range, as sentinels are: Open MPI 4.1.4 compared
// MPI_UNSIGNED_LONG as signed in MPI_MIN and MPI_MAX (open-mpi/ompi#10525).
TEST_F(Collectives, UnsignedMinAndMaxAboveTheSignedRange) {
  constexpr auto kTop = std::numeric_limits<std::uint64_t>::max();
  const std::uint64_t mine = comm.rank() == 0 ? 5 : kTop - comm.rank();
  EXPECT_EQ(mpi::allreduce(comm, mine, mpi::Op::min), 5u);
  EXPECT_EQ(mpi::allreduce(comm, mine, mpi::Op::max), comm.size() == 1 ? 5u : kTop - 1);
  const unsigned long long wide = comm.rank() == 0 ? kTop : 1;
  EXPECT_EQ(mpi::allreduce(comm, wide, mpi::Op::min), comm.size() == 1 ? kTop : 1u);
  const std::vector<std::size_t> sentinels{comm.rank() == 0 ? 7u : kTop, kTop};
  const auto smallest = mpi::allreduce(comm, std::span<const std::size_t>(sentinels), mpi::Op::min);
  EXPECT_EQ(smallest, (std::vector<std::size_t>{7u, kTop}));
  const std::int64_t negative = -1 - comm.rank();
  EXPECT_EQ(mpi::allreduce(comm, negative, mpi::Op::min), -std::int64_t{comm.size()});
}

TEST_F(Collectives, AllreduceVectorsElementwise) {
  const std::vector<long> mine{comm.rank(), 1, -comm.rank()};
  const auto sum = mpi::allreduce(comm, std::span<const long>(mine), mpi::Op::sum);
  const long p = comm.size();
  EXPECT_EQ(sum, (std::vector<long>{p * (p - 1) / 2, p, -p * (p - 1) / 2}));
}

TEST_F(Collectives, AllgatherInRankOrder) {
  const auto all = mpi::allgather(comm, Record{std::uint64_t(comm.rank()) << 40, comm.rank(), 1.5});
  ASSERT_EQ(all.size(), static_cast<std::size_t>(comm.size()));
  for (int r = 0; r < comm.size(); ++r) {
    EXPECT_EQ(all[r], (Record{std::uint64_t(r) << 40, r, 1.5}));
  }
}

TEST_F(Collectives, AllgathervUnevenAndEmpty) {
  // Rank r contributes r values (rank 0 none), each equal to r.
  const std::vector<int> mine(static_cast<std::size_t>(comm.rank()), comm.rank());
  const auto all = mpi::allgatherv(comm, mine);
  std::vector<int> expected;
  for (int r = 0; r < comm.size(); ++r)
    expected.insert(expected.end(), r, r);
  EXPECT_EQ(all, expected);
}

TEST_F(Collectives, BroadcastFromLastRank) {
  const int root = comm.size() - 1;
  Record record{};
  std::vector<double> values;
  if (comm.rank() == root) {
    record = Record{42, 7, 3.25};
    values = {1.0, 2.0, 3.0};
  }
  mpi::broadcast(comm, record, root);
  mpi::broadcast(comm, values, root);
  EXPECT_EQ(record, (Record{42, 7, 3.25}));
  EXPECT_EQ(values, (std::vector<double>{1.0, 2.0, 3.0}));
}

TEST_F(Collectives, BroadcastEmptyVectorShrinksReceivers) {
  std::vector<int> values(comm.is_root() ? 0 : 5, 9);
  mpi::broadcast(comm, values, 0);
  EXPECT_TRUE(values.empty());
}

// Every test runs on one machine: all its ranks share the node.
TEST_F(Collectives, RanksOnTheNodeAreAllRanksHere) {
  EXPECT_EQ(comm.ranks_on_node(), comm.size());
}

} // namespace
} // namespace lockstep::testing
