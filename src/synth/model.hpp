// The generator's world: who the accounts are, and the shared events they react to (viral posts,
// trending hashtags, celebrity posts, campaign waves). Everything is a pure function of the seed
// and an index, so any rank can generate any account's tweets without talking to the others.
#pragma once

#include "common/config.hpp"
#include "synth/random.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::synth {

inline constexpr std::int64_t kMinuteMs = 60'000;
inline constexpr std::int64_t kHourMs = 60 * kMinuteMs;
inline constexpr std::int64_t kDayMs = 24 * kHourMs;
inline constexpr std::int64_t kTwitterEpochMs = 1288834974657LL;
// External (out-of-dataset) accounts get indices above every real one.
inline constexpr std::uint64_t kExternalBase = std::uint64_t{1} << 40;

enum class Style : std::uint8_t {
  organic,
  celebrity,
  fan,
  news_feed, // organic population (campaign 0), incl. hard negatives
  retweet_ring,
  copypasta,
  hashtag_storm,
  link_sharing,
  camouflaged,
  sleeper,
  scheduled,
  image_sharing,
  follow_network // campaigns; follow_network posts like organic accounts and only follows alike
};
const char *style_name(Style style);
inline bool is_campaign_style(Style s) {
  return s >= Style::retweet_ring;
}

enum class Kind : std::uint8_t { original, retweet, reply, quote };

// A post that many accounts react to: viral posts, celebrity and principal posts, background.
struct Post {
  std::int64_t time_ms = 0;
  std::uint64_t tweetid = 0;
  std::string author_id;
  std::string author_screen_name;
  std::string text;
};

struct Account {
  std::uint64_t index = 0;
  std::string id; // userid string as written
  std::string screen_name;
  std::string display_name;
  std::string location;
  std::string description;
  std::int64_t created_ms = 0;
  std::uint64_t followers = 0;
  std::uint64_t following = 0;
  std::string language;
  int utc_offset_hours = 0;
  double posts_per_day = 0;
  Style style = Style::organic;
  std::uint32_t campaign = 0; // 0 = organic
  bool principal = false;     // a retweet ring's principal
  bool automated = false;     // posts from automation clients, round the clock
  // A fan's celebrities (drawn by the celebrities' popularity, so audiences are heavy-tailed),
  // the share of its retweets that go to them, and its own mean delay after their posts (a few
  // superfans retweet within a minute or two).
  std::vector<std::uint32_t> favourites;
  double fan_share = 0;
  double fan_delay_ms = 0;
};

// An image many accounts post while it is hot (a meme): from time_ms on, chosen in proportion to
// its weight and how recent it is.
struct ViralImage {
  std::int64_t time_ms = 0;
  std::string id; // a media id (a perceptual hash)
  double weight = 0;
};

struct Trend {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string hashtag;
};

// One coordinated action of a campaign: at `time_ms`, members act on item `item`.
struct Wave {
  std::int64_t time_ms = 0;
  std::uint32_t item = 0;
};

struct Campaign {
  std::uint32_t id = 0; // 1-based
  Style style = Style::organic;
  std::uint64_t first_member = 0;
  std::uint64_t size = 0;
  std::string language;
  int utc_offset_hours = 0;
  std::int64_t cohort_ms = 0; // accounts created within two weeks of this
  std::string hashtag;
  std::string domain;
  std::string target_id; // hashtag storms mention this account
  std::string target_screen_name;
  std::vector<std::string> templates; // copypasta and sleeper texts; image sharing's images
  std::vector<Post> principal_posts;  // what retweet rings and camouflaged amplifiers amplify
  std::vector<Wave> waves;
  double participation = 1.0;
  std::int64_t max_delay_ms = 0;
};

struct Tweet {
  std::uint64_t tweetid = 0;
  std::int64_t time_ms = 0;
  Kind kind = Kind::original;
  std::string text;
  std::string language;
  std::string client;
  std::string reply_user, reply_tweet, quoted_tweet, retweet_user, retweet_tweet;
  std::vector<std::string> hashtags, urls, mentions;
  std::string media; // an image's media id, or none (media.csv, beside the tweets files)
};

