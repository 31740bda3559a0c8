// The CSV reader on the real IO-archive samples (quoted newlines, Arabic text, the truncated last
// row) and on crafted edge cases; calendar conversions.
#include "common/csv.hpp"
#include "common/error.hpp"
#include "common/time.hpp"

#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <gtest/gtest.h>
#include <limits>
#include <random>
#include <sstream>

namespace lockstep::testing {
namespace {

std::vector<std::vector<std::string>> read_all(const std::string &text) {
  std::istringstream in(text);
  csv::Reader reader(in, "inline.csv");
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> fields;
  while (reader.next(fields))
    rows.push_back(fields);
  return rows;
}

TEST(Csv, QuotesNewlinesAndDoubledQuotes) {
  const auto rows = read_all("a,\"b \"\"x\"\"\nline\",c\r\n\"\",,\"z\"\nlast");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "b \"x\"\nline", "c"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"", "", "z"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"last"}));
}

TEST(Csv, WriterOutputReadsBack) {
  std::string out;
  csv::append_record(out, {"1", "he said \"hi\"", "multi\nline", "", "سلام 你好"});
  const auto rows = read_all(out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0],
            (std::vector<std::string>{"1", "he said \"hi\"", "multi\nline", "", "سلام 你好"}));
}

TEST(Csv, CellsStayExactUnlessSpreadsheetSafe) {
  const std::vector<std::string> values = {"=HYPERLINK(\"http://x\",\"y\")",
                                           "+1",
                                           "-2+3",
                                           "@SUM(A1)",
                                           "\tx",
                                           "\rx",
                                           "plain",
                                           "",
                                           "a=b",
                                           "'=quoted"};
  std::string exact, safe;
  for (const auto &value : values) {
    csv::append_field(exact, value);
    exact += ',';
    csv::append_field(safe, value, csv::TextCells::spreadsheet_safe);
    safe += ',';
  }
  auto exact_row = read_all(exact + "\n").at(0), safe_row = read_all(safe + "\n").at(0);
  exact_row.pop_back(); // the empty field after the last comma
  safe_row.pop_back();
  EXPECT_EQ(exact_row, values);
  ASSERT_EQ(safe_row.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const bool formula = i < 6;
    EXPECT_EQ(csv::reads_as_formula(values[i]), formula) << values[i];
    EXPECT_EQ(safe_row[i], formula ? "'" + values[i] : values[i]) << values[i];
  }
}

// Number cells are fmt's shortest form; integers take a faster path that must write the same.
TEST(Csv, NumbersAsFmtWritesThem) {
  std::vector<double> values = {0.0,
                                -0.0,
                                1.0,
                                -1.0,
                                23.0,
                                0.5,
                                1.0 / 3,
                                1e-7,
                                2.5e-300,
                                1e15 - 1,
                                1e15,
                                1e15 + 1,
                                1e16,
                                1e16 + 2,
                                -1e15 + 1,
                                9.007199254740993e15,
                                1e300,
                                std::numeric_limits<double>::infinity(),
                                -std::numeric_limits<double>::infinity(),
                                std::numeric_limits<double>::denorm_min()};
  std::mt19937_64 random(3);
  for (int i = 0; i < 20000; ++i) {
    const auto bits = random();
    double value = 0;
    std::memcpy(&value, &bits, sizeof value); // any double, NaNs aside
    values.push_back(value);
    values.push_back(static_cast<double>(static_cast<std::int64_t>(bits >> (bits % 64))));
  }
  for (const double value : values) {
    std::string out = "x";
    csv::append_number(out, value);
    EXPECT_EQ(out, "x" + (std::isnan(value) ? std::string() : fmt::format("{}", value))) << value;
  }
}

TEST(Csv, UnclosedQuoteNamesTheRecordLine) {
  std::istringstream in("a,b\n\"x\",\"never closed\nmore\n");
  csv::Reader reader(in, "broken.csv");
  std::vector<std::string> fields;
  ASSERT_TRUE(reader.next(fields));
  try {
    reader.next(fields);
    FAIL() << "no error for an unclosed quote";
  } catch (const InputError &error) {
    EXPECT_EQ(error.file(), "broken.csv");
    EXPECT_EQ(error.line(), 2);
  }
}

