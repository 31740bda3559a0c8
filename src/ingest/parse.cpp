// Record parsing and validation.
#include "ingest/parse.hpp"

#include "common/csv.hpp"
#include "common/error.hpp"
#include "common/hash.hpp"
#include "common/io_archive.hpp"
#include "ingest/fields.hpp"
#include "ingest/json.hpp"
#include "text/normalize.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace lockstep::ingest {
namespace {

// Known fields of each table; the value is the index into TableLayout::columns. The IO tables'
// fields are their positions in the archive's column lists (common/io_archive.hpp), which name
// them; ingest reads all but a few (profile URL, geo, engagement counts, polls).
enum TweetField {
  kTweetId = 0,
  kUserId = 1,
  kDisplayName = 2,
  kScreenName = 3,
  kLocation = 4,
  kDescription = 5,
  kFollowers = 7,
  kFollowing = 8,
  kCreated = 9,
  kAccountLanguage = 10,
  kTweetLanguage = 11,
  kText = 12,
  kTime = 13,
  kClient = 14,
  kReplyUser = 15,
  kReplyTweet = 16,
  kQuoteTweet = 17,
  kIsRetweet = 18,
  kRetweetUser = 19,
  kRetweetTweet = 20,
  kHashtags = 27,
  kUrls = 28,
  kMentions = 29,
};
static_assert(io_archive::kTweetColumns[kTweetId] == "tweetid" &&
              io_archive::kTweetColumns[kFollowers] == "follower_count" &&
              io_archive::kTweetColumns[kRetweetTweet] == "retweet_tweetid" &&
              io_archive::kTweetColumns[kHashtags] == "hashtags" &&
              io_archive::kTweetColumns[kMentions] == "user_mentions");
constexpr std::array<int, 4> kTweetRequired = {kTweetId, kUserId, kTime, kText};

enum UserField {
  kUUserId = 0,
  kUDisplayName = 1,
  kUScreenName = 2,
  kULocation = 3,
  kUDescription = 4,
  kUFollowers = 6,
  kUFollowing = 7,
  kUCreated = 8,
  kULanguage = 9,
};
static_assert(io_archive::kUserColumns[kUFollowers] == "follower_count" &&
              io_archive::kUserColumns[kULanguage] == "account_language");

enum ActionField { kObject, kAccount, kContent, kTimestamp, kActionFieldCount };

// Follower snapshots: (account, time, followers); the names accept the usual spellings.
enum SnapshotField { kSAccount, kSTime, kSFollowers, kSnapshotFieldCount };
const std::vector<std::vector<std::string>> kSnapshotNames = {
    {"userid", "account_id", "account"},
    {"time", "timestamp", "snapshot_time", "date"},
    {"followers", "follower_count", "followers_count"}};

// Follows: (follower, followed, collection time); the names accept the usual spellings, and
// --follow-columns names others. The time is optional.
enum FollowField { kFAccount, kFFollowed, kFTime, kFollowFieldCount };
constexpr std::array<std::string_view, kFollowFieldCount> kFollowFieldNames = {
    "account_id", "followed_id", "collected_at"};
const std::vector<std::vector<std::string>> kFollowNames = {
    {"account_id", "userid", "user_id", "follower_id", "source"},
    {"followed_id", "following_id", "friend_id", "target"},
    {"collected_at", "retrieved_at", "time", "timestamp"}};

// "user_display_name", "userDisplayName" and "User Display Name" all become "userdisplayname".
std::string canonical(std::string_view name) {
  std::string out;
  for (const char c : name) {
    if (c == '_' || c == ' ' || c == '-')
      continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

std::vector<int> find_fields(const std::vector<std::string_view> &header,
                             const std::vector<std::string> &names) {
  std::vector<int> columns(names.size(), -1);
  for (std::size_t f = 0; f < names.size(); ++f) {
    const std::string wanted = canonical(names[f]);
    for (std::size_t c = 0; c < header.size(); ++c) {
      if (canonical(header[c]) == wanted) {
        columns[f] = static_cast<int>(c);
        break;
      }
    }
  }
  return columns;
}

class Fields {
public:
  Fields(const TableLayout &layout, const std::vector<std::string_view> &values)
      : layout_(layout), values_(values) {}
  std::string_view operator[](int field) const {
    const int c = layout_.columns[static_cast<std::size_t>(field)];
    return c < 0 ? std::string_view() : values_[static_cast<std::size_t>(c)];
  }
  std::size_t field_count() const { return layout_.columns.size(); }
  // The action table's typed object column t (TableLayout::typed_objects).
  signals::Id typed_signal(std::size_t t) const { return layout_.typed_objects[t]; }
  // The account label (TableLayout::label), "" without one.
  std::string_view label() const {
    return layout_.label < 0 ? std::string_view()
                             : values_[static_cast<std::size_t>(layout_.label)];
  }

private:
  const TableLayout &layout_;
  const std::vector<std::string_view> &values_;
};

// Makes `out` a reject (and nothing else) with its reason.
void reject(ParsedRecord &out, std::uint32_t file, std::int64_t line, std::string reason,
            std::string detail) {
  out.clear();
  out.reject = Reject{file, line, std::move(reason), std::move(detail)};
}

std::string clip(std::string_view value) {
  std::string out(value.substr(0, 60));
  return value.size() > 60 ? out + "..." : out;
}

// Where a table keeps the account profile: tweets rows carry a copy, users rows are one.
struct ProfileColumns {
  int id, display_name, screen_name, location, description, followers, following, created, language;
};
constexpr ProfileColumns kTweetProfile{kUserId,    kDisplayName, kScreenName,
                                       kLocation,  kDescription, kFollowers,
                                       kFollowing, kCreated,     kAccountLanguage};
constexpr ProfileColumns kUserProfile{kUUserId,    kUDisplayName, kUScreenName,
                                      kULocation,  kUDescription, kUFollowers,
                                      kUFollowing, kUCreated,     kULanguage};

// Fills `account` from a row's profile columns (its names and texts only when `copy` is full);
// returns a reject reason, or "" when all is well.
std::string read_profile(const Fields &f, const ProfileColumns &c, std::uint32_t partitions,
                         std::uint32_t file, std::int64_t line, ProfileCopy copy,
                         AccountRow &account, std::string &detail) {
  account.file = file;
  account.line = line;
  account.id.assign(f[c.id]);
  account.partition = partition_of(account.id, partitions);
  account.language.assign(f[c.language]);
  if (copy == ProfileCopy::full) {
    account.screen_name.assign(f[c.screen_name]);
    account.display_name.assign(f[c.display_name]);
    account.description.assign(f[c.description]);
    account.location.assign(f[c.location]);
    account.label.assign(f.label());
  }
  const auto followers = parse_count(f[c.followers]), following = parse_count(f[c.following]);
  if (!followers || !following) {
    detail = fmt::format("follower_count '{}', following_count '{}'", clip(f[c.followers]),
                         clip(f[c.following]));
    return "bad count";
  }
  account.followers = *followers;
  account.following = *following;
  const std::string_view created = f[c.created];
  if (!created.empty()) {
    const auto day = parse_day(created.substr(0, std::min<std::size_t>(created.size(), 10)));
    if (!day) {
      detail = fmt::format("account_creation_date '{}'", clip(created));
      return "bad account_creation_date";
    }
    account.created_day = *day;
  }
  return "";
}

void parse_tweet(const Fields &f, const std::string &time_format, std::uint32_t file,
                 std::int64_t line, std::uint32_t partitions, ProfileCopy profile,
                 ParsedRecord &out) {
  const auto id = parse_id(f[kTweetId]);
  if (!id) {
    return reject(out, file, line, "bad tweetid",
                  fmt::format("tweetid '{}' is no decimal tweet id", clip(f[kTweetId])));
  }
  if (f[kUserId].empty())
    return reject(out, file, line, "missing userid", "userid is empty");
  const auto minute = time_format.empty() ? parse_minute_time(f[kTime])
                                          : parse_formatted_time(f[kTime], time_format);
  if (!f[kTime].empty() && !minute) {
    return reject(out, file, line, "bad tweet_time",
                  time_format.empty()
                      ? fmt::format("tweet_time '{}'", clip(f[kTime]))
                      : fmt::format("tweet_time '{}' is not '{}'", clip(f[kTime]), time_format));
  }
  const auto is_retweet = parse_bool(f[kIsRetweet]);
  if (!is_retweet) {
    return reject(out, file, line, "bad is_retweet",
                  fmt::format("is_retweet '{}'", clip(f[kIsRetweet])));
  }
  std::size_t empty_elements = 0;
  thread_local ListItems hashtags, urls, mentions; // views: a row's lists are not copied twice
  const bool hashtags_read = parse_list_into(f[kHashtags], hashtags, &empty_elements);
  const bool urls_read = parse_list_into(f[kUrls], urls, &empty_elements);
  const bool mentions_read = parse_list_into(f[kMentions], mentions, &empty_elements);
  if (!hashtags_read || !urls_read || !mentions_read) {
    const int bad = !hashtags_read ? kHashtags : !urls_read ? kUrls : kMentions;
    return reject(out, file, line, "bad list field",
                  fmt::format("{} '{}'", io_archive::kTweetColumns[static_cast<std::size_t>(bad)],
                              clip(f[bad])));
  }

  PostRow &post = out.post.emplace();
  post.account.assign(f[kUserId]);
  post.account_key = hash64(post.account);
  post.partition = partition_of(post.account, partitions);
  post.post_id = *id;
  post.dedup_key = *id;
  if (const auto snowflake = snowflake_ms(*id)) {
    post.time_ms = *snowflake;
    post.time_source = TimeSource::snowflake;
  } else if (minute) {
    post.time_ms = *minute;
    post.time_source = TimeSource::tweet_time;
  } else { // reject() empties the record, the post begun here with it
    return reject(out, file, line, "no time",
                  "tweet_time is empty and the tweetid is no snowflake");
  }
  post.client.assign(f[kClient]);
  post.language.assign(f[kTweetLanguage]);
  post.text.assign(f[kText]);
  post.retweet_user.assign(f[kRetweetUser]);
  post.reply_user.assign(f[kReplyUser]);
  post.retweet_of = post_key(f[kRetweetTweet]);
  post.reply_to = post_key(f[kReplyTweet]);
  post.quote_of = post_key(f[kQuoteTweet]);
  post.kind = (*is_retweet || post.retweet_of != 0) ? PostKind::retweet
              : post.reply_to != 0                  ? PostKind::reply
              : post.quote_of != 0                  ? PostKind::quote
                                                    : PostKind::original;
  out.repairs.empty_list_elements = static_cast<std::uint32_t>(empty_elements);
  if (post.kind == PostKind::retweet && post.retweet_of == 0) {
    post.retweet_of = retweet_text_key(post.text);
    out.repairs.retweet_keyed_by_text = post.retweet_of != 0;
    if (post.retweet_user.empty())
      post.retweet_user = retweeted_screen_name(post.text);
  }
  for (const auto tag : hashtags.items) {
    if (auto folded = text::normalize_hashtag(tag); folded && !folded->empty())
      post.hashtags.push_back(std::move(*folded));
  }
  for (const auto url : urls.items) {
    if (auto normal = text::normalize_url(url); !normal.empty())
      post.urls.push_back(std::move(normal));
  }
  post.mentions.assign(mentions.items.begin(), mentions.items.end());
  if (post.kind != PostKind::retweet) {
    thread_local std::string normal;
    if (text::normalize_text_into(post.text, normal) && !normal.empty())
      post.text_key = hash64(normal) | 1; // never 0, which means "no text"
  }
  post.file = file;
  post.line = line;

  AccountRow &account = out.account.emplace();
  std::string detail;
  if (auto reason =
          read_profile(f, kTweetProfile, partitions, file, line, profile, account, detail);
      !reason.empty()) {
    return reject(out, file, line, reason, detail);
  }
}

void parse_user(const Fields &f, std::uint32_t file, std::int64_t line, std::uint32_t partitions,
                ParsedRecord &out) {
  if (f[kUUserId].empty())
    return reject(out, file, line, "missing userid", "userid is empty");
  AccountRow &account = out.account.emplace();
  account.from_users_file = 1;
  std::string detail;
  if (auto reason =
          read_profile(f, kUserProfile, partitions, file, line, ProfileCopy::full, account, detail);
      !reason.empty()) {
    return reject(out, file, line, reason, detail);
  }
}

// An action table cell that holds no object: empty, or R's NA.
bool no_object(std::string_view cell) {
  return cell.empty() || cell == "NA";
}

// The typed object columns the layout reads (fields kActionFieldCount, ...).
std::size_t typed_object_count(const Fields &f) {
  return f.field_count() - kActionFieldCount;
}

// A row's objects: object_id's, then each typed column's, with their store signals.
void read_objects(const Fields &f, std::vector<std::pair<signals::Id, std::string_view>> &out) {
  out.clear();
  if (!no_object(f[kObject]))
    out.emplace_back(signals::Id::object, f[kObject]);
  for (std::size_t t = 0; t < typed_object_count(f); ++t) {
    const auto cell = f[int(kActionFieldCount + t)];
    if (!no_object(cell))
      out.emplace_back(f.typed_signal(t), cell);
  }
}

void parse_action(const Fields &f, std::uint32_t file, std::int64_t line, std::uint32_t partitions,
                  ParsedRecord &out) {
  if (f[kAccount].empty())
    return reject(out, file, line, "missing account_id", "account_id is empty");
  // With typed object columns, a row without objects is a post that shares nothing (it still
  // counts in its account's activity), but it needs a content id.
  thread_local std::vector<std::pair<signals::Id, std::string_view>> objects;
  read_objects(f, objects);
  if (objects.empty() && typed_object_count(f) == 0)
    return reject(out, file, line, "missing object_id", "object_id is empty or NA");
  if (objects.empty() && no_object(f[kContent]))
    return reject(out, file, line, "no object or content id",
                  "every object column and content_id are empty or NA");
  const std::string_view stamp = f[kTimestamp];
  double seconds = 0;
  const auto [end, error] = std::from_chars(stamp.data(), stamp.data() + stamp.size(), seconds);
  if (error != std::errc() || end != stamp.data() + stamp.size() || !std::isfinite(seconds)) {
    return reject(out, file, line, "bad timestamp", fmt::format("timestamp '{}'", clip(stamp)));
  }
  // Unix seconds from 1970 to 2100: other numbers are no time of a post (milliseconds given as
  // seconds, say) and would stretch every signal's time axis over millennia.
  constexpr double kLatestSeconds = 4'102'444'800; // 2100-01-01
  if (seconds < 0 || seconds >= kLatestSeconds) {
    return reject(out, file, line, "timestamp out of range",
                  fmt::format("timestamp '{}' is not unix seconds from 1970 to 2100", clip(stamp)));
  }
  PostRow &post = out.post.emplace();
  post.account.assign(f[kAccount]);
  post.account_key = hash64(post.account);
  post.partition = partition_of(post.account, partitions);
  post.names_its_post = !no_object(f[kContent]);
  post.post_id_text.assign(post.names_its_post ? f[kContent] : objects.front().second);
  post.post_id = post_key(post.post_id_text);
  for (const auto &[signal, value] : objects) {
    post.object_signals.push_back(std::uint8_t(signal));
    post.objects.emplace_back(value);
  }
  post.dedup_key = action_dedup_key(post);
  post.time_ms = static_cast<std::int64_t>(std::llround(seconds * 1000.0));
  post.time_source = TimeSource::timestamp;
  post.file = file;
  post.line = line;
  AccountRow &account = out.account.emplace();
  account.id = post.account;
  account.partition = post.partition;
  account.file = file;
  account.line = line;
}

// The account a snapshot or follow row names, known by its id alone unless profiles arrive too.
void add_account_by_id(ParsedRecord &out, const std::string &id, std::uint32_t partition,
                       std::uint32_t file, std::int64_t line) {
  AccountRow &account = out.account.emplace();
  account.id = id;
  account.partition = partition;
  account.file = file;
  account.line = line;
}

void parse_snapshot(const Fields &f, std::uint32_t file, std::int64_t line,
                    std::uint32_t partitions, ParsedRecord &out) {
  if (f[kSAccount].empty())
    return reject(out, file, line, "missing userid", "userid is empty");
  const auto time_ms = parse_collection_time(f[kSTime]);
  if (!time_ms)
    return reject(out, file, line, "bad snapshot time", fmt::format("time '{}'", clip(f[kSTime])));
  const auto followers = parse_count(f[kSFollowers]);
  if (!followers || *followers < 0) {
    return reject(out, file, line, "bad count",
                  fmt::format("followers '{}'", clip(f[kSFollowers])));
  }
  SnapshotRow &snapshot = out.snapshot.emplace();
  snapshot.account = std::string(f[kSAccount]);
  snapshot.partition = partition_of(snapshot.account, partitions);
  snapshot.time_ms = *time_ms;
  snapshot.followers = *followers;
  snapshot.file = file;
  snapshot.line = line;
  add_account_by_id(out, snapshot.account, snapshot.partition, file, line);
}

// A follow (either layout) as its row, and the follower as an account known by id alone.
void follow_record(std::string_view account, std::string_view followed, std::string_view time,
                   std::uint32_t file, std::int64_t line, std::uint32_t partitions,
                   ParsedRecord &out) {
  if (account.empty())
    return reject(out, file, line, "missing account_id", "the follower's id is empty");
  if (followed.empty())
    return reject(out, file, line, "missing followed_id", "the followed account's id is empty");
  std::optional<std::int64_t> time_ms = store::schema::kUnknownTime;
  if (!time.empty() && time != "NA" && !(time_ms = parse_collection_time(time)))
    return reject(out, file, line, "bad collection time", fmt::format("time '{}'", clip(time)));
  FollowRow &follow = out.follow.emplace();
  follow.account = std::string(account);
  follow.followed = std::string(followed);
  follow.partition = partition_of(follow.account, partitions);
  follow.time_ms = *time_ms;
  follow.file = file;
  follow.line = line;
  add_account_by_id(out, follow.account, follow.partition, file, line);
}

void parse_json_follow(const Record &record, std::uint32_t file, std::uint32_t partitions,
                       ParsedRecord &out) {
  thread_local JsonFollow follow;
  if (auto error = json_follow(record.text, follow); !error.empty())
    return reject(out, file, record.line, "bad JSON follow", std::move(error));
  follow_record(follow.account, follow.followed, follow.collected_at, file, record.line, partitions,
                out);
}

// A JSON line's values in the archive's tweet columns (views valid until the thread's next call);
// returns what is wrong with the line, or "".
std::string json_tweet_values(std::string_view line, std::vector<std::string_view> &values) {
  thread_local TweetColumns columns;
  auto error = json_tweet_columns(line, columns);
  values.assign(columns.begin(), columns.end());
  return error;
}

// A JSON line read into the archive's tweet columns, then as a tweets row.
void parse_json_tweet(const TableLayout &layout, const Record &record, std::uint32_t file,
                      std::uint32_t partitions, ProfileCopy profile, ParsedRecord &out) {
  thread_local std::vector<std::string_view> values;
  if (auto error = json_tweet_values(record.text, values); !error.empty())
    return reject(out, file, record.line, "bad JSON tweet", std::move(error));
  parse_tweet(Fields(layout, values), layout.time_format, file, record.line, partitions, profile,
              out);
}

} // namespace

std::uint64_t retweet_text_key(std::string_view text) {
  const auto normal = text::normalize_text(text);
  if (!normal || normal->empty())
    return 0;
  return hash64("retweeted text\n" + *normal) | (std::uint64_t{1} << 63);
}

std::string retweeted_screen_name(std::string_view text) {
  constexpr std::string_view kPrefix = "RT @";
  if (!text.starts_with(kPrefix))
    return "";
  std::string name = "@";
  for (const char c : text.substr(kPrefix.size())) {
    if (c == ':')
      return name.size() > 1 ? name : "";
    const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (c >= 'A' && c <= 'Z')
      name.push_back(static_cast<char>(c - 'A' + 'a'));
    else if (word)
      name.push_back(c);
    else
      return "";
  }
  return "";
}

namespace {

// "NAME=COLUMN,..." as (name, column) pairs; throws UsageError when a pair has no '='.
std::vector<std::pair<std::string, std::string>> mapping_pairs(const std::string &mapping) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string_view rest = mapping;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view pair = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos || equals == 0 || equals + 1 == pair.size()) {
      throw UsageError("--columns: expected NAME=COLUMN, got '" + std::string(pair) + "'");
    }
    pairs.emplace_back(pair.substr(0, equals), pair.substr(equals + 1));
  }
  return pairs;
}

