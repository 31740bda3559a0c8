// Ingest end to end at 1 to 4 ranks: the real samples (one truncated row), duplicates, --append,
// compressed inputs, posts appended in stages, bad rows, header errors, camelCase users files, the
// generic action table, identical stores for any rank count, and the golden h5dump -H of a tiny
// store.
#include "common/csv.hpp"
#include "common/error.hpp"
#include "common/hash.hpp"
#include "common/phase_times.hpp"
#include "ingest/fields.hpp"
#include "ingest/ingest.hpp"
#include "ingest/parse.hpp"
#include "ingest/passes.hpp"
#include "ingest/plan.hpp"
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"
#include "store/column.hpp"
#include "store/file.hpp"
#include "store/handle.hpp"
#include "store/schema.hpp"
#include "store/strings.hpp"
#include "store/validate.hpp"
#include "synth/generate.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <hdf5.h>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>
#include <zlib.h>
#include <zstd.h>

namespace lockstep::testing {
namespace {

namespace fs = std::filesystem;
const std::string kIra = LOCKSTEP_TEST_DATA "/io_tweets_sample_ira_2018.csv";
const std::string kChinaUsers = LOCKSTEP_TEST_DATA "/io_users_china_082019_1.csv";
const std::string kCoorTweet = LOCKSTEP_TEST_DATA "/coortweet_russian_coord_tweets.csv";

std::string slurp(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// An IO-archive tweets file written row by row: each row sets some of the archive's columns.
std::string io_tweets(const std::vector<std::map<std::string, std::string>> &rows) {
  std::string out;
  std::vector<std::string_view> header(synth::tweet_columns().begin(),
                                       synth::tweet_columns().end());
  csv::append_record(out, header);
  for (const auto &row : rows) {
    std::vector<std::string> fields;
    for (const auto name : header)
      fields.push_back(row.contains(std::string(name)) ? row.at(std::string(name)) : "");
    std::vector<std::string_view> view(fields.begin(), fields.end());
    csv::append_record(out, view);
  }
  return out;
}

class Ingest : public MpiTest {
protected:
  void SetUp() override {
    dir = shared_temp_path(comm, "ingest");
    if (comm.is_root())
      fs::create_directories(dir);
    comm.barrier();
  }
  void TearDown() override {
    comm.barrier();
    if (comm.is_root())
      fs::remove_all(dir);
    MpiTest::TearDown();
  }
  IngestConfig config(const std::string &store) const {
    IngestConfig c;
    c.store_path = dir + "/" + store;
    c.partitions = 8;
    c.block_megabytes = 1;
    return c;
  }
  // The rows written as an IO tweets file NAME.csv (by rank 0), and the config that ingests it
  // into NAME.h5. Collective.
  IngestConfig tweets_config(const std::string &name,
                             const std::vector<std::map<std::string, std::string>> &rows) const {
    const std::string path = dir + "/" + name + ".csv";
    if (comm.is_root())
      std::ofstream(path, std::ios::binary) << io_tweets(rows);
    comm.barrier();
    auto c = config(name + ".h5");
    c.tweets = {path};
    return c;
  }
  IngestConfig actions_config(const std::string &store, const std::string &table) const {
    auto c = config(store);
    c.format = "actions";
    c.actions = {table};
    return c;
  }
  // Per-dataset digests (rank 0) of a store that must be valid.
  std::vector<std::pair<std::string, std::string>> digests(const std::string &path,
                                                           const mpi::Comm &on) {
    const auto report = store::validate_store(on, path);
    for (const auto &violation : report.violations)
      ADD_FAILURE() << path << ": " << violation;
    return report.digests;
  }
  // The same ingest on rank 0 alone must give the same content.
  void expect_same_as_one_rank(IngestConfig c) {
    const auto many = digests(c.store_path, comm);
    if (comm.is_root()) {
      const mpi::Comm self(MPI_COMM_SELF);
      c.store_path += ".one-rank.h5";
      c.rejects_path = c.store_path + ".rejects.csv";
      ingest::ingest(self, c);
      EXPECT_EQ(digests(c.store_path, self), many)
          << "store differs between 1 and " << comm.size() << " ranks";
    }
  }
  std::string dir;
};

TEST_F(Ingest, RealSamplesWithExactlyOneRejectedRow) {
  auto c = config("real.h5");
  c.tweets = {kIra};
  c.users = {kChinaUsers};
  const auto s = ingest::ingest(comm, c);
  EXPECT_EQ(s.rows_read, 408u + 744u);
  EXPECT_EQ(s.rows_rejected, 1u);
  EXPECT_EQ(s.rejects_by_reason.at("truncated record"), 1u);
  EXPECT_EQ(s.non_post_rows, 744u);
  EXPECT_EQ(s.posts, 407u);
  EXPECT_EQ(s.duplicates, 0u);
  EXPECT_EQ(s.accounts, 86u + 744u);
  EXPECT_EQ(s.time_sources.at("snowflake"), 407u);
  EXPECT_GT(s.actions, s.posts);
  if (comm.is_root()) {
    const std::string rejects = slurp(s.rejects_path);
    EXPECT_NE(rejects.find("io_tweets_sample_ira_2018.csv\",\"998\",\"truncated record\""),
              std::string::npos)
        << rejects;
    const std::string manifest = slurp(dir + "/real-manifest.json");
    for (const char *expected : {"\"rows_read\": 1152", "\"rows_rejected\": 1",
                                 "\"truncated record\": 1", "\"snowflake\": 407"}) {
      EXPECT_NE(manifest.find(expected), std::string::npos) << expected << " in\n" << manifest;
    }
  }
  expect_same_as_one_rank(c);
}

TEST_F(Ingest, DuplicatesAcrossFilesAreStoredOnce) {
  auto c = config("dup.h5");
  c.tweets = {kIra, kIra};
  const auto s = ingest::ingest(comm, c);
  EXPECT_EQ(s.rows_read, 816u);
  EXPECT_EQ(s.posts, 407u);
  EXPECT_EQ(s.duplicates, 407u);
  EXPECT_EQ(s.rows_rejected, 2u);
  digests(c.store_path, comm);
}

TEST_F(Ingest, AppendEqualsIngestingTogether) {
  auto together = config("together.h5");
  together.tweets = {kIra};
  together.users = {kChinaUsers};
  ingest::ingest(comm, together);

  auto first = config("appended.h5");
  first.tweets = {kIra};
  ingest::ingest(comm, first);
  auto second = config("appended.h5");
  second.users = {kChinaUsers};
  second.append = true;
  second.partitions = 3; // ignored: an existing store keeps its partition count
  const auto s = ingest::ingest(comm, second);
  EXPECT_EQ(s.rows_read, 744u);
  EXPECT_EQ(s.posts, 407u);
  EXPECT_EQ(digests(second.store_path, comm), digests(together.store_path, comm));

  auto again = config("appended.h5"); // appending the same tweets adds nothing
  again.tweets = {kIra};
  again.append = true;
  const auto s2 = ingest::ingest(comm, again);
  EXPECT_EQ(s2.duplicates, 407u);
  EXPECT_EQ(s2.posts, 407u);
  digests(again.store_path, comm);
}

TEST_F(Ingest, DeflatedStoresHoldTheSameRows) {
  const auto filters = [&](const std::string &path) {
    const auto file = store::File::open(path, comm, store::Access::read_only);
    store::DatasetHandle dataset(H5Dopen2(file.root().id(), "posts/time_ms", H5P_DEFAULT));
    store::PropListHandle dcpl(H5Dget_create_plist(dataset.id()));
    return H5Pget_nfilters(dcpl.id());
  };
  auto plain = config("plain.h5");
  plain.tweets = {kIra};
  plain.users = {kChinaUsers};
  ingest::ingest(comm, plain);
  auto deflated = plain;
  deflated.store_path = dir + "/deflated.h5";
  deflated.store_compression = "deflate";
  ingest::ingest(comm, deflated);
  EXPECT_EQ(filters(plain.store_path), 0);
  EXPECT_EQ(filters(deflated.store_path), 2); // shuffle and deflate
  EXPECT_EQ(digests(deflated.store_path, comm), digests(plain.store_path, comm));

  auto appended = config("appended.h5"); // a deflated store, appended to without compression
  appended.tweets = {kIra};
  appended.store_compression = "deflate";
  ingest::ingest(comm, appended);
  appended.tweets.clear();
  appended.users = {kChinaUsers};
  appended.store_compression = "none";
  appended.append = true;
  ingest::ingest(comm, appended);
  EXPECT_EQ(filters(appended.store_path), 0); // the store is rewritten as this ingest says
  EXPECT_EQ(digests(appended.store_path, comm), digests(plain.store_path, comm));

  auto unknown = plain;
  unknown.store_compression = "lz4";
  EXPECT_THROW(ingest::ingest(comm, unknown), UsageError);
}

// The posts' columns are appended a stage of posts at a time: stages of a few posts, which split
// every rank's posts into many (filtered columns written collectively, each rank padding its
// stages to the most any rank needs), give the store of one stage per rank.
TEST_F(Ingest, PostsAppendedInStagesOfAnySizeGiveTheSameStore) {
  for (const char *compression : {"none", "deflate"}) {
    auto whole = config(std::string("whole-") + compression + ".h5");
    whole.tweets = {kIra};
    whole.users = {kChinaUsers};
    whole.store_compression = compression;
    ingest::ingest(comm, whole);
    const auto expected = digests(whole.store_path, comm);
    for (const std::uint64_t stage : {1u, 7u, 64u}) {
      auto staged = whole;
      staged.store_path = dir + "/staged-" + std::to_string(stage) + compression + ".h5";
      staged.post_stage_rows = stage;
      ingest::ingest(comm, staged);
      EXPECT_EQ(digests(staged.store_path, comm), expected) << compression << ", stage " << stage;
    }
  }
}

TEST_F(Ingest, CompressedInputsGiveThePlainStore) {
  const std::string gz = dir + "/ira.csv.gz", zst = dir + "/ira.csv.zst";
  if (comm.is_root()) {
    const std::string plain = slurp(kIra);
    gzFile out = gzopen(gz.c_str(), "wb");
    gzwrite(out, plain.data(), static_cast<unsigned>(plain.size()));
    gzclose(out);
    std::string compressed(ZSTD_compressBound(plain.size()), '\0');
    compressed.resize(
        ZSTD_compress(compressed.data(), compressed.size(), plain.data(), plain.size(), 3));
    std::ofstream(zst, std::ios::binary) << compressed;
  }
  comm.barrier();
  auto plain = config("plain.h5");
  plain.tweets = {kIra};
  ingest::ingest(comm, plain);
  for (const auto &input : {gz, zst}) {
    auto c = config(fs::path(input).filename().string() + ".h5");
    c.tweets = {input};
    const auto s = ingest::ingest(comm, c);
    EXPECT_EQ(s.rows_rejected, 1u) << input;
    auto d = digests(c.store_path, comm);
    EXPECT_EQ(d, digests(plain.store_path, comm)) << input;
  }
}

TEST_F(Ingest, BadRowsAreRejectedWithFileLineAndReason) {
  const std::string path = dir + "/bad.csv";
  if (comm.is_root()) {
    std::string out;
    std::vector<std::string_view> header(synth::tweet_columns().begin(),
                                         synth::tweet_columns().end());
    csv::append_record(out, header);
    const auto row = [&](std::string tweetid, std::string time, std::string text,
                         std::string hashtags) {
      std::vector<std::string> f(31, "");
      f[0] = tweetid;
      f[1] = "4125840934";
      f[13] = time;
      f[12] = text;
      f[18] = "false";
      f[27] = hashtags;
      f[7] = "10";
      f[8] = "20";
      std::vector<std::string_view> v(f.begin(), f.end());
      csv::append_record(out, v);
    };
    row("894109669869985793", "2017-08-06 08:15", "good\nrow", "['a']");  // lines 2-3
    row("89410966x", "2017-08-06 08:15", "bad id", "[]");                 // line 4
    out += "\"1\",\"2\"\n";                                               // line 5
    row("894109669869985794", "2017-08-06 08:15", "bad \xff utf8", "[]"); // line 6
    row("894109669869985795", "yesterday", "bad time", "[]");             // line 7
    row("894109669869985796", "2017-08-06 08:15", "bad list", "['x");     // line 8
    row("894109669869985797", "2017-08-06 08:15", "good", "[]");          // line 9
    std::ofstream(path, std::ios::binary) << out;
  }
  comm.barrier();
  auto c = config("bad.h5");
  c.tweets = {path};
  const auto s = ingest::ingest(comm, c);
  EXPECT_EQ(s.rows_read, 7u);
  EXPECT_EQ(s.posts, 2u);
  EXPECT_EQ(s.rows_rejected, 5u);
  if (comm.is_root()) {
    const std::string rejects = slurp(s.rejects_path);
    for (const char *expected :
         {"\"4\",\"bad tweetid\"", "\"5\",\"wrong field count\"", "\"6\",\"invalid UTF-8\"",
          "\"7\",\"bad tweet_time\"", "\"8\",\"bad list field\""}) {
      EXPECT_NE(rejects.find(expected), std::string::npos) << expected << " in\n" << rejects;
    }
  }
  digests(c.store_path, comm);
}

TEST_F(Ingest, MissingRequiredColumnStopsBeforeAnyWork) {
  const std::string path = dir + "/no-id.csv";
  if (comm.is_root())
    std::ofstream(path)
        << "\"userid\",\"tweet_text\",\"tweet_time\"\n\"1\",\"x\",\"2020-01-01 00:00\"\n";
  comm.barrier();
  auto c = config("never.h5");
  c.tweets = {path};
  try {
    ingest::ingest(comm, c);
    ADD_FAILURE() << "no error for a missing column";
  } catch (const InputError &error) {
    EXPECT_EQ(error.line(), 1);
    EXPECT_NE(std::string(error.what()).find("missing required column 'tweetid'"),
              std::string::npos);
  }
  EXPECT_FALSE(fs::exists(c.store_path));
}

TEST_F(Ingest, CamelCaseUsersFiles) {
  const std::string path = dir + "/users-camel.csv";
  if (comm.is_root()) {
    std::ofstream(path)
        << "userId,userDisplayName,userScreenName,userReportedLocation,"
           "userProfileDescription,userProfileUrl,followerCount,followingCount,"
           "accountCreationDate,accountLanguage\n"
           "\"42\",\"Name\",\"screen\",\"\",\"\",\"\",\"17.0\",\"3\",\"2019-05-01\",\"en\"\n";
  }
  comm.barrier();
  auto c = config("camel.h5");
  c.users = {path};
  const auto s = ingest::ingest(comm, c);
  EXPECT_EQ(s.accounts, 1u);
  EXPECT_EQ(s.rows_rejected, 0u);
  EXPECT_EQ(s.non_post_rows, 1u);
  digests(c.store_path, comm);
}

TEST_F(Ingest, GenericActionTableFromCooRTweet) {
  const auto c = actions_config("actions.h5", kCoorTweet);
  const auto s = ingest::ingest(comm, c);
  EXPECT_EQ(s.rows_read, 35125u);
  EXPECT_EQ(s.rows_rejected, 0u);
  EXPECT_EQ(s.posts + s.duplicates, 35125u);
  EXPECT_EQ(s.accounts, 9509u);
  EXPECT_EQ(s.time_sources.at("timestamp"), s.posts);
  expect_same_as_one_rank(c);
}

TEST_F(Ingest, ActionTimestampsMustBeUnixSecondsOfPosts) {
  const std::string path = dir + "/stamps.csv";
  if (comm.is_root()) {
    std::ofstream(path) << "object_id,account_id,content_id,timestamp_share\n"
                        << "o1,a1,c1,1623881091\n"    // line 2: good
                        << "o1,a2,c2,1623881091.5\n"  // line 3: good
                        << "o1,a3,c3,yesterday\n"     // line 4
                        << "o1,a4,c4,1623881091000\n" // line 5: milliseconds
                        << "o1,a5,c5,-60\n";          // line 6
  }
  comm.barrier();
  const auto c = actions_config("stamps.h5", path);
  const auto s = ingest::ingest(comm, c);
  EXPECT_EQ(s.posts, 2u);
  EXPECT_EQ(s.rows_rejected, 3u);
  if (comm.is_root()) {
    const std::string rejects = slurp(s.rejects_path);
    for (const char *expected : {"\"4\",\"bad timestamp\"", "\"5\",\"timestamp out of range\"",
                                 "\"6\",\"timestamp out of range\""}) {
      EXPECT_NE(rejects.find(expected), std::string::npos) << expected << " in\n" << rejects;
    }
  }
  digests(c.store_path, comm);
}

// API tweets as JSON lines (v1.1 objects and twarc2-flattened v2 tweets) give the store of the
// same tweets written as IO-archive rows; lines that are no tweet are rejected with the reason.
TEST_F(Ingest, JsonLinesGiveTheStoreOfTheSameArchiveRows) {
  const std::string jsonl = dir + "/tweets.jsonl", csv_path = dir + "/tweets.csv";
  if (comm.is_root()) {
    std::ofstream(jsonl)
        // line 1: v1.1, extended, with entities; the text holds escaped quotes and a line feed
        << R"({"id_str":"1050118621198921728","created_at":"Wed Oct 10 20:19:24 +0000 2018",)"
        << R"("full_text":"say \"hi\"\nto #Vote","lang":"en","source":"<a href=\"x\">Twitter )"
        << R"(for iPhone</a>","user":{"id_str":"11","name":"Ann","screen_name":"ann",)"
        << R"("location":"Oslo","description":"it's me","followers_count":5,"friends_count":7,)"
        << R"("created_at":"Mon Jan 02 10:00:00 +0000 2012","lang":"en"},"extended_tweet":)"
        << R"({"full_text":"say \"hi\"\nto #Vote","entities":{"hashtags":[{"text":"Vote"}],)"
        << R"("urls":[{"expanded_url":"https://ex.org/a?utm_source=x"}],)"
        << R"("user_mentions":[{"id_str":"12"}]}}})"
        << "\n"
        // line 2: v1.1 retweet
        << R"({"id_str":"1050118621198921729","created_at":"Wed Oct 10 20:19:25 +0000 2018",)"
        << R"("text":"RT @ann: say","user":{"id_str":"12","screen_name":"bob"},)"
        << R"("retweeted_status":{"id_str":"1050118621198921728","user":{"id_str":"11"}},)"
        << R"("entities":{"hashtags":[],"urls":[],"user_mentions":[{"id_str":"11"}]}})"
        << "\n"
        // line 3: v1.1 reply, an id from before snowflakes (its time from created_at)
        << R"({"id":12345,"created_at":"Wed Oct 10 20:19:24 +0000 2007","text":"yes",)"
        << R"("in_reply_to_status_id_str":"999","in_reply_to_user_id_str":"11",)"
        << R"("user":{"id":11,"screen_name":"ann"}})"
        << "\n"
        << "{not json\n" // line 4
        << R"({"data":[{"id":"1"}]})"
        << "\n" // line 5: a v2 page
        // line 6: v2 quote, author embedded as twarc2 flatten writes it
        << R"({"id":"1050118621198921730","author_id":"13","created_at":)"
        << R"("2018-10-10T20:19:26.000Z","text":"look #vote","lang":"en","source":"Web",)"
        << R"("referenced_tweets":[{"type":"quoted","id":"1050118621198921728"}],)"
        << R"("entities":{"hashtags":[{"tag":"vote"}],"mentions":[{"username":"ann","id":"11"}]},)"
        << R"("author":{"id":"13","username":"cy","name":"Cy","created_at":)"
        << R"("2015-05-05T00:00:00.000Z","public_metrics":{"followers_count":3,)"
        << R"("following_count":4}}})"
        << "\n"
        // line 7: v2 retweet
        << R"({"id":"1050118621198921731","author_id":"13","created_at":)"
        << R"("2018-10-10T20:19:27.000Z","text":"RT @ann: say","referenced_tweets":)"
        << R"([{"type":"retweeted","id":"1050118621198921728","author_id":"11"}]})"
        << "\n";
    std::string out;
    std::vector<std::string_view> header(synth::tweet_columns().begin(),
                                         synth::tweet_columns().end());
    csv::append_record(out, header);
    const auto row = [&](std::vector<std::pair<int, std::string>> values) {
      std::vector<std::string> f(31, "");
      for (auto &[column, value] : values)
        f[static_cast<std::size_t>(column)] = value;
      std::vector<std::string_view> v(f.begin(), f.end());
      csv::append_record(out, v);
    };
    row({{0, "1050118621198921728"},
         {1, "11"},
         {2, "Ann"},
         {3, "ann"},
         {4, "Oslo"},
         {5, "it's me"},
         {7, "5"},
         {8, "7"},
         {9, "2012-01-02"},
         {10, "en"},
         {11, "en"},
         {12, "say \"hi\"\nto #Vote"},
         {13, "2018-10-10 20:19:24"},
         {14, "Twitter for iPhone"},
         {18, "False"},
         {27, "['Vote']"},
         {28, "['https://ex.org/a?utm_source=x']"},
         {29, "['12']"}});
    row({{0, "1050118621198921729"},
         {1, "12"},
         {3, "bob"},
         {12, "RT @ann: say"},
         {13, "2018-10-10 20:19:25"},
         {18, "True"},
         {19, "11"},
         {20, "1050118621198921728"},
         {29, "['11']"}});
    row({{0, "12345"},
         {1, "11"},
         {3, "ann"},
         {12, "yes"},
         {13, "2007-10-10 20:19:24"},
         {15, "11"},
         {16, "999"},
         {18, "False"}});
    row({{0, "1050118621198921730"},
         {1, "13"},
         {2, "Cy"},
         {3, "cy"},
         {7, "3"},
         {8, "4"},
         {9, "2015-05-05"},
         {11, "en"},
         {12, "look #vote"},
         {13, "2018-10-10 20:19:26"},
         {14, "Web"},
         {17, "1050118621198921728"},
         {18, "False"},
         {27, "['vote']"},
         {29, "['11']"}});
    row({{0, "1050118621198921731"},
         {1, "13"},
         {12, "RT @ann: say"},
         {13, "2018-10-10 20:19:27"},
         {18, "True"},
         {19, "11"},
         {20, "1050118621198921728"}});
    std::ofstream(csv_path, std::ios::binary) << out;
  }
  comm.barrier();
  auto json_config = config("json.h5");
  json_config.format = "jsonl";
  json_config.tweets = {jsonl};
  const auto s = ingest::ingest(comm, json_config);
  EXPECT_EQ(s.rows_read, 7u);
  EXPECT_EQ(s.posts, 5u);
  EXPECT_EQ(s.rows_rejected, 2u);
  if (comm.is_root()) {
    const std::string rejects = slurp(s.rejects_path);
    for (const char *expected : {"\"4\",\"bad JSON tweet\"", "\"5\",\"bad JSON tweet\""})
      EXPECT_NE(rejects.find(expected), std::string::npos) << expected << " in\n" << rejects;
    EXPECT_NE(rejects.find("twarc2 flatten"), std::string::npos) << rejects;
  }
  auto csv_config = config("csv.h5");
  csv_config.tweets = {csv_path};
  ingest::ingest(comm, csv_config);
  EXPECT_EQ(digests(json_config.store_path, comm), digests(csv_config.store_path, comm));
}

TEST_F(Ingest, GeneratedDataGivesTheSameStoreAtAnyRankCount) {
  GenerateConfig g;
  g.out_dir = dir + "/gen";
  g.accounts = 800;
  g.days = 3;
  g.campaign_size = 8;
  g.parts = 2;
  synth::generate(comm, g);
  comm.barrier();
  auto c = config("gen.h5");
  c.tweets = {g.out_dir + "/tweets-part-00001.csv", g.out_dir + "/tweets-part-00002.csv"};
  c.users = {g.out_dir + "/users.csv"};
  const auto s = ingest::ingest(comm, c);
  EXPECT_EQ(s.rows_rejected, 0u);
  EXPECT_EQ(s.accounts, 800u);
  expect_same_as_one_rank(c);
}

TEST_F(Ingest, FollowerSnapshots) {
  const std::string path = dir + "/snapshots.csv";
  if (comm.is_root()) {
    std::ofstream(path) << "userid,time,followers\n"
                           "4125840934,2017-08-01,19000\n"
                           "4125840934,2017-08-06 08:15,19816\n"
                           "4125840934,1502100000,19900\n"
                           "999,2017-08-01,5\n"      // an account without tweets
                           "4125840934,someday,1\n"; // rejected
  }
  comm.barrier();
  auto c = config("snapshots.h5");
  c.tweets = {kIra};
  c.snapshots = {path};
  const auto s = ingest::ingest(comm, c);
  EXPECT_EQ(s.snapshots, 4u);
  EXPECT_EQ(s.accounts, 87u);
  EXPECT_EQ(s.rows_rejected, 2u);
  EXPECT_EQ(s.rejects_by_reason.at("bad snapshot time"), 1u);
  EXPECT_EQ(s.non_post_rows, 4u); // the rejected snapshot counts once, as rejected
  expect_same_as_one_rank(c);
}

// Follow lists in both layouts: an edge list CSV (spaces, a missing time, other header
// spellings) and twarc2's following/followers JSON lines. A follow seen at several collection
// times is stored once with its first and last; --append merges new snapshots the same way.
TEST_F(Ingest, FollowListsInBothLayouts) {
  const std::string edges = dir + "/follows.csv", later = dir + "/follows-later.csv",
                    twarc = dir + "/following.jsonl";
  if (comm.is_root()) {
    std::ofstream(edges) << "follower_id,friend_id,retrieved_at\n"
                            "1,100,2022-01-01\n"
                            " 2 , 100 ,\n" // trimmed, time unknown
                            "1,200,2022-01-01 10:00\n"
                            ",100,2022-01-01\n"             // rejected: no follower
                            "3,100,yesterday\n"             // rejected: bad time
                            "1,100,2022-02-01T10:00:00Z\n"; // again, later
    std::ofstream(later) << "account_id,followed_id,collected_at\n"
                            "1,100,2021-12-01\n" // earlier than both: the new first
                            "2,100,2022-03-01\n" // the first known time of 2 -> 100
                            "4,1,1650000000\n";
    std::ofstream(twarc)
        << R"({"id":"100","username":"a","__twarc":{"url":"https://api.twitter.com/2/users/7/following?max_results=1000","retrieved_at":"2022-03-01T01:00:00+01:00"}})"
        << "\n"
        << R"({"id":"8","__twarc":{"url":"https://api.twitter.com/2/users/1/followers","retrieved_at":"2022-03-02T00:00:00.250Z"}})"
        << "\n"
        << R"({"data":[{"id":"9"}],"__twarc":{"url":"https://api.twitter.com/2/users/1/followers"}})"
        << "\n"
        << R"({"id":"9","__twarc":{"url":"https://api.twitter.com/2/users/1/likes"}})"
        << "\n";
  }
  comm.barrier();
  auto c = config("follows.h5");
  c.format = "actions";
  c.actions = {kCoorTweet};
  c.follows = {edges, twarc};
  const auto s = ingest::ingest(comm, c);
  EXPECT_EQ(s.follows, 5u); // 1->100, 1->200, 2->100, 7->100, 8->1
  EXPECT_EQ(s.rejects_by_reason.at("missing account_id"), 1u);
  EXPECT_EQ(s.rejects_by_reason.at("bad collection time"), 1u);
  EXPECT_EQ(s.rejects_by_reason.at("bad JSON follow"), 2u); // a whole page, and no follow URL
  EXPECT_EQ(s.non_post_rows, 6u);
  expect_same_as_one_rank(c);

  // Rows of (follower id, followed id, first, last) as stored, on rank 0.
  const auto stored = [&](const std::string &path) {
    const auto file = store::File::open(path, comm, store::Access::read_only);
    const auto root = file.root();
    const auto all = [&](const char *group, const auto &column, auto type) {
      const auto g = root.open_group(group);
      return store::read_column<decltype(type)>(g, column,
                                                {0, store::column_length(g, column.name)});
    };
    const auto account = all("follows", store::schema::follows::account, std::uint64_t{});
    const auto followed = all("follows", store::schema::follows::followed, std::uint64_t{});
    const auto first = all("follows", store::schema::follows::first_ms, std::int64_t{});
    const auto last = all("follows", store::schema::follows::last_ms, std::int64_t{});
    const auto g = root.open_group("accounts");
    const auto ids =
        store::read_strings(g, store::schema::accounts::id, {0, store::column_length(g, "key")});
    std::map<std::pair<std::string, std::uint64_t>, std::pair<std::int64_t, std::int64_t>> rows;
    for (std::size_t i = 0; i < account.size(); ++i)
      rows[{ids.at(account[i]), followed[i]}] = {first[i], last[i]};
    return rows;
  };
  const auto key = [](const char *id) { return hash64(std::string(id)); };
  constexpr std::int64_t kDay = 86'400'000, kJan1 = 18'993 * kDay,
                         kUnknown = store::schema::kUnknownTime;
  auto rows = stored(c.store_path);
  const auto at = [&](const char *account, const char *followed) {
    return rows[{account, key(followed)}];
  };
  EXPECT_EQ(rows.size(), 5u);
  EXPECT_EQ(at("1", "100"), std::make_pair(kJan1, kJan1 + 31 * kDay + 10 * 3'600'000));
  EXPECT_EQ(at("2", "100"), std::make_pair(kUnknown, kUnknown));
  EXPECT_EQ(at("1", "200"), std::make_pair(kJan1 + 36'000'000, kJan1 + 36'000'000));
  EXPECT_EQ(at("7", "100").first, kJan1 + 59 * kDay); // 01:00 at +01:00
  EXPECT_EQ(at("8", "1").first, kJan1 + 60 * kDay + 250);

  auto appended = config("follows.h5");
  appended.format = "actions";
  appended.actions.clear();
  appended.follows = {later};
  appended.append = true;
  ingest::ingest(comm, appended);
  digests(appended.store_path, comm);
  rows = stored(appended.store_path);
  EXPECT_EQ(rows.size(), 6u);
  EXPECT_EQ(at("1", "100"), std::make_pair(kJan1 - 31 * kDay, kJan1 + 31 * kDay + 10 * 3'600'000));
  EXPECT_EQ(at("2", "100"), std::make_pair(kJan1 + 59 * kDay, kJan1 + 59 * kDay));
  EXPECT_EQ(at("4", "1").first, 1'650'000'000'000);

  auto together = config("follows-together.h5"); // appending equals ingesting at once
  together.format = "actions";
  together.actions = {kCoorTweet};
  together.follows = {edges, twarc, later};
  ingest::ingest(comm, together);
  EXPECT_EQ(digests(together.store_path, comm), digests(appended.store_path, comm));

  auto misnamed = c; // a --follow-columns name the header lacks stops before any work
  misnamed.store_path = dir + "/misnamed.h5";
  misnamed.follow_columns = "followed_id=dst";
  EXPECT_THROW(ingest::ingest(comm, misnamed), InputError);
  misnamed.follow_columns = "target=dst";
  EXPECT_THROW(ingest::ingest(comm, misnamed), UsageError);
}

// Inputs larger than the memory budget go through in groups of partitions: the store is the same.
TEST_F(Ingest, PartitionGroupsUnderAMemoryBudgetGiveTheSameStore) {
  GenerateConfig g;
  g.out_dir = dir + "/gen";
  g.accounts = 1500;
  g.days = 5;
  g.campaign_size = 10;
  synth::generate(comm, g);
  comm.barrier();
  auto whole = config("one-pass.h5");
  whole.partitions = 32; // passes of a partition or two per rank at 4 ranks
  whole.tweets = {g.out_dir + "/tweets.csv"};
  whole.users = {g.out_dir + "/users.csv"};
  const auto one = ingest::ingest(comm, whole);
  EXPECT_EQ(one.groups, 1u);
  auto grouped = whole;
  grouped.store_path = dir + "/grouped.h5";
  grouped.rejects_path = dir + "/grouped-rejects.csv";
  grouped.block_megabytes = 1;
  // A bound below one partition's rows stops the run at the start, naming what would do.
  grouped.memory_megabytes = 1;
  EXPECT_THROW(
      {
        try {
          ingest::ingest(comm, grouped);
        } catch (const UsageError &e) {
          EXPECT_NE(std::string(e.what()).find("Give --memory-mb"), std::string::npos);
          throw;
        }
      },
      UsageError);
  // A bound that holds half of a rank's rows (ingest/passes.hpp's model), beside the runtime,
  // the buffers and the keys, takes two passes or more at any rank count.
  const auto half_the_rows = [&](double input_bytes) {
    const double input_mb = input_bytes / (1 << 20), ranks = comm.size();
    const double runtime_mb = mpi::allreduce(comm, resident_mb(), mpi::Op::max);
    return static_cast<std::uint64_t>(runtime_mb + 4 * 1 + 0.05 * input_mb / ranks +
                                      ingest::kPassBytesPerInputByte * input_mb / (2 * ranks) + 1);
  };
  const auto csv_bytes =
      static_cast<double>(fs::file_size(whole.tweets[0]) + fs::file_size(whole.users[0]));
  grouped.memory_megabytes = half_the_rows(csv_bytes);
  const auto many = ingest::ingest(comm, grouped);
  EXPECT_GT(many.groups, 1u);
  EXPECT_EQ(many.rows_read, one.rows_read);
  EXPECT_EQ(many.posts, one.posts);
  EXPECT_EQ(digests(grouped.store_path, comm), digests(whole.store_path, comm));

  auto appended = grouped; // --append in groups too: the same tweets add nothing
  appended.users.clear();
  appended.append = true;
  appended.memory_megabytes = half_the_rows(
      static_cast<double>(fs::file_size(whole.tweets[0]) + 6 * fs::file_size(grouped.store_path)));
  const auto again = ingest::ingest(comm, appended);
  EXPECT_EQ(again.duplicates, one.posts);
  EXPECT_EQ(again.posts, one.posts);
  digests(appended.store_path, comm);
}

// A whole uint64 dataset of a store.
std::vector<std::uint64_t> read_u64(const std::string &store, const char *dataset) {
  const hid_t file = H5Fopen(store.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(file, dataset, H5P_DEFAULT);
  const hid_t space = H5Dget_space(d);
  std::vector<std::uint64_t> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  if (!values.empty())
    H5Dread(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Sclose(space);
  H5Dclose(d);
  H5Fclose(file);
  return values;
}

// A post acts on each of its keys once and interacts with each user once, however often its
// lists name them: tweets whose lists repeat every element store the same actions and
// interactions as the same tweets listing each once. 5,000 tweets of 8 actions each take the
// group's tables past their first chunk (32,768 actions).
TEST_F(Ingest, EachPostActsOnEachKeyOnceHoweverOftenItsListsNameIt) {
  const auto tweets = [](bool repeated) {
    std::vector<std::map<std::string, std::string>> rows;
    for (int i = 0; i < 5'000; ++i) {
      const std::string tag = "tag" + std::to_string(i % 7), user = std::to_string(500 + i % 11);
      const std::string url = "https://t.co/p" + std::to_string(i % 13);
      const auto list = [&](const std::string &a, const std::string &b) {
        return repeated ? "[" + a + ", " + b + ", " + a + ", " + b + "]" : "[" + a + ", " + b + "]";
      };
      rows.push_back({{"tweetid", std::to_string(790000000000000000ull + i)},
                      {"userid", std::to_string(100 + i % 50)},
                      {"tweet_time", "2016-10-24 12:00"},
                      {"tweet_text", "text " + std::to_string(i)},
                      {"hashtags", list(tag, "common")},
                      {"urls", list(url, "https://t.co/same")},
                      {"user_mentions", list(user, "999")}});
    }
    return rows;
  };
  const auto once = tweets_config("listed-once", tweets(false));
  const auto twice = tweets_config("listed-twice", tweets(true));
  const auto s = ingest::ingest(comm, twice);
  ingest::ingest(comm, once);
  // Two hashtags, two URLs on one domain, two mentions and the text.
  EXPECT_EQ(s.actions, 5'000u * 8);
  EXPECT_EQ(s.interactions, 5'000u * 2);
  if (comm.is_root()) {
    for (const char *column : {"/actions/post", "/actions/key", "/actions/signal",
                               "/actions/account", "/actions/time_ms", "/interactions/post",
                               "/interactions/target_key", "/interactions/kind"}) {
      EXPECT_EQ(read_u64(twice.store_path, column), read_u64(once.store_path, column)) << column;
    }
    const auto posts = read_u64(twice.store_path, "/actions/post");
    const auto keys = read_u64(twice.store_path, "/actions/key");
    const auto signals = read_u64(twice.store_path, "/actions/signal");
    std::set<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> distinct;
    for (std::size_t i = 0; i < posts.size(); ++i)
      distinct.emplace(posts[i], signals[i], keys[i]);
    EXPECT_EQ(distinct.size(), posts.size()) << "an action repeated within a post";
  }
}

// Re-releases drop retweet_tweetid: a retweet is then keyed by its text, with or without the
// "RT @user:" prefix, so the retweet signal still sees it; the manifest counts them.
// IO releases ship media apart: a media table beside the tweets joins them. Each row's media goes
// to the tweet of its account and id; a row naming another account's tweet, or no tweet, is a
// post of its own. Appending the table to a store of the tweets gives the same store.
TEST_F(Ingest, MediaTablesJoinTheirTweets) {
  std::vector<std::map<std::string, std::string>> rows;
  for (int i = 0; i < 4; ++i) { // tweets ...321 and ...323 of account 100, ...322 and ...324 of 101
    rows.push_back({{"tweetid", std::to_string(1214085261500088321ull + std::uint64_t(i))},
                    {"userid", std::to_string(100 + i % 2)},
                    {"tweet_time", "2020-01-06 09:10"},
                    {"tweet_text", "post " + std::to_string(i)}});
  }
  const std::string media = dir + "/media.csv";
  if (comm.is_root()) {
    std::ofstream(media, std::ios::binary) << "tweetid,userid,media_id,timestamp\n"
                                              "1214085261500088321,100,aaaa,1578301800\n"
                                              "1214085261500088321,100,bbbb,1578301800\n"
                                              "1214085261500088322,101,aaaa,1578301800\n"
                                              "1214085261500088324,100,cccc,1578301800\n"
                                              "1214085261500088399,100,dddd,1578301800\n";
  }
  comm.barrier();
  const auto with_media = [&](IngestConfig c) {
    c.actions = {media};
    c.action_columns = "content_id=tweetid,account_id=userid,timestamp=timestamp,media=media_id";
    return c;
  };
  const auto together = with_media(tweets_config("media-together", rows));
  const auto s = ingest::ingest(comm, together);
  EXPECT_EQ(s.posts, 6u) << "4 tweets, and 2 rows naming no tweet of their account";
  EXPECT_EQ(s.duplicates, 3u) << "the rows joined to their tweets";
  EXPECT_EQ(s.rows_rejected, 0u);
  if (comm.is_root()) {
    const auto signals = read_u64(together.store_path, "/actions/signal");
    EXPECT_EQ(std::count(signals.begin(), signals.end(), 13u), 5) << "two images of one tweet";
    const auto kinds = read_u64(together.store_path, "/posts/kind");
    EXPECT_EQ(std::count(kinds.begin(), kinds.end(), 0u), 6);
  }

  ingest::ingest(comm, tweets_config("media-appended", rows));
  auto appended = with_media(config("media-appended.h5"));
  appended.append = true;
  ingest::ingest(comm, appended);
  EXPECT_EQ(digests(appended.store_path, comm), digests(together.store_path, comm));
  const auto again = ingest::ingest(comm, appended); // the same table again adds nothing
  EXPECT_EQ(again.duplicates, 5u);
  EXPECT_EQ(digests(appended.store_path, comm), digests(together.store_path, comm));

  auto unnamed = tweets_config("media-unnamed", rows); // a media table needs its columns named
  unnamed.actions = {media};
  EXPECT_THROW(ingest::ingest(comm, unnamed), UsageError);
  auto untyped = with_media(tweets_config("media-untyped", rows));
  untyped.action_columns = "object_id=media_id,account_id=userid,content_id=tweetid";
  EXPECT_THROW(ingest::ingest(comm, untyped), UsageError);
  untyped.action_columns = "url=media_id,account_id=userid,content_id=tweetid";
  EXPECT_THROW(ingest::ingest(comm, untyped), UsageError);
}

TEST_F(Ingest, RetweetsWithoutIdsAreKeyedByTheirText) {
  std::vector<std::map<std::string, std::string>> rows;
  const std::vector<std::string> texts = {
      "RT @TEN_GOP: Hillary lied about the emails http://t.co/x", "Hillary lied about the emails",
      "RT @TEN_GOP: Hillary  lied about the emails", "RT @other: something else entirely",
      "RT @nobody: http://t.co/only-a-link"};
  for (std::size_t i = 0; i < texts.size(); ++i) {
    rows.push_back({{"tweetid", std::to_string(790000000000000000ull + i)},
                    {"userid", std::to_string(100 + i)},
                    {"tweet_time", "2016-10-24 12:00"},
                    {"tweet_text", texts[i]},
                    {"is_retweet", "true"}});
  }
  rows.push_back({{"tweetid", "790000000000000009"},
                  {"userid", "109"},
                  {"tweet_time", "2016-10-24 12:01"},
                  {"tweet_text", "RT @TEN_GOP: kept id"},
                  {"is_retweet", "true"},
                  {"retweet_tweetid", "789000000000000001"},
                  {"retweet_userid", "4224729994"}});
  const auto c = tweets_config("no-retweet-ids", rows);
  const auto s = ingest::ingest(comm, c);
  EXPECT_EQ(s.posts, 6u);
  EXPECT_EQ(s.rows_rejected, 0u);
  EXPECT_EQ(s.repairs_by_reason.at("retweet keyed by its text"), 4u)
      << "the link-only one has no text";
  EXPECT_EQ(s.actions, 5u) << "one retweet action per keyed retweet";
  if (comm.is_root()) {
    auto keys = read_u64(c.store_path, "/actions/key");
    std::sort(keys.begin(), keys.end());
    const auto first = ingest::retweet_text_key("Hillary lied about the emails");
    EXPECT_EQ(std::count(keys.begin(), keys.end(), first), 3) << "three retweets of one post";
    EXPECT_EQ(std::count(keys.begin(), keys.end(), 789000000000000001ull), 1) << "ids still win";
    // The "RT @name:" prefix names the author where retweet_userid is missing.
    auto targets = read_u64(c.store_path, "/interactions/target_key");
    std::sort(targets.begin(), targets.end());
    for (const auto *author : {"@ten_gop", "@other", "@nobody", "4224729994"}) {
      EXPECT_TRUE(std::binary_search(targets.begin(), targets.end(), hash64(author))) << author;
    }
    EXPECT_EQ(targets.size(), 5u) << "two retweets of @TEN_GOP by prefix, one without one";
    EXPECT_NE(slurp(dir + "/no-retweet-ids-manifest.json").find("\"retweet keyed by its text\": 4"),
              std::string::npos);
  }
}

// "[https://t.co/E0sRfdCCuu,]" and "[http://t.co/a,, http://t.co/b]" occur in real files: the
// empty elements are skipped, the rows kept and the repairs counted; an unreadable list rejects.
TEST_F(Ingest, EmptyListElementsAreSkippedAndCounted) {
  std::vector<std::map<std::string, std::string>> rows;
  for (const auto *urls : {"[https://t.co/E0sRfdCCuu,]", "[http://t.co/a,, http://t.co/b]",
                           "[http://t.co/c, 'unclosed]"}) {
    rows.push_back({{"tweetid", std::to_string(790000000000000000ull + rows.size())},
                    {"userid", "7"},
                    {"tweet_time", "2016-10-24 12:00"},
                    {"tweet_text", "text " + std::to_string(rows.size())},
                    {"urls", urls}});
  }
  const auto c = tweets_config("lists", rows);
  const auto s = ingest::ingest(comm, c);
  EXPECT_EQ(s.posts, 2u);
  EXPECT_EQ(s.rows_rejected, 1u);
  EXPECT_EQ(s.rejects_by_reason.at("bad list field"), 1u);
  EXPECT_EQ(s.repairs_by_reason.at("empty list element skipped"), 2u);
  if (comm.is_root()) {
    const auto signals = read_u64(c.store_path, "/actions/key"); // url, domain and text actions
    EXPECT_EQ(signals.size(), 3u + 2u + 2u) << "three URLs on two domains, two texts";
  }
}

// A run that would store nothing stops with status 2, says why and what to do, and leaves no
// store behind.
TEST_F(Ingest, AllRowsRejectedIsAnErrorAndLeavesNoStore) {
  std::vector<std::map<std::string, std::string>> rows;
  for (const auto *id : {"ira-000001", "ira-000002", "ira-000003"})
    rows.push_back({{"tweetid", id},
                    {"userid", "7"},
                    {"tweet_time", "2016-10-24 12:00"},
                    {"tweet_text", "hello"}});
  const auto c = tweets_config("empty", rows);
  try {
    ingest::ingest(comm, c);
    ADD_FAILURE() << "an ingest that stored nothing succeeded";
  } catch (const UsageError &error) {
    const std::string what = error.what();
    for (const char *part : {"all 3 rows read were rejected", "bad tweetid (3)", "--columns",
                             "--format actions", "empty-rejects.csv"})
      EXPECT_NE(what.find(part), std::string::npos) << part << " in: " << what;
  }
  comm.barrier();
  if (comm.is_root()) {
    EXPECT_FALSE(fs::exists(c.store_path));
    EXPECT_FALSE(fs::exists(dir + "/empty-manifest.json"));
    for (const auto &entry : fs::directory_iterator(dir))
      EXPECT_EQ(entry.path().string().find("empty.h5"), std::string::npos) << entry.path();
    EXPECT_NE(slurp(dir + "/empty-rejects.csv").find("bad tweetid"), std::string::npos);
  }
}

// Another layout's header names map onto the archive's columns, with its own time format and
// 0/1 booleans (FiveThirtyEight's IRA tweets; jobs/fivethirtyeight-ira.toml ships the mapping).
TEST_F(Ingest, AnotherLayoutThroughColumnsAndTimeFormat) {
  const std::string path = dir + "/layout.csv";
  if (comm.is_root()) {
    std::ofstream(path, std::ios::binary)
        << "external_author_id,author,content,language,publish_date,following,followers,retweet,"
           "tweet_id\n"
           "2882331822,TEN_GOP,RT @x: the same words,English,10/1/2016 19:17,10,20,1,1\n"
           "2882331823,OTHER,RT @x: the same words,English,10/1/2016 19:18,10,20,1,2\n"
           "2882331823,OTHER,own words,English,10/2/2016 7:05,10,20,0,3\n";
  }
  comm.barrier();
  auto c = config("layout.h5");
  c.tweets = {path};
  c.columns = "tweetid=tweet_id,userid=external_author_id,user_screen_name=author,"
              "tweet_text=content,tweet_language=language,tweet_time=publish_date,"
              "following_count=following,follower_count=followers,is_retweet=retweet";
  c.time_format = "%m/%d/%Y %H:%M";
  const auto s = ingest::ingest(comm, c);
  EXPECT_EQ(s.posts, 3u);
  EXPECT_EQ(s.accounts, 2u);
  EXPECT_EQ(s.rows_rejected, 0u);
  EXPECT_EQ(s.repairs_by_reason.at("retweet keyed by its text"), 2u);
  EXPECT_EQ(s.time_sources.at("tweet_time"), 3u) << "ids 1 to 3 are no snowflakes";
  if (comm.is_root()) {
    auto times = read_u64(c.store_path, "/posts/time_ms");
    std::sort(times.begin(), times.end());
    EXPECT_EQ(times.back(), std::uint64_t(*ingest::parse_minute_time("2016-10-02 07:05")));
  }
  // A mapped column the file lacks, a name the archive has not, a bad time format: clear errors.
  auto typo = c;
  typo.store_path = dir + "/typo.h5";
  typo.columns = "tweetid=tweet_idd";
  EXPECT_THROW(ingest::ingest(comm, typo), InputError);
  typo.columns = "tweet_idx=tweet_id";
  EXPECT_THROW(ingest::ingest(comm, typo), UsageError);
  typo.columns = c.columns;
  typo.time_format = "%m/%d %H:%M";
  EXPECT_THROW(ingest::ingest(comm, typo), UsageError);
}

// validate finds what breaks an invariant: an out-of-range reference and a broken index.
TEST_F(Ingest, ValidateReportsCorruption) {
  auto c = config("corrupt.h5");
  c.tweets = {kIra};
  ingest::ingest(comm, c);
  comm.barrier();
  if (comm.is_root()) {
    const hid_t file = H5Fopen(c.store_path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(file, 0);
    const auto overwrite_first = [&](const char *dataset, std::uint64_t value) {
      const hid_t d = H5Dopen2(file, dataset, H5P_DEFAULT);
      const hid_t space = H5Dget_space(d);
      const hsize_t start = 0, count = 1;
      H5Sselect_hyperslab(space, H5S_SELECT_SET, &start, nullptr, &count, nullptr);
      const hid_t memory = H5Screate_simple(1, &count, nullptr);
      EXPECT_GE(H5Dwrite(d, H5T_NATIVE_UINT64, memory, space, H5P_DEFAULT, &value), 0);
      H5Sclose(memory);
      H5Sclose(space);
      H5Dclose(d);
    };
    overwrite_first("/posts/account", 1'000'000);
    overwrite_first("/index/actions", 5);
    H5Fclose(file);
  }
  comm.barrier();
  const auto report = store::validate_store(comm, c.store_path);
  if (comm.is_root()) {
    std::string all;
    for (const auto &v : report.violations)
      all += v + "\n";
    EXPECT_NE(all.find("/index/actions does not start at 0"), std::string::npos) << all;
  }
  // Every rank learns the verdict.
  EXPECT_FALSE(report.violations.empty());
}

// The schema cannot drift silently: the structure of a tiny store is compared with a golden copy.
TEST_F(Ingest, GoldenHeaderOfATinyStore) {
  auto c = config("tiny.h5");
  c.partitions = 2;
  c.tweets = {LOCKSTEP_TEST_DATA "/tiny_tweets.csv"};
  ingest::ingest(comm, c);
  comm.barrier();
  if (!comm.is_root())
    return;
  const std::string command = std::string(LOCKSTEP_H5DUMP) + " -H " + c.store_path + " 2>&1";
  FILE *pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string header;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr)
    header += buffer;
  ASSERT_EQ(pclose(pipe), 0) << header;
  header.erase(0, header.find('\n') + 1); // the first line names the file
  // String attribute sizes hold paths and versions, which differ between checkouts.
  header = std::regex_replace(header, std::regex("STRSIZE [0-9]+;"), "STRSIZE n;");
  const std::string golden_path = LOCKSTEP_TEST_DATA "/golden/tiny_store_header.txt";
  if (std::getenv("LOCKSTEP_UPDATE_GOLDEN") != nullptr)
    std::ofstream(golden_path) << header;
  EXPECT_EQ(header, slurp(golden_path))
      << "the store layout changed: update data-schema/store.md and the golden file "
         "(LOCKSTEP_UPDATE_GOLDEN=1)";
}

// Pieces: every rank gets a share of even a small file, and each piece starts with the quote
// parity and line number before it (counted by the ranks that read the pieces before it).
TEST_F(Ingest, PiecesSplitFilesEvenlyWithTheirStartStates) {
  EXPECT_EQ(ingest::piece_bytes(90 << 20, 2), (90u << 20) / 32 + 1);
  EXPECT_EQ(ingest::piece_bytes(std::uint64_t{1} << 40, 16), std::uint64_t{256} << 20);
  EXPECT_EQ(ingest::piece_bytes(1000, 4), std::uint64_t{1} << 20);

  const std::string path = dir + "/quoted.csv";
  std::string content = "tweetid,tweet_text\n";
  for (int i = 0; i < 60; ++i)
    content += std::to_string(i) + (i % 3 ? ",\"two\nlines \"\"quoted\"\"\"\n" : ",plain\n");
  if (comm.is_root())
    std::ofstream(path, std::ios::binary) << content;
  comm.barrier();
  ingest::InputFile input;
  input.path = path;
  input.size = content.size();
  const auto pieces = ingest::plan_pieces(comm, {input}, 97);
  ASSERT_EQ(pieces.size(), (content.size() + 96) / 97);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const auto size = pieces[i].end - pieces[i].begin;
    EXPECT_TRUE(size == content.size() / pieces.size() ||
                size == content.size() / pieces.size() + 1)
        << "piece " << i << " has " << size << " bytes";
    EXPECT_EQ(pieces[i].begin, i == 0 ? 0 : pieces[i - 1].end);
    const auto before = std::string_view(content).substr(0, pieces[i].begin);
    EXPECT_EQ(pieces[i].start.offset, pieces[i].begin);
    EXPECT_EQ(pieces[i].start.in_quotes, std::count(before.begin(), before.end(), '"') % 2 == 1);
    EXPECT_EQ(pieces[i].start.line, std::count(before.begin(), before.end(), '\n') + 1);
  }
  EXPECT_EQ(pieces.back().end, content.size());
}

// The pieces dealt round-robin give every rank rows from all along every file of at least a fifth
// of the input, not one region of each: the cost per byte follows the rows (an archive is grouped
// by account), so a rank holding only the files' first halves parsed 15-25% longer than the other
// (a generated release, 2 ranks).
TEST(Pieces, EveryRankReadsFromEveryQuarterOfEveryLargeFile) {
  constexpr std::uint64_t MB = std::uint64_t{1} << 20;
  struct Shape {
    std::vector<std::uint64_t> file_bytes;
    int ranks;
  };
  const std::vector<Shape> shapes = {
      {{120 * MB, 119 * MB, 124 * MB, 121 * MB}, 2}, // a generated release in four parts
      {{120 * MB, 119 * MB, 124 * MB, 121 * MB}, 3},
      {{120 * MB, 119 * MB, 124 * MB, 121 * MB, 3 * MB}, 4}, // with a users file
      {{20480 * MB}, 16},                                    // one file of a large release
      {{900 * MB, 8000 * MB}, 8}}; // the small file's pieces shift the large one's owners
  for (const auto &shape : shapes) {
    std::vector<ingest::InputFile> inputs(shape.file_bytes.size());
    std::uint64_t total = 0;
    for (std::size_t f = 0; f < inputs.size(); ++f) {
      inputs[f].size = shape.file_bytes[f];
      total += inputs[f].size;
    }
    const auto pieces = ingest::split_into_pieces(inputs, ingest::piece_bytes(total, shape.ranks));
    for (std::size_t f = 0; f < inputs.size(); ++f) {
      if (5 * inputs[f].size < total)
        continue; // a small file may be one piece or a few
      for (int rank = 0; rank < shape.ranks; ++rank) {
        std::set<std::uint64_t> quarters;
        for (std::size_t i = 0; i < pieces.size(); ++i) {
          if (pieces[i].file == f && ingest::piece_owner(i, shape.ranks) == rank)
            quarters.insert(4 * pieces[i].begin / inputs[f].size);
        }
        EXPECT_EQ(quarters.size(), 4u) << "rank " << rank << " of " << shape.ranks << ", file " << f
                                       << " of " << inputs.size();
      }
    }
  }
}

} // namespace
} // namespace lockstep::testing
