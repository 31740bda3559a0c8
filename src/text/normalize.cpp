// Normalisation rules.
#include "text/normalize.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utf8proc.h>
#include <vector>

namespace lockstep::text {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_tracking_parameter(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kExact = {
      "fbclid", "gclid", "dclid", "igshid", "mc_cid", "mc_eid", "ref_src", "ref_url", "s"};
  if (name.substr(0, 4) == "utm_")
    return true;
  return std::find(kExact.begin(), kExact.end(), name) != kExact.end();
}

// Appends code point `cp` as UTF-8.
void append_utf8(std::string &out, std::int32_t cp) {
  utf8proc_uint8_t bytes[4];
  const auto length = utf8proc_encode_char(cp, bytes);
  out.append(reinterpret_cast<const char *>(bytes), static_cast<std::size_t>(length));
}

// The code point of the UTF-8 sequence at text[i] (its length in `length`), or -1 where the bytes
// are no shortest-form encoding of a scalar value.
std::int32_t decode_utf8(std::string_view text, std::size_t i, std::size_t &length) {
  utf8proc_int32_t cp = -1;
  const auto used = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t *>(text.data() + i),
                                     static_cast<utf8proc_ssize_t>(text.size() - i), &cp);
  if (used <= 0)
    return -1;
  length = static_cast<std::size_t>(used);
  return cp;
}

} // namespace

std::optional<std::string> fold_with_utf8proc(std::string_view text) {
  utf8proc_uint8_t *mapped = nullptr;
  const auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                                      UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
  const utf8proc_ssize_t length =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t *>(text.data()),
                   static_cast<utf8proc_ssize_t>(text.size()), &mapped, options);
  if (length < 0)
    return std::nullopt;
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(mapped, &std::free);
  return std::string(reinterpret_cast<const char *>(mapped), static_cast<std::size_t>(length));
}

namespace {

// Code points that may compose with a neighbour of combining class 0: the second of every
// class-0 canonical pair lies in these blocks (Bengali to Malayalam, Sinhala, Tibetan, Myanmar,
// Balinese, the Brahmic scripts from U+11000, the first at U+09BE), and so do Hangul's jamo and
// syllables, which compose by rule. Code points from U+20000 on are left to utf8proc.
bool may_compose(std::uint32_t cp) {
  return (cp >= 0x0900 && cp < 0x1200) || (cp >= 0x1B00 && cp < 0x1B80) ||
         (cp >= 0xAC00 && cp < 0xD7B0) || (cp >= 0x11000 && cp < 0x1F000) || cp >= 0x20000;
}

constexpr std::uint32_t kUnknown = 0, kNotAlone = 1; // else the fold's code point + 2

// The fold of code point `cp` when it folds alone, from utf8proc: it and its fold (one code point)
// have combining class 0 and lie outside may_compose's blocks, so in a text of such code points
// nothing composes or reorders, and the text's fold is the concatenation of theirs.
std::uint32_t fold_alone(std::uint32_t cp) {
  if (may_compose(cp) ||
      utf8proc_get_property(static_cast<utf8proc_int32_t>(cp))->combining_class != 0)
    return kNotAlone;
  std::string utf8;
  append_utf8(utf8, static_cast<std::int32_t>(cp));
  const auto folded = fold_with_utf8proc(utf8);
  std::size_t length = 0;
  if (!folded || folded->empty())
    return kNotAlone;
  const auto to = decode_utf8(*folded, 0, length);
  if (to <= 0 || length != folded->size() || may_compose(static_cast<std::uint32_t>(to)) ||
      utf8proc_get_property(to)->combining_class != 0)
    return kNotAlone;
  return static_cast<std::uint32_t>(to) + 2;
}

// Appends the run of ASCII bytes `text` starts with, A-Z lowered (each ASCII code point's fold),
// and returns its length. Eight bytes at a time: a byte is in A-Z when adding 0x3F sets its high
// bit and adding 0x25 does not (no byte below 0x80 carries into the next); its 0x20 bit is then
// set. Tweets are mostly ASCII.
std::size_t append_ascii_run_lowered(std::string_view text, std::string &out) {
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL, kOnes = 0x0101010101010101ULL;
  std::size_t run = 0;
  std::uint64_t word = 0;
  while (run + 8 <= text.size() && (std::memcpy(&word, text.data() + run, 8), word & kHigh) == 0)
    run += 8;
  while (run < text.size() && static_cast<unsigned char>(text[run]) < 0x80)
    ++run;
  const std::size_t at = out.size();
  out.resize(at + run);
  char *to = out.data() + at;
  std::size_t i = 0;
  for (; i + 8 <= run; i += 8) {
    std::memcpy(&word, text.data() + i, 8);
    const std::uint64_t upper = ((word + 0x3F * kOnes) ^ (word + 0x25 * kOnes)) & kHigh;
    word |= upper >> 2;
    std::memcpy(to + i, &word, 8);
  }
  for (; i < run; ++i)
    to[i] = lower(text[i]);
  return run;
}

// The fold of a text whose code points all fold alone (most tweets: Latin, Cyrillic, Greek,
// Arabic, Hebrew, CJK, emoji) into `out`, code point by code point, each looked up once per
// process; false for any other text, which utf8proc folds whole.
bool fold_code_points_alone(std::string_view text, std::string &out) {
  static std::array<std::atomic<std::uint32_t>, 0x20000> folds; // by code point; kUnknown at first
  out.clear();
  out.reserve(text.size());
  for (std::size_t i = 0, length = 0; i < text.size(); i += length) {
    const auto c = text[i];
    if (static_cast<unsigned char>(c) < 0x80) {
      length = append_ascii_run_lowered(text.substr(i), out);
      continue;
    }
    const auto cp = decode_utf8(text, i, length);
    if (cp < 0 || cp >= 0x20000)
      return false;
    auto &slot = folds[static_cast<std::size_t>(cp)];
    std::uint32_t fold = slot.load(std::memory_order_relaxed);
    if (fold == kUnknown) { // threads racing here store the same value
      fold = fold_alone(static_cast<std::uint32_t>(cp));
      slot.store(fold, std::memory_order_relaxed);
    }
    if (fold == kNotAlone)
      return false;
    append_utf8(out, static_cast<std::int32_t>(fold - 2));
  }
  return true;
}

} // namespace

