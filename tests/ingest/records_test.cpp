// Record cutting against an oracle: for every split point of a file full of quoted newlines,
// doubled quotes and CRLF, the two pieces (started from the quote parity and line count before
// the split) together yield exactly the records of reading the whole file.
#include "ingest/records.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <random>

namespace lockstep::testing {
namespace {

using namespace ingest;

struct Seen {
  std::string text;
  std::int64_t line;
  bool truncated;
  bool operator==(const Seen &) const = default;
};

// The records of one piece; `buffer`, when given, is lent to the reader and holds its buffer
// afterwards (as ingest passes it from piece to piece).
std::vector<Seen> read_piece(const std::string &path, StreamState start, std::uint64_t stop,
                             std::size_t block_bytes, std::string *buffer = nullptr) {
  RecordBlocks blocks(open_source(path, Compression::none, start.offset > 0 ? start.offset - 1 : 0),
                      start, stop, block_bytes, RecordSyntax::csv,
                      buffer != nullptr ? std::move(*buffer) : std::string());
  std::vector<Seen> seen;
  std::vector<Record> records;
  while (blocks.next(records)) {
    for (const auto &r : records)
      seen.push_back(Seen{std::string(r.text), r.line, r.truncated});
  }
  if (buffer != nullptr)
    *buffer = std::move(blocks).take_buffer();
  return seen;
}

StreamState state_at(const std::string &content, std::uint64_t offset) {
  StreamState state{offset, false, 1};
  for (std::uint64_t i = 0; i < offset; ++i) {
    if (content[i] == '"')
      state.in_quotes = !state.in_quotes;
    if (content[i] == '\n')
      ++state.line;
  }
  return state;
}

class RecordCutting : public ::testing::TestWithParam<std::string> {};

TEST_P(RecordCutting, EverySplitPointGivesTheWholeFilesRecords) {
  const std::string content = GetParam();
  const auto path = (std::filesystem::temp_directory_path() / "lockstep-records-test.csv").string();
  std::ofstream(path, std::ios::binary) << content;
  const auto whole = read_piece(path, StreamState{}, UINT64_MAX, 1 << 20);
  const auto whole_small_blocks = read_piece(path, StreamState{}, UINT64_MAX, 3);
  EXPECT_EQ(whole, whole_small_blocks);
  for (std::uint64_t split = 0; split <= content.size(); ++split) {
    auto first = read_piece(path, StreamState{}, split, 7);
    const auto second = read_piece(path, state_at(content, split), UINT64_MAX, 5);
    first.insert(first.end(), second.begin(), second.end());
    ASSERT_EQ(first, whole) << "split at byte " << split;
  }
  std::filesystem::remove(path);
}

INSTANTIATE_TEST_SUITE_P(
    Files, RecordCutting,
    ::testing::Values(
        std::string(
            "\"id\",\"text\"\n\"1\",\"one\nline two\"\n\"2\",\"say \"\"hi\"\"\"\r\n\"3\",\"x\"\n"),
        std::string("a,b\n\n1,\"multi\n\nline\"\n2,plain\n3,\"last no newline\""),
        std::string("h\n\"1\",\"truncated\nrecord never closes"),
        std::string("\"h\"\n\"\"\"\"\n\"\n\"\n")));

// The records of the files above written out by hand (text without the line end, the line each
// begins on, whether the input ended inside it): the reader's own output is not the only oracle.
TEST(RecordCutting, HandWrittenRecords) {
  const std::vector<std::pair<std::string, std::vector<Seen>>> cases = {
      {"\"id\",\"text\"\n\"1\",\"one\nline two\"\n\"2\",\"say \"\"hi\"\"\"\r\n\"3\",\"x\"\n",
       {{"\"id\",\"text\"", 1, false},
        {"\"1\",\"one\nline two\"", 2, false},
        {"\"2\",\"say \"\"hi\"\"\"", 4, false},
        {"\"3\",\"x\"", 5, false}}},
      {"a,b\n\n1,\"multi\n\nline\"\n2,plain\n3,\"last no newline\"",
       {{"a,b", 1, false}, // the blank line 2 is no record (records.hpp)
        {"1,\"multi\n\nline\"", 3, false},
        {"2,plain", 6, false},
        {"3,\"last no newline\"", 7, false}}},
      {"h\n\"1\",\"truncated\nrecord never closes",
       {{"h", 1, false}, {"\"1\",\"truncated\nrecord never closes", 2, true}}},
      {"\"h\"\n\"\"\"\"\n\"\n\"\n",
       {{"\"h\"", 1, false}, {"\"\"\"\"", 2, false}, {"\"\n\"", 3, false}}},
  };
  const auto path = (std::filesystem::temp_directory_path() / "lockstep-records-hand.csv").string();
  for (const auto &[content, expected] : cases) {
    std::ofstream(path, std::ios::binary) << content;
    EXPECT_EQ(read_piece(path, StreamState{}, UINT64_MAX, 1 << 20), expected) << content;
  }
  std::filesystem::remove(path);
}

// The records of `content` cut one byte at a time, as records.hpp defines them: an independent
// oracle for inputs longer than the reader's 64-byte blocks.
std::vector<Seen> cut_byte_by_byte(const std::string &content) {
  std::vector<Seen> records;
  bool in_quotes = false;
  std::int64_t line = 1, record_line = 1;
  std::size_t start = 0;
  const auto add = [&](std::size_t end, bool at_line_feed, bool truncated) {
    if (at_line_feed && end > start && content[end - 1] == '\r') // CRLF; a last "\r" stays
      --end;
    if (end > start)
      records.push_back(Seen{content.substr(start, end - start), record_line, truncated});
  };
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (content[i] == '"')
      in_quotes = !in_quotes;
    if (content[i] != '\n')
      continue;
    ++line;
    if (!in_quotes) {
      add(i, true, false);
      start = i + 1;
      record_line = line;
    }
  }
  add(content.size(), false, in_quotes);
  return records;
}

// Long files of quoted fields, doubled quotes, quoted line feeds and CRLF, in runs that cross the
// 64-byte blocks at every offset: whole and split (the pieces' readers passing one buffer on),
// the reader gives the byte-by-byte records.
TEST(RecordCutting, LongRandomFilesAgreeWithAByteByByteCut) {
  const auto path = (std::filesystem::temp_directory_path() / "lockstep-records-long.csv").string();
  std::mt19937_64 random(23);
  for (int file = 0; file < 20; ++file) {
    std::string content;
    const std::string pieces[] = {"\"", "\"\"", "\n", "\r\n", ",", "abc", "x", " ", "\"a\nb\""};
    const std::size_t length = 2'000 + random() % 30'000;
    while (content.size() < length) {
      const auto &piece = pieces[random() % std::size(pieces)];
      content += random() % 4 == 0 ? std::string(random() % 150, 'y') : piece;
    }
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    const auto expected = cut_byte_by_byte(content);
    ASSERT_EQ(read_piece(path, StreamState{}, UINT64_MAX, 1 << 20), expected) << "file " << file;
    ASSERT_EQ(read_piece(path, StreamState{}, UINT64_MAX, 97), expected) << "file " << file;
    std::string buffer = "stale bytes of an earlier piece"; // lent from piece to piece
    for (int k = 0; k < 40; ++k) {
      const std::uint64_t split = random() % (content.size() + 1);
      auto first = read_piece(path, StreamState{}, split, 1 + random() % 300, &buffer);
      const auto second = read_piece(path, state_at(content, split), UINT64_MAX, 4096, &buffer);
      first.insert(first.end(), second.begin(), second.end());
      ASSERT_EQ(first, expected) << "file " << file << ", split at byte " << split;
    }
  }
  std::filesystem::remove(path);
}

TEST(RecordCutting, TruncatedLastRecordIsFlagged) {
  const auto path =
      (std::filesystem::temp_directory_path() / "lockstep-records-trunc.csv").string();
  std::ofstream(path, std::ios::binary) << "h\n\"1\",\"ok\"\n\"2\",\"cut off\n";
  const auto seen = read_piece(path, StreamState{}, UINT64_MAX, 1 << 20);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_FALSE(seen[1].truncated);
  EXPECT_TRUE(seen[2].truncated);
  EXPECT_EQ(seen[2].line, 3);
  std::filesystem::remove(path);
}

} // namespace
} // namespace lockstep::testing
