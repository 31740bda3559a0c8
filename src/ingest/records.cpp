// Record cutting.
#include "ingest/records.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace lockstep::ingest {
namespace {
constexpr std::size_t kReadBytes = std::size_t{1} << 20;

// Bit i set where block[i] is `c`, for the 64 bytes at `block`.
std::uint64_t byte_mask(const char *block, char c) {
#ifdef __SSE2__
  const __m128i wanted = _mm_set1_epi8(c);
  std::uint64_t mask = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i *>(block + 16 * k));
    const auto bits = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, wanted)));
    mask |= std::uint64_t{bits} << (16 * k);
  }
  return mask;
#else
  std::uint64_t mask = 0;
  for (int i = 0; i < 64; ++i)
    mask |= std::uint64_t{block[i] == c} << i;
  return mask;
#endif
}

// Bit i set where an odd number of the bits 0..i of `bits` are set: with `bits` the quotes of a
// block, the bytes after an opening quote up to its closing one.
std::uint64_t prefix_xor(std::uint64_t bits) {
  for (int shift = 1; shift < 64; shift *= 2)
    bits ^= bits << shift;
  return bits;
}

} // namespace

bool RecordBlocks::scan_to_record_end() {
  // Only quotes and line feeds change the state. Both are found 64 bytes at a time as bit masks;
  // the quote parity of every byte is the prefix XOR of the quote mask (as simdjson finds strings),
  // so a block costs the same however many quoted fields it holds. IO-archive rows quote every
  // field: visiting each quote in turn took 1.7% of their ingest (perf), the masks 0.8%.
  const char *data = buffer_.data();
  const std::size_t size = buffer_.size();
  char padded[64];
  while (scan_ < size) {
    const std::size_t n = std::min<std::size_t>(64, size - scan_);
    const char *block = data + scan_;
    if (n < 64) { // the buffer's tail, padded with bytes that are neither
      std::memset(padded, 0, sizeof padded);
      std::memcpy(padded, block, n);
      block = padded;
    }
    const std::uint64_t quotes = quoting_ ? byte_mask(block, '"') : 0;
    const std::uint64_t newlines = byte_mask(block, '\n');
    const std::uint64_t quoted = prefix_xor(quotes) ^ (in_quotes_ ? ~std::uint64_t{0} : 0);
    const std::uint64_t ends = newlines & ~quoted;
    if (ends != 0) { // a line feed outside quotes: the record ends there
      const int at = std::countr_zero(ends);
      const std::uint64_t through = at == 63 ? ~std::uint64_t{0} : (std::uint64_t{2} << at) - 1;
      line_ += std::popcount(newlines & through);
      in_quotes_ = false;
      scan_ += static_cast<std::size_t>(at) + 1;
      return true;
    }
    line_ += std::popcount(newlines);
    in_quotes_ = (quoted >> 63) != 0; // the padding holds no quotes: bit 63 is the tail's parity
    scan_ += n;
  }
  return false;
}

namespace {

// Adds the quotes (when `quotes`) and line feeds of n bytes to `counts`, reading each byte once:
// in runs of at most 255 bytes, whose byte-wide counts the compiler keeps in vector registers.
void count_bytes(const char *bytes, std::size_t n, bool quotes, RangeCounts &counts) {
  while (n > 0) {
    const std::size_t run = std::min<std::size_t>(n, 255);
    std::uint8_t quote_count = 0, newline_count = 0;
    for (std::size_t i = 0; i < run; ++i) {
      quote_count = static_cast<std::uint8_t>(quote_count + (bytes[i] == '"'));
      newline_count = static_cast<std::uint8_t>(newline_count + (bytes[i] == '\n'));
    }
    counts.quotes += quotes ? quote_count : 0;
    counts.newlines += newline_count;
    bytes += run;
    n -= run;
  }
}

} // namespace