class World {
public:
  explicit World(const GenerateConfig &config);

  const GenerateConfig &config() const { return config_; }
  std::int64_t start_ms() const { return start_ms_; }
  std::int64_t end_ms() const { return start_ms_ + config_.days * kDayMs; }
  std::uint64_t account_count() const { return config_.accounts; }
  Account account(std::uint64_t index) const;
  // The campaign an account belongs to, or nullptr for organic accounts.
  const Campaign *campaign_of(std::uint64_t index) const;
  const std::vector<Campaign> &campaigns() const { return campaigns_; }
  const std::vector<Post> &viral_posts() const { return viral_posts_; }
  const std::vector<double> &viral_weights() const { return viral_cumulative_; }
  const std::vector<Trend> &trends() const { return trends_; }
  const std::vector<ViralImage> &viral_images() const { return viral_images_; } // by time
  const std::vector<Post> &celebrity_posts(std::uint32_t celebrity) const {
    return celebrity_posts_[celebrity];
  }
  std::uint32_t celebrity_count() const {
    return static_cast<std::uint32_t>(celebrity_posts_.size());
  }
  std::uint64_t news_feed_end() const { return news_feed_end_; }
  // One account an account follows (follows.cpp): its userid and when the follow was first
  // collected.
  struct Followed {
    std::string id;
    std::int64_t first_ms = 0;
  };
  // The accounts an account follows, sorted by index. Lists are collected daily from the first
  // day: organic follows are there at the first collection, a campaign follows its principals
  // and its members follow one another on a day of its own (a burst of followers).
  std::vector<Followed> follow_list(const Account &account) const;
  // The day (its start) a campaign's members follow their principals and one another.
  std::int64_t follow_burst_ms(const Campaign &campaign) const;
  // The niche community (a town, a university) of an organic account, 1-based; 0 for none.
  std::uint32_t community_of(std::uint64_t index) const;
  // A post outside the dataset (Zipf-popular background), as a function of its rank.
  Post background_post(std::uint64_t rank) const;
  const std::vector<double> &background_weights() const { return background_cumulative_; }

  // Ids: snowflake tweet ids unique per (author index, slot), and userid strings.
  static std::uint64_t tweetid(std::int64_t time_ms, std::uint64_t author_index, bool scheduled);
  std::string user_id(std::uint64_t index) const;
  std::string screen_name(std::uint64_t index) const;

private:
  void build_campaigns();
  void build_shared_events();
  void add_viral_images(); // from a random stream of their own: the other events do not move
  void plan_activity(Campaign &campaign, Rng &rng) const;
  Post scheduled_post(std::uint64_t author_index, std::int64_t time_ms, Rng &rng) const;

  GenerateConfig config_;
  std::int64_t start_ms_ = 0;
  std::uint64_t organic_end_ = 0;   // accounts [0, organic_end_) are organic
  std::uint64_t news_feed_end_ = 0; // [celebrity_count, news_feed_end_) are news feeds
  std::vector<Campaign> campaigns_;
  std::vector<Post> viral_posts_;
  std::vector<double> viral_cumulative_;
  std::vector<Trend> trends_;
  std::vector<ViralImage> viral_images_;
  std::vector<std::vector<Post>> celebrity_posts_;
  std::vector<double> celebrity_cumulative_; // Zipf: how many fans each celebrity draws
  std::vector<double> background_cumulative_;
  std::vector<double> follow_cumulative_; // Zipf over the accounts one may follow
};

// Every tweet of one account, sorted by time, with unique tweet ids.
std::vector<Tweet> generate_tweets(const World &world, const Account &account);

// Text helpers (text.cpp).
// Words drawn with Zipf weights from a core list and 5000 made-up words per language.
std::string random_sentence(Rng &rng, const std::string &language, int words);
// One of the few dozen core words (names, hashtags, domains).
std::string random_word(Rng &rng, const std::string &language);
std::string edit_template(Rng &rng, const std::string &text, const std::string &language);
std::string pick_language(Rng &rng);
const std::vector<std::string> &human_clients();
const std::vector<std::string> &automation_clients();

} // namespace lockstep::synth
