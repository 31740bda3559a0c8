// Collective column I/O at every rank count: round trips of every element type with uneven and
// empty slabs, empty columns, reads with a different rank count than the write, compression,
// attributes, error messages, and h5dump reading what was written.
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"
#include "store/attribute.hpp"
#include "store/column.hpp"
#include "store/error.hpp"
#include "store/file.hpp"
#include "store/schema.hpp"
#include "uneven_slabs.hpp"

#include <cstdio>
#include <filesystem>
#include <limits>

#ifndef LOCKSTEP_H5DUMP
#define LOCKSTEP_H5DUMP "h5dump"
#endif

namespace lockstep::testing {
namespace {

template <typename T>
T value_at(std::uint64_t i) {
  if constexpr (std::is_floating_point_v<T>)
    return static_cast<T>(i) * T(0.25) - T(3);
  else if constexpr (std::is_signed_v<T>)
    return static_cast<T>(static_cast<std::int64_t>(i % 100) - 50);
  else
    return static_cast<T>(i * 2654435761u);
}

template <typename T>
class ColumnRoundTrip : public MpiTest {};

using ColumnTypes =
    ::testing::Types<std::int8_t, std::uint8_t, std::int16_t, std::uint16_t, std::int32_t,
                     std::uint32_t, std::int64_t, std::uint64_t, float, double>;
TYPED_TEST_SUITE(ColumnRoundTrip, ColumnTypes);

TYPED_TEST(ColumnRoundTrip, UnevenSlabsReadBackEvenly) {
  const mpi::Comm &world = this->comm;
  const std::string path = shared_temp_path(world, "column-roundtrip");
  std::vector<TypeParam> mine(uneven_count(world.rank()));
  for (std::uint64_t i = 0; i < mine.size(); ++i)
    mine[i] = value_at<TypeParam>(uneven_first(world.rank()) + i);
  {
    auto file = store::File::create(path, world);
    store::write_column(file.root(), "values", mine, store::ColumnOptions{.chunk_elements = 5});
    file.close();
  }
  const auto file = store::File::open(path, world, store::Access::read_only);
  const std::uint64_t total = uneven_first(world.size());
  ASSERT_EQ(store::column_length(file.root(), "values"), total);
  const store::Slab share = store::even_share(total, world.rank(), world.size());
  const auto got = store::read_column<TypeParam>(file.root(), "values", share);
  ASSERT_EQ(got.size(), share.count);
  for (std::uint64_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i], value_at<TypeParam>(share.offset + i)) << "at " << share.offset + i;
  }
  world.barrier();
  if (world.is_root())
    std::filesystem::remove(path);
}

class Store : public SharedFileTest {};

TEST_F(Store, EmptyColumnRoundTrip) {
  {
    auto file = store::File::create(path, comm);
    store::write_column(file.root(), "nothing", std::vector<std::int64_t>{});
  }
  const auto file = store::File::open(path, comm, store::Access::read_only);
  EXPECT_EQ(store::column_length(file.root(), "nothing"), 0u);
  EXPECT_TRUE(store::read_column<std::int64_t>(file.root(), "nothing", {}).empty());
}

TEST_F(Store, ReadWithMoreRanksThanWrote) {
  // Only the first half of the ranks (at least one) write; then every rank reads.
  const int writers = std::max(1, comm.size() / 2);
  const bool writes = comm.rank() < writers;
  MPI_Comm sub_raw = MPI_COMM_NULL;
  MPI_Comm_split(comm.raw(), writes ? 0 : MPI_UNDEFINED, comm.rank(), &sub_raw);
  if (writes) {
    const mpi::Comm sub(sub_raw);
    std::vector<std::uint32_t> mine(100);
    for (std::uint32_t i = 0; i < 100; ++i)
      mine[i] = 100 * sub.rank() + i;
    auto file = store::File::create(path, sub);
    store::write_column(file.root(), "ids", mine);
    file.close();
    MPI_Comm_free(&sub_raw);
  }
  comm.barrier();
  const auto file = store::File::open(path, comm, store::Access::read_only);
  const std::uint64_t total = store::column_length(file.root(), "ids");
  ASSERT_EQ(total, 100u * writers);
  const auto share = store::even_share(total, comm.rank(), comm.size());
  const auto got = store::read_column<std::uint32_t>(file.root(), "ids", share);
  for (std::uint64_t i = 0; i < got.size(); ++i)
    EXPECT_EQ(got[i], share.offset + i);
}