ActionColumns parse_action_columns(const std::string &mapping) {
  ActionColumns columns;
  for (const auto &[name, column] : mapping_pairs(mapping)) {
    if (name == "object_id")
      columns.object_id = column;
    else if (name == "account_id")
      columns.account_id = column;
    else if (name == "content_id")
      columns.content_id = column;
    else if (name == "timestamp_share" || name == "timestamp")
      columns.timestamp = column;
    else if (const auto signal = signals::find(name); signal && typed_object_signal(*signal))
      columns.typed_objects.emplace_back(*signal, column);
    else
      throw UsageError("--columns: unknown name '" + name +
                       "' (object_id, account_id, content_id, timestamp_share, or a typed object "
                       "column: " +
                       typed_object_names() + ")");
  }
  return columns;
}

std::map<std::string, std::string> parse_tweet_columns(const std::string &mapping) {
  std::map<std::string, std::string> columns;
  for (const auto &[name, column] : mapping_pairs(mapping)) {
    const auto &known = io_archive::kTweetColumns;
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      throw UsageError("--columns: '" + name +
                       "' is no IO-archive tweets column (tweetid, userid, tweet_text, "
                       "tweet_time, is_retweet, ...; data-schema/store.md)");
    }
    columns[name] = column;
  }
  return columns;
}

} // namespace

