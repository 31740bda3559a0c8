// Shingles of a normalised text, the sets near-duplicate detection compares: word n-grams for
// scripts written with spaces, character n-grams for scripts written without (Chinese, Japanese,
// Thai, ...), or character n-grams throughout. Each shingle becomes a 32-bit id (its hash).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace lockstep::text {

struct ShingleRule {
  enum class Unit { words, chars };
  Unit unit = Unit::words;
  std::uint32_t word_ngram = 1; // words per shingle (words mode)
  std::uint32_t char_ngram = 2; // characters per shingle (unspaced scripts, and chars mode)
};

// The sorted, distinct shingle ids of `normalized` (valid UTF-8; invalid bytes are skipped).
// Words are runs of letters, digits and marks; punctuation and symbols separate them. A run
// shorter than n gives one shingle of the whole run.
std::vector<std::uint32_t> shingle_ids(std::string_view normalized, const ShingleRule &rule);

// |a & b| / |a | b| of two sorted, distinct id lists; 1 when both are empty.
double jaccard(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b);

// True for code points of scripts written without spaces between words (Han, Hiragana,
// Katakana, Thai, Lao, Khmer, Myanmar, Tibetan).
bool unspaced_script(std::int32_t code_point);

// True for code points that make up words: letters, marks and numbers (Unicode categories L*, M*,
// N*); -1 (an invalid byte) is none.
bool word_character(std::int32_t code_point);

} // namespace lockstep::text
