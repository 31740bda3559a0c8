// Job files: jobs/default.toml equals the built-in defaults, values apply, every mistake is a
// UsageError that names the file, line and key, and named jobs resolve from the installed jobs.
#include "app/job_file.hpp"
#include "change_settings.hpp"
#include "common/error.hpp"
#include "mpi_test.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

namespace lockstep::testing {
namespace {

class JobFile : public MpiTest {};

std::string error_of(const std::string &text) {
  DetectConfig config;
  try {
    app::apply_job_text(text, "job.toml", config);
  } catch (const UsageError &error) {
    return error.what();
  }
  return "";
}

TEST_F(JobFile, DefaultJobFileEqualsBuiltInDefaults) {
  DetectConfig from_file;
  app::apply_job_file(LOCKSTEP_JOBS "/default.toml", from_file);
  // Change every setting first (the settings lists of common/settings.hpp), so that the file
  // must set each one back: a setting the file does not document fails here.
  DetectConfig flipped;
  change_every_detect_setting(flipped);
  app::apply_job_file(LOCKSTEP_JOBS "/default.toml", flipped);
  const auto defaults = describe_detect(DetectConfig());
  EXPECT_EQ(describe_detect(flipped), defaults);
  EXPECT_EQ(describe_detect(from_file), defaults);
}

TEST_F(JobFile, EveryShippedJobFileIsValid) {
  std::size_t files = 0;
  for (const auto &entry : std::filesystem::directory_iterator(LOCKSTEP_JOBS)) {
    if (entry.path().extension() != ".toml")
      continue;
    ++files;
    DetectConfig config;
    RunConfig run;
    EXPECT_NO_THROW(app::apply_job_file(entry.path().string(), config)) << entry.path();
    std::ifstream in(entry.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(text.empty()) << entry.path();
    EXPECT_NO_THROW(app::apply_job_text(text, entry.path().string(), config, &run)) << entry.path();
  }
  EXPECT_GE(files, 8u);
  DetectConfig pipeline;
  RunConfig run;
  app::apply_run_job_file(LOCKSTEP_JOBS "/pipeline-example.toml", run, pipeline);
  EXPECT_EQ(run.store_path, "store/release.h5");
  EXPECT_EQ(run.tweets.size(), 1u);
  EXPECT_TRUE(run.checkpoint);
  DetectConfig copypasta;
  app::apply_job_file(LOCKSTEP_JOBS "/copypasta.toml", copypasta);
  EXPECT_TRUE(copypasta.near_duplicate.enabled);
  EXPECT_FALSE(copypasta.signals["retweet"].enabled);
  DetectConfig coortweet;
  app::apply_job_file(LOCKSTEP_JOBS "/coortweet.toml", coortweet);
  EXPECT_EQ(coortweet.min_weight_quantile, 0.5);
  EXPECT_EQ(coortweet.clusters.anchor_below, 0u);
  for (const auto &[name, signal] : coortweet.signals)
    EXPECT_EQ(signal.enabled, name == "object") << name;
}

TEST_F(JobFile, ValuesApply) {
  DetectConfig config;
  app::apply_job_text("[detect]\nalpha = 0.001\nmin_keys = 3\n[signals.hashtag]\n"
                      "enabled = false\nwindow_seconds = 30\nhub_cap = 7\n",
                      "job.toml", config);
  EXPECT_EQ(config.alpha, 0.001);
  EXPECT_EQ(config.min_keys, 3u);
  EXPECT_FALSE(config.signals["hashtag"].enabled);
  EXPECT_EQ(config.signals["hashtag"].window_seconds, 30);
  EXPECT_EQ(config.signals["hashtag"].hub_cap, 7u);
  EXPECT_TRUE(config.signals["retweet"].enabled) << "keys not in the file keep their values";
}

TEST_F(JobFile, MistakesNameFileLineAndKey) {
  EXPECT_EQ(error_of("[detect]\nalpah = 0.1\n"), "job.toml:2: detect.alpah: unknown key");
  EXPECT_EQ(error_of("[detect]\n\nalpha = 2\n"),
            "job.toml:3: detect.alpha: 2 is outside [1e-300, 1]");
  EXPECT_EQ(error_of("[detect]\nmin_keys = 1.5\n"),
            "job.toml:2: detect.min_keys: expected an integer");
  EXPECT_EQ(error_of("[detect]\nkeep_candidates = 1\n"),
            "job.toml:2: detect.keep_candidates: expected true or false");
  EXPECT_EQ(error_of("[signals.retweets]\nenabled = true\n"),
            "job.toml:1: signals.retweets: unknown signal (retweet, reply, quote, hashtag, url, "
            "domain, mention, text, object, retweet_slow, media, synchrony)");
  EXPECT_EQ(error_of("[signals.url]\nwindow = 5\n"), "job.toml:2: signals.url.window: unknown key");
  EXPECT_EQ(error_of("[signals.url]\nhub_cap = 0\n"),
            "job.toml:2: signals.url.hub_cap: 0 is outside [1, 1000000000]");
  EXPECT_EQ(error_of("[clustering]\nx = 1\n"), "job.toml:1: clustering: unknown key");
  EXPECT_EQ(error_of("[similarity]\nmin_cosine = 1.5\n"),
            "job.toml:2: similarity.min_cosine: 1.5 is outside [0, 1]");
  EXPECT_EQ(error_of("[clusters]\nmin_size = 1\n"),
            "job.toml:2: clusters.min_size: 1 is outside [2, 1000000000000]");
  EXPECT_EQ(error_of("[clusters]\nresolution = -1\n"),
            "job.toml:2: clusters.resolution: -1 is outside [1e-06, 1000000]");
  EXPECT_EQ(error_of("[clusters]\nleiden = true\n"), "job.toml:2: clusters.leiden: unknown key");
  EXPECT_EQ(error_of("[run]\nstore = 3\n"), "job.toml:2: run.store: expected a string");
  EXPECT_EQ(error_of("[run]\ntweet = []\n"), "job.toml:2: run.tweet: unknown key");
  EXPECT_EQ(error_of("[run]\nformat = \"json\"\n"),
            "job.toml:2: run.format: expected one of actions, ioarchive, jsonl");
  EXPECT_NE(error_of("[detect\n").find("job.toml:1:"), std::string::npos);
  DetectConfig config;
  EXPECT_THROW(app::apply_job_file("/nonexistent/job.toml", config), UsageError);
}

} // namespace
} // namespace lockstep::testing

namespace lockstep::testing {
namespace {

// Named jobs: LOCKSTEP_HOME's share/lockstep/jobs first, then the installed tree beside the binary,
// then the source tree; a path is taken as given; an unknown name lists the named jobs.
TEST_F(JobFile, NamedJobsResolveFromTheInstalledJobs) {
  namespace fs = std::filesystem;
  const auto home = fs::temp_directory_path() / ("lockstep-home-" + std::to_string(::getpid()));
  fs::create_directories(home / "share/lockstep/jobs");
  std::ofstream(home / "share/lockstep/jobs/mine.toml") << "[detect]\nalpha = 0.001\n";
  ::setenv("LOCKSTEP_HOME", home.c_str(), 1);
  EXPECT_EQ(app::resolve_job("mine"), (home / "share/lockstep/jobs/mine.toml").string());
  EXPECT_EQ(app::resolve_job("mine.toml"), (home / "share/lockstep/jobs/mine.toml").string());
  DetectConfig config;
  app::apply_job_file("mine", config);
  EXPECT_EQ(config.alpha, 0.001);
  EXPECT_TRUE(app::resolve_job("default").ends_with("jobs/default.toml")) << "the source tree's";
  EXPECT_EQ(app::resolve_job("some/where.toml"), "some/where.toml") << "a path, as given";
  try {
    app::resolve_job("no-such-job");
    ADD_FAILURE() << "an unknown named job resolved";
  } catch (const UsageError &error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("named jobs: "), std::string::npos) << message;
    EXPECT_NE(message.find("coortweet, copypasta, default"), std::string::npos) << message;
    EXPECT_NE(message.find("mine"), std::string::npos) << message;
  }
  ::unsetenv("LOCKSTEP_HOME");
  fs::remove_all(home);
}

} // namespace
} // namespace lockstep::testing
