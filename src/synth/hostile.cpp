// The hostile strings of `generate --hostile`, and where they go.
#include "synth/hostile.hpp"

#include "common/hash.hpp"

#include <algorithm>

namespace lockstep::synth {

const std::vector<std::string> &hostile_strings() {
  static const std::vector<std::string> strings = {
      "<!--<script>",
      "</script><script>document.title='pwned'</script>",
      "<img src=x onerror=\"document.title='pwned';" // NOLINT(bugprone-suspicious-missing-comma)
      "document.body.appendChild(document.createElement('pwned'))\">",
      "]]><![CDATA[",
      "\"quoted\" and \\back\\slash\\",
      std::string("line\xE2\x80\xA8separator\xE2\x80\xA9paragraph"),
      std::string("nul\0bell\x07"
                  "escape\x1B"
                  "del\x7F",
                  20),
      "\xE2\x80\xAE"
      "evil-to-left",
      "=HYPERLINK(\"http://example.invalid\",\"click\")",
      "+1+cmd|' /C calc'!A0",
      "-2+3",
      "@SUM(1,2)",
      "&amp; &lt;b&gt; &#x3C;",
  };
  return strings;
}

std::string with_hostile_string(std::string_view value) {
  const auto &strings = hostile_strings();
  const auto &hostile = strings[hash64(value) % strings.size()];
  if (std::string_view("=+-@").find(hostile.front()) != std::string_view::npos)
    return hostile + " " + std::string(value); // a formula works from the cell's start
  return std::string(value) + " " + hostile;
}

std::string hostile_key(std::string_view key) {
  return std::string(key) + "</script><!--<script>&x";
}

std::string hostile_text_suffix(const Account &account) {
  // Few words, so that texts stay as (dis)similar as they were; one per campaign, so that a
  // campaign's near-duplicates stay near-duplicates.
  static const std::vector<std::string> suffixes = {
      " <!--<script>",
      " </script><script>document.title='pwned'</script>",
      " <img src=x onerror=\"document.title='pwned'\">",
      " ]]>",
      " \"\\",
      " \xE2\x80\xA8\xE2\x80\xA9",
      " \xE2\x80\xAE",
      std::string(" \0\x07\x1B", 4),
      " =1+1",
  };
  const std::uint64_t group = account.campaign != 0 ? account.campaign : account.index + 1000;
  return suffixes[group % suffixes.size()];
}

void make_hostile(Account &account) {
  account.display_name = with_hostile_string(account.display_name);
  account.screen_name = with_hostile_string(account.screen_name);
  account.location = with_hostile_string(account.location);
  account.description = with_hostile_string(account.description);
}

void make_hostile(Tweet &tweet, const Account &account) {
  tweet.text += hostile_text_suffix(account);
  const auto &automated = automation_clients(); // kept: the automation feature reads their names
  if (std::find(automated.begin(), automated.end(), tweet.client) == automated.end())
    tweet.client = with_hostile_string(tweet.client);
  for (auto &tag : tweet.hashtags)
    tag = hostile_key(tag);
  for (auto &url : tweet.urls)
    url = hostile_key(url);
}

bool gets_long_name(const World &world, const Account &account) {
  for (const auto &campaign : world.campaigns()) {
    if (campaign.style == Style::copypasta)
      return account.index == campaign.first_member;
  }
  return false;
}

std::string long_hostile_name(const Account &account) {
  std::string name = account.screen_name;
  const auto &strings = hostile_strings();
  for (std::size_t i = 0; name.size() < kLongNameBytes; ++i)
    name += strings[i % strings.size()];
  name.resize(kLongNameBytes);
  // Cut on a character boundary: drop a trailing partial UTF-8 sequence.
  while (!name.empty() && (static_cast<unsigned char>(name.back()) & 0xC0) == 0x80)
    name.pop_back();
  if (!name.empty() && static_cast<unsigned char>(name.back()) >= 0xC0)
    name.pop_back();
  return name;
}

} // namespace lockstep::synth
