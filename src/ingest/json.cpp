// Twitter API JSON tweets into the IO archive's tweet columns.
#include "ingest/json.hpp"

#include <simdjson.h>

namespace lockstep::ingest {
namespace {

using simdjson::dom::element;

// The columns, by name, as indices into TweetColumns (a misspelt name does not compile).
consteval std::size_t column(std::string_view name) {
  for (std::size_t i = 0; i < io_archive::kTweetColumns.size(); ++i) {
    if (io_archive::kTweetColumns[i] == name)
      return i;
  }
  throw "no such column";
}

// The value at a JSON pointer as text: strings as they are, integers in decimal, "" otherwise.
std::string text_at(const element &e, std::string_view pointer) {
  element value;
  if (e.at_pointer(pointer).get(value))
    return "";
  if (value.is_string())
    return std::string(value.get_string().value_unsafe());
  if (value.is_uint64())
    return std::to_string(value.get_uint64().value_unsafe());
  if (value.is_int64())
    return std::to_string(value.get_int64().value_unsafe());
  return "";
}

// The first non-empty value of several pointers.
std::string first_text(const element &e, std::initializer_list<std::string_view> pointers) {
  for (const auto pointer : pointers) {
    if (auto value = text_at(e, pointer); !value.empty())
      return value;
  }
  return "";
}

// An archive list field, "['a', 'b']", of each array item's value at `member` (empty ones left
// out; quotes and backslashes escaped as parse_list reads them).
std::string list_of(const element &e, std::string_view array_pointer, std::string_view member) {
  simdjson::dom::array items;
  if (e.at_pointer(array_pointer).get_array().get(items))
    return "";
  std::string out;
  for (const element item : items) {
    const auto value = text_at(item, member);
    if (value.empty())
      continue;
    out += out.empty() ? "['" : ", '";
    for (const char c : value) {
      if (c == '\'' || c == '\\')
        out.push_back('\\');
      out.push_back(c);
    }
    out += "'";
  }
  return out.empty() ? "" : out + "]";
}

// "Wed Oct 10 20:19:24 +0000 2018" (v1.1) or "2018-10-10T20:19:24.000Z" (v2) as the archive's
// "2018-10-10 20:19:24"; anything else is passed on as it is (and rejected there as a bad time).
std::string archive_time(const std::string &time) {
  if (time.size() >= 19 && time[4] == '-' && time[10] == 'T')
    return time.substr(0, 10) + " " + time.substr(11, 8);
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  if (time.size() == 30 && time.substr(20, 5) == "+0000") {
    const auto month = kMonths.find(time.substr(4, 3));
    if (month != std::string_view::npos && month % 3 == 0) {
      const auto number = month / 3 + 1;
      return time.substr(26, 4) + (number < 10 ? "-0" : "-") + std::to_string(number) + "-" +
             time.substr(8, 2) + " " + time.substr(11, 8);
    }
  }
  return time;
}

// The client's name from v1.1's HTML anchor, <a href="...">Twitter for iPhone</a>.
std::string client_name(const std::string &source) {
  const auto open = source.find('>'), close = source.rfind('<');
  if (source.empty() || source.front() != '<' || open == std::string::npos || close <= open)
    return source;
  return source.substr(open + 1, close - open - 1);
}

// v2's referenced_tweets entry of `type`, if any.
std::optional<element> referenced(const element &tweet, std::string_view type) {
  simdjson::dom::array items;
  if (tweet.at_pointer("/referenced_tweets").get_array().get(items))
    return std::nullopt;
  for (const element item : items) {
    if (text_at(item, "/type") == type)
      return item;
  }
  return std::nullopt;
}

// A column copied from the first of some JSON pointers that holds a value.
struct Copy {
  std::size_t column;
  std::initializer_list<std::string_view> pointers;
};

void copy_columns(const element &tweet, std::initializer_list<Copy> copies, TweetColumns &c) {
  for (const auto &copy : copies)
    c[copy.column] = first_text(tweet, copy.pointers);
}

void read_v1(const element &tweet, TweetColumns &c) {
  copy_columns(tweet,
               {{column("tweetid"), {"/id_str", "/id"}},
                {column("userid"), {"/user/id_str", "/user/id"}},
                {column("user_display_name"), {"/user/name"}},
                {column("user_screen_name"), {"/user/screen_name"}},
                {column("user_reported_location"), {"/user/location"}},
                {column("user_profile_description"), {"/user/description"}},
                {column("user_profile_url"), {"/user/url"}},
                {column("follower_count"), {"/user/followers_count"}},
                {column("following_count"), {"/user/friends_count"}},
                {column("account_creation_date"), {"/user/created_at"}},
                {column("account_language"), {"/user/lang"}},
                {column("tweet_language"), {"/lang"}},
                {column("tweet_text"), {"/extended_tweet/full_text", "/full_text", "/text"}},
                {column("tweet_time"), {"/created_at"}},
                {column("tweet_client_name"), {"/source"}},
                {column("in_reply_to_userid"), {"/in_reply_to_user_id_str"}},
                {column("in_reply_to_tweetid"), {"/in_reply_to_status_id_str"}},
                {column("quoted_tweet_tweetid"), {"/quoted_status_id_str"}},
                {column("retweet_userid"), {"/retweeted_status/user/id_str"}},
                {column("retweet_tweetid"), {"/retweeted_status/id_str"}}},
               c);
  c[column("tweet_client_name")] = client_name(c[column("tweet_client_name")]);
  c[column("is_retweet")] = tweet.at_pointer("/retweeted_status").error() ? "False" : "True";
  // Extended tweets carry their full entities apart.
  const std::string entities = tweet.at_pointer("/extended_tweet/entities").error()
                                   ? "/entities"
                                   : "/extended_tweet/entities";
  c[column("hashtags")] = list_of(tweet, entities + "/hashtags", "/text");
  c[column("urls")] = list_of(tweet, entities + "/urls", "/expanded_url");
  c[column("user_mentions")] = list_of(tweet, entities + "/user_mentions", "/id_str");
}

void read_v2(const element &tweet, TweetColumns &c) {
  copy_columns(tweet,
               {{column("tweetid"), {"/id"}},
                {column("userid"), {"/author_id", "/author/id"}},
                {column("user_display_name"), {"/author/name"}},
                {column("user_screen_name"), {"/author/username"}},
                {column("user_reported_location"), {"/author/location"}},
                {column("user_profile_description"), {"/author/description"}},
                {column("user_profile_url"), {"/author/url"}},
                {column("follower_count"), {"/author/public_metrics/followers_count"}},
                {column("following_count"), {"/author/public_metrics/following_count"}},
                {column("account_creation_date"), {"/author/created_at"}},
                {column("tweet_language"), {"/lang"}},
                {column("tweet_text"), {"/text"}},
                {column("tweet_time"), {"/created_at"}},
                {column("tweet_client_name"), {"/source"}},
                {column("in_reply_to_userid"), {"/in_reply_to_user_id"}}},
               c);
  if (const auto reply = referenced(tweet, "replied_to"))
    c[column("in_reply_to_tweetid")] = text_at(*reply, "/id");
  if (const auto quote = referenced(tweet, "quoted"))
    c[column("quoted_tweet_tweetid")] = text_at(*quote, "/id");
  const auto retweet = referenced(tweet, "retweeted");
  c[column("is_retweet")] = retweet ? "True" : "False";
  if (retweet) {
    c[column("retweet_tweetid")] = text_at(*retweet, "/id");
    c[column("retweet_userid")] = text_at(*retweet, "/author_id");
  }
  c[column("hashtags")] = list_of(tweet, "/entities/hashtags", "/tag");
  c[column("urls")] = list_of(tweet, "/entities/urls", "/expanded_url");
  c[column("user_mentions")] = list_of(tweet, "/entities/mentions", "/id");
}

// Both versions' times in the archive's forms.
void archive_times(TweetColumns &c) {
  c[column("tweet_time")] = archive_time(c[column("tweet_time")]);
  c[column("account_creation_date")] =
      archive_time(c[column("account_creation_date")]).substr(0, 10);
}

} // namespace

std::string json_tweet_columns(std::string_view line, TweetColumns &columns) {
  thread_local simdjson::dom::parser parser;
  const simdjson::padded_string padded(line);
  element tweet;
  if (const auto error = parser.parse(padded).get(tweet); error)
    return std::string("not JSON: ") + simdjson::error_message(error);
  if (!tweet.is_object())
    return "not a JSON object";
  if (!tweet.at_pointer("/data").error())
    return "a v2 response page: flatten it into one tweet per line first (twarc2 flatten)";
  for (auto &value : columns)
    value.clear();
  if (!tweet.at_pointer("/user").error())
    read_v1(tweet, columns);
  else if (!tweet.at_pointer("/author_id").error() || !tweet.at_pointer("/author").error())
    read_v2(tweet, columns);
  else
    return "no tweet: neither a v1.1 user nor a v2 author_id";
  archive_times(columns);
  return "";
}

std::string json_follow(std::string_view line, JsonFollow &follow) {
  thread_local simdjson::dom::parser parser;
  const simdjson::padded_string padded(line);
  element user;
  if (const auto error = parser.parse(padded).get(user); error)
    return std::string("not JSON: ") + simdjson::error_message(error);
  if (!user.is_object())
    return "not a JSON object";
  if (!user.at_pointer("/data").error())
    return "a v2 response page: flatten it into one user per line first (twarc2 flatten)";
  const auto id = text_at(user, "/id");
  if (id.empty())
    return "no user id";
  const auto url = text_at(user, "/__twarc/url");
  // ".../2/users/ID/following?..." or ".../followers": the collected account and the direction.
  const auto users = url.find("/users/");
  const auto slash = users == std::string::npos ? users : url.find('/', users + 7);
  if (slash == std::string::npos)
    return "no __twarc.url naming the collected account (twarc2 following or followers output)";
  const auto collected = url.substr(users + 7, slash - users - 7);
  const auto rest = std::string_view(url).substr(slash + 1);
  if (collected.empty())
    return "no collected account in __twarc.url";
  if (rest.starts_with("following")) {
    follow.account = collected;
    follow.followed = id;
  } else if (rest.starts_with("followers")) {
    follow.account = id;
    follow.followed = collected;
  } else {
    return "__twarc.url is neither a following nor a followers collection";
  }
  follow.collected_at = text_at(user, "/__twarc/retrieved_at");
  return "";
}

} // namespace lockstep::ingest
