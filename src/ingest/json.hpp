// Tweets as JSON lines from the Twitter API, for collections that are no IO archive release: v1.1
// tweet objects, or v2 tweets with their author embedded as twarc2's `flatten` writes them. Each
// is read into the IO archive's tweet columns, so that it takes the same validation and
// normalisation as an archive row.
#pragma once

#include "common/io_archive.hpp"

#include <array>
#include <string>
#include <string_view>

namespace lockstep::ingest {

// One value per io_archive::kTweetColumns column ("" when the tweet has none).
using TweetColumns = std::array<std::string, io_archive::kTweetColumns.size()>;

// Fills `columns` from one JSON line. Returns "" on success, else why the line is no tweet: not
// JSON, no id or author, or a whole v2 response page (flatten it into one tweet per line first).
std::string json_tweet_columns(std::string_view line, TweetColumns &columns);

// One follow from a line of `twarc2 following` or `twarc2 followers` (flattened: one user object
// per line, with the collection's URL and time under `__twarc`): `/2/users/ID/following` makes
// the line's user followed by ID, `/2/users/ID/followers` makes it follow ID.
struct JsonFollow {
  std::string account, followed; // follower and followed ids
  std::string collected_at;      // `__twarc.retrieved_at` as given ("" when absent)
};

// Fills `follow` from one JSON line. Returns "" on success, else why the line is no follow.
std::string json_follow(std::string_view line, JsonFollow &follow);

} // namespace lockstep::ingest