bool fold_into(std::string_view text, std::string &out) {
  if (fold_code_points_alone(text, out))
    return true;
  auto folded = fold_with_utf8proc(text);
  if (!folded)
    return false;
  out = std::move(*folded);
  return true;
}

std::optional<std::string> fold(std::string_view text) {
  std::string out;
  if (!fold_into(text, out))
    return std::nullopt;
  return out;
}

std::optional<std::string> normalize_hashtag(std::string_view tag) {
  while (!tag.empty() && (tag.front() == '#' || is_space(tag.front())))
    tag.remove_prefix(1);
  while (!tag.empty() && is_space(tag.back()))
    tag.remove_suffix(1);
  return fold(tag);
}

std::string normalize_url(std::string_view url) {
  while (!url.empty() && is_space(url.front()))
    url.remove_prefix(1);
  while (!url.empty() && is_space(url.back()))
    url.remove_suffix(1);
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos)
    return "";
  std::string scheme;
  for (const char c : url.substr(0, scheme_end))
    scheme.push_back(lower(c));
  if (scheme != "http" && scheme != "https")
    return "";
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('#'));
  const std::size_t host_end = std::min(rest.find('/'), rest.find('?'));
  std::string host;
  for (const char c : rest.substr(0, host_end))
    host.push_back(lower(c));
  if (const auto at = host.rfind('@'); at != std::string::npos)
    host.erase(0, at + 1);
  if (host.ends_with(":80") || host.ends_with(":443"))
    host.erase(host.rfind(':'));
  if (host.starts_with("www."))
    host.erase(0, 4);
  if (host.empty())
    return "";
  std::string_view path_and_query = host_end == std::string_view::npos ? "" : rest.substr(host_end);
  const auto query_start = path_and_query.find('?');
  std::string path(path_and_query.substr(0, query_start));
  while (!path.empty() && path.back() == '/')
    path.pop_back();
  std::string query;
  if (query_start != std::string_view::npos) {
    std::string_view params = path_and_query.substr(query_start + 1);
    while (!params.empty()) {
      const auto amp = params.find('&');
      const std::string_view param = params.substr(0, amp);
      const std::string_view name = param.substr(0, param.find('='));
      if (!param.empty() && !is_tracking_parameter(name)) {
        query += query.empty() ? "?" : "&";
        query += param;
      }
      if (amp == std::string_view::npos)
        break;
      params.remove_prefix(amp + 1);
    }
  }
  return host + path + query;
}

std::string_view url_domain(std::string_view normalized_url) {
  return normalized_url.substr(0, std::min(normalized_url.find('/'), normalized_url.find('?')));
}

std::optional<std::string> normalize_text(std::string_view text) {
  std::string out;
  if (!normalize_text_into(text, out))
    return std::nullopt;
  return out;
}

bool normalize_text_into(std::string_view text, std::string &out) {
  thread_local std::string folded;
  if (!fold_into(text, folded))
    return false;
  std::string_view s = folded;
  if (s.starts_with("rt @")) { // retweet prefix "RT @user: "
    const auto colon = s.find(':');
    s.remove_prefix(colon == std::string_view::npos ? s.size() : colon + 1);
  }
  out.clear();
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    if (is_space(s[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < s.size() && !is_space(s[end]))
      ++end;
    const std::string_view word = s.substr(i, end - i);
    i = end;
    if (word.starts_with('@') || word.starts_with("http://") || word.starts_with("https://")) {
      continue;
    }
    if (!out.empty())
      out.push_back(' ');
    out += word;
  }
  return true;
}

} // namespace lockstep::text