std::map<std::string, std::string> parse_follow_columns(const std::string &mapping) {
  std::map<std::string, std::string> columns;
  for (const auto &[name, column] : mapping_pairs(mapping)) {
    if (std::find(kFollowFieldNames.begin(), kFollowFieldNames.end(), name) ==
        kFollowFieldNames.end())
      throw UsageError("--follow-columns: unknown name '" + name +
                       "' (account_id, followed_id, collected_at)");
    columns[name] = column;
  }
  return columns;
}

std::optional<std::int64_t> parse_collection_time(std::string_view text) {
  text = trim(text);
  if (text.size() == 10 && text[4] == '-') {
    const auto day = parse_day(text);
    return day ? std::optional<std::int64_t>(*day * 86'400'000LL) : std::nullopt;
  }
  if (text.size() >= 19 && text[4] == '-' && (text[10] == 'T' || text[10] == ' ')) {
    const auto second = parse_minute_time(text.substr(0, 19));
    if (!second)
      return std::nullopt;
    auto rest = text.substr(19);
    std::int64_t millis = 0;
    if (!rest.empty() && rest.front() == '.') { // fractional seconds: milliseconds kept
      std::size_t digits = 1;
      while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9')
        ++digits;
      for (std::size_t d = 1; d < 4; ++d)
        millis = millis * 10 + (d < digits ? rest[d] - '0' : 0);
      rest = rest.substr(digits);
    }
    std::int64_t offset_minutes = 0;
    if (rest == "Z" || rest == "+00:00" || rest.empty()) {
      // UTC
    } else if ((rest.size() == 6 && rest[3] == ':') || rest.size() == 5) {
      const auto two_digits = [](std::string_view d) {
        return d[0] >= '0' && d[0] <= '9' && d[1] >= '0' && d[1] <= '9'
                   ? (d[0] - '0') * 10 + (d[1] - '0')
                   : -1;
      };
      const int hours = two_digits(rest.substr(1, 2)),
                minutes = two_digits(rest.substr(rest.size() - 2));
      if ((rest[0] != '+' && rest[0] != '-') || hours < 0 || minutes < 0)
        return std::nullopt;
      offset_minutes = (rest[0] == '-' ? -1 : 1) * (hours * 60 + minutes);
    } else {
      return std::nullopt;
    }
    return *second + millis - offset_minutes * 60'000LL;
  }
  if (const auto minute = parse_minute_time(text))
    return minute;
  double seconds = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(seconds)) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(std::llround(seconds * 1000.0));
}

