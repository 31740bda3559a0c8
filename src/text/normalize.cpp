// Normalisation rules.
#include "text/normalize.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
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

// Appends code point `cp` (below U+0800) as UTF-8.
void append_utf8(std::string &out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
    return;
  }
  out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
  out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
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

// For each two-byte code point (U+0080 to U+07FF) that folds alone, its fold; 0 for the others.
// It folds alone when it and its fold (one code point below U+0800, as utf8proc maps it) have
// combining class 0: no code point of class 0 below U+0800 is the second of a canonical
// composition (the first such is U+09BE), so in a text of ASCII and such code points nothing
// composes or reorders, and the text's fold is the concatenation of theirs.
const std::array<std::uint16_t, 0x800> &two_byte_folds() {
  static const auto table = [] {
    std::array<std::uint16_t, 0x800> folds{};
    for (std::uint32_t cp = 0x80; cp < 0x800; ++cp) {
      if (utf8proc_get_property(static_cast<utf8proc_int32_t>(cp))->combining_class != 0)
        continue;
      std::string utf8;
      append_utf8(utf8, cp);
      const auto folded = fold_with_utf8proc(utf8);
      if (!folded || folded->empty())
        continue;
      utf8proc_int32_t to = -1;
      const auto used = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t *>(folded->data()),
                                         static_cast<utf8proc_ssize_t>(folded->size()), &to);
      if (used != static_cast<utf8proc_ssize_t>(folded->size()) || to <= 0 || to >= 0x800 ||
          utf8proc_get_property(to)->combining_class != 0)
        continue;
      folds[cp] = static_cast<std::uint16_t>(to);
    }
    return folds;
  }();
  return table;
}

// The fold of a text of ASCII and two-byte code points that fold alone, without utf8proc's
// decomposition of each code point (most tweets: Latin, Cyrillic, Greek, Arabic, Hebrew letters);
// nullopt for any other text, which utf8proc folds whole.
std::optional<std::string> fold_short_code_points(std::string_view text) {
  const auto &folds = two_byte_folds();
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      out.push_back(lower(text[i]));
      continue;
    }
    if (lead < 0xC2 || lead > 0xDF || i + 1 == text.size())
      return std::nullopt; // three or four bytes, or not UTF-8
    const auto next = static_cast<unsigned char>(text[i + 1]);
    if ((next & 0xC0) != 0x80)
      return std::nullopt;
    const std::uint16_t to = folds[((lead & 0x1Fu) << 6) | (next & 0x3Fu)];
    if (to == 0)
      return std::nullopt;
    append_utf8(out, to);
    ++i;
  }
  return out;
}

} // namespace

std::optional<std::string> fold(std::string_view text) {
  if (auto folded = fold_short_code_points(text))
    return folded;
  return fold_with_utf8proc(text);
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
  auto folded = fold(text);
  if (!folded)
    return std::nullopt;
  std::string_view s = *folded;
  if (s.starts_with("rt @")) { // retweet prefix "RT @user: "
    const auto colon = s.find(':');
    s.remove_prefix(colon == std::string_view::npos ? s.size() : colon + 1);
  }
  std::string out;
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
  return out;
}

} // namespace lockstep::text
