// Civil-date conversions without time-zone databases: the archive's times are UTC.
#include "common/time.hpp"

#include <fmt/format.h>

namespace lockstep::time {

std::int64_t days_from_civil(CivilDate date) {
  const int y = date.year - (date.month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (date.month + (date.month > 2 ? -3 : 9)) + 2) / 5 + date.day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilDate civil_from_days(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0)), m, d};
}

std::optional<CivilDate> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-')
    return std::nullopt;
  int value[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int part = 0; part < 3; ++part) {
    for (std::size_t i = 0; i < lengths[part]; ++i) {
      const char c = text[starts[part] + i];
      if (c < '0' || c > '9')
        return std::nullopt;
      value[part] = value[part] * 10 + (c - '0');
    }
  }
  const CivilDate date{value[0], static_cast<unsigned>(value[1]), static_cast<unsigned>(value[2])};
  if (date.month < 1 || date.month > 12 || date.day < 1)
    return std::nullopt;
  const CivilDate round_trip = civil_from_days(days_from_civil(date));
  if (round_trip.month != date.month || round_trip.day != date.day)
    return std::nullopt;
  return date;
}

namespace {} // namespace

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

std::string format_date(std::int64_t ms) {
  const CivilDate d = civil_from_days(floor_div(ms, 86'400'000));
  return fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
}

std::string format_minute(std::int64_t ms) {
  const std::int64_t day = floor_div(ms, 86'400'000);
  const std::int64_t minute_of_day = (ms - day * 86'400'000) / 60'000;
  const CivilDate d = civil_from_days(day);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", d.year, d.month, d.day, minute_of_day / 60,
                     minute_of_day % 60);
}

std::string format_second(std::int64_t ms) {
  const std::int64_t day = floor_div(ms, 86'400'000);
  const std::int64_t second_of_day = (ms - day * 86'400'000) / 1000;
  const CivilDate d = civil_from_days(day);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", d.year, d.month, d.day,
                     second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60);
}

int weekday(std::int64_t days) {
  return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

std::int64_t week_monday(std::int64_t days) {
  return days - weekday(days);
}

int hour_of_week(std::int64_t ms) {
  const std::int64_t hours = floor_div(ms, 3'600'000);
  const std::int64_t days = floor_div(hours, 24);
  return weekday(days) * 24 + static_cast<int>(hours - days * 24);
}

} // namespace lockstep::time
