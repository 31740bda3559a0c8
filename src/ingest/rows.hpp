// The rows that ingest moves between ranks: a post (one tweet, or one action of the generic
// table), an account profile, and a rejected input row. Rows travel packed into bytes; the
// fields are already validated and normalised by the parsing rank.
#pragma once

#include "common/bytes.hpp"
#include "store/schema.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::ingest {

enum class PostKind : std::uint8_t { original = 0, retweet = 1, reply = 2, quote = 3 };
enum class TimeSource : std::uint8_t { snowflake = 0, tweet_time = 1, timestamp = 2 };

inline constexpr std::int64_t kUnknownDay = store::schema::kUnknownDay;

struct PostRow {
  std::uint32_t partition = 0;
  std::string account;           // the account's id string as in the input
  std::uint64_t account_key = 0; // hash64(account): sorts and joins compare this first
  std::uint64_t post_id = 0;     // numeric tweet id, or the hash of a non-numeric post id
  std::uint64_t dedup_key = 0;   // rows with equal keys (and account) are duplicates
  std::string post_id_text;      // generic action table only: the content id as given
  // An action table's row whose content id names its post (not one taken from its object): rows
  // of it with typed objects are one post (merge_typed_rows).
  bool names_its_post = false;
  std::int64_t time_ms = 0;
  TimeSource time_source = TimeSource::snowflake;
  PostKind kind = PostKind::original;
  std::string client, language, text;
  std::uint64_t text_key = 0; // hash of the normalised text; 0 when there is none
  std::uint64_t retweet_of = 0, reply_to = 0, quote_of = 0; // target post keys; 0 = none
  std::string retweet_user, reply_user;
  std::vector<std::string> hashtags, urls, mentions; // normalised
  // The action table's objects, each with its store signal (object, or a typed column's: hashtag,
  // url, domain, mention, media), taken as given.
  std::vector<std::string> objects;
  std::vector<std::uint8_t> object_signals;
  std::uint32_t file = 0;
  std::int64_t line = 0;
  // Packed by pack_post (ingest/packed_posts.hpp), which also keeps them.

  // Every field back to its default, the strings and vectors keeping their memory: parsing reuses
  // one row per record slot, and allocating each row's strings afresh was a sixth of ingest.
  void clear();
};

struct AccountRow {
  std::uint32_t partition = 0;
  std::string id, screen_name, display_name, language, description, location;
  std::string label; // the --label-column's value (a release's account category); "" = none
  std::int64_t created_day = kUnknownDay;
  std::int64_t followers = -1, following = -1;
  std::uint8_t from_users_file = 0; // users-file profiles win over the copies in tweet rows
  std::uint32_t file = 0;
  std::int64_t line = 0;

  void clear();                        // as PostRow::clear
  void pack(bytes::Writer &out) const; // PackedAccounts reads this layout in place
  static AccountRow unpack(bytes::Reader &in);
};

// One observation of an account's follower count (the optional snapshots table).
struct SnapshotRow {
  std::uint32_t partition = 0;
  std::string account;
  std::int64_t time_ms = 0;
  std::int64_t followers = 0;
  std::uint32_t file = 0;
  std::int64_t line = 0;

  void pack(bytes::Writer &out) const;
  static SnapshotRow unpack(bytes::Reader &in);
};

// One account following another (the optional follows table), seen at one collection time.
struct FollowRow {
  std::uint32_t partition = 0;                        // the follower's
  std::string account;                                // the follower's id
  std::string followed;                               // the followed account's id
  std::int64_t time_ms = store::schema::kUnknownTime; // when the follow was collected
  std::uint32_t file = 0;
  std::int64_t line = 0;

  void pack(bytes::Writer &out) const;
  static FollowRow unpack(bytes::Reader &in);
};

struct Reject {
  std::uint32_t file = 0;
  std::int64_t line = 0;
  std::string reason; // a short, stable reason ("wrong field count") used for counting
  std::string detail; // what exactly was wrong
};

// The key of a referenced post id: the number itself when numeric, else a hash (top bit set).
std::uint64_t post_key(std::string_view id_text);

// Rows of the action table with equal keys (and account) are duplicates: the post id with the
// objects and their signals, in any order; the post id alone for a row without objects.
std::uint64_t action_dedup_key(const PostRow &post);

} // namespace lockstep::ingest
