// The common module: log levels, error texts, the configuration listing.
#include "common/config.hpp"
#include "common/error.hpp"
#include "common/json.hpp"
#include "common/log.hpp"
#include "common/phase_times.hpp"
#include "mpi_test.hpp"

#include <limits>
#include <memory>
#include <thread>

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

TEST(Json, ScriptSafeLeavesNoMarkupAndTheSameDocument) {
  const std::string hostile = "<!--<script>a</script> & \xE2\x80\xA8 \xE2\x80\xA9 ]]> \xE2\x80\xAE";
  const auto safe = json::script_safe("{\"t\": " + json::quote(hostile) + "}");
  for (const char *markup : {"<", ">", "&", "\xE2\x80\xA8", "\xE2\x80\xA9"})
    EXPECT_EQ(safe.find(markup), std::string::npos) << markup;
  EXPECT_EQ(safe, "{\"t\": \"\\u003c!--\\u003cscript\\u003ea\\u003c/script\\u003e \\u0026 \\u2028 "
                  "\\u2029 ]]\\u003e \xE2\x80\xAE\"}");
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

// A phase's peak is its own: 256 MB held inside one phase shows in it, not in the next one after
// it is freed (the kernel's high-water mark would carry it over); overlapping phases, as detect
// opens the next before closing the last, both see what is held while both are open.
TEST(PhaseTimes, EachPhaseHasItsOwnPeakMemory) {
  constexpr std::size_t kBytes = std::size_t{256} << 20;
  const double before = resident_mb();
  ASSERT_GT(before, 0) << "no /proc/self/statm";
  PhaseTimes times;
  {
    auto held = std::make_unique<ScopedPhase>(times, "holding");
    auto block = std::make_unique<char[]>(kBytes);
    for (std::size_t i = 0; i < kBytes; i += 4096)
      block[i] = static_cast<char>(i);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    auto next = std::make_unique<ScopedPhase>(times, "overlapping");
    held.reset();
    block.reset();
    next.reset();
  }
  { ScopedPhase after(times, "after"); }
  ASSERT_EQ(times.phases().size(), 3u);
  const auto &holding = times.phases()[0], &overlapping = times.phases()[1],
             &after = times.phases()[2];
  EXPECT_GE(holding.peak_mb, before + 250);
  EXPECT_GE(overlapping.peak_mb, before + 250) << "open while the block was held";
  EXPECT_LT(after.peak_mb, holding.peak_mb - 200) << "the block was freed before it opened";
  EXPECT_NE(times.describe_memory().find("holding "), std::string::npos);
}

} // namespace
} // namespace lockstep::testing
