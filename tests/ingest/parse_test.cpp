// The action table's typed object columns: which signal each cell becomes, what NA means, what a
// row without objects is, and a duplicate-row key that does not depend on the objects' order.
#include "common/error.hpp"
#include "common/io_archive.hpp"
#include "ingest/parse.hpp"
#include "row_fields.hpp"

#include <gtest/gtest.h>
#include <string>
#include <tuple>

namespace lockstep::testing {
namespace {

using namespace ingest;
using signals::Id;

const std::vector<std::string_view> kHeader = {"account_id", "post_id",  "url_id",
                                               "hashtag_id", "phash_id", "timestamp"};

TableLayout german_layout() {
  const auto mapping = parse_column_mapping(
      "content_id=post_id,timestamp=timestamp,url=url_id,hashtag=hashtag_id,media=phash_id",
      "actions", "");
  return map_header(TableKind::actions, kHeader, "german.csv", mapping);
}

ParsedRecord parse(const TableLayout &layout, std::string_view text) {
  return parse_record(layout, Record{text, 2, false}, 0, 8);
}

TEST(TypedObjects, EachColumnIsItsSignalAndNaIsNoObject) {
  const auto layout = german_layout();
  const auto r = parse(layout, "\"fb_1\",84443,29871,NA,9280,1629589050");
  ASSERT_TRUE(r.post) << (r.reject ? r.reject->detail : "");
  EXPECT_EQ(r.post->objects, (std::vector<std::string>{"29871", "9280"}));
  EXPECT_EQ(r.post->object_signals,
            (std::vector<std::uint8_t>{std::uint8_t(Id::url), std::uint8_t(Id::media)}));
  EXPECT_EQ(r.post->post_id, 84443u);
  EXPECT_EQ(r.post->time_ms, 1629589050000);
}

TEST(TypedObjects, ARowWithoutObjectsIsAPostThatSharesNothingIfItHasAnId) {
  const auto layout = german_layout();
  const auto kept = parse(layout, "\"fb_1\",84444,NA,NA,NA,1629589050");
  ASSERT_TRUE(kept.post);
  EXPECT_TRUE(kept.post->objects.empty());
  EXPECT_EQ(kept.post->dedup_key, 84444u);
  const auto rejected = parse(layout, "\"fb_1\",NA,NA,NA,NA,1629589050");
  ASSERT_TRUE(rejected.reject);
  EXPECT_EQ(rejected.reject->reason, "no object or content id");
}

TEST(TypedObjects, DuplicateKeysIgnoreOrderButNotSignalsOrPosts) {
  PostRow a;
  a.post_id = 159309;
  a.objects = {"187", "5"};
  a.object_signals = {std::uint8_t(Id::hashtag), std::uint8_t(Id::media)};
  PostRow b = a;
  std::swap(b.objects[0], b.objects[1]);
  std::swap(b.object_signals[0], b.object_signals[1]);
  EXPECT_EQ(action_dedup_key(a), action_dedup_key(b));
  PostRow c = a;
  c.object_signals[0] = std::uint8_t(Id::url); // the same value as another signal
  EXPECT_NE(action_dedup_key(a), action_dedup_key(c));
  // Short values in nearby posts: XXH3 with the post id as its seed made these equal (checked).
  PostRow x, y;
  x.post_id = 159309;
  x.objects = {"187"};
  y.post_id = 159311;
  y.objects = {"185"};
  x.object_signals = y.object_signals = {std::uint8_t(Id::hashtag)};
  EXPECT_NE(action_dedup_key(x), action_dedup_key(y));
}

TEST(TypedObjects, MappingNamesAreStoreSignalsWithValueKeys) {
  EXPECT_TRUE(typed_object_signal(Id::media));
  EXPECT_TRUE(typed_object_signal(Id::url));
  EXPECT_FALSE(typed_object_signal(Id::retweet)); // keys are posts
  EXPECT_FALSE(typed_object_signal(Id::object));  // the table's own object_id
  EXPECT_FALSE(typed_object_signal(Id::near_duplicate));
  EXPECT_THROW(parse_column_mapping("retweet=x", "actions", ""), UsageError);
  const auto mapping = parse_column_mapping("media=no_such_column", "actions", "");
  EXPECT_THROW(map_header(TableKind::actions, kHeader, "german.csv", mapping), InputError);
}

// Later ingest passes read a row's partition from the fields up to its account alone: it is
// the partition parse_record gives the row, with the account column anywhere and ids quoted.
TEST(RecordPartition, IsTheParsedRowsPartition) {
  const std::vector<std::string_view> late = {"post_id",  "url_id",     "hashtag_id",
                                              "phash_id", "account_id", "timestamp"};
  const auto mapping = parse_column_mapping(
      "content_id=post_id,timestamp=timestamp,url=url_id,hashtag=hashtag_id,media=phash_id",
      "actions", "");
  const auto account_last = map_header(TableKind::actions, late, "late.csv", mapping);
  const auto account_first = german_layout();
  for (int i = 0; i < 200; ++i) {
    const auto id = i % 3 == 0 ? "\"fb_\"\"" + std::to_string(i) + "\"\"\"" : std::to_string(i);
    for (const auto *layout : {&account_first, &account_last}) {
      const auto text = layout == &account_first ? id + ",84443,29871,NA,9280,1629589050"
                                                 : "84443,29871,NA,9280," + id + ",1629589050";
      const Record record{text, 2, false};
      const auto parsed = parse_record(*layout, record, 0, 64);
      ASSERT_TRUE(parsed.post) << text;
      EXPECT_EQ(record_partition(*layout, record, 64), parsed.post->partition) << text;
    }
  }
  // Rows it cannot place go to parse_record, which rejects them.
  EXPECT_FALSE(record_partition(account_first, Record{",84443,1,NA,2,1629589050", 2, false}, 64));
  EXPECT_FALSE(record_partition(account_first, Record{"\"fb_1,84443", 2, false}, 64));
  EXPECT_FALSE(record_partition(account_first, Record{"fb_1,84443", 2, true}, 64));
}

// A tweets row of the archive's columns, with its profile's strings quoted (commas, quotes).
std::string tweet_row(int i) {
  std::string row;
  for (const auto column : io_archive::kTweetColumns) {
    std::string value;
    if (column == "tweetid")
      value = std::to_string(1000000000000000000 + i);
    else if (column == "userid")
      value = i % 2 == 0 ? std::to_string(90000 + i) : "hashedid" + std::to_string(i);
    else if (column == "follower_count" || column == "following_count")
      value = std::to_string(i * 7);
    else if (column == "account_creation_date")
      value = "2014-03-0" + std::to_string(1 + i % 9);
    else if (column == "tweet_time")
      value = "2016-10-01 12:3" + std::to_string(i % 10);
    else if (column == "is_retweet")
      value = i % 3 == 0 ? "true" : "false";
    else if (column == "hashtags" || column == "urls" || column == "user_mentions")
      value = "[]";
    else if (column == "user_display_name" || column == "user_profile_description" ||
             column == "user_reported_location" || column == "tweet_text")
      value = "\"" + std::string(column) + ", \"\"quoted\"\" " + std::to_string(i) + "\"";
    else if (column == "user_screen_name" || column == "account_language")
      value = std::string(column.substr(0, 4)) + std::to_string(i);
    row += (row.empty() ? "" : ",") + value;
  }
  return row;
}

TEST(TweetProfiles, AloneAsInAFullParse) {
  std::vector<std::string_view> header(io_archive::kTweetColumns.begin(),
                                       io_archive::kTweetColumns.end());
  const auto layout = map_header(TableKind::tweets, header, "tweets.csv", ColumnMapping{});
  AccountRow alone; // reused, as ingest reuses its rows
  for (int i = 0; i < 40; ++i) {
    const auto text = tweet_row(i);
    const Record record{text, 3 + i, false};
    const auto full = parse_record(layout, record, 2, 16, ProfileCopy::full);
    ASSERT_TRUE(full.account) << text;
    const auto checked = parse_record(layout, record, 2, 16, ProfileCopy::checked);
    ASSERT_TRUE(checked.account);
    EXPECT_TRUE(checked.account->description.empty()); // the checked copy keeps no texts
    alone.clear();
    ASSERT_TRUE(parse_tweet_profile(layout, record, 2, 16, alone)) << text;
    EXPECT_TRUE(profile_fields(alone) == profile_fields(*full.account)) << text;
    EXPECT_EQ(alone.description, "user_profile_description, \"quoted\" " + std::to_string(i));
  }
  const std::string bad_count = [] {
    auto row = tweet_row(1);
    return row.replace(row.find(",7,7,"), 5, ",x,7,");
  }();
  EXPECT_FALSE(parse_tweet_profile(layout, Record{bad_count, 2, false}, 0, 16, alone));
  EXPECT_FALSE(parse_tweet_profile(layout, Record{"1,2,3", 2, false}, 0, 16, alone));
}

TEST(AccountRow, ClearGivesTheDefaultRow) {
  std::vector<std::string_view> header(io_archive::kTweetColumns.begin(),
                                       io_archive::kTweetColumns.end());
  const auto layout = map_header(TableKind::tweets, header, "tweets.csv", ColumnMapping{});
  auto account = *parse_record(layout, Record{tweet_row(3), 4, false}, 2, 16).account;
  account.from_users_file = 1;
  account.label = "label";
  ASSERT_FALSE(account.description.empty());
  account.clear();
  EXPECT_TRUE(profile_fields(account) == profile_fields(AccountRow{}));
}

// Everything a parsed record says, comparable.
auto record_fields(const ParsedRecord &r) {
  const PostRow no_post;
  const AccountRow no_account;
  const auto reject = r.reject.value_or(Reject{});
  return std::make_tuple(bool(r.post), post_fields(r.post ? *r.post : no_post), bool(r.account),
                         profile_fields(r.account ? *r.account : no_account), bool(r.reject),
                         reject.file, reject.line, reject.reason, reject.detail,
                         r.repairs.empty_list_elements, r.repairs.retweet_keyed_by_text,
                         r.snapshot.has_value(), r.follow.has_value());
}

// Ingest parses each record into a slot that held another: whatever that one was (a tweet with
// lists and a profile, a retweet, a reject, a typed action), the result is a fresh parse's.
TEST(ParseRecord, IntoAReusedRecordAsIntoAFreshOne) {
  std::vector<std::string_view> header(io_archive::kTweetColumns.begin(),
                                       io_archive::kTweetColumns.end());
  const auto tweets = map_header(TableKind::tweets, header, "tweets.csv", ColumnMapping{});
  std::vector<std::pair<const TableLayout *, std::string>> rows;
  for (int i = 0; i < 12; ++i) {
    auto row = tweet_row(i);
    if (i % 4 == 1) // lists, with an empty element to repair
      row.replace(row.find("[]"), 2, "\"[Ab, , cd]\"");
    if (i % 4 == 2) // a retweet keyed by its text
      row.replace(row.find("\"tweet_text,"), 12, "\"RT @someone: tweet_text,");
    rows.emplace_back(&tweets, row);
    rows.emplace_back(&tweets, i % 3 == 0 ? row.substr(0, row.size() / 2) : "1,2,3"); // rejects
  }
  const auto actions = german_layout();
  rows.emplace_back(&actions, "\"fb_1\",84443,29871,NA,9280,1629589050");
  rows.emplace_back(&actions, "\"fb_2\",84444,NA,NA,NA,1629589051");
  rows.emplace_back(&actions, "\"fb_3\",NA,NA,NA,NA,1629589052");
  ParsedRecord reused;
  for (const auto &order : {false, true}) { // each row after every kind of row
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const auto &[layout, text] = rows[order ? rows.size() - 1 - k : k];
      const Record record{text, 7, false};
      parse_record(*layout, record, 1, 16, ProfileCopy::full, reused);
      EXPECT_TRUE(record_fields(reused) == record_fields(parse_record(*layout, record, 1, 16)))
          << text;
    }
  }
}

} // namespace
} // namespace lockstep::testing
