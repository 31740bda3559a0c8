// Packed posts: every field comes back as it went in (as a row, a view and a head), across chunk
// boundaries, through the exchange's bytes and after replacing a post.
#include "ingest/packed_posts.hpp"
#include "row_fields.hpp"

#include <gtest/gtest.h>
#include <string>
#include <tuple>

namespace lockstep::ingest {
namespace {

// A post with every field set, distinct by `n`; `text_bytes` long texts cross chunk boundaries.
PostRow sample_post(int n, std::size_t text_bytes = 40) {
  PostRow row;
  row.partition = static_cast<std::uint32_t>(n % 7);
  row.account = "account-" + std::to_string(n);
  row.account_key = 1000 + static_cast<std::uint64_t>(n);
  row.post_id = 2000 + static_cast<std::uint64_t>(n);
  row.dedup_key = 3000 + static_cast<std::uint64_t>(n);
  row.post_id_text = n % 2 == 0 ? "" : "content-" + std::to_string(n);
  row.names_its_post = n % 2 == 1;
  row.time_ms = -5 + n;
  row.time_source = TimeSource::tweet_time;
  row.kind = PostKind::quote;
  row.client = "client";
  row.language = "en";
  row.text = std::string(text_bytes, static_cast<char>('a' + n % 26));
  row.text[0] = '\0'; // bytes, not C strings
  row.text_key = 4000 + static_cast<std::uint64_t>(n);
  row.retweet_of = 5;
  row.reply_to = 6;
  row.quote_of = 7;
  row.retweet_user = "rt";
  row.reply_user = "";
  row.hashtags = {"#a", "", "#c"};
  row.urls = {"http://x.org/" + std::to_string(n)};
  row.mentions = {};
  row.objects = {"o1", "o2"};
  row.object_signals = {4, 13}; // hashtag and media: typed objects
  row.file = 3;
  row.line = 40 + n;
  return row;
}

void expect_same(const PostRow &a, const PostRow &b) {
  EXPECT_TRUE(testing::post_fields(a) == testing::post_fields(b))
      << a.account << " against " << b.account;
}

// Parsing reuses one row per record slot: a cleared row is a default one, with its memory kept.
TEST(PostRow, ClearGivesTheDefaultRowAndKeepsMemory) {
  auto row = sample_post(5, 200);
  const auto text_capacity = row.text.capacity();
  row.clear();
  expect_same(row, PostRow{});
  EXPECT_EQ(row.text.capacity(), text_capacity);
}

TEST(PackedPosts, RowsViewsAndHeadsRoundTrip) {
  PackedPosts posts;
  std::vector<PostRow> rows;
  for (int n = 0; n < 200; ++n) // 3 MB texts: several posts a chunk, and posts over a chunk
    rows.push_back(sample_post(n, n % 50 == 0 ? (std::size_t{3} << 20) : 40 + n));
  for (const auto &row : rows)
    posts.add(row);
  ASSERT_EQ(posts.size(), rows.size());
  EXPECT_GT(posts.bytes(), std::uint64_t{4} << 20);
  PostView view;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    expect_same(posts.row(i), rows[i]);
    posts.view(i, view);
    EXPECT_EQ(view.account, rows[i].account);
    EXPECT_EQ(view.text, rows[i].text);
    EXPECT_EQ(view.hashtags.size(), 3u);
    EXPECT_EQ(view.objects.at(1), "o2");
    EXPECT_EQ(posts.account(i), rows[i].account);
    const auto head = posts.head(i);
    EXPECT_EQ(head.line, rows[i].line);
    EXPECT_EQ(head.dedup_key, rows[i].dedup_key);
    EXPECT_EQ(head.tweet, rows[i].post_id_text.empty());
    EXPECT_EQ(head.typed, rows[i].names_its_post); // no untyped object
  }
}

TEST(PackedPosts, ExchangedBytesAndReplace) {
  std::vector<char> wire;
  for (int n = 0; n < 5; ++n)
    pack_post(sample_post(n), wire);
  PackedPosts posts;
  posts.add(sample_post(10));
  bytes::Reader reader(wire.data(), wire.data() + wire.size());
  while (!reader.done()) // as a rank receives them, between its own
    posts.add_packed(reader.get_bytes(reader.get<std::uint32_t>()));
  posts.add(sample_post(11));
  ASSERT_EQ(posts.size(), 7u);
  expect_same(posts.row(0), sample_post(10));
  for (int n = 0; n < 5; ++n)
    expect_same(posts.row(static_cast<std::size_t>(n) + 1), sample_post(n));
  expect_same(posts.row(6), sample_post(11));

  auto merged = sample_post(3);
  merged.objects.push_back("o3");
  merged.object_signals.push_back(9); // an untyped object: no longer a typed row
  posts.replace(4, merged);
  expect_same(posts.row(4), merged);
  EXPECT_FALSE(posts.head(4).typed);
  expect_same(posts.row(5), sample_post(4));

  std::vector<char> cut(wire.begin(), wire.begin() + 20); // shorter than a head
  bytes::Reader short_reader(cut.data(), cut.data() + cut.size());
  const auto length = short_reader.get<std::uint32_t>();
  EXPECT_THROW(short_reader.get_bytes(length), std::runtime_error);
  EXPECT_THROW(PackedPosts().add_packed(std::string_view(cut.data(), 8)), std::runtime_error);
}

} // namespace
} // namespace lockstep::ingest
