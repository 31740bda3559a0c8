// Normalisation that decides which actions count as "the same": hashtags are case-folded, URLs
// lose what does not change the page they point to, texts lose what copy-paste campaigns vary.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lockstep::text {

// Unicode NFKC with case folding (utf8proc); nullopt for invalid UTF-8.
std::optional<std::string> fold(std::string_view text);
// The same into `out` (its memory reused); false for invalid UTF-8.
bool fold_into(std::string_view text, std::string &out);
// The same, always through utf8proc (fold's oracle: fold folds most texts without it).
std::optional<std::string> fold_with_utf8proc(std::string_view text);

// "#Hama" -> "hama". nullopt for invalid UTF-8.
std::optional<std::string> normalize_hashtag(std::string_view tag);

// A URL as "host/path?query": scheme dropped (http and https match), host lower-cased without
// "www." and default ports, fragment dropped, tracking parameters (utm_*, fbclid, gclid, ...)
// removed, trailing slash removed. Returns "" for text that is not an http(s) URL.
std::string normalize_url(std::string_view url);

// The host of a normalised URL ("example.com/a" -> "example.com").
std::string_view url_domain(std::string_view normalized_url);

// Text for exact-duplicate matching: NFKC + case folding, the "RT @user:" prefix, @mentions and
// URLs removed, whitespace collapsed. nullopt for invalid UTF-8.
std::optional<std::string> normalize_text(std::string_view text);
// The same into `out` (its memory reused, as is a buffer of each thread's); false for invalid
// UTF-8.
bool normalize_text_into(std::string_view text, std::string &out);

} // namespace lockstep::text
