// The names and version of the Lockstep store format (data-schema/store.md specifies it), and each
// table's columns with their types. Writers and readers name columns through these (a column
// written or read with another type is a logic_error); `lockstep validate` checks a file against
// them and tests/store/schema_test.cpp checks store.md.
#pragma once

#include "signals/table.hpp"

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::store::schema {

inline constexpr const char *kFormat = "lockstep-store";
// 2: /accounts/label; 3: /actions/signal 13 (media); 4: /follows. Versions 2 and 3 are read as
// they are (no media actions, no follows); --append needs the current version.
inline constexpr std::int64_t kVersion = 4;
// The first version with /follows.
inline constexpr std::int64_t kFollowsVersion = 4;
inline constexpr std::int64_t kOldestReadableVersion = 2;
// The root attribute input_format of tweets with media tables joined (`--action-columns`) is the
// format with this suffix: such a store holds posts with a content_id (rows naming no tweet).
inline constexpr std::string_view kJoinedMediaSuffix = "+media";

// Signal kinds of /actions/signal: the store signals of signals/table.hpp (signals::in_store).
using Signal = signals::Id;
// Arrays indexed by a store signal number.
inline constexpr std::size_t kSignalCount = signals::kSlots;

// Kinds of /interactions/kind.
enum class Interaction : std::uint8_t { retweet_of = 1, reply_to = 2, mention_of = 3 };

// /accounts/created_day of an account whose creation date is unknown.
inline constexpr std::int32_t kUnknownDay = std::numeric_limits<std::int32_t>::min();

// A column's type as data-schema/store.md names it.
enum class Type : std::uint8_t { uint8, int32, uint32, int64, uint64, string };
std::string_view type_name(Type type);

// One column of a table: the writer, the readers, --append and the validator name it through
// these, and the schema-doc test checks data-schema/store.md against them.
struct Column {
  const char *name;
  Type type;
};

// A table (an HDF5 group of equally long columns) and its columns in data-schema/store.md's order.
struct Table {
  const char *name;
  std::span<const Column> columns;
};

namespace accounts {
inline constexpr Column key{"key", Type::uint64}, partition{"partition", Type::uint32},
    id{"id", Type::string}, screen_name{"screen_name", Type::string},
    display_name{"display_name", Type::string}, description{"description", Type::string},
    location{"location", Type::string}, label{"label", Type::string},
    language{"language", Type::uint32}, created_day{"created_day", Type::int32},
    followers{"followers", Type::int64}, following{"following", Type::int64},
    from_users_file{"from_users_file", Type::uint8}, post_count{"post_count", Type::uint64};
inline constexpr Column kColumns[] = {
    key,   partition, id,          screen_name, display_name, description,     location,
    label, language,  created_day, followers,   following,    from_users_file, post_count};
} // namespace accounts

namespace posts {
inline constexpr Column post_id{"post_id", Type::uint64}, account{"account", Type::uint64},
    time_ms{"time_ms", Type::int64}, time_source{"time_source", Type::uint8},
    kind{"kind", Type::uint8}, client{"client", Type::uint32}, language{"language", Type::uint32},
    text{"text", Type::string}, text_key{"text_key", Type::uint64},
    retweet_of{"retweet_of", Type::uint64}, reply_to{"reply_to", Type::uint64},
    quote_of{"quote_of", Type::uint64}, retweet_user{"retweet_user", Type::string},
    reply_user{"reply_user", Type::string}, content_id{"content_id", Type::string};
inline constexpr Column kColumns[] = {post_id,  account,  time_ms,      time_source, kind,
                                      client,   language, text,         text_key,    retweet_of,
                                      reply_to, quote_of, retweet_user, reply_user,  content_id};
} // namespace posts

namespace actions {
inline constexpr Column account{"account", Type::uint64}, signal{"signal", Type::uint8},
    key{"key", Type::uint64}, time_ms{"time_ms", Type::int64}, post{"post", Type::uint64};
inline constexpr Column kColumns[] = {account, signal, key, time_ms, post};
} // namespace actions

namespace interactions {
inline constexpr Column source{"source", Type::uint64}, kind{"kind", Type::uint8},
    target_key{"target_key", Type::uint64}, time_ms{"time_ms", Type::int64},
    post{"post", Type::uint64};
inline constexpr Column kColumns[] = {source, kind, target_key, time_ms, post};
} // namespace interactions

namespace snapshots {
inline constexpr Column account{"account", Type::uint64}, time_ms{"time_ms", Type::int64},
    followers{"followers", Type::int64};
inline constexpr Column kColumns[] = {account, time_ms, followers};
} // namespace snapshots

// Who follows whom (`ingest --follows`), one row per (account, followed account).
namespace follows {
inline constexpr Column account{"account", Type::uint64}, followed{"followed", Type::uint64},
    first_ms{"first_ms", Type::int64}, last_ms{"last_ms", Type::int64};
inline constexpr Column kColumns[] = {account, followed, first_ms, last_ms};
} // namespace follows
// first_ms and last_ms of a follow whose collection time is unknown.
inline constexpr std::int64_t kUnknownTime = std::numeric_limits<std::int64_t>::min();

namespace keys {
inline constexpr Column key{"key", Type::uint64}, signal{"signal", Type::uint8},
    value{"value", Type::string};
inline constexpr Column kColumns[] = {key, signal, value};
} // namespace keys

// The tables partitioned by account (each with its /index entry), then /keys.
inline constexpr Table kPartitionedTables[] = {
    {"accounts", accounts::kColumns},   {"posts", posts::kColumns},
    {"actions", actions::kColumns},     {"interactions", interactions::kColumns},
    {"snapshots", snapshots::kColumns}, {"follows", follows::kColumns}};
inline constexpr Table kKeys{"keys", keys::kColumns};

// The root attribute input_files: the input paths, one per line, in ingest order.
std::string join_input_files(const std::vector<std::string> &paths);
std::vector<std::string> split_input_files(std::string_view attribute);

} // namespace lockstep::store::schema
