// One account's tweets: organic behaviour for everyone (camouflage for campaign members), plus
// the coordinated actions of its campaign, plus the hard negatives' own patterns (fans, news
// feeds, trend and viral participation).
#include "common/time.hpp"
#include "synth/model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>

namespace lockstep::synth {
namespace {

// Relative activity by local hour: quiet at night, peak in the evening.
constexpr std::array<double, 24> kDiurnal = {0.6,  0.35, 0.2, 0.12, 0.1, 0.15, 0.35, 0.7,
                                             1.0,  1.1,  1.1, 1.15, 1.2, 1.15, 1.1,  1.1,
                                             1.15, 1.25, 1.4, 1.55, 1.6, 1.5,  1.2,  0.9};

const std::vector<double> &diurnal_cumulative() {
  static const std::vector<double> cumulative = [] {
    std::vector<double> c;
    double total = 0;
    for (const double w : kDiurnal)
      c.push_back(total += w);
    return c;
  }();
  return cumulative;
}

std::string general_hashtag(std::uint64_t k) {
  static const std::array<const char *, 10> stems = {"news",    "politics", "sports",   "music",
                                                     "tech",    "covid",    "football", "movies",
                                                     "economy", "weather"};
  return std::string(stems[k % stems.size()]) + (k < stems.size() ? "" : std::to_string(k / 10));
}

class TweetBuilder {
public:
  TweetBuilder(const World &world, const Account &account)
      : world_(world), account_(account), rng_(world.config().seed, account.index, 2),
        main_client_(account.automated
                         ? automation_clients()[rng_.below(automation_clients().size())]
                         : human_clients()[rng_.below(human_clients().size())]) {}

  std::vector<Tweet> build() {
    // A news feed's volume is its feed; it adds a little ordinary activity on top.
    organic_activity(account_.style == Style::news_feed ? 0.5 : account_.posts_per_day);
    switch (account_.style) {
    case Style::celebrity:
      own_posts(world_.celebrity_posts(static_cast<std::uint32_t>(account_.index)));
      break;
    case Style::news_feed:
      news_feed();
      break;
    case Style::organic:
    case Style::fan:
      trends();
      break;
    default:
      campaign_actions(*world_.campaign_of(account_.index));
      break;
    }
    attach_images();
    std::stable_sort(tweets_.begin(), tweets_.end(),
                     [](const Tweet &a, const Tweet &b) { return a.time_ms < b.time_ms; });
    assign_ids();
    return std::move(tweets_);
  }

private:
  bool in_period(std::int64_t t) const { return t >= world_.start_ms() && t < world_.end_ms(); }

  std::int64_t any_time() {
    return world_.start_ms() + static_cast<std::int64_t>(rng_.below(static_cast<std::uint64_t>(
                                   world_.end_ms() - world_.start_ms())));
  }

  std::int64_t human_time() {
    const auto day =
        static_cast<std::int64_t>(rng_.below(static_cast<std::uint64_t>(world_.config().days)));
    const auto local_hour = static_cast<std::int64_t>(rng_.pick(diurnal_cumulative()));
    std::int64_t t = world_.start_ms() + day * kDayMs +
                     (local_hour - account_.utc_offset_hours) * kHourMs +
                     static_cast<std::int64_t>(rng_.below(kHourMs));
    const std::int64_t period = world_.end_ms() - world_.start_ms();
    return world_.start_ms() + ((t - world_.start_ms()) % period + period) % period;
  }

  std::int64_t own_time() { return account_.automated ? any_time() : human_time(); }

  const std::string &client() {
    if (account_.automated || rng_.chance(0.85))
      return main_client_;
    return human_clients()[rng_.below(human_clients().size())];
  }

  Tweet &add(Kind kind, std::int64_t t, std::string text) {
    Tweet &tweet = tweets_.emplace_back();
    tweet.kind = kind;
    tweet.time_ms = t;
    tweet.text = std::move(text);
    tweet.language = account_.language;
    tweet.client = client();
    return tweet;
  }

  void retweet(const Post &post, std::int64_t t) {
    if (!in_period(t))
      return;
    Tweet &tweet = add(Kind::retweet, t, "RT @" + post.author_screen_name + ": " + post.text);
    tweet.retweet_user = post.author_id;
    tweet.retweet_tweet = std::to_string(post.tweetid);
  }

  Post background() { return world_.background_post(rng_.pick(world_.background_weights())); }

  void original() {
    Tweet &tweet =
        add(Kind::original, own_time(),
            random_sentence(rng_, account_.language, static_cast<int>(rng_.between(6, 16))));
    if (rng_.chance(0.25)) {
      const auto tag = general_hashtag(rng_.pick(hashtag_weights()));
      tweet.text += " #" + tag;
      tweet.hashtags.push_back(tag);
    }
    if (rng_.chance(0.15)) {
      const auto url = fmt::format("https://{}news{}.com/{}/{}", random_word(rng_, "en"),
                                   rng_.below(20), rng_.below(100000), random_word(rng_, "en"));
      tweet.text += " " + url;
      tweet.urls.push_back(url);
    }
    if (rng_.chance(0.1)) {
      const std::uint64_t other = rng_.below(world_.account_count());
      tweet.text = "@" + world_.screen_name(other) + " " + tweet.text;
      tweet.mentions.push_back(world_.user_id(other));
    }
  }