TEST(Csv, RealIraSampleParsesUpToItsTruncatedRow) {
  const std::string path = LOCKSTEP_TEST_DATA "/io_tweets_sample_ira_2018.csv";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path;
  csv::Reader reader(in, path);
  std::vector<std::string> header, fields;
  ASSERT_TRUE(reader.next(header));
  ASSERT_EQ(header.size(), 31u);
  const auto columns = csv::find_columns(header, {"tweetid", "userid", "tweet_text"}, path);
  std::size_t rows = 0, arabic = 0, multiline = 0;
  bool truncated = false;
  std::int64_t truncated_line = 0; // where the cut record begins (ingest_test's rejects say 998)
  try {
    while (reader.next(fields)) {
      if (fields.size() != 31) {
        truncated = true;
        truncated_line = reader.record_line();
        break;
      }
      ++rows;
      arabic += fields[columns[2]].find("\xd8") != std::string::npos ? 1 : 0;
      multiline += fields[columns[2]].find('\n') != std::string::npos ? 1 : 0;
    }
  } catch (const InputError &error) {
    truncated = true;
    truncated_line = error.line();
  }
  EXPECT_EQ(rows, 407u);
  EXPECT_TRUE(truncated);
  EXPECT_EQ(truncated_line, 998);
  EXPECT_GT(arabic, 0u);
  EXPECT_GT(multiline, 0u);
}

TEST(Csv, RealChinaUsersFile) {
  const std::string path = LOCKSTEP_TEST_DATA "/io_users_china_082019_1.csv";
  std::ifstream in(path, std::ios::binary);
  csv::Reader reader(in, path);
  std::vector<std::string> fields;
  ASSERT_TRUE(reader.next(fields));
  const auto id = csv::find_columns(fields, {"userid"}, path)[0];
  std::size_t rows = 0, hashed = 0;
  while (reader.next(fields)) {
    ASSERT_EQ(fields.size(), 10u) << "line " << reader.record_line();
    ++rows;
    // Hashed ids are base64 of 41 to 44 characters in this release, numeric ones decimal.
    hashed += fields[id].find_first_not_of("0123456789") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(rows, 744u);
  EXPECT_EQ(hashed, 254u);
}

TEST(Csv, MissingColumnIsAnInputError) {
  EXPECT_THROW(csv::find_columns({"a", "b"}, {"a", "tweetid"}, "f.csv"), InputError);
}

TEST(Time, CivilRoundTripsAndFormats) {
  EXPECT_EQ(time::days_from_civil({1970, 1, 1}), 0);
  EXPECT_EQ(time::days_from_civil({2020, 1, 6}), 18267);
  for (std::int64_t d = -800; d < 30000; d += 37) {
    EXPECT_EQ(time::days_from_civil(time::civil_from_days(d)), d);
  }
  EXPECT_EQ(time::format_minute(1578284700000LL), "2020-01-06 04:25");
  EXPECT_EQ(time::format_date(1578284700000LL), "2020-01-06");
  EXPECT_EQ(time::weekday(18267), 0);                // 2020-01-06 was a Monday
  EXPECT_EQ(time::week_monday(18267 + 6), 18267);    // the Sunday after
  EXPECT_EQ(time::week_monday(0), -3);               // 1970-01-01, a Thursday: Monday 1969-12-29
  EXPECT_EQ(time::hour_of_week(1578284700000LL), 4); // Monday 04:25 UTC
  EXPECT_EQ(time::hour_of_week(13 * 3'600'000LL), 3 * 24 + 13); // Thursday 1970-01-01 13:00
  EXPECT_EQ(time::hour_of_week(-3'600'000LL), 2 * 24 + 23);     // Wednesday 1969-12-31 23:00
  EXPECT_FALSE(time::parse_date("2020-02-30"));
  EXPECT_FALSE(time::parse_date("2020-1-06"));
  EXPECT_TRUE(time::parse_date("2020-02-29"));
}

} // namespace
} // namespace lockstep::testing
