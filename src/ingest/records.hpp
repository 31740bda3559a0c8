// Cutting a byte stream into CSV records without parsing it: a record ends at a line feed outside
// quotes, and whether a byte is inside quotes is the parity of the quotes before it. That parity
// (and the line count) at any offset is a prefix sum over pieces, which lets every rank start
// reading a file in the middle and still find exact record boundaries, quoted newlines and all.
#pragma once

#include "ingest/source.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::ingest {

// How records end: CSV (at a line feed outside double quotes), or JSON lines (at every line feed:
// JSON escapes the line feeds and quotes inside its strings).
enum class RecordSyntax { csv, lines };

// Quote (CSV only) and line-feed counts of a byte range.
struct RangeCounts {
  std::uint64_t quotes = 0;
  std::uint64_t newlines = 0;
};
RangeCounts count_range(const std::string &path, std::uint64_t begin, std::uint64_t end,
                        RecordSyntax syntax = RecordSyntax::csv);

// The reading state at a byte offset of a file.
struct StreamState {
  std::uint64_t offset = 0;
  bool in_quotes = false;
  std::int64_t line = 1; // 1-based line number of the byte at `offset`
};

struct Record {
  std::string_view text;  // without the line end
  std::int64_t line = 0;  // line on which the record starts
  bool truncated = false; // the input ended inside a quoted field
};

// Yields, in blocks of about `block_bytes`, the records that begin at or after `start.offset` and
// before `stop` (absolute offsets; a record that begins before `stop` is read to its end).
// When `start` is not at a record boundary, the partial record is skipped (its owner reads it).
class RecordBlocks {
public:
  // `buffer` lends its memory (an earlier reader's, from take_buffer): a reader per piece of a
  // file paged in a fresh buffer, grown by doubling to twice the block, for every piece.
  RecordBlocks(std::unique_ptr<ByteSource> source, StreamState start, std::uint64_t stop,
               std::size_t block_bytes, RecordSyntax syntax = RecordSyntax::csv,
               std::string buffer = {});
  // Fills `records` with views that stay valid until the next call; returns false when the
  // input is exhausted (a true return may carry no records only when a block held blank lines).
  bool next(std::vector<Record> &records);
  // The buffer, for the next reader; this one is done.
  std::string take_buffer() && { return std::move(buffer_); }

private:
  bool fill(); // reads more input into the buffer; false at end of input
  void skip_partial_record();
  // Scans the buffer from scan_ to just past the line feed that ends the current record (true),
  // or to the buffer's end (false), keeping the quote state and the line count.
  bool scan_to_record_end();

  std::unique_ptr<ByteSource> source_;
  std::uint64_t stop_;
  std::size_t block_bytes_;
  std::string buffer_;
  std::size_t scan_ = 0;     // next unscanned byte in buffer_
  std::size_t consumed_ = 0; // bytes of buffer_ handed out already
  std::uint64_t base_ = 0;   // absolute offset of buffer_[0]
  bool quoting_ = true;      // CSV: double quotes protect line feeds
  bool in_quotes_ = false;
  std::int64_t line_ = 1;
  bool eof_ = false;
  bool done_ = false;
  bool synced_ = true;
};

} // namespace lockstep::ingest
