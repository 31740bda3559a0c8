// Boost-serialised objects of every shape the project sends: strings, vectors of pairs, maps,
// optionals and nested structs; point to point, broadcast and gather.
#include "mpi/serialize.hpp"
#include "mpi/serialize_optional.hpp"
#include "mpi_test.hpp"

#include <boost/serialization/map.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>
#include <map>
#include <optional>

namespace lockstep::testing {
namespace {

struct Summary {
  std::string name;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> edges;
  std::map<std::string, std::vector<double>> scores;
  std::optional<std::int64_t> first_seen;

  bool operator==(const Summary &) const = default;
  template <class Archive>
  void serialize(Archive &archive, unsigned /*version*/) {
    archive &name &edges &scores &first_seen;
  }
};

Summary summary_of(int rank) {
  Summary s;
  s.name = "rank " + std::to_string(rank) + " \xd8\xb3\xd9\x84\xd8\xa7\xd9\x85"; // UTF-8 text
  for (int i = 0; i < rank * 3; ++i)
    s.edges.emplace_back(rank, i);
  s.scores["density"] = {0.5, static_cast<double>(rank)};
  if (rank % 2 == 1)
    s.first_seen = 1'600'000'000'000LL + rank;
  return s;
}

class Serialize : public MpiTest {};

TEST_F(Serialize, BytesRoundTrip) {
  const Summary s = summary_of(3);
  EXPECT_EQ(mpi::from_bytes<Summary>(mpi::to_bytes(s)), s);
  EXPECT_EQ(mpi::from_bytes<Summary>(mpi::to_bytes(Summary{})), Summary{});
}

TEST_F(Serialize, SendAroundARing) {
  const int next = (comm.rank() + 1) % comm.size();
  const int previous = (comm.rank() + comm.size() - 1) % comm.size();
  if (comm.size() == 1) {
    GTEST_SKIP() << "a ring needs two ranks";
  }
  if (comm.rank() % 2 == 0) {
    mpi::send_object(comm, summary_of(comm.rank()), next);
    EXPECT_EQ(mpi::recv_object<Summary>(comm, previous), summary_of(previous));
  } else {
    const auto got = mpi::recv_object<Summary>(comm, previous);
    mpi::send_object(comm, summary_of(comm.rank()), next);
    EXPECT_EQ(got, summary_of(previous));
  }
}

TEST_F(Serialize, BroadcastFromEveryRoot) {
  for (int root = 0; root < comm.size(); ++root) {
    Summary s = comm.rank() == root ? summary_of(root) : Summary{};
    mpi::broadcast_object(comm, s, root);
    EXPECT_EQ(s, summary_of(root));
  }
}

TEST_F(Serialize, GatherInRankOrderAtRoot) {
  const int root = comm.size() - 1;
  const auto all = mpi::gather_objects(comm, summary_of(comm.rank()), root);
  if (comm.rank() != root) {
    EXPECT_TRUE(all.empty());
    return;
  }
  ASSERT_EQ(all.size(), static_cast<std::size_t>(comm.size()));
  for (int r = 0; r < comm.size(); ++r)
    EXPECT_EQ(all[r], summary_of(r));
}

} // namespace
} // namespace lockstep::testing
