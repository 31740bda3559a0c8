// String columns at every rank count: what each rank writes (as std::strings, as views or as a
// StringColumn), appends in stages or appends part by part reads back row for row, as std::strings
// and held packed, over slabs of every shape; offsets that do not fit their bytes are refused.
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"
#include "store/column.hpp"
#include "store/error.hpp"
#include "store/file.hpp"
#include "store/strings.hpp"
#include "uneven_slabs.hpp"

#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace lockstep::testing {
namespace {

// Row i of the whole column: empty every fifth row, else of 1 to 40 bytes, some of them
// multi-byte characters.
std::string row_text(std::uint64_t i) {
  if (i % 5 == 0)
    return "";
  std::string text = "r" + std::to_string(i) + (i % 3 == 0 ? "\xd0\x96\xe2\x82\xac" : "");
  text.append(i % 40, static_cast<char>('a' + i % 26));
  return text;
}

class StringColumns : public SharedFileTest {};

TEST_F(StringColumns, EveryFormWritesTheSameRowsAndEverySlabReadsThemBack) {
  const std::uint64_t first = uneven_first(comm.rank()), count = uneven_count(comm.rank());
  std::vector<std::string> mine;
  std::vector<std::string_view> views;
  store::StringColumn packed;
  for (std::uint64_t i = first; i < first + count; ++i)
    mine.push_back(row_text(i));
  for (const auto &text : mine) {
    views.emplace_back(text);
    packed.push_back(text);
  }
  ASSERT_EQ(packed.size(), mine.size());
  {
    auto file = store::File::create(path, comm);
    store::write_strings(file.root(), "as_strings", mine);
    store::write_strings(file.root(), "as_views", views);
    store::write_strings(file.root(), "as_column", packed);
  }
  const auto file = store::File::open(path, comm, store::Access::read_only);
  const std::uint64_t total = uneven_first(comm.size());
  for (const char *name : {"as_strings", "as_views", "as_column"}) {
    ASSERT_EQ(store::column_length(file.root().open_group(name), "offsets"), total) << name;
    // Every slab [begin, end) a rank might read, the empty ones and the whole column included.
    for (std::uint64_t begin = 0; begin <= total; begin += 1 + begin % 4) {
      for (std::uint64_t end = begin; end <= total; end += 1 + end % 7) {
        const store::Slab slab{begin, end - begin};
        const auto strings = store::read_strings(file.root(), name, slab);
        const auto column = store::read_string_column(file.root(), name, slab);
        ASSERT_EQ(strings.size(), slab.count);
        ASSERT_EQ(column.size(), slab.count);
        std::uint64_t row = begin;
        for (const auto text : column) { // the iterator and operator[] agree
          ASSERT_EQ(text, row_text(row)) << name << " row " << row;
          ASSERT_EQ(column[row - begin], text);
          ASSERT_EQ(strings[row - begin], text);
          ++row;
        }
        ASSERT_EQ(row, end);
      }
    }
  }
}

// Appends write a rank's bytes a stage at a time: stages that split rows, the ranks needing
// different numbers of stages (one none at all), filtered chunks written piece by piece, and a
// second append after the first all read back row for row.
TEST_F(StringColumns, AppendsInStagesOfAnySizeReadBackTheRows) {
  const std::uint64_t first = uneven_first(comm.rank()), count = uneven_count(comm.rank());
  const std::uint64_t total = uneven_first(comm.size());
  std::vector<std::string> mine, later;
  std::vector<std::string_view> later_views;
  for (std::uint64_t i = first; i < first + count; ++i) {
    mine.push_back(row_text(i));
    later.push_back(row_text(total + i));
  }
  for (const auto &text : later)
    later_views.emplace_back(text);
  for (const auto compression : {store::Compression::none, store::Compression::deflate}) {
    for (const std::uint64_t stage : {1u, 7u, 64u, 16u << 20}) {
      store::ColumnOptions options;
      options.chunk_elements = 32; // chunks that several stages and ranks write into
      options.stage_bytes = stage;
      {
        auto file = store::File::create(path, comm, compression);
        store::append_strings(file.root(), "texts", mine, options);
        store::append_strings(file.root(), "texts", later_views, options);
      }
      const auto file = store::File::open(path, comm, store::Access::read_only);
      const auto texts = store::read_strings(file.root(), "texts", {0, 2 * total});
      ASSERT_EQ(texts.size(), 2 * total);
      for (std::uint64_t row = 0; row < 2 * total; ++row)
        ASSERT_EQ(texts[row], row_text(row)) << "stage " << stage << ", row " << row;
    }
  }
}

// A string column appended a part of rows at a time: parts of any size, the ranks writing
// different numbers of parts (one none), filtered ones padded with empty parts to the most any rank
// writes, and a second append after the first, all read back row for row.
TEST_F(StringColumns, AppendersWritePartsOfAnySizeThatReadBackTheRows) {
  const std::uint64_t first = uneven_first(comm.rank()), count = uneven_count(comm.rank());
  const std::uint64_t total = uneven_first(comm.size());
  // This rank's rows of the column's first or second append, as views of their texts.
  const auto rows_of = [&](std::uint64_t base, std::vector<std::string> &texts) {
    for (std::uint64_t i = first; i < first + count; ++i)
      texts.push_back(row_text(base + i));
    return std::vector<std::string_view>(texts.begin(), texts.end());
  };
  std::vector<std::string> texts, later_texts;
  const auto rows = rows_of(0, texts), later = rows_of(total, later_texts);
  const auto bytes_of = [](const std::vector<std::string_view> &views) {
    std::uint64_t n = 0;
    for (const auto view : views)
      n += view.size();
    return n;
  };
  for (const auto compression : {store::Compression::none, store::Compression::deflate}) {
    for (const std::uint64_t part : {1u, 2u, 5u, 1000u}) {
      store::ColumnOptions options;
      options.chunk_elements = 8; // chunks that several parts and ranks write into
      {
        auto file = store::File::create(path, comm, compression);
        for (const auto *mine : {&rows, &later}) {
          store::StringAppender column(file.root(), "texts", mine->size(), bytes_of(*mine),
                                       options);
          EXPECT_EQ(column.collective(), compression != store::Compression::none);
          const std::uint64_t own = (mine->size() + part - 1) / part;
          const std::uint64_t parts =
              column.collective() ? mpi::allreduce(comm, own, mpi::Op::max) : own;
          for (std::uint64_t k = 0; k < parts; ++k) {
            const std::uint64_t begin = std::min(k * part, mine->size());
            column.write(std::span(*mine).subspan(begin, std::min(part, mine->size() - begin)));
          }
        }
      }
      const auto file = store::File::open(path, comm, store::Access::read_only);
      const auto read = store::read_strings(file.root(), "texts", {0, 2 * total});
      ASSERT_EQ(read.size(), 2 * total);
      for (std::uint64_t row = 0; row < 2 * total; ++row)
        ASSERT_EQ(read[row], row_text(row)) << "parts of " << part << ", row " << row;
    }
  }
}

// Rows that are all empty, on every rank, appended after rows with bytes: their offsets are where
// the earlier bytes end, whichever way they are appended.
TEST_F(StringColumns, EmptyRowsAppendedAfterOthersStartWhereTheirBytesEnd) {
  const std::vector<std::string> first{"ab", "c"}, empty(2);
  const std::vector<std::string_view> empty_views(2);
  const std::uint64_t before = comm.size() * first.size();
  for (const auto compression : {store::Compression::none, store::Compression::deflate}) {
    {
      auto file = store::File::create(path, comm, compression);
      store::append_strings(file.root(), "whole", first);
      store::append_strings(file.root(), "whole", empty);
      store::append_strings(file.root(), "parts", first);
      store::StringAppender parts(file.root(), "parts", empty_views.size(), 0);
      parts.write(empty_views);
      EXPECT_TRUE(parts.complete());
    }
    const auto file = store::File::open(path, comm, store::Access::read_only);
    for (const char *name : {"whole", "parts"}) {
      const auto read = store::read_strings(file.root(), name, {0, 2 * before});
      ASSERT_EQ(read.size(), 2 * before) << name;
      for (std::uint64_t row = 0; row < 2 * before; ++row) {
        const std::string expected = row < before ? first[row % first.size()] : "";
        EXPECT_EQ(read[row], expected) << name << " row " << row;
      }
    }
  }
}

// Rows or bytes past what an appender was told are a programming error, found before any write.
TEST_F(StringColumns, AppendersRefuseRowsOrBytesBeyondTheirShare) {
  auto file = store::File::create(path, comm);
  store::StringAppender rows(file.root(), "rows", 1, 10);
  const std::vector<std::string_view> two{"a", "b"}, long_one{"abc"};
  EXPECT_THROW(rows.write(two), std::logic_error);
  store::StringAppender bytes(file.root(), "bytes", 1, 2);
  EXPECT_THROW(bytes.write(long_one), std::logic_error);
  bytes.write(std::span(long_one).first(0));
}

TEST_F(StringColumns, OffsetsThatDoNotFitTheirBytesAreRefused) {
  EXPECT_THROW(store::StringColumn({'a', 'b'}, {0, 2, 1}), store::Error); // decreasing
  EXPECT_THROW(store::StringColumn({'a', 'b'}, {0, 1}), store::Error);    // short of the bytes
  EXPECT_THROW(store::StringColumn({'a', 'b'}, {1, 2}), store::Error);    // not from 0
  EXPECT_THROW(store::StringColumn({}, {}), store::Error);                // no end
  EXPECT_EQ(store::StringColumn({'a', 'b'}, {0, 0, 2})[1], "ab");
  {
    auto file = store::File::create(path, comm);
    const auto strings = file.root().create_group("broken");
    const bool root = comm.is_root();
    store::write_column(strings, "offsets",
                        root ? std::vector<std::uint64_t>{0, 3, 1, 4}
                             : std::vector<std::uint64_t>{});
    store::write_column(strings, "bytes",
                        root ? std::vector<std::uint8_t>{'a', 'b', 'c', 'd'}
                             : std::vector<std::uint8_t>{});
  }
  const auto file = store::File::open(path, comm, store::Access::read_only);
  for (const store::Slab slab : {store::Slab{0, 4}, store::Slab{1, 2}}) {
    EXPECT_THROW(store::read_string_column(file.root(), "broken", slab), store::Error);
    EXPECT_THROW(store::read_strings(file.root(), "broken", slab), store::Error);
  }
  const auto tail = store::read_string_column(file.root(), "broken", {2, 2}); // in order from 1
  EXPECT_EQ(tail[0], "bcd");
  EXPECT_EQ(tail[1], ""); // the last row ends where the bytes do
}

} // namespace
} // namespace lockstep::testing