ActionColumns parse_joined_action_columns(const std::string &mapping) {
  auto columns = parse_action_columns(mapping);
  const auto pairs = mapping_pairs(mapping);
  if (std::any_of(pairs.begin(), pairs.end(),
                  [](const auto &pair) { return pair.first == "object_id"; }))
    throw UsageError("--action-columns: a table joined to tweets has no object_id column; name "
                     "its media column (media=COL)");
  const bool media_only =
      !columns.typed_objects.empty() &&
      std::all_of(columns.typed_objects.begin(), columns.typed_objects.end(),
                  [](const auto &typed) { return typed.first == signals::Id::media; });
  if (!media_only)
    throw UsageError("--action-columns: a table joined to tweets gives media columns only "
                     "(media=COL); tweets carry their own hashtags, URLs and mentions");
  return columns;
}

ColumnMapping parse_column_mapping(const std::string &mapping, const std::string &format,
                                   const std::string &time_format) {
  ColumnMapping out;
  if (format == "actions")
    out.actions = parse_action_columns(mapping);
  else if (format == "ioarchive")
    out.tweets = parse_tweet_columns(mapping);
  else if (!mapping.empty())
    throw UsageError("--columns applies to --format ioarchive or actions, not " + format);
  if (!time_format.empty()) {
    if (format != "ioarchive")
      throw UsageError("--time-format applies to --format ioarchive tweets files");
    if (!valid_time_format(time_format)) {
      throw UsageError("--time-format '" + time_format +
                       "': use %Y, %m, %d, %H, %M, %S and literal characters");
    }
    out.time_format = time_format;
  }
  return out;
}

