// The action table's typed object columns: which signal each cell becomes, what NA means, what a
// row without objects is, and a duplicate-row key that does not depend on the objects' order.
#include "common/error.hpp"
#include "ingest/parse.hpp"

#include <gtest/gtest.h>

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

} // namespace
} // namespace lockstep::testing
