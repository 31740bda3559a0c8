// The personalised exchange: uneven and empty buckets, structs, the flat interface's source
// offsets, and the multi-round paths (in place, and staged) forced with tiny budgets, checked
// against one round; route_parts against route.
#include "mpi/alltoallv.hpp"
#include "mpi_test.hpp"

namespace lockstep::testing {
namespace {

struct Message {
  std::int32_t source;
  std::int32_t dest;
  std::uint64_t index;
  bool operator==(const Message &) const = default;
};

// Rank s sends (s + 2*d) % 4 messages to rank d: some buckets are empty, sizes are uneven.
std::size_t count_for(int source, int dest) {
  return static_cast<std::size_t>((source + 2 * dest) % 4);
}

std::vector<std::vector<Message>> make_buckets(const mpi::Comm &comm) {
  std::vector<std::vector<Message>> buckets(static_cast<std::size_t>(comm.size()));
  for (int d = 0; d < comm.size(); ++d) {
    for (std::size_t i = 0; i < count_for(comm.rank(), d); ++i) {
      buckets[d].push_back(Message{comm.rank(), d, i});
    }
  }
  return buckets;
}

std::vector<Message> expected_for(const mpi::Comm &comm) {
  std::vector<Message> expected;
  for (int s = 0; s < comm.size(); ++s) {
    for (std::size_t i = 0; i < count_for(s, comm.rank()); ++i) {
      expected.push_back(Message{s, comm.rank(), i});
    }
  }
  return expected;
}

class Alltoallv : public MpiTest {};

TEST_F(Alltoallv, UnevenAndEmptyBuckets) {
  EXPECT_EQ(mpi::alltoallv(comm, make_buckets(comm)), expected_for(comm));
}

TEST_F(Alltoallv, AllBucketsEmpty) {
  const std::vector<std::vector<std::uint64_t>> buckets(static_cast<std::size_t>(comm.size()));
  EXPECT_TRUE(mpi::alltoallv(comm, buckets).empty());
}

TEST_F(Alltoallv, FlatInterfaceReportsSourceOffsets) {
  const auto buckets = make_buckets(comm);
  std::vector<Message> flat;
  std::vector<std::size_t> offsets{0};
  for (const auto &bucket : buckets) {
    flat.insert(flat.end(), bucket.begin(), bucket.end());
    offsets.push_back(flat.size());
  }
  const auto got = mpi::alltoallv<Message>(comm, flat, offsets);
  ASSERT_EQ(got.source_offsets.size(), static_cast<std::size_t>(comm.size()) + 1);
  for (int s = 0; s < comm.size(); ++s) {
    EXPECT_EQ(got.source_offsets[s + 1] - got.source_offsets[s], count_for(s, comm.rank()));
    for (std::size_t i = got.source_offsets[s]; i < got.source_offsets[s + 1]; ++i) {
      EXPECT_EQ(got.data[i].source, s);
    }
  }
  EXPECT_EQ(got.rounds, comm.size() == 1 ? 0u : 1u); // np1: rank 0 sends itself nothing
}

TEST_F(Alltoallv, ForcedRoundsGiveTheSameResult) {
  const auto buckets = make_buckets(comm);
  // A budget of one message per destination per round: up to 3 rounds for these buckets.
  const mpi::ExchangeOptions tiny{.max_round_bytes = sizeof(Message) * comm.size()};
  EXPECT_EQ(mpi::alltoallv(comm, buckets, tiny), expected_for(comm));

  std::vector<Message> flat;
  std::vector<std::size_t> offsets{0};
  for (const auto &bucket : buckets) {
    flat.insert(flat.end(), bucket.begin(), bucket.end());
    offsets.push_back(flat.size());
  }
  const auto got = mpi::alltoallv<Message>(comm, flat, offsets, tiny);
  EXPECT_EQ(got.data, expected_for(comm));
  EXPECT_EQ(got.rounds, comm.size() == 1 ? 0u : 3u); // largest bucket: 0 (np1) or 3 messages
}

TEST_F(Alltoallv, StagedRoundsGiveTheSameResult) {
  // Displacements past max_displacement (MPI's int in real use) go through staging copies.
  const mpi::ExchangeOptions staged{.max_round_bytes = sizeof(Message) * comm.size(),
                                    .max_displacement = 1};
  EXPECT_EQ(mpi::alltoallv(comm, make_buckets(comm), staged), expected_for(comm));
}

TEST_F(Alltoallv, RoutePartsMatchesRouteOfTheJoinedItems) {
  // Three parts (one empty) of values routed by value modulo the ranks.
  std::vector<std::vector<std::uint64_t>> parts(3);
  for (std::uint64_t i = 0; i < 50; ++i)
    parts[i % 2 == 0 ? 0 : 2].push_back(i * 7 + static_cast<std::uint64_t>(comm.rank()));
  std::vector<std::uint64_t> joined;
  for (const auto &part : parts)
    joined.insert(joined.end(), part.begin(), part.end());
  const auto to = [&](std::uint64_t value) { return static_cast<int>(value % comm.size()); };
  const mpi::ExchangeOptions tiny{.max_round_bytes = 64};
  EXPECT_EQ(mpi::route_parts(comm, parts, to, tiny), mpi::route(comm, joined, to));
  const std::vector<std::vector<std::uint64_t>> one{joined};
  EXPECT_EQ(mpi::route_parts(comm, one, to), mpi::route(comm, joined, to));
}

TEST_F(Alltoallv, ManyRoundsOfLargeBuckets) {
  // 10'000 values to every rank with a 1 KiB budget: dozens of rounds, order preserved.
  std::vector<std::vector<std::uint64_t>> buckets(static_cast<std::size_t>(comm.size()));
  for (int d = 0; d < comm.size(); ++d) {
    for (std::uint64_t i = 0; i < 10'000; ++i)
      buckets[d].push_back(i * 1000 + comm.rank());
  }
  const auto got = mpi::alltoallv(comm, buckets, mpi::ExchangeOptions{.max_round_bytes = 1024});
  ASSERT_EQ(got.size(), 10'000u * comm.size());
  for (int s = 0; s < comm.size(); ++s) {
    for (std::uint64_t i = 0; i < 10'000; ++i)
      ASSERT_EQ(got[s * 10'000 + i], i * 1000 + s);
  }
}

TEST_F(Alltoallv, WrongBucketCountIsAnError) {
  const std::vector<std::vector<int>> buckets(static_cast<std::size_t>(comm.size()) + 1);
  // A caller's bug, not a usage error: std::logic_error outside the std::invalid_argument family
  // that ends a job with exit status 2 (mpi/failure.hpp).
  try {
    mpi::alltoallv(comm, buckets);
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument &) {
    ADD_FAILURE() << "a programming error reported as a usage error";
  } catch (const std::logic_error &) {
  }
}

} // namespace
} // namespace lockstep::testing