  void organic_retweet() {
    if (account_.style == Style::fan && rng_.chance(account_.fan_share)) {
      const auto &posts =
          world_.celebrity_posts(account_.favourites[rng_.below(account_.favourites.size())]);
      if (!posts.empty()) {
        const Post &post = posts[rng_.below(posts.size())];
        retweet(post,
                post.time_ms + static_cast<std::int64_t>(rng_.exponential(account_.fan_delay_ms)));
      }
    } else if (!world_.viral_posts().empty() && rng_.chance(0.3)) {
      const Post &post = world_.viral_posts()[rng_.pick(world_.viral_weights())];
      retweet(post, post.time_ms + static_cast<std::int64_t>(rng_.exponential(15 * kMinuteMs)));
    } else {
      const Post post = background();
      std::int64_t t = own_time();
      if (t < post.time_ms)
        t = post.time_ms + static_cast<std::int64_t>(rng_.exponential(6 * kHourMs));
      retweet(post, t);
    }
  }

  void reply_or_quote(Kind kind) {
    const Post post = background();
    std::int64_t t = own_time();
    if (t < post.time_ms)
      t = post.time_ms + static_cast<std::int64_t>(rng_.exponential(6 * kHourMs));
    if (!in_period(t))
      return;
    std::string text =
        random_sentence(rng_, account_.language, static_cast<int>(rng_.between(4, 12)));
    if (kind == Kind::reply) {
      Tweet &tweet = add(kind, t, "@" + post.author_screen_name + " " + text);
      tweet.reply_user = post.author_id;
      tweet.reply_tweet = std::to_string(post.tweetid);
      tweet.mentions.push_back(post.author_id);
    } else {
      const auto link =
          fmt::format("https://twitter.com/{}/status/{}", post.author_screen_name, post.tweetid);
      Tweet &tweet = add(kind, t, text + " " + link);
      tweet.quoted_tweet = std::to_string(post.tweetid);
      tweet.urls.push_back(link);
    }
  }

  void organic_activity(double per_day) {
    const auto count = rng_.poisson(per_day * world_.config().days);
    for (std::uint64_t i = 0; i < count; ++i) {
      const double roll = rng_.uniform();
      if (roll < 0.45)
        original();
      else if (roll < 0.80)
        organic_retweet();
      else if (roll < 0.92)
        reply_or_quote(Kind::reply);
      else
        reply_or_quote(Kind::quote);
    }
  }

  void own_posts(const std::vector<Post> &posts) {
    for (const Post &post : posts) {
      Tweet &tweet = add(Kind::original, post.time_ms, post.text);
      tweet.tweetid = post.tweetid; // scheduled ids are fixed: others retweet them
    }
  }

  void trends() {
    for (const Trend &trend : world_.trends()) {
      if (!rng_.chance(0.05))
        continue;
      const auto posts = 1 + rng_.poisson(0.5);
      for (std::uint64_t i = 0; i < posts; ++i) {
        const std::int64_t t =
            trend.start_ms + static_cast<std::int64_t>(rng_.below(
                                 static_cast<std::uint64_t>(trend.end_ms - trend.start_ms)));
        if (!in_period(t))
          continue;
        Tweet &tweet = add(Kind::original, t,
                           random_sentence(rng_, account_.language, 8) + " #" + trend.hashtag);
        tweet.hashtags.push_back(trend.hashtag);
      }
    }
  }

  void news_feed() {
    const std::string domain =
        random_word(rng_, "en") + "daily" + std::to_string(account_.index) + ".com";
    const double period = static_cast<double>(kDayMs) / account_.posts_per_day;
    for (double t = static_cast<double>(world_.start_ms()) + rng_.uniform(0, period);
         t < static_cast<double>(world_.end_ms()); t += period * rng_.uniform(0.9, 1.1)) {
      const auto time_ms = static_cast<std::int64_t>(t);
      const auto url = fmt::format("https://{}/{}/{}-{}", domain, time::format_date(time_ms),
                                   random_word(rng_, "en"), rng_.below(1'000'000));
      Tweet &tweet =
          add(Kind::original, time_ms, random_sentence(rng_, account_.language, 9) + " " + url);
      tweet.urls.push_back(url);
    }
  }