RangeCounts count_range(const std::string &path, std::uint64_t begin, std::uint64_t end,
                        RecordSyntax syntax) {
  auto source = open_source(path, Compression::none, begin);
  std::vector<char> buffer(kReadBytes);
  RangeCounts counts;
  std::uint64_t left = end - begin;
  while (left > 0) {
    const std::size_t n = source->read(buffer.data(), std::min<std::uint64_t>(left, buffer.size()));
    if (n == 0)
      break;
    count_bytes(buffer.data(), n, syntax == RecordSyntax::csv, counts);
    left -= n;
  }
  return counts;
}

RecordBlocks::RecordBlocks(std::unique_ptr<ByteSource> source, StreamState start,
                           std::uint64_t stop, std::size_t block_bytes, RecordSyntax syntax,
                           std::string buffer)
    : source_(std::move(source)), stop_(stop), block_bytes_(std::max<std::size_t>(block_bytes, 1)),
      buffer_(std::move(buffer)), base_(start.offset), quoting_(syntax == RecordSyntax::csv),
      in_quotes_(quoting_ && start.in_quotes), line_(start.line) {
  // A block, the record that crosses its end and one read beyond: no growth on the usual path.
  buffer_.clear();
  buffer_.reserve(block_bytes_ + 2 * kReadBytes);
  // The caller opened the source one byte early when start.offset > 0, so that we can tell
  // whether a record begins exactly at start.offset.
  synced_ = start.offset == 0;
  if (!synced_) {
    char previous = 0;
    if (source_->read(&previous, 1) == 1 && previous == '\n' && !in_quotes_)
      synced_ = true;
  }
}

bool RecordBlocks::fill() {
  if (eof_)
    return false;
  const std::size_t old = buffer_.size();
  buffer_.resize(old + kReadBytes);
  const std::size_t n = source_->read(buffer_.data() + old, kReadBytes);
  buffer_.resize(old + n);
  if (n == 0)
    eof_ = true;
  return n > 0;
}

void RecordBlocks::skip_partial_record() {
  while (!synced_) {
    if (scan_ == buffer_.size() && !fill()) {
      done_ = true;
      return;
    }
    synced_ = scan_to_record_end();
  }
  buffer_.erase(0, scan_);
  base_ += scan_;
  scan_ = 0;
}

bool RecordBlocks::next(std::vector<Record> &records) {
  records.clear();
  // Drop the records handed out by the previous call.
  buffer_.erase(0, consumed_);
  base_ += consumed_;
  scan_ -= consumed_;
  consumed_ = 0;
  if (!done_)
    skip_partial_record();
  if (done_ && buffer_.empty())
    return false;

  std::vector<std::pair<std::size_t, std::size_t>> spans; // [begin, end) in buffer_
  std::vector<std::int64_t> lines;
  std::vector<bool> truncated;
  std::size_t record_start = 0;
  std::int64_t record_line = line_;
  while (!done_ && base_ + record_start < stop_ && (spans.empty() || record_start < block_bytes_)) {
    bool ended = false;
    while (!ended && (scan_ < buffer_.size() || fill()))
      ended = scan_to_record_end();
    if (!ended) { // end of input: a last record without a line end, or a truncated one
      done_ = true;
      if (scan_ > record_start) {
        spans.emplace_back(record_start, scan_);
        lines.push_back(record_line);
        truncated.push_back(in_quotes_);
      }
      record_start = scan_;
      break;
    }
    std::size_t end = scan_ - 1; // the line feed
    if (end > record_start && buffer_[end - 1] == '\r')
      --end;
    if (end > record_start) { // blank lines are skipped
      spans.emplace_back(record_start, end);
      lines.push_back(record_line);
      truncated.push_back(false);
    }
    record_start = scan_;
    record_line = line_;
  }
  if (!done_ && base_ + record_start >= stop_)
    done_ = true;
  consumed_ = record_start;
  const std::string_view view(buffer_);
  for (std::size_t i = 0; i < spans.size(); ++i) {
    records.push_back(Record{view.substr(spans[i].first, spans[i].second - spans[i].first),
                             lines[i], truncated[i]});
  }
  return !records.empty() || !done_;
}

} // namespace lockstep::ingest
