// Field parsers on the encodings seen in real releases.
#include "ingest/fields.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lockstep::testing {
namespace {

using namespace ingest;
using Items = std::vector<std::string>;

// One ListItems read row after row (as parse_tweet reuses it) gives each list's own items, as
// views that stay valid however many of them had escapes undone.
TEST(Fields, ListItemsReusedFromRowToRowHoldOnlyTheirRowsItems) {
  std::string escaped = "[";
  Items escaped_items;
  for (int i = 0; i < 60; ++i) { // each item's escape undone into the shared buffer
    escaped += (i == 0 ? "'x\\'" : ", 'x\\'") + std::to_string(i) + "'";
    escaped_items.push_back("x'" + std::to_string(i));
  }
  escaped += "]";
  const std::vector<std::pair<std::string, std::optional<Items>>> rows = {
      {escaped, escaped_items},
      {"['a\\'b', 'c\\\\d', plain]", Items{"a'b", "c\\d", "plain"}},
      {"[x, y]", Items{"x", "y"}},
      {"['unclosed]", std::nullopt},
      {"", Items{}},
      {"  [ 'sp' ,, \"q\" ] ", Items{"sp", "q"}},
      {escaped, escaped_items},
      {"[]", Items{}},
  };
  ListItems reused;
  for (const auto &[field, want] : rows) {
    std::size_t empty = 0;
    ASSERT_EQ(parse_list_into(field, reused, &empty), want.has_value()) << field;
    if (want) {
      EXPECT_EQ(Items(reused.items.begin(), reused.items.end()), *want) << field;
    }
  }
}

TEST(Fields, ListsInBothEncodings) {
  EXPECT_EQ(parse_list("['SyrianArmy', 'Hama', 'InsideSyriaMC']"),
            (Items{"SyrianArmy", "Hama", "InsideSyriaMC"}));
  EXPECT_EQ(parse_list("[SyrianArmy, Hama]"), (Items{"SyrianArmy", "Hama"}));
  EXPECT_EQ(parse_list("[705442898188210177, 3154508072]"),
            (Items{"705442898188210177", "3154508072"}));
  EXPECT_EQ(parse_list("[]"), Items{});
  EXPECT_EQ(parse_list(""), Items{});
  EXPECT_EQ(parse_list("['a, b', \"it's\"]"), (Items{"a, b", "it's"}));
  EXPECT_EQ(parse_list("['سورية', '香港']"), (Items{"سورية", "香港"}));
  EXPECT_FALSE(parse_list("['unclosed]"));
  EXPECT_FALSE(parse_list("a, b"));
  // Empty elements, as real releases hold them, are skipped and counted.
  std::size_t empty = 0;
  EXPECT_EQ(parse_list("[a,,b]", &empty), (Items{"a", "b"}));
  EXPECT_EQ(parse_list("[https://t.co/E0sRfdCCuu,]", &empty), (Items{"https://t.co/E0sRfdCCuu"}));
  EXPECT_EQ(parse_list("[http://t.co/a,, http://t.co/b]", &empty),
            (Items{"http://t.co/a", "http://t.co/b"}));
  EXPECT_EQ(parse_list("['', 'x']", &empty), (Items{"x"}));
  EXPECT_EQ(parse_list("[,]", &empty), Items{});
  EXPECT_EQ(empty, 6u);
  EXPECT_FALSE(parse_list("[a, 'b"));
}

TEST(Fields, TimesInAnotherLayoutsFormat) {
  const auto at = [](const char *time) { return *parse_minute_time(time); };
  EXPECT_EQ(parse_formatted_time("10/1/2016 19:17", "%m/%d/%Y %H:%M"), at("2016-10-01 19:17"));
  EXPECT_EQ(parse_formatted_time("12/31/2017 0:05", "%m/%d/%Y %H:%M"), at("2017-12-31 00:05"));
  EXPECT_EQ(parse_formatted_time(" 01.02.2016 03:04:05 ", "%d.%m.%Y %H:%M:%S"),
            at("2016-02-01 03:04:05"));
  EXPECT_EQ(parse_formatted_time("2016%10%01", "%Y%%%m%%%d"), at("2016-10-01 00:00"));
  EXPECT_FALSE(parse_formatted_time("13/1/2016 19:17", "%m/%d/%Y %H:%M")); // no 13th month
  EXPECT_FALSE(parse_formatted_time("10/1/16 19:17", "%m/%d/%Y %H:%M"));   // %Y is four digits
  EXPECT_FALSE(parse_formatted_time("10/1/2016 19:17 PM", "%m/%d/%Y %H:%M"));
  EXPECT_FALSE(parse_formatted_time("10/1/2016 24:00", "%m/%d/%Y %H:%M"));
  EXPECT_FALSE(parse_formatted_time("10/1/2016", "%m/%d/%Y %"));
  EXPECT_TRUE(valid_time_format("%m/%d/%Y %H:%M"));
  EXPECT_FALSE(valid_time_format("%m/%d %H:%M")); // no year
  EXPECT_FALSE(valid_time_format("%Y-%m-%d %I:%M %p"));
  EXPECT_FALSE(valid_time_format("%Y-%m-%d %"));
}

TEST(Fields, BooleansCountsAndIds) {
  EXPECT_EQ(parse_bool("true"), true);
  EXPECT_EQ(parse_bool("True"), true);
  EXPECT_EQ(parse_bool("False"), false);
  EXPECT_FALSE(parse_bool("yes"));
  EXPECT_EQ(parse_count("17.0"), 17);
  EXPECT_EQ(parse_count("19816"), 19816);
  EXPECT_EQ(parse_count(""), -1);
  EXPECT_FALSE(parse_count("1.5"));
  EXPECT_FALSE(parse_count("-3"));
  EXPECT_FALSE(parse_count("many"));
  EXPECT_EQ(parse_id("894109669869985793"), 894109669869985793ULL);
  EXPECT_FALSE(parse_id("89410966986998579x"));
  EXPECT_FALSE(parse_id(""));
}

TEST(Fields, TimesAndSnowflakes) {
  EXPECT_EQ(parse_minute_time("2017-08-06 08:15"), 1502007300000LL);
  EXPECT_EQ(parse_minute_time("2017-08-06 08:15:30"), 1502007330000LL);
  EXPECT_FALSE(parse_minute_time("2017-08-06 24:15"));
  EXPECT_FALSE(parse_minute_time("2017-02-30 08:15"));
  EXPECT_FALSE(parse_minute_time("yesterday"));
  // The IRA sample's first tweet: id 894109669869985793 at "2017-08-06 08:15".
  const auto ms = snowflake_ms(894109669869985793ULL);
  ASSERT_TRUE(ms);
  EXPECT_GE(*ms, 1502007300000LL);
  EXPECT_LT(*ms, 1502007360000LL);
  EXPECT_FALSE(snowflake_ms(123456789));
}

TEST(Fields, Utf8Validation) {
  EXPECT_TRUE(valid_utf8("plain ascii text that is longer than eight bytes"));
  EXPECT_TRUE(valid_utf8("Arabic سورية, Chinese 香港, emoji 😀"));
  EXPECT_FALSE(valid_utf8("\xff"));
  EXPECT_FALSE(valid_utf8("abcdefgh\xc3"));     // truncated sequence
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));         // overlong
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));     // surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80")); // beyond U+10FFFF
}

} // namespace
} // namespace lockstep::testing
