// Shingling: a scan over code points that cuts words and unspaced runs, then n-grams of each.
#include "text/shingles.hpp"

#include "common/hash.hpp"

#include <algorithm>
#include <string>
#include <utf8proc.h>

namespace lockstep::text {
namespace {

constexpr std::uint64_t kWordSeed = 0x776f726473ULL, kCharSeed = 0x6368617273ULL;

struct CodePoint {
  std::int32_t value = 0;
  std::size_t begin = 0, end = 0; // bytes in the text
};

std::vector<CodePoint> decode(std::string_view s) {
  std::vector<CodePoint> out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) { // ASCII: one byte, its own code point
      out.push_back({static_cast<unsigned char>(s[i]), i, i + 1});
      ++i;
      continue;
    }
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t *>(s.data() + i),
                                    static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) { // an invalid byte: skipped, like a separator
      out.push_back({-1, i, i + 1});
      ++i;
      continue;
    }
    out.push_back({cp, i, i + static_cast<std::size_t>(n)});
    i += static_cast<std::size_t>(n);
  }
  return out;
}

} // namespace

bool word_character(std::int32_t cp) {
  if (cp < 0)
    return false;
  if (cp < 0x80) // ASCII letters (Lu, Ll) and digits (Nd); no other ASCII is in the list below
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  switch (utf8proc_category(cp)) {
  case UTF8PROC_CATEGORY_LU:
  case UTF8PROC_CATEGORY_LL:
  case UTF8PROC_CATEGORY_LT:
  case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO:
  case UTF8PROC_CATEGORY_MN:
  case UTF8PROC_CATEGORY_MC:
  case UTF8PROC_CATEGORY_ME:
  case UTF8PROC_CATEGORY_ND:
  case UTF8PROC_CATEGORY_NL:
  case UTF8PROC_CATEGORY_NO:
    return true;
  default:
    return false;
  }
}

namespace {

std::uint32_t shingle_id(std::string_view bytes, std::uint64_t seed) {
  return static_cast<std::uint32_t>(hash64(bytes, seed) >> 32);
}

// n-grams over `units` (byte ranges of one text), joined by a separator byte; fewer than n units
// give one shingle of them all.
void add_ngrams(std::string_view s, const std::vector<std::pair<std::size_t, std::size_t>> &units,
                std::uint32_t n, std::uint64_t seed, std::vector<std::uint32_t> &out) {
  if (units.empty())
    return;
  const std::size_t width = std::min<std::size_t>(n, units.size());
  std::string joined;
  for (std::size_t i = 0; i + width <= units.size(); ++i) {
    joined.clear();
    for (std::size_t k = i; k < i + width; ++k) {
      joined.append(s.substr(units[k].first, units[k].second - units[k].first));
      joined.push_back('\x1f');
    }
    out.push_back(shingle_id(joined, seed));
  }
}

void word_shingles(std::string_view s, const std::vector<CodePoint> &cps, const ShingleRule &rule,
                   std::vector<std::uint32_t> &out) {
  std::vector<std::pair<std::size_t, std::size_t>> words, run;
  const auto flush_run = [&] {
    add_ngrams(s, run, rule.char_ngram, kCharSeed, out);
    run.clear();
  };
  std::size_t word_begin = 0;
  bool in_word = false;
  for (const auto &cp : cps) {
    const bool unspaced = cp.value >= 0 && unspaced_script(cp.value);
    const bool wordy = !unspaced && word_character(cp.value);
    if (in_word && !wordy) {
      words.emplace_back(word_begin, cp.begin);
      in_word = false;
    }
    if (unspaced) {
      run.emplace_back(cp.begin, cp.end);
      continue;
    }
    flush_run();
    if (wordy && !in_word) {
      word_begin = cp.begin;
      in_word = true;
    }
  }
  if (in_word)
    words.emplace_back(word_begin, s.size());
  flush_run();
  add_ngrams(s, words, rule.word_ngram, kWordSeed, out);
}

void char_shingles(std::string_view s, const std::vector<CodePoint> &cps, const ShingleRule &rule,
                   std::vector<std::uint32_t> &out) {
  std::vector<std::pair<std::size_t, std::size_t>> units;
  for (const auto &cp : cps) {
    if (cp.value >= 0)
      units.emplace_back(cp.begin, cp.end);
  }
  add_ngrams(s, units, rule.char_ngram, kCharSeed, out);
}

} // namespace

bool unspaced_script(std::int32_t cp) {
  return (cp >= 0x0E00 && cp <= 0x0EFF) || // Thai, Lao
         (cp >= 0x0F00 && cp <= 0x0FFF) || // Tibetan
         (cp >= 0x1000 && cp <= 0x109F) || // Myanmar
         (cp >= 0x1780 && cp <= 0x17FF) || // Khmer
         (cp >= 0x3040 && cp <= 0x30FF) || // Hiragana, Katakana
         (cp >= 0x31F0 && cp <= 0x31FF) || // Katakana phonetic extensions
         (cp >= 0x3400 && cp <= 0x4DBF) || // CJK extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) || // CJK unified ideographs
         (cp >= 0xF900 && cp <= 0xFAFF) || // CJK compatibility ideographs
         (cp >= 0xFF66 && cp <= 0xFF9F) || // half-width Katakana
         (cp >= 0x20000 && cp <= 0x3134F); // CJK extensions B to G
}

std::vector<std::uint32_t> shingle_ids(std::string_view normalized, const ShingleRule &rule) {
  const auto cps = decode(normalized);
  std::vector<std::uint32_t> out;
  if (rule.unit == ShingleRule::Unit::words)
    word_shingles(normalized, cps, rule, out);
  else
    char_shingles(normalized, cps, rule, out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double jaccard(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) {
  if (a.empty() && b.empty())
    return 1.0;
  std::size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

} // namespace lockstep::text