namespace {

// The first of a field's spellings that the header has, or its first spelling (which the
// required-column check then names).
std::string first_present(const std::vector<std::string_view> &header,
                          const std::vector<std::string> &spellings) {
  for (const auto &name : spellings) {
    if (find_fields(header, {name})[0] >= 0)
      return name;
  }
  return spellings.front();
}

// The header's index of the label column (-1 for none); a named column the header lacks throws.
int label_index(const std::vector<std::string_view> &header, const std::string &file,
                const std::string &column) {
  if (column.empty())
    return -1;
  const int index = find_fields(header, {column})[0];
  if (index < 0)
    throw InputError(file, 1, "no column '" + column + "' (--label-column)");
  return index;
}

} // namespace

TableLayout map_header(TableKind kind, const std::vector<std::string_view> &header,
                       const std::string &file, const ColumnMapping &mapping) {
  TableLayout layout;
  layout.kind = kind;
  layout.field_count = header.size();
  std::vector<std::string> names;
  std::vector<int> required;
  const auto &action_columns = mapping.actions;
  switch (kind) {
  case TableKind::tweets:
    for (const auto name : io_archive::kTweetColumns) {
      const auto mapped = mapping.tweets.find(std::string(name));
      names.emplace_back(mapped != mapping.tweets.end() ? mapped->second : std::string(name));
    }
    required.assign(kTweetRequired.begin(), kTweetRequired.end());
    for (const auto &[name, column] : mapping.tweets) {
      if (find_fields(header, {column})[0] < 0)
        throw InputError(file, 1, fmt::format("no column '{}' (mapped from {})", column, name));
    }
    layout.time_format = mapping.time_format;
    layout.label = label_index(header, file, mapping.label_column);
    break;
  case TableKind::users:
    names.assign(io_archive::kUserColumns.begin(), io_archive::kUserColumns.end());
    required = {kUUserId};
    layout.label = label_index(header, file, mapping.label_column);
    break;
  case TableKind::actions:
    names = {action_columns.object_id, action_columns.account_id, action_columns.content_id,
             action_columns.timestamp};
    required = {kAccount, kTimestamp};
    if (action_columns.typed_objects.empty())
      required.push_back(kObject); // else object_id is read where the header has it
    for (const auto &[signal, column] : action_columns.typed_objects) {
      required.push_back(int(names.size()));
      names.push_back(column);
      layout.typed_objects.push_back(signal);
    }
    break;
  case TableKind::json_tweets: // no header: every line is one tweet, read into these columns
    layout.field_count = io_archive::kTweetColumns.size();
    for (std::size_t i = 0; i < io_archive::kTweetColumns.size(); ++i)
      layout.columns.push_back(static_cast<int>(i));
    return layout;
  case TableKind::json_follows: // no header: every line is one user object
    return layout;
  case TableKind::follows:
    for (std::size_t f = 0; f < kFollowNames.size(); ++f) {
      const auto mapped = mapping.follows.find(std::string(kFollowFieldNames[f]));
      if (mapped != mapping.follows.end()) {
        names.push_back(mapped->second);
        continue;
      }
      names.push_back(first_present(header, kFollowNames[f])); // else the usual spellings
    }
    required = {kFAccount, kFFollowed};
    if (mapping.follows.contains(std::string(kFollowFieldNames[kFTime])))
      required.push_back(kFTime); // a named time column must be there
    break;
  case TableKind::snapshots:
    for (const auto &alternatives : kSnapshotNames)
      names.push_back(first_present(header, alternatives));
    required = {kSAccount, kSTime, kSFollowers};
    break;
  }
  layout.columns = find_fields(header, names);
  for (const int field : required) {
    if (layout.columns[static_cast<std::size_t>(field)] < 0) {
      throw InputError(file, 1,
                       "missing required column '" + names[static_cast<std::size_t>(field)] + "'");
    }
  }
  return layout;
}