  void campaign_actions(const Campaign &campaign) {
    switch (campaign.style) {
    case Style::retweet_ring:
      if (account_.principal) {
        std::vector<Post> own;
        for (const Post &post : campaign.principal_posts) {
          if (post.author_id == account_.id)
            own.push_back(post);
        }
        own_posts(own);
        return;
      }
      amplify(campaign, 5'000);
      for (std::uint64_t i = 0, n = rng_.poisson(80.0 * world_.config().days); i < n; ++i) {
        retweet(background(), any_time()); // round-the-clock automated filler
      }
      return;
    case Style::camouflaged:
      amplify(campaign, 0);
      return;
    case Style::copypasta:
      for (const Wave &wave : campaign.waves) {
        if (!rng_.chance(campaign.participation))
          continue;
        add(Kind::original, wave.time_ms + delay(campaign, 0),
            edit_template(rng_, campaign.templates[wave.item], campaign.language));
      }
      return;
    case Style::hashtag_storm:
      for (const Wave &wave : campaign.waves) {
        if (!rng_.chance(campaign.participation))
          continue;
        for (std::uint64_t i = 0, n = 1 + rng_.poisson(1.0); i < n; ++i) {
          Tweet &tweet = add(Kind::original, wave.time_ms + delay(campaign, 0),
                             random_sentence(rng_, campaign.language, 7) + " #" + campaign.hashtag +
                                 " @" + campaign.target_screen_name);
          tweet.hashtags.push_back(campaign.hashtag);
          tweet.mentions.push_back(campaign.target_id);
        }
      }
      return;
    case Style::link_sharing:
      for (const Wave &wave : campaign.waves) {
        if (!rng_.chance(campaign.participation))
          continue;
        static const std::array<const char *, 3> mediums = {"social", "share", "bot"};
        const auto url = fmt::format("https://{}/{}/story-{}?utm_source=twitter&utm_medium={}",
                                     campaign.domain, time::format_date(wave.time_ms), wave.item,
                                     mediums[rng_.below(mediums.size())]);
        Tweet &tweet = add(Kind::original, wave.time_ms + delay(campaign, 0),
                           random_sentence(rng_, campaign.language, 8) + " " + url);
        tweet.urls.push_back(url);
      }
      return;
    case Style::sleeper:
      for (const Wave &wave : campaign.waves) {
        add(Kind::original, wave.time_ms + delay(campaign, 0), campaign.templates[wave.item]);
      }
      return;
    case Style::image_sharing: // the wave's image, with a text of its own
      for (const Wave &wave : campaign.waves) {
        if (!rng_.chance(campaign.participation))
          continue;
        Tweet &tweet = add(Kind::original, wave.time_ms + delay(campaign, 0),
                           random_sentence(rng_, campaign.language, 8));
        tweet.media = campaign.templates[wave.item];
      }
      return;
    case Style::scheduled: // texts of its own, at the tool's ticks
      for (const Wave &wave : campaign.waves) {
        if (rng_.chance(campaign.participation))
          add(Kind::original, wave.time_ms + delay(campaign, 0),
              random_sentence(rng_, campaign.language, static_cast<int>(rng_.between(6, 16))));
      }
      return;
    default:
      return;
    }
  }

  // Some original posts carry an image: mostly the account's own photo, sometimes a viral image
  // that is hot at the time (recent and appealing: many accounts post one meme within hours, the
  // media signal's hard negative). A random stream of its own, so the tweets do not change.
  void attach_images() {
    Rng rng(world_.config().seed, account_.index, 6);
    const auto &images = world_.viral_images();
    std::vector<double> cumulative;
    for (auto &tweet : tweets_) {
      if (tweet.kind != Kind::original || !tweet.media.empty() || !rng.chance(0.12))
        continue;
      cumulative.clear();
      double total = 0;
      for (const auto &image : images) {
        const auto age = tweet.time_ms - image.time_ms;
        if (age >= 0 && age < 2 * kDayMs)
          total += image.weight * std::exp(-static_cast<double>(age) / (6.0 * kHourMs));
        cumulative.push_back(total);
      }
      if (total > 0 && rng.chance(0.4))
        tweet.media = images[rng.pick(cumulative)].id;
      else
        tweet.media = fmt::format("{:016x}", rng.next()); // a photo of its own
    }
  }

  std::int64_t delay(const Campaign &campaign, std::int64_t min_ms) {
    return rng_.between(min_ms, campaign.max_delay_ms);
  }

  void amplify(const Campaign &campaign, std::int64_t min_delay_ms) {
    for (const Post &post : campaign.principal_posts) {
      if (rng_.chance(campaign.participation))
        retweet(post, post.time_ms + delay(campaign, min_delay_ms));
    }
  }

  static const std::vector<double> &hashtag_weights() {
    static const std::vector<double> weights = zipf_cumulative(2000, 1.1);
    return weights;
  }

  // Unique, time-consistent snowflake ids: equal times are nudged 1 ms apart.
  void assign_ids() {
    std::erase_if(tweets_, [&](const Tweet &t) { return !in_period(t.time_ms); });
    std::int64_t previous = 0;
    for (Tweet &tweet : tweets_) {
      if (tweet.tweetid != 0)
        continue; // scheduled posts keep their published ids
      if (tweet.time_ms <= previous)
        tweet.time_ms = previous + 1;
      previous = tweet.time_ms;
      tweet.tweetid = World::tweetid(tweet.time_ms, account_.index, false);
    }
  }

  const World &world_;
  const Account &account_;
  Rng rng_;
  std::string main_client_;
  std::vector<Tweet> tweets_;
};

} // namespace

std::vector<Tweet> generate_tweets(const World &world, const Account &account) {
  return TweetBuilder(world, account).build();
}

} // namespace lockstep::synth
