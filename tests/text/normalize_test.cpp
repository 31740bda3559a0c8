// Normalisation rules: hashtags, URLs and texts as they are compared.
#include "text/normalize.hpp"

#include <gtest/gtest.h>
#include <random>
#include <string>
#include <vector>

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

// UTF-8 of a code point.
std::string utf8(char32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

// fold's own path, code point by code point, against utf8proc's fold of the whole text.
TEST(Normalize, FoldMatchesUtf8procOnEveryCodePointItLooksUp) {
  for (char32_t cp = 1; cp < 0x20000; ++cp) {
    for (const auto &text :
         {utf8(cp), "A" + utf8(cp) + "b", utf8(cp) + utf8(0x301), "E" + utf8(0x301) + utf8(cp),
          utf8(cp) + utf8(0x1F600), utf8(0x9C7) + utf8(cp), utf8(0x1100) + utf8(cp)}) {
      ASSERT_EQ(fold(text), fold_with_utf8proc(text)) << "U+" << std::hex << std::uint32_t(cp);
    }
  }
  EXPECT_EQ(fold("ПРИВЕТ, Мир! Ελλάδα 🚨🇺🇸"), "привет, мир! ελλάδα 🚨🇺🇸");
  EXPECT_EQ(fold("Ａｂ"), "ab"); // full-width letters: NFKC
  for (const char *bad : {"\xff", "a\xc3", "\xc3(", "\xc0\xaf", "\xe2\x82", "\xe0\x80\xaf",
                          "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf0\x9f\x98"})
    EXPECT_EQ(fold(bad), std::nullopt) << bad;
}

TEST(Normalize, FoldMatchesUtf8procOnMixedTexts) {
  // Letters of several scripts, combining marks, pairs that compose (Bengali, Hangul, kana),
  // compatibility forms, emoji with variation selectors and flags, and ASCII.
  const std::vector<char32_t> alphabet = {
      'a',     'Z',     ' ',    '#',    0xC0,   0xDF,   0xE9,    0x130,  0x3A3,   0x3C2,
      0x410,   0x439,   0x419,  0x306,  0x301,  0x308,  0x5D0,   0x627,  0x670,   0x6F0,
      0x2126,  0xFB01,  0xFF21, 0xAC00, 0x1161, 0x11A8, 0x9C7,   0x9BE,  0x304B,  0x3099,
      0x1F600, 0x1D400, 0x00A0, 0x2075, 0x2026, 0xFE0F, 0x1F1FA, 0x212A, 0x4E2D,  0x11131,
      0x11127, 0x1B05,  0x1B35, 0xFB5,  0x0F71, 0x1E9E, 0x3300,  0x2460, 0x1F46A, 0x200D};
  std::mt19937 random(23);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1), length(0, 12);
  for (int trial = 0; trial < 50000; ++trial) {
    std::string text;
    for (auto n = length(random); n > 0; --n)
      text += utf8(alphabet[pick(random)]);
    ASSERT_EQ(fold(text), fold_with_utf8proc(text)) << text;
  }
}

// Long ASCII runs, which fold eight bytes at a time: every ASCII byte (A-Z and the bytes around
// them included), at every offset and run length, between and beside multi-byte code points.
TEST(Normalize, FoldMatchesUtf8procOnLongAsciiRuns) {
  const std::vector<char32_t> others = {0xC0, 0x419, 0x1E9E, 0x4E2D, 0x1F600, 0x2126};
  std::mt19937 random(29);
  std::uniform_int_distribution<int> ascii(1, 0x7F), run(0, 40), other(0, int(others.size()) - 1);
  for (int trial = 0; trial < 20000; ++trial) {
    std::string text;
    for (int pieces = 1 + trial % 6; pieces > 0; --pieces) {
      for (auto n = run(random); n > 0; --n)
        text.push_back(static_cast<char>(ascii(random)));
      if (random() % 2 == 0)
        text += utf8(others[static_cast<std::size_t>(other(random))]);
    }
    ASSERT_EQ(fold(text), fold_with_utf8proc(text)) << text;
  }
  EXPECT_EQ(fold("@ABCDEFGHIJKLMNOPQRSTUVWXYZ[`abcxyz{"), "@abcdefghijklmnopqrstuvwxyz[`abcxyz{");
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