void ParsedRecord::clear() {
  post.reset();
  account.reset();
  snapshot.reset();
  follow.reset();
  reject.reset();
  repairs = {};
}

ParsedRecord parse_record(const TableLayout &layout, const Record &record, std::uint32_t file,
                          std::uint32_t partitions, ProfileCopy profile) {
  ParsedRecord out;
  parse_record(layout, record, file, partitions, profile, out);
  return out;
}

void parse_record(const TableLayout &layout, const Record &record, std::uint32_t file,
                  std::uint32_t partitions, ProfileCopy profile, ParsedRecord &out) {
  out.clear();
  if (record.truncated) {
    return reject(out, file, record.line, "truncated record",
                  "the input ends inside a quoted field");
  }
  if (!valid_utf8(record.text))
    return reject(out, file, record.line, "invalid UTF-8", "");
  if (layout.kind == TableKind::json_tweets)
    return parse_json_tweet(layout, record, file, partitions, profile, out);
  if (layout.kind == TableKind::json_follows)
    return parse_json_follow(record, file, partitions, out);
  thread_local std::vector<std::string_view> values;
  thread_local std::string scratch;
  if (!csv::split_record(record.text, values, scratch)) {
    return reject(out, file, record.line, "malformed quoting", "text after a closing quote");
  }
  if (values.size() != layout.field_count) {
    return reject(out, file, record.line, "wrong field count",
                  fmt::format("{} fields, the header has {}", values.size(), layout.field_count));
  }
  const Fields fields(layout, values);
  switch (layout.kind) {
  case TableKind::tweets:
    return parse_tweet(fields, layout.time_format, file, record.line, partitions, profile, out);
  case TableKind::users:
    return parse_user(fields, file, record.line, partitions, out);
  case TableKind::actions:
    return parse_action(fields, file, record.line, partitions, out);
  case TableKind::snapshots:
    return parse_snapshot(fields, file, record.line, partitions, out);
  case TableKind::follows:
    return follow_record(trim(fields[kFAccount]), trim(fields[kFFollowed]), trim(fields[kFTime]),
                         file, record.line, partitions, out);
  case TableKind::json_tweets:
  case TableKind::json_follows:
    break; // read above
  }
}

