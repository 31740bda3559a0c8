// Normalisation rules: hashtags, URLs and texts as they are compared.
#include "text/normalize.hpp"

#include <gtest/gtest.h>

namespace lockstep::testing {
namespace {

using namespace text;

TEST(Normalize, HashtagsFoldCaseAndCompatibilityForms) {
  EXPECT_EQ(normalize_hashtag("#SyrianArmy"), "syrianarmy");
  EXPECT_EQ(normalize_hashtag("Ελλάδα"), "ελλάδα");
  EXPECT_EQ(normalize_hashtag("ＦＵＬＬ"), "full"); // full-width letters, NFKC
  EXPECT_EQ(normalize_hashtag("Straße"), "strasse");
  EXPECT_FALSE(normalize_hashtag("\xff"));
}

TEST(Normalize, Urls) {
  EXPECT_EQ(
      normalize_url("HTTPS://WWW.Example.COM:443/News/Story/?utm_source=twitter&id=7&fbclid=x#top"),
      "example.com/News/Story?id=7");
  EXPECT_EQ(normalize_url("http://example.com"), "example.com");
  EXPECT_EQ(normalize_url("http://example.com:8080/a/"), "example.com:8080/a");
  EXPECT_EQ(normalize_url("https://t.co/abc?utm_medium=bot"), "t.co/abc");
  EXPECT_EQ(normalize_url("ftp://example.com/file"), "");
  EXPECT_EQ(normalize_url("not a url"), "");
  EXPECT_EQ(url_domain("example.com/News/Story?id=7"), "example.com");
  EXPECT_EQ(url_domain("example.com?x=1"), "example.com");
}

TEST(Normalize, TextForExactDuplicates) {
  EXPECT_EQ(normalize_text("RT @someone: Vote   TODAY https://t.co/x @friend! now"),
            "vote today now");
  EXPECT_EQ(normalize_text("Vote today"), normalize_text("  vote\nTODAY  "));
  EXPECT_EQ(normalize_text("ＶＯＴＥ"), "vote");
  EXPECT_EQ(normalize_text("@a @b https://x.y"), "");
  EXPECT_FALSE(normalize_text("bad \xff byte"));
}

} // namespace
} // namespace lockstep::testing