TEST_F(Store, ColumnsAreChunkedShuffledAndDeflated) {
  {
    auto file = store::File::create(path, comm);
    store::write_column(file.root(), "zeros", std::vector<std::uint64_t>(10'000, 0));
  }
  const auto file = store::File::open(path, comm, store::Access::read_only);
  store::DatasetHandle dataset(H5Dopen2(file.root().id(), "zeros", H5P_DEFAULT));
  store::PropListHandle dcpl(H5Dget_create_plist(dataset.id()));
  EXPECT_EQ(H5Pget_layout(dcpl.id()), H5D_CHUNKED);
  EXPECT_EQ(H5Pget_nfilters(dcpl.id()), 2);
  EXPECT_LT(H5Dget_storage_size(dataset.id()), 10'000u * 8 * comm.size() / 10);
}

TEST_F(Store, FilesWithoutCompressionStoreColumnsAsTheyAre) {
  {
    auto file = store::File::create(path, comm, store::Compression::none);
    const auto group = file.root().create_group("posts");
    store::write_column(group, "plain", std::vector<std::uint64_t>(10'000, 0));
    store::append_column(group, "appended", std::vector<std::uint64_t>(10'000, 0));
    store::write_column(group, "deflated", std::vector<std::uint64_t>(10'000, 0),
                        store::ColumnOptions{.compression = store::Compression::deflate});
  }
  const auto file = store::File::open(path, comm, store::Access::read_only);
  const auto filters = [&](const char *name) {
    store::DatasetHandle dataset(H5Dopen2(file.root().id(), name, H5P_DEFAULT));
    store::PropListHandle dcpl(H5Dget_create_plist(dataset.id()));
    EXPECT_EQ(H5Pget_layout(dcpl.id()), H5D_CHUNKED); // still appendable
    return H5Pget_nfilters(dcpl.id());
  };
  EXPECT_EQ(filters("posts/plain"), 0);
  EXPECT_EQ(filters("posts/appended"), 0);
  EXPECT_EQ(filters("posts/deflated"), 2);
  const auto read = store::read_column<std::uint64_t>(file.root().open_group("posts"), "appended",
                                                      store::Slab{0, 10'000});
  EXPECT_EQ(read, std::vector<std::uint64_t>(10'000, 0));
}

// Results files deflate without the shuffle filter; column_compression reads each mode back.
TEST_F(Store, UnshuffledFilesDeflateAloneAndSayHowEachColumnIsStored) {
  std::vector<double> values(10'000);
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = static_cast<double>(i % 7) / 4;
  {
    auto file = store::File::create(path, comm, store::Compression::deflate_unshuffled);
    const auto root = file.root();
    store::write_column(root, "deflated", values);
    store::append_column(root, "appended", values);
    store::write_column(root, "shuffled", values,
                        store::ColumnOptions{.compression = store::Compression::deflate});
    store::write_column(root, "plain", values,
                        store::ColumnOptions{.compression = store::Compression::none});
  }
  const auto file = store::File::open(path, comm, store::Access::read_only);
  const auto root = file.root();
  const auto first_filter = [&](const char *name) {
    store::DatasetHandle dataset(H5Dopen2(root.id(), name, H5P_DEFAULT));
    store::PropListHandle dcpl(H5Dget_create_plist(dataset.id()));
    unsigned flags = 0, filter_config = 0;
    std::size_t count = 0;
    return H5Pget_filter2(dcpl.id(), 0, &flags, &count, nullptr, 0, nullptr, &filter_config);
  };
  EXPECT_EQ(first_filter("deflated"), H5Z_FILTER_DEFLATE);
  EXPECT_EQ(first_filter("appended"), H5Z_FILTER_DEFLATE);
  EXPECT_EQ(first_filter("shuffled"), H5Z_FILTER_SHUFFLE);
  EXPECT_EQ(store::column_compression(root, "deflated"), store::Compression::deflate_unshuffled);
  EXPECT_EQ(store::column_compression(root, "appended"), store::Compression::deflate_unshuffled);
  EXPECT_EQ(store::column_compression(root, "shuffled"), store::Compression::deflate);
  EXPECT_EQ(store::column_compression(root, "plain"), store::Compression::none);
  const auto whole = store::Slab{0, values.size() * static_cast<std::size_t>(comm.size())};
  for (const char *name : {"deflated", "appended", "shuffled", "plain"}) {
    const auto read = store::read_column<double>(root, name, whole);
    ASSERT_EQ(read.size(), whole.count) << name;
    for (std::size_t i = 0; i < read.size(); ++i)
      ASSERT_EQ(read[i], values[i % values.size()]) << name << " at " << i;
  }
}

TEST_F(Store, GroupsAndAttributes) {
  {
    auto file = store::File::create(path, comm);
    const auto root = file.root();
    store::write_attribute(root, "format", std::string("lockstep-store"));
    store::write_attribute(root, "format_version", std::int64_t{3});
    store::write_attribute(root, "empty", std::string());
    const auto posts = root.create_group("posts");
    store::write_column(posts, "time_ms", std::vector<std::int64_t>(3, comm.rank()));
    store::write_attribute(posts, "unit", std::string("milliseconds since 1970 UTC"), "time_ms");
    store::write_attribute(posts, "ratio", 0.125);
    store::write_attribute(posts, "ratio", 0.25); // replaces
    store::write_attribute(root, "note", std::string("حملة 协调"));
  }
  const auto file = store::File::open(path, comm, store::Access::read_only);
  const auto root = file.root();
  EXPECT_EQ(store::read_string_attribute(root, "format"), "lockstep-store");
  EXPECT_EQ(store::read_int_attribute(root, "format_version"), 3);
  EXPECT_EQ(store::read_string_attribute(root, "empty"), "");
  EXPECT_EQ(store::read_string_attribute(root, "note"), "حملة 协调");
  EXPECT_TRUE(root.has("posts"));
  EXPECT_FALSE(root.has("accounts"));
  const auto posts = root.open_group("posts");
  EXPECT_EQ(store::read_string_attribute(posts, "unit", "time_ms"), "milliseconds since 1970 UTC");
  EXPECT_DOUBLE_EQ(store::read_double_attribute(posts, "ratio"), 0.25);
  EXPECT_TRUE(store::has_attribute(posts, "unit", "time_ms"));
  EXPECT_FALSE(store::has_attribute(posts, "unit"));
}

TEST_F(Store, FailuresCarryHdf5Messages) {
  try {
    store::File::open(path + ".missing", comm, store::Access::read_only);
    FAIL() << "opening a missing file did not throw";
  } catch (const store::Error &error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(path + ".missing"), std::string::npos) << message;
    EXPECT_NE(message.find("H5F"), std::string::npos) << "no HDF5 stack text: " << message;
  }
  auto file = store::File::create(path, comm);
  store::write_column(file.root(), "short", std::vector<std::int32_t>(2, 1));
  EXPECT_THROW(store::read_column<std::int32_t>(file.root(), "short", {0, 3 * 2 * 100u}),
               store::Error);
  EXPECT_THROW(store::read_string_attribute(file.root(), "absent"), store::Error);
  EXPECT_THROW(file.root().open_group("absent"), store::Error);
}

TEST_F(Store, H5dumpReadsWhatWasWritten) {
  {
    auto file = store::File::create(path, comm);
    std::vector<std::int32_t> mine{100 + comm.rank(), 200 + comm.rank()};
    store::write_column(file.root(), "pairs", mine);
    store::write_attribute(file.root(), "format", std::string("lockstep-test"));
  }
  comm.barrier();
  int status = 0;
  std::string output;
  if (comm.is_root()) {
    const std::string command = std::string(LOCKSTEP_H5DUMP) + " " + path + " 2>&1";
    FILE *pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr)
      output += buffer;
    status = pclose(pipe);
    EXPECT_EQ(status, 0) << output;
    EXPECT_NE(output.find("\"lockstep-test\""), std::string::npos) << output;
    EXPECT_NE(output.find("H5T_STD_I32LE"), std::string::npos) << output;
    EXPECT_NE(output.find("DATASPACE  SIMPLE { ( " + std::to_string(2 * comm.size()) +
                          " ) / ( H5S_UNLIMITED ) }"),
              std::string::npos)
        << output;
    std::string values = "100, 200";
    for (int r = 1; r < comm.size(); ++r) {
      values += ", " + std::to_string(100 + r) + ", " + std::to_string(200 + r);
    }
    EXPECT_NE(output.find(values), std::string::npos) << output;
  }
}

TEST(InputFiles, JoinAndSplitRoundTrip) {
  const std::vector<std::string> paths{"a/tweets 1.csv", "b/users.csv.gz", "c,d.csv"};
  EXPECT_EQ(store::schema::join_input_files(paths), "a/tweets 1.csv\nb/users.csv.gz\nc,d.csv");
  EXPECT_EQ(store::schema::split_input_files(store::schema::join_input_files(paths)), paths);
  EXPECT_TRUE(store::schema::split_input_files("").empty());
}

} // namespace
} // namespace lockstep::testing
