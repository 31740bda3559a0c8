// Input tables by header name: the IO archive's tweets and users files (column order and snake
// or camel case may differ between releases) and the generic action table. A record becomes a
// post and/or an account profile, or a reject with its reason.
#pragma once

#include "ingest/records.hpp"
#include "ingest/rows.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::ingest {

// json_tweets: Twitter API tweets as JSON lines (ingest/json.hpp), read as tweets rows.
enum class TableKind { tweets, users, actions, snapshots, json_tweets };

// The generic action table's column names (CooRTweet's by default).
struct ActionColumns {
  std::string object_id = "object_id";
  std::string account_id = "account_id";
  std::string content_id = "content_id";
  std::string timestamp = "timestamp_share";
};

// Parses "object_id=COL,account_id=COL,..." (any subset); throws UsageError for unknown names.
ActionColumns parse_action_columns(const std::string &mapping);

struct TableLayout {
  TableKind kind = TableKind::tweets;
  std::size_t field_count = 0;
  std::vector<int> columns; // per known field (see parse.cpp), its index in the header or -1
};

// Maps a header to known fields; a missing required column throws InputError (file, line 1).
TableLayout map_header(TableKind kind, const std::vector<std::string_view> &header,
                       const std::string &file, const ActionColumns &action_columns);

struct ParsedRecord {
  std::optional<PostRow> post;
  std::optional<AccountRow> account;
  std::optional<SnapshotRow> snapshot;
  std::optional<Reject> reject;
};

// How much of the author's profile a tweets row yields (every other table yields it whole):
// `full`, or `checked`: validated like the full one (a bad count or date rejects the row), but
// only the id, the language and the numbers are kept. Ingest keeps one profile per account and
// block, so it parses every row `checked` and asks again, `full`, for the rows it keeps.
enum class ProfileCopy { full, checked };

ParsedRecord parse_record(const TableLayout &layout, const Record &record, std::uint32_t file,
                          std::uint32_t partitions, ProfileCopy profile = ProfileCopy::full);

} // namespace lockstep::ingest
