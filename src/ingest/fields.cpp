// Field parsers.
#include "ingest/fields.hpp"

#include "common/time.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <fmt/format.h>

namespace lockstep::ingest {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

namespace {

// Strips Python-repr quotes from one list item, undoing \\ and \' escapes: a view into the item,
// or, where an escape was undone, into `unescaped` (which has room for it: see parse_list_into).
std::optional<std::string_view> unquote_item(std::string_view item, std::string &unescaped) {
  item = trim(item);
  if (item.size() < 2 || (item.front() != '\'' && item.front() != '"'))
    return item;
  const char quote = item.front();
  if (item.back() != quote)
    return std::nullopt;
  const std::string_view inner = item.substr(1, item.size() - 2);
  if (inner.find('\\') == std::string_view::npos)
    return inner;
  const std::size_t from = unescaped.size();
  for (std::size_t i = 1; i + 1 < item.size(); ++i) {
    if (item[i] == '\\' && i + 2 < item.size())
      ++i;
    unescaped.push_back(item[i]);
  }
  return std::string_view(unescaped).substr(from);
}

} // namespace

bool parse_list_into(std::string_view field, ListItems &out, std::size_t *empty_elements) {
  out.items.clear();
  out.unescaped.clear();
  field = trim(field);
  if (field.empty())
    return true;
  if (field.size() < 2 || field.front() != '[' || field.back() != ']')
    return false;
  field = field.substr(1, field.size() - 2);
  if (trim(field).empty())
    return true;
  out.unescaped.reserve(field.size()); // never outgrown: the views into it stay valid
  char quote = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= field.size(); ++i) {
    if (i < field.size()) {
      const char c = field[i];
      if (quote != 0) {
        if (c == '\\')
          ++i;
        else if (c == quote)
          quote = 0;
        continue;
      }
      if (c == '\'' || c == '"') {
        if (trim(field.substr(start, i - start)).empty())
          quote = c;
        continue;
      }
      if (c != ',')
        continue;
    }
    if (quote != 0)
      return false;
    const auto item = unquote_item(field.substr(start, i - start), out.unescaped);
    if (!item)
      return false;
    if (item->empty()) { // "[a,]", "[a,, b]", "['']": a release's slip, not a reason to lose a row
      if (empty_elements != nullptr)
        ++*empty_elements;
    } else {
      out.items.push_back(*item);
    }
    start = i + 1;
  }
  return quote == 0;
}

std::optional<std::vector<std::string>> parse_list(std::string_view field,
                                                   std::size_t *empty_elements) {
  ListItems read;
  if (!parse_list_into(field, read, empty_elements))
    return std::nullopt;
  return std::vector<std::string>(read.items.begin(), read.items.end());
}

std::optional<bool> parse_bool(std::string_view field) {
  field = trim(field);
  if (field == "true" || field == "True" || field == "TRUE" || field == "1")
    return true;
  if (field == "false" || field == "False" || field == "FALSE" || field == "0" || field.empty()) {
    return false;
  }
  return std::nullopt;
}

std::optional<std::int64_t> parse_count(std::string_view field) {
  field = trim(field);
  if (field.empty())
    return -1;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (error == std::errc() && end == field.data() + field.size()) {
    return value >= 0 ? std::optional<std::int64_t>(value) : std::nullopt;
  }
  double real = 0;
  const auto [end2, error2] = std::from_chars(field.data(), field.data() + field.size(), real);
  if (error2 != std::errc() || end2 != field.data() + field.size())
    return std::nullopt;
  if (real < 0 || real > 9.0e18 || std::floor(real) != real)
    return std::nullopt;
  return static_cast<std::int64_t>(real);
}

std::optional<std::uint64_t> parse_id(std::string_view field) {
  field = trim(field);
  if (field.empty())
    return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (error != std::errc() || end != field.data() + field.size())
    return std::nullopt;
  return value;
}

std::optional<std::int64_t> parse_day(std::string_view field) {
  const auto date = time::parse_date(trim(field));
  if (!date)
    return std::nullopt;
  return time::days_from_civil(*date);
}

