// Parsers for the IO archive's field encodings: list fields in both the 2018 ("[a, b]") and
// later ("['a', 'b']") forms, booleans (true/True), counts printed as "17.0", minute-resolution
// times, and snowflake tweet ids. Each returns nullopt on malformed input; none throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::ingest {

inline constexpr std::int64_t kTwitterEpochMs = 1288834974657LL;
// Ids at or above this are snowflakes (issued from November 2010 on).
inline constexpr std::uint64_t kFirstSnowflake = std::uint64_t{1} << 52;

// A list field's items. Empty elements ("[a,]", "[a,, b]", "['']", all in real releases) are
// skipped and counted in `empty_elements` when given; nullopt only when the list cannot be read:
// no brackets, or an unclosed quote.
std::optional<std::vector<std::string>> parse_list(std::string_view field,
                                                   std::size_t *empty_elements = nullptr);

// The same items without a copy of each: views into the field, or into `unescaped` for an item
// whose quotes held escapes. Reused from row to row, it keeps its memory.
struct ListItems {
  std::vector<std::string_view> items;
  std::string unescaped;
};
// Reads `field` into `out` (emptied first) as parse_list does; false where it gives nullopt.
bool parse_list_into(std::string_view field, ListItems &out, std::size_t *empty_elements = nullptr);

std::optional<bool> parse_bool(std::string_view field);
// A non-negative count; "" is unknown (-1); "17.0" is 17; "1.5" or "abc" is malformed.
std::optional<std::int64_t> parse_count(std::string_view field);

// The field without leading and trailing spaces and tabs.
std::string_view trim(std::string_view s);
// A decimal unsigned id ("" or anything else is malformed).
std::optional<std::uint64_t> parse_id(std::string_view field);
// "YYYY-MM-DD HH:MM" (optionally ":SS") in UTC, as milliseconds since the epoch.
std::optional<std::int64_t> parse_minute_time(std::string_view field);
// A time in `format` (UTC): %Y (four digits), %m, %d, %H, %M, %S (one or two digits), %% and
// literal characters, as milliseconds since the epoch. "10/1/2016 19:17" is "%m/%d/%Y %H:%M".
std::optional<std::int64_t> parse_formatted_time(std::string_view field, std::string_view format);
// Whether `format` holds only those conversions, and %Y, %m and %d.
bool valid_time_format(std::string_view format);
// "YYYY-MM-DD" as days since the epoch.
std::optional<std::int64_t> parse_day(std::string_view field);
// The creation time in ms of a snowflake id, or nullopt for ids issued before snowflakes.
std::optional<std::int64_t> snowflake_ms(std::uint64_t id);

bool valid_utf8(std::string_view text);

} // namespace lockstep::ingest
