// Input tables by header name: the IO archive's tweets and users files (column order and snake
// or camel case may differ between releases) and the generic action table. A record becomes a
// post and/or an account profile, or a reject with its reason.
#pragma once

#include "ingest/records.hpp"
#include "ingest/rows.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::ingest {

// json_tweets: Twitter API tweets as JSON lines (ingest/json.hpp), read as tweets rows. follows:
// an edge list CSV (account_id, followed_id[, collected_at]); json_follows: twarc2's following
// and followers output as JSON lines.
enum class TableKind { tweets, users, actions, snapshots, json_tweets, follows, json_follows };

// The generic action table's column names (CooRTweet's by default). Besides object_id (the
// `object` signal), a table may hold typed object columns, each read as its own store signal:
// `--columns url=url_id,hashtag=hashtag_id,media=phash_id` (the store signals whose keys are
// values: hashtag, url, domain, mention, media). An empty or NA cell is no object. Without typed
// columns a row needs its object_id; with them, a row without any object is a post that shares
// nothing (it needs a content id). In the one-object table each row is one post (CooRTweet's
// shares); with typed columns the rows of one (account, content id) are one post with all their
// objects (a post with two hashtags comes as two rows), and a row without a content id is a post
// of its own.
struct ActionColumns {
  std::string object_id = "object_id";
  std::string account_id = "account_id";
  std::string content_id = "content_id";
  std::string timestamp = "timestamp_share";
  std::vector<std::pair<signals::Id, std::string>> typed_objects; // signal, column
};

// Store signals an action table can give a column of their own (typed objects), and their names
// ("hashtag, url, ...").
bool typed_object_signal(signals::Id signal);
std::string typed_object_names();

// How inputs name the fields ingest reads: `--columns NAME=COLUMN,...` maps the action table's
// names, or for IO-archive tweets files the archive's tweet columns (io_archive::kTweetColumns)
// onto another layout's header (a re-release's, such as FiveThirtyEight's IRA tweets), and
// `--time-format` reads tweet_time in another layout's format.
struct ColumnMapping {
  ActionColumns actions;
  std::map<std::string, std::string> tweets; // archive column -> the file's header name
  std::string time_format;                   // "" = the archive's "YYYY-MM-DD HH:MM[:SS]"
  std::string label_column; // `--label-column`: tweets and users files' column of account labels
  // `--follow-columns`: the follows edge list's header names (account_id, followed_id,
  // collected_at), each to a name the file's header has.
  std::map<std::string, std::string> follows;
};

// Reads `--follow-columns NAME=COLUMN,...` (NAME: account_id, followed_id, collected_at); throws
// UsageError for another name or a malformed entry.
std::map<std::string, std::string> parse_follow_columns(const std::string &mapping);

// A collection or snapshot time: "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]", ISO 8601 with a "T",
// fractional seconds and a "Z" or "+HH:MM" offset (twarc's retrieved_at), or unix seconds.
std::optional<std::int64_t> parse_collection_time(std::string_view text);

// The header names of action tables joined to IO-archive tweets (`--action-columns`): content_id,
// account_id, timestamp and one or more media columns (media=COL), no object_id and no other
// typed column (tweets carry their own hashtags, URLs and mentions). Throws UsageError otherwise.
ActionColumns parse_joined_action_columns(const std::string &mapping);

// Parses the mapping for `format` ("ioarchive", "actions" or "jsonl"); throws UsageError for a
// name the format does not read, or a mapping or time format given where none applies.
ColumnMapping parse_column_mapping(const std::string &mapping, const std::string &format,
                                   const std::string &time_format);

struct TableLayout {
  TableKind kind = TableKind::tweets;
  std::size_t field_count = 0;
  std::vector<int> columns; // per known field (see parse.cpp), its index in the header or -1
  std::string time_format;  // tweets: see ColumnMapping
  int label = -1;           // tweets and users: the label column's index, or -1
  std::vector<signals::Id> typed_objects; // actions: the signal of each typed object column
};

// Maps a header to known fields; a missing required column, or a mapped column the header lacks,
// throws InputError (file, line 1).
TableLayout map_header(TableKind kind, const std::vector<std::string_view> &header,
                       const std::string &file, const ColumnMapping &mapping);

// What parsing mended in a row it kept, counted by reason in the manifest.
struct Repairs {
  std::uint32_t empty_list_elements = 0; // "[a,]", "[a,, b]": skipped
  bool retweet_keyed_by_text = false;    // a retweet without retweet_tweetid (see parse_tweet)
};

// A row that may be absent, like std::optional, but whose memory stays when it is emptied: a
// record slot parsed again reuses its post's and profile's strings (PostRow::clear).
template <typename Row>
class ReusableRow {
public:
  explicit operator bool() const { return present_; }
  bool has_value() const { return present_; }
  Row &operator*() { return row_; }
  const Row &operator*() const { return row_; }
  Row *operator->() { return &row_; }
  const Row *operator->() const { return &row_; }

  Row &emplace() { // the row, present and cleared
    row_.clear();
    present_ = true;
    return row_;
  }
  void reset() { present_ = false; }

private:
  Row row_;
  bool present_ = false;
};

struct ParsedRecord {
  ReusableRow<PostRow> post;       // every tweets and actions row has one,
  ReusableRow<AccountRow> account; // and every row but a reject a profile
  std::optional<SnapshotRow> snapshot;
  std::optional<FollowRow> follow;
  std::optional<Reject> reject;
  Repairs repairs;

  void clear(); // no rows, no repairs; the post's and profile's memory stays
};

// The key of a retweet that names no retweeted post (re-releases drop retweet_tweetid): its
// normalised text, which is the retweeted post's with or without the "RT @user:" prefix, hashed
// with the top bit set like other non-numeric ids; 0 when the text is empty once normalised.
std::uint64_t retweet_text_key(std::string_view text);

// The retweeted account of such a retweet, from its "RT @name:" prefix: "@" and the screen name
// lower-cased, which stands in for retweet_userid (the audience null's author, the similarity
// signal's target); "" without the prefix.
std::string retweeted_screen_name(std::string_view text);

// How much of the author's profile a tweets row yields (every other table yields it whole):
// `full`, or `checked`: validated like the full one (a bad count or date rejects the row), but
// only the id, the language and the numbers are kept. Ingest keeps one profile per account and
// block, so it parses every row `checked` and asks again, `full`, for the rows it keeps.
enum class ProfileCopy { full, checked };

ParsedRecord parse_record(const TableLayout &layout, const Record &record, std::uint32_t file,
                          std::uint32_t partitions, ProfileCopy profile = ProfileCopy::full);

// The same, into `out`, whose memory it reuses: ingest parses every record into one of a few
// thousand slots.
void parse_record(const TableLayout &layout, const Record &record, std::uint32_t file,
                  std::uint32_t partitions, ProfileCopy profile, ParsedRecord &out);

// Fills `account` with the full profile of a tweets record's author (CSV or JSON), as
// parse_record gives it with ProfileCopy::full, without parsing the tweet again; false when the
// record's profile is bad.
bool parse_tweet_profile(const TableLayout &layout, const Record &record, std::uint32_t file,
                         std::uint32_t partitions, AccountRow &account);

// The partition of a CSV record's account, read from the fields up to its account column alone:
// what parse_record gives every row it keeps (post, profile or snapshot). Nothing for JSON, or
// when those fields cannot be split or name no account (parse_record then says why).
std::optional<std::uint32_t> record_partition(const TableLayout &layout, const Record &record,
                                              std::uint32_t partitions);

} // namespace lockstep::ingest