std::optional<std::int64_t> parse_minute_time(std::string_view field) {
  field = trim(field);
  if (field.size() != 16 && field.size() != 19)
    return std::nullopt;
  if (field[10] != ' ' && field[10] != 'T')
    return std::nullopt;
  const auto day = parse_day(field.substr(0, 10));
  if (!day)
    return std::nullopt;
  const auto two = [&](std::size_t at) -> int {
    const char a = field[at], b = field[at + 1];
    if (a < '0' || a > '9' || b < '0' || b > '9')
      return -1;
    return (a - '0') * 10 + (b - '0');
  };
  const int hour = two(11), minute = two(14);
  const int second = field.size() == 19 ? two(17) : 0;
  if (field[13] != ':' || (field.size() == 19 && field[16] != ':'))
    return std::nullopt;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return std::nullopt;
  }
  return ((*day * 24 + hour) * 60 + minute) * 60'000LL + second * 1000LL;
}

bool valid_time_format(std::string_view format) {
  bool year = false, month = false, day = false;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%')
      continue;
    if (++i == format.size())
      return false;
    switch (format[i]) {
    case 'Y':
      year = true;
      break;
    case 'm':
      month = true;
      break;
    case 'd':
      day = true;
      break;
    case 'H':
    case 'M':
    case 'S':
    case '%':
      break;
    default:
      return false;
    }
  }
  return year && month && day;
}

std::optional<std::int64_t> parse_formatted_time(std::string_view field, std::string_view format) {
  field = trim(field);
  int parts[6] = {0, 0, 0, 0, 0, 0}; // Y m d H M S
  std::size_t at = 0;
  const auto number = [&](std::size_t min_digits, std::size_t max_digits) -> std::optional<int> {
    std::size_t digits = 0;
    int value = 0;
    while (digits < max_digits && at < field.size() && field[at] >= '0' && field[at] <= '9') {
      value = value * 10 + (field[at++] - '0');
      ++digits;
    }
    return digits >= min_digits ? std::optional<int>(value) : std::nullopt;
  };
  for (std::size_t i = 0; i < format.size(); ++i) {
    char literal = format[i];
    if (literal == '%') {
      if (++i == format.size())
        return std::nullopt;
      static constexpr std::string_view kConversions = "YmdHMS";
      if (const auto part = kConversions.find(format[i]); part != std::string_view::npos) {
        const auto value = part == 0 ? number(4, 4) : number(1, 2);
        if (!value)
          return std::nullopt;
        parts[part] = *value;
        continue;
      }
      if (format[i] != '%')
        return std::nullopt;
    }
    if (at == field.size() || field[at] != literal)
      return std::nullopt;
    ++at;
  }
  if (at != field.size())
    return std::nullopt;
  // every part has at most its digits, so this is YYYY-MM-DD, checked as the archive's dates are
  const auto day = parse_day(fmt::format("{:04d}-{:02d}-{:02d}", parts[0], parts[1], parts[2]));
  if (!day || parts[3] > 23 || parts[4] > 59 || parts[5] > 59)
    return std::nullopt;
  return ((*day * 24 + parts[3]) * 60 + parts[4]) * 60'000LL + parts[5] * 1000LL;
}

std::optional<std::int64_t> snowflake_ms(std::uint64_t id) {
  if (id < kFirstSnowflake)
    return std::nullopt;
  return static_cast<std::int64_t>(id >> 22) + kTwitterEpochMs;
}

bool valid_utf8(std::string_view text) {
  const auto *p = reinterpret_cast<const unsigned char *>(text.data());
  const auto *end = p + text.size();
  while (p < end) {
    // Skip ASCII eight bytes at a time.
    while (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, 8);
      if ((word & 0x8080808080808080ULL) != 0)
        break;
      p += 8;
    }
    if (p == end)
      break;
    const unsigned char c = *p;
    int extra = 0;
    std::uint32_t code = 0;
    if (c < 0x80) {
      ++p;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (end - p <= extra)
      return false;
    for (int i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80)
        return false;
      code = (code << 6) | (p[i] & 0x3F);
    }
    static constexpr std::uint32_t kMinimum[4] = {0, 0x80, 0x800, 0x10000};
    if (code < kMinimum[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    p += extra + 1;
  }
  return true;
}

} // namespace lockstep::ingest
