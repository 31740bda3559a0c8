// The signal table's rows.
#include "signals/table.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace lockstep::signals {

namespace {

// Retweets get 5 minutes (the peers' 60 s misses amplifiers that wait a few minutes; the null
// model keeps the wider window from flagging organic cascades), and half an hour again as
// retweet_slow (amplifiers that retweet by hand; a ring of automated retweeters raises the
// concentration of its own half-hour bins so much that only the short window finds it; its hub
// cap of 10 keeps its candidate pairs at 10^7 posts to 17M, where 20 made 32M); the action
// table's objects keep the peers' 60 s. Domain co-sharing is off: a few big news domains tie most
// organic link sharers together. Media (an image posted again) counts posts like URLs do: reposting
// one image is the behaviour. Synchrony reads every original post, keyed by its hour (so that
// pairs are found hour by hour, in parallel): its null model then expects co-posts from each
// account's own activity per time bin alone (detect/synchrony.hpp); 10 s is tight enough that
// round-the-clock accounts are not near by chance, and wide enough for a scheduler's spread. Most
// of its pairs are two posts that met once by chance (a single co-post is never evidence: its p
// is at least the null's chance of one co-post, 6e-5 at 10 s), so pairs need two co-posts.
constexpr std::array<Signal, kLast> kTable = {{
    {Id::retweet, "retweet", Id::retweet, Statistic::keys, KeyKind::post, true, true, "#1f77b4",
     Settings{true, 300, 20}},
    {Id::reply, "reply", Id::reply, Statistic::keys, KeyKind::post, true, true, "#ff7f0e",
     Settings{true, 300, 20}},
    {Id::quote, "quote", Id::quote, Statistic::keys, KeyKind::post, true, true, "#2ca02c",
     Settings{true, 300, 20}},
    {Id::hashtag, "hashtag", Id::hashtag, Statistic::fewer_posts, KeyKind::value, false, true,
     "#d62728", Settings{true, 300, 20}},
    {Id::url, "url", Id::url, Statistic::fewer_posts, KeyKind::value, false, true, "#9467bd",
     Settings{true, 600, 20}},
    {Id::domain, "domain", Id::domain, Statistic::fewer_posts, KeyKind::value, false, true,
     "#8c564b", Settings{false, 600, 20}},
    {Id::mention, "mention", Id::mention, Statistic::fewer_posts, KeyKind::value, false, true,
     "#e377c2", Settings{true, 300, 20}},
    {Id::text, "text", Id::text, Statistic::fewer_posts, KeyKind::text, false, true, "#7f7f7f",
     Settings{true, 3600, 20}},
    {Id::object, "object", Id::object, Statistic::keys, KeyKind::value, false, true, "#bcbd22",
     Settings{true, 60, 20}},
    {Id::similarity, "similarity", std::nullopt, Statistic::none, KeyKind::none, false, false,
     "#aaaaaa", std::nullopt},
    {Id::near_duplicate, "near_duplicate", std::nullopt, Statistic::fewer_posts, KeyKind::text,
     false, true, "#17becf", std::nullopt},
    {Id::retweet_slow, "retweet_slow", Id::retweet, Statistic::keys, KeyKind::post, true, false,
     "#aec7e8", Settings{true, 1800, 10}},
    {Id::media, "media", Id::media, Statistic::fewer_posts, KeyKind::value, false, true, "#c49c94",
     Settings{true, 300, 20}},
    {Id::synchrony, "synchrony", std::nullopt, Statistic::fewer_posts, KeyKind::time, false, false,
     "#dbdb8d", Settings{true, 10, 20}, 2},
    {Id::follows, "follows", std::nullopt, Statistic::rarity, KeyKind::value, false, true,
     "#393b79", std::nullopt, 1, false},
}};

constexpr bool numbered_in_order() {
  for (std::size_t i = 0; i < kTable.size(); ++i) {
    if (std::size_t(kTable[i].id) != i + 1)
      return false;
  }
  return true;
}
static_assert(numbered_in_order(), "the table's rows are signals 1..kLast in order");

// The row of a signal number, or null for a number without one.
const Signal *find_row(std::uint8_t id) {
  return id == 0 || id > kLast ? nullptr : &kTable[id - 1];
}

} // namespace

const std::array<Signal, kLast> &all() {
  return kTable;
}

const Signal &row(std::uint8_t id) {
  if (const auto *s = find_row(id))
    return *s;
  throw std::out_of_range("no signal numbered " + std::to_string(id));
}

const Signal &row(Id id) {
  return row(std::uint8_t(id));
}

std::string_view name(std::uint8_t id) {
  const auto *s = find_row(id);
  return s != nullptr ? s->name : "?";
}

std::string_view name(Id id) {
  return name(std::uint8_t(id));
}

std::vector<std::uint8_t> ids_where(bool (*keep)(const Signal &)) {
  std::vector<std::uint8_t> out;
  for (const auto &s : kTable) {
    if (keep(s))
      out.push_back(std::uint8_t(s.id));
  }
  return out;
}

std::optional<Id> find(std::string_view name) {
  const auto it =
      std::find_if(kTable.begin(), kTable.end(), [&](const Signal &s) { return s.name == name; });
  return it == kTable.end() ? std::nullopt : std::optional(it->id);
}

bool in_store(std::uint8_t id) {
  const auto *s = find_row(id);
  return s != nullptr && s->source == s->id;
}

std::uint8_t source(std::uint8_t id) {
  const auto *s = find_row(id);
  return s != nullptr && s->source ? std::uint8_t(*s->source) : 0;
}

bool has_authors(std::uint8_t id) {
  const auto *s = find_row(id);
  return s != nullptr && s->has_authors;
}

std::uint8_t nested(std::uint8_t id) {
  const auto from = source(id);
  return from != 0 && from != id ? from : 0;
}

} // namespace lockstep::signals
