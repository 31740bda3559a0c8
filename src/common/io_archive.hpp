// The column names of Twitter/X's Information Operations archive, in the archive's order (as of
// the 2018 and later releases): 31 tweet columns and the 10 user columns.
#pragma once

#include <array>
#include <string_view>

namespace lockstep::io_archive {

inline constexpr std::array<std::string_view, 31> kTweetColumns = {"tweetid",
                                                                   "userid",
                                                                   "user_display_name",
                                                                   "user_screen_name",
                                                                   "user_reported_location",
                                                                   "user_profile_description",
                                                                   "user_profile_url",
                                                                   "follower_count",
                                                                   "following_count",
                                                                   "account_creation_date",
                                                                   "account_language",
                                                                   "tweet_language",
                                                                   "tweet_text",
                                                                   "tweet_time",
                                                                   "tweet_client_name",
                                                                   "in_reply_to_userid",
                                                                   "in_reply_to_tweetid",
                                                                   "quoted_tweet_tweetid",
                                                                   "is_retweet",
                                                                   "retweet_userid",
                                                                   "retweet_tweetid",
                                                                   "latitude",
                                                                   "longitude",
                                                                   "quote_count",
                                                                   "reply_count",
                                                                   "like_count",
                                                                   "retweet_count",
                                                                   "hashtags",
                                                                   "urls",
                                                                   "user_mentions",
                                                                   "poll_choices"};

inline constexpr std::array<std::string_view, 10> kUserColumns = {"userid",
                                                                  "user_display_name",
                                                                  "user_screen_name",
                                                                  "user_reported_location",
                                                                  "user_profile_description",
                                                                  "user_profile_url",
                                                                  "follower_count",
                                                                  "following_count",
                                                                  "account_creation_date",
                                                                  "account_language"};

} // namespace lockstep::io_archive
