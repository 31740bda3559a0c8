// Calendar arithmetic in UTC (days since 1970-01-01 <-> civil dates) and the text forms used by
// the IO archive: "YYYY-MM-DD" and "YYYY-MM-DD HH:MM".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lockstep::time {

struct CivilDate {
  int year = 1970;
  unsigned month = 1; // 1..12
  unsigned day = 1;   // 1..31
};

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
std::int64_t days_from_civil(CivilDate date);
CivilDate civil_from_days(std::int64_t days);

// Parses "YYYY-MM-DD" strictly (valid month and day); nullopt otherwise.
std::optional<CivilDate> parse_date(std::string_view text);

// Milliseconds since the epoch -> "YYYY-MM-DD" and "YYYY-MM-DD HH:MM".
std::string format_date(std::int64_t ms);
std::string format_minute(std::int64_t ms);
std::string format_second(std::int64_t ms); // YYYY-MM-DD HH:MM:SS (UTC)

// a / b rounded towards minus infinity (b != 0): the day, hour or bin of a time before 1970 too.
std::int64_t floor_div(std::int64_t a, std::int64_t b);

// Day of the week of a day count: 0 = Monday ... 6 = Sunday.
int weekday(std::int64_t days);

// The Monday (a day count) of the week holding `days`.
std::int64_t week_monday(std::int64_t days);

// The hour of the week of a time in ms since 1970: 0 = Monday 00:00-01:00 UTC ... 167.
int hour_of_week(std::int64_t ms);

} // namespace lockstep::time