bool parse_tweet_profile(const TableLayout &layout, const Record &record, std::uint32_t file,
                         std::uint32_t partitions, AccountRow &account) {
  thread_local std::vector<std::string_view> values;
  thread_local std::string scratch;
  if (layout.kind == TableKind::json_tweets) {
    if (!json_tweet_values(record.text, values).empty())
      return false;
  } else if (layout.kind != TableKind::tweets || !csv::split_record(record.text, values, scratch) ||
             values.size() != layout.field_count) {
    return false;
  }
  std::string detail;
  return read_profile(Fields(layout, values), kTweetProfile, partitions, file, record.line,
                      ProfileCopy::full, account, detail)
      .empty();
}

bool typed_object_signal(signals::Id signal) {
  const auto &row = signals::row(signal);
  return signals::in_store(std::uint8_t(signal)) && row.keys == signals::KeyKind::value &&
         signal != signals::Id::object;
}

std::string typed_object_names() {
  std::string out;
  for (const auto &s : signals::all()) {
    if (typed_object_signal(s.id))
      out += (out.empty() ? "" : ", ") + std::string(s.name);
  }
  return out;
}

std::optional<std::uint32_t> record_partition(const TableLayout &layout, const Record &record,
                                              std::uint32_t partitions) {
  if (record.truncated || layout.kind == TableKind::json_tweets ||
      layout.kind == TableKind::json_follows)
    return std::nullopt;
  const bool follows = layout.kind == TableKind::follows;
  const int field = layout.kind == TableKind::tweets    ? int{kUserId}
                    : layout.kind == TableKind::users   ? int{kUUserId}
                    : layout.kind == TableKind::actions ? int{kAccount}
                    : follows                           ? int{kFAccount}
                                                        : int{kSAccount};
  const int column = layout.columns[static_cast<std::size_t>(field)];
  if (column < 0)
    return std::nullopt;
  thread_local std::vector<std::string_view> values;
  thread_local std::string scratch;
  const auto fields = static_cast<std::size_t>(column) + 1; // the fields up to the account's
  if (!csv::split_record(record.text, values, scratch, fields) || values.size() != fields ||
      values.back().empty())
    return std::nullopt;
  return partition_of(follows ? trim(values.back()) : values.back(), partitions); // as parsed
}

} // namespace lockstep::ingest
