// The signal table: every co-action signal Lockstep knows, one row each. A signal's number, name,
// the actions it reads, its null-model statistic, what its keys are, its report colour and its
// job-file defaults live here and nowhere else; the store, detect, cluster, the results writers,
// the job-file reader and the report read them from this table. Adding a signal is adding a row
// (and the source of its actions).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace lockstep::signals {

// Signal numbers. 1..9 and 13 are the store's /actions/signal values (in_store); the others are
// derived in detect.
enum class Id : std::uint8_t {
  retweet = 1,
  reply = 2,
  quote = 3,
  hashtag = 4,
  url = 5,
  domain = 6,
  mention = 7,
  text = 8,
  object = 9,
  similarity = 10,     // behavioural similarity (no co-actions: a cosine)
  near_duplicate = 11, // texts in one near-duplicate family
  retweet_slow = 12,   // the store's retweets again, in a longer window
  media = 13,          // the same image or video (an action table's media id or perceptual hash)
  synchrony = 14,      // original posts at the same moment, whatever they say
  follows = 15, // following the same accounts (the store's /follows), rare ones weighing most
};
inline constexpr std::uint8_t kLast = 15;        // the largest signal number
inline constexpr std::size_t kSlots = kLast + 1; // arrays indexed by signal number

// What the null model counts for a pair (significance.hpp).
enum class Statistic : std::uint8_t {
  none,        // not tested (similarity)
  keys,        // distinct keys both acted on: a post or object is acted on once per account
  fewer_posts, // min(posts_a, posts_b): repeating a key (a hashtag, a URL) is the behaviour
  rarity,      // shared followed accounts weighted by how few follow them (detect/follows.hpp)
};

// What a signal's keys are, for the labels of evidence and top keys.
enum class KeyKind : std::uint8_t {
  none,  // no keys (similarity)
  post,  // a post acted on (its tweetid, or post:HEX)
  text,  // a text key or a near-duplicate family (text:HEX)
  value, // a string in the store's /keys (hashtag, URL, domain, userid, object id)
  time,  // a span of time, by its start in ms since 1970 (synchrony's hours)
};

// A `[signals.NAME]` job section (common/config.hpp's SignalConfig): two accounts co-act when
// they act on the same key at most window_seconds apart.
struct Settings {
  bool enabled = true;
  double window_seconds = 60;
  std::uint32_t hub_cap = 20; // partners kept per action inside one window; the rest are counted
};

struct Signal {
  Id id;
  std::string_view name;
  // The store signal whose actions it reads: itself for a store signal, retweet for retweet_slow,
  // none for signals that derive their own (similarity, near_duplicate, synchrony).
  std::optional<Id> source;
  Statistic statistic;
  KeyKind keys;
  bool has_authors;        // its keys are posts with an author (the audience null groups them)
  bool top_keys;           // clusters.csv lists its top keys (top_NAME)
  std::string_view colour; // in the report
  // The `[signals.NAME]` defaults; none for the signals with a job section of their own.
  std::optional<Settings> defaults;
  // Pairs with fewer co-actions are counted and dropped in the engine (coaction.hpp).
  std::uint32_t min_coactions = 1;
  // Its co-actions are two accounts' posts close in time, and its evidence names them (false for
  // follows: a shared followed account, with when each follow was first collected, or no time).
  bool timed = true;
};

// Every signal, by number.
const std::array<Signal, kLast> &all();
// The row of a signal number; throws std::out_of_range for a number without one.
const Signal &row(std::uint8_t id);
const Signal &row(Id id);
// A signal's name; "?" for a number without a row.
std::string_view name(std::uint8_t id);
std::string_view name(Id id);
// The numbers of the signals whose rows `keep` accepts, in number order.
std::vector<std::uint8_t> ids_where(bool (*keep)(const Signal &));
// The signal of a name, if there is one.
std::optional<Id> find(std::string_view name);
// A store signal number: its row reads its own actions (1..9, 13).
bool in_store(std::uint8_t id);
// The store signal whose actions a signal reads (0: it derives its own).
std::uint8_t source(std::uint8_t id);
// Its keys are posts with an author (retweet, reply, quote, retweet_slow); false for 0.
bool has_authors(std::uint8_t id);
// The signal whose window on the same actions this one's contains (0: none): retweet for
// retweet_slow. Their co-actions nest, so an edge counts them once, as the larger.
std::uint8_t nested(std::uint8_t id);

} // namespace lockstep::signals
