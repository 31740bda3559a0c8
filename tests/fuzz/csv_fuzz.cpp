// libFuzzer target for the input parsers: record cutting (RecordBlocks over the bytes, whole and
// from a split point, as CSV and as JSON lines), field splitting, list fields, the normalisers and
// the JSON tweet reader. Built with -DLOCKSTEP_FUZZ=ON and clang; .ci/run runs it for a bounded
// time.
#include "common/csv.hpp"
#include "ingest/fields.hpp"
#include "ingest/json.hpp"
#include "ingest/records.hpp"
#include "text/normalize.hpp"

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace {

// A ByteSource over memory, from an offset.
class MemorySource final : public lockstep::ingest::ByteSource {
public:
  MemorySource(const std::string &data, std::size_t offset) : data_(data), at_(offset) {}
  std::size_t read(char *buffer, std::size_t capacity) override {
    const std::size_t n = std::min(capacity, data_.size() - std::min(at_, data_.size()));
    std::memcpy(buffer, data_.data() + at_, n);
    at_ += n;
    return n;
  }

private:
  const std::string &data_;
  std::size_t at_;
};

using lockstep::ingest::RecordSyntax;

// A record as read: its text, the line it begins on, whether the input ended inside it.
using Seen = std::tuple<std::string, std::int64_t, bool>;

// The records of data from `start` to `stop`, each also put through the field parsers.
std::vector<Seen> read_records(const std::string &data, lockstep::ingest::StreamState start,
                               std::uint64_t stop, RecordSyntax syntax) {
  using namespace lockstep::ingest;
  RecordBlocks blocks(std::make_unique<MemorySource>(data, start.offset > 0 ? start.offset - 1 : 0),
                      start, stop, 16, syntax);
  std::vector<Record> records;
  std::vector<std::string_view> fields;
  std::string scratch;
  TweetColumns columns;
  std::vector<Seen> seen;
  while (blocks.next(records)) {
    for (const auto &record : records) {
      seen.emplace_back(std::string(record.text), record.line, record.truncated);
      if (syntax == RecordSyntax::lines) {
        if (valid_utf8(record.text))
          (void)json_tweet_columns(record.text, columns);
        continue;
      }
      if (lockstep::csv::split_record(record.text, fields, scratch)) {
        for (const auto field : fields) {
          (void)parse_list(field);
          (void)parse_count(field);
          (void)parse_minute_time(field);
          (void)lockstep::text::normalize_url(field);
          if (valid_utf8(field))
            (void)lockstep::text::normalize_text(field);
        }
      }
    }
  }
  return seen;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *bytes, std::size_t size) {
  using namespace lockstep::ingest;
  const std::string data(reinterpret_cast<const char *>(bytes), size);
  // Any split point must give the same records (texts, lines, truncation) in two pieces, in
  // either syntax.
  const std::size_t split = size == 0 ? 0 : bytes[0] % (size + 1);
  for (const auto syntax : {RecordSyntax::csv, RecordSyntax::lines}) {
    const auto whole = read_records(data, StreamState{}, UINT64_MAX, syntax);
    StreamState state{split, false, 1};
    for (std::size_t i = 0; i < split; ++i) {
      if (data[i] == '"' && syntax == RecordSyntax::csv)
        state.in_quotes = !state.in_quotes;
      if (data[i] == '\n')
        ++state.line;
    }
    auto pieces = read_records(data, StreamState{}, split, syntax);
    const auto second = read_records(data, state, UINT64_MAX, syntax);
    pieces.insert(pieces.end(), second.begin(), second.end());
    if (pieces != whole)
      __builtin_trap();
  }
  return 0;
}
