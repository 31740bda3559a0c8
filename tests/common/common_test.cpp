// The common module: log levels, error texts, the configuration listing.
#include "common/config.hpp"
#include "common/error.hpp"
#include "common/json.hpp"
#include "common/log.hpp"
#include "mpi_test.hpp"

#include <limits>

namespace lockstep::testing {
namespace {

TEST(Log, ParsesEveryLevelAndRejectsOthers) {
  EXPECT_EQ(log::parse_level("trace"), log::Level::trace);
  EXPECT_EQ(log::parse_level("debug"), log::Level::debug);
  EXPECT_EQ(log::parse_level("info"), log::Level::info);
  EXPECT_EQ(log::parse_level("warn"), log::Level::warn);
  EXPECT_EQ(log::parse_level("error"), log::Level::error);
  EXPECT_EQ(log::parse_level("off"), log::Level::off);
  EXPECT_THROW(log::parse_level("verbose"), UsageError);
}

TEST(Log, OtherRanksKeepOnlyWarnings) {
  log::init(3, log::Level::debug);
  EXPECT_FALSE(log::get().should_log(spdlog::level::info));
  EXPECT_TRUE(log::get().should_log(spdlog::level::warn));
  log::init(3, log::Level::debug, /*all_ranks=*/true);
  EXPECT_TRUE(log::get().should_log(spdlog::level::debug));
  log::init(0, log::Level::info);
  EXPECT_TRUE(log::get().should_log(spdlog::level::info));
  EXPECT_FALSE(log::get().should_log(spdlog::level::debug));
}

TEST(Json, NumbersThatJsonCannotHoldAreNull) {
  EXPECT_EQ(json::number(-6.25), "-6.25");
  EXPECT_EQ(json::number(0), "0");
  EXPECT_EQ(json::number(-std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(json::number(std::numeric_limits<double>::quiet_NaN()), "null");
}

TEST(Errors, InputErrorNamesFileAndLine) {
  const InputError error("tweets.csv", 17, "wrong field count: 13 of 31");
  EXPECT_STREQ(error.what(), "tweets.csv:17: wrong field count: 13 of 31");
  EXPECT_EQ(error.line(), 17);
}

TEST(Config, DescribeListsEveryValue) {
  Config config;
  config.general.threads = 3;
  const std::string text = describe(config);
  EXPECT_NE(text.find("threads = 3"), std::string::npos);
  EXPECT_NE(text.find("[check_env]"), std::string::npos);
  EXPECT_NE(text.find("log_level = \"info\""), std::string::npos);
}

} // namespace
} // namespace lockstep::testing
