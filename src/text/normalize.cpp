// Normalisation rules.
#include "text/normalize.hpp"

#include <algorithm>
#include <array>
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

} // namespace

std::optional<std::string> fold(std::string_view text) {
  // ASCII is its own NFKC form; folding it is lower-casing (the common case, done without
  // utf8proc's code-point decomposition).
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    std::string out(text);
    for (char &c : out)
      c = lower(c);
    return out;
  }
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
