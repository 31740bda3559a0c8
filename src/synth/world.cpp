// Building the world: account layout, campaigns with their waves, and the shared events.
#include "common/error.hpp"
#include "common/time.hpp"
#include "synth/model.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace lockstep::synth {
namespace {

// The styles campaigns cycle through. The first six fill the default six campaigns; a seventh is
// a scheduled network, an eighth an image-sharing one, a ninth a network that shows itself only in
// whom it follows (`generate --follows`).
constexpr std::array<Style, 9> kCampaignStyles = {
    Style::retweet_ring, Style::copypasta,     Style::hashtag_storm,
    Style::link_sharing, Style::camouflaged,   Style::sleeper,
    Style::scheduled,    Style::image_sharing, Style::follow_network};

constexpr std::array<int, 5> kUtcOffsets = {-5, 0, 1, 3, 8};

std::uint64_t campaign_size(Style style, int requested) {
  return style == Style::sleeper ? static_cast<std::uint64_t>(std::min(requested, 8))
                                 : static_cast<std::uint64_t>(requested);
}

// Sorts posts by time and nudges equal times apart so that their tweet ids stay unique.
void make_times_unique(std::vector<Post> &posts, std::uint64_t author_index) {
  std::sort(posts.begin(), posts.end(),
            [](const Post &a, const Post &b) { return a.time_ms < b.time_ms; });
  for (std::size_t i = 1; i < posts.size(); ++i) {
    if (posts[i].time_ms <= posts[i - 1].time_ms)
      posts[i].time_ms = posts[i - 1].time_ms + 1;
  }
  for (auto &post : posts)
    post.tweetid = World::tweetid(post.time_ms, author_index, true);
}

} // namespace

World::World(const GenerateConfig &config) : config_(config) {
  const auto start = time::parse_date(config.start_date);
  if (!start)
    throw UsageError("--start '" + config.start_date + "' is not a YYYY-MM-DD date");
  if (config.days < 1 || config.days > 3650)
    throw UsageError("--days must be in 1..3650");
  start_ms_ = time::days_from_civil(*start) * kDayMs;
  if (start_ms_ < kTwitterEpochMs + 400 * kDayMs) {
    throw UsageError("--start must be after 2012 (snowflake tweet ids and account cohorts)");
  }
  std::uint64_t campaign_accounts = 0;
  for (int c = 0; c < config.campaigns; ++c) {
    campaign_accounts +=
        campaign_size(kCampaignStyles[static_cast<std::size_t>(c) % kCampaignStyles.size()],
                      config.campaign_size);
  }
  if (config.accounts < campaign_accounts + 200) {
    throw UsageError(fmt::format("--accounts {} leaves too few organic accounts: the campaigns "
                                 "take {}, and at least 200 organic accounts are needed",
                                 config.accounts, campaign_accounts));
  }
  organic_end_ = config.accounts - campaign_accounts;
  build_shared_events();
  build_campaigns();
}

std::uint64_t World::tweetid(std::int64_t time_ms, std::uint64_t author_index, bool scheduled) {
  const auto since_epoch = static_cast<std::uint64_t>(time_ms - kTwitterEpochMs);
  return (since_epoch << 22) | ((author_index & 0x1FFFFF) << 1) | (scheduled ? 1 : 0);
}

std::string World::user_id(std::uint64_t index) const {
  const bool hashed =
      index < config_.accounts &&
      static_cast<double>(mix(config_.seed, index, 77) % 1000) < config_.hashed_share * 1000.0;
  if (hashed) {
    return fmt::format("{:016x}{:016x}{:016x}{:016x}", mix(config_.seed, index, 1),
                       mix(config_.seed, index, 2), mix(config_.seed, index, 3),
                       mix(config_.seed, index, 4));
  }
  const std::uint64_t local =
      index >= kExternalBase ? index - kExternalBase + config_.accounts : index;
  return std::to_string(1'000'000'000ULL + local * 1000 + mix(config_.seed, index, 5) % 1000);
}

std::string World::screen_name(std::uint64_t index) const {
  std::string id = user_id(index);
  if (id.size() == 64)
    return id; // hashed accounts: names equal the hash
  Rng rng(config_.seed, index, 3);
  const Campaign *campaign = index < config_.accounts ? campaign_of(index) : nullptr;
  const bool bot_like = campaign != nullptr && campaign->style == Style::retweet_ring;
  return random_word(rng, "en") + (bot_like ? fmt::format("{:08}", rng.below(100'000'000))
                                            : std::to_string(rng.below(1000)));
}

Post World::scheduled_post(std::uint64_t author_index, std::int64_t time_ms, Rng &rng) const {
  Post post;
  post.time_ms = time_ms;
  post.tweetid = tweetid(time_ms, author_index, true);
  post.author_id = user_id(author_index);
  post.author_screen_name = screen_name(author_index);
  post.text = random_sentence(rng, "en", static_cast<int>(rng.between(8, 16)));
  return post;
}

Post World::background_post(std::uint64_t rank) const {
  Rng rng(config_.seed, 3'000'000'000ULL + rank);
  const std::int64_t span = (config_.days + 7) * kDayMs;
  const std::int64_t time_ms = start_ms_ - 7 * kDayMs + static_cast<std::int64_t>(rng.below(span));
  return scheduled_post(kExternalBase + 500'000 + rank % 5000, time_ms, rng);
}

void World::build_shared_events() {
  Rng rng(config_.seed, 2'000'000'000ULL);
  const std::int64_t period = config_.days * kDayMs;
  const auto uniform_time = [&] {
    return start_ms_ + static_cast<std::int64_t>(rng.below(period));
  };

  // One celebrity per thousand accounts: as a world grows, so do the number of celebrities and,
  // with Zipf popularity, the audience of the most popular ones. Their pace is heavy-tailed too.
  const std::uint64_t celebrities = std::max<std::uint64_t>(3, config_.accounts / 1000);
  news_feed_end_ = celebrities + std::max<std::uint64_t>(2, config_.accounts / 200);
  celebrity_posts_.resize(celebrities);
  celebrity_cumulative_ = zipf_cumulative(celebrities, 1.0);
  for (std::uint64_t c = 0; c < celebrities; ++c) {
    const double per_day = std::min(rng.lognormal(std::log(10.0), 0.7), 60.0);
    const auto count = rng.poisson(per_day * config_.days);
    for (std::uint64_t i = 0; i < count; ++i) {
      celebrity_posts_[c].push_back(scheduled_post(c, uniform_time(), rng));
    }
    make_times_unique(celebrity_posts_[c], c);
  }

  double total = 0;
  for (int v = 0; v < 3 * config_.days; ++v) {
    const std::uint64_t author = kExternalBase + 100'000 + static_cast<std::uint64_t>(v);
    viral_posts_.push_back(scheduled_post(author, uniform_time(), rng));
    total += rng.lognormal(0, 1);
    viral_cumulative_.push_back(total);
  }
  add_viral_images();
  for (int t = 0; t < 2 * config_.days; ++t) {
    Trend trend;
    trend.start_ms = uniform_time();
    trend.end_ms = trend.start_ms + rng.between(2 * kHourMs, 6 * kHourMs);
    trend.hashtag = random_word(rng, "en") + random_word(rng, "en") + std::to_string(t);
    trends_.push_back(trend);
  }
  background_cumulative_ =
      zipf_cumulative(std::max<std::uint64_t>(20'000, 2 * config_.accounts), 1.0);
  if (config_.follows)
    follow_cumulative_ =
        zipf_cumulative(std::max<std::uint64_t>(20'000, 2 * config_.accounts), 1.0);
}

void World::add_viral_images() {
  // Two a day, with heavy-tailed appeal: a meme reposted by hundreds within hours.
  Rng rng(config_.seed, 2'100'000'000ULL);
  const std::int64_t period = config_.days * kDayMs;
  for (int i = 0; i < 2 * config_.days; ++i) {
    ViralImage image;
    image.time_ms = start_ms_ + static_cast<std::int64_t>(rng.below(period));
    image.id = fmt::format("{:016x}", rng.next());
    image.weight = rng.lognormal(0, 1.2);
    viral_images_.push_back(std::move(image));
  }
  std::sort(viral_images_.begin(), viral_images_.end(),
            [](const ViralImage &a, const ViralImage &b) { return a.time_ms < b.time_ms; });
}

// A campaign's coordinated activity by its style: the waves it acts in, what it amplifies or
// posts, its participation and delays. Draws from the campaign's own stream, after its profile.
void World::plan_activity(Campaign &campaign, Rng &rng) const {
  const std::int64_t period = config_.days * kDayMs;
  const std::int64_t first_day = start_ms_ / kDayMs;
  const auto human_hour_wave = [&](std::int64_t day, std::uint32_t item) {
    const std::int64_t local_hour = rng.between(9, 21);
    const std::int64_t t = (first_day + day) * kDayMs +
                           (local_hour - campaign.utc_offset_hours) * kHourMs +
                           static_cast<std::int64_t>(rng.below(kHourMs));
    return Wave{std::clamp(t, start_ms_, start_ms_ + period - 1), item};
  };

  switch (campaign.style) {
  case Style::retweet_ring:
    campaign.participation = 0.7;
    campaign.max_delay_ms = 240'000;
    for (std::uint64_t p = 0; p < 3; ++p) {
      std::vector<Post> posts;
      const auto count = rng.poisson(8.0 * config_.days);
      for (std::uint64_t i = 0; i < count; ++i) {
        posts.push_back(scheduled_post(campaign.first_member + p,
                                       start_ms_ + static_cast<std::int64_t>(rng.below(period)),
                                       rng));
      }
      make_times_unique(posts, campaign.first_member + p);
      campaign.principal_posts.insert(campaign.principal_posts.end(), posts.begin(), posts.end());
    }
    break;
  case Style::camouflaged: {
    // Amplifiers of a few principals outside the dataset (state media, officials), retweeting
    // by hand within half an hour, each only some of the posts.
    campaign.participation = 0.3;
    campaign.max_delay_ms = 1'800'000;
    const auto principals = static_cast<std::uint64_t>(rng.between(2, 4));
    for (std::uint64_t p = 0; p < principals; ++p) {
      const std::uint64_t principal = kExternalBase + 300'000 + 10 * std::uint64_t{campaign.id} + p;
      std::vector<Post> posts;
      for (std::uint64_t i = 0, count = rng.poisson(3.0 * config_.days); i < count; ++i) {
        posts.push_back(scheduled_post(
            principal, start_ms_ + static_cast<std::int64_t>(rng.below(period)), rng));
      }
      make_times_unique(posts, principal);
      campaign.principal_posts.insert(campaign.principal_posts.end(), posts.begin(), posts.end());
    }
    break;
  }
  case Style::copypasta:
    campaign.participation = 0.8;
    campaign.max_delay_ms = 300'000;
    for (int t = 0; t < 5; ++t) {
      campaign.templates.push_back(random_sentence(rng, campaign.language, 14));
    }
    for (std::int64_t day = 0; day < config_.days; ++day) {
      for (int w = 0; w < 2; ++w) {
        campaign.waves.push_back(human_hour_wave(day, static_cast<std::uint32_t>(rng.below(5))));
      }
    }
    break;
  case Style::hashtag_storm:
    campaign.participation = 0.7;
    campaign.max_delay_ms = kHourMs;
    for (std::int64_t day = 0; day < config_.days; ++day) {
      if (time::weekday(first_day + day) < 5)
        continue; // weekends only
      for (int hour = 10; hour <= 20; hour += 2) {
        const std::int64_t t =
            (first_day + day) * kDayMs + (hour - campaign.utc_offset_hours) * kHourMs;
        campaign.waves.push_back(Wave{std::clamp(t, start_ms_, start_ms_ + period - 1), 0});
      }
    }
    break;
  case Style::link_sharing:
    campaign.participation = 0.75;
    campaign.max_delay_ms = 600'000;
    for (std::int64_t day = 0; day < config_.days; ++day) {
      for (int w = 0; w < 3; ++w) {
        campaign.waves.push_back(
            human_hour_wave(day, static_cast<std::uint32_t>(campaign.waves.size())));
      }
    }
    break;
  case Style::sleeper:
    campaign.participation = 1.0;
    campaign.max_delay_ms = 20'000;
    for (std::uint32_t w = 0; w < 3; ++w) {
      campaign.templates.push_back(random_sentence(rng, campaign.language, 12));
      campaign.waves.push_back(
          human_hour_wave(static_cast<std::int64_t>(rng.below(config_.days)), w));
    }
    break;
  case Style::image_sharing:
    // A set of images, each wave one of them, posted with texts of the members' own.
    campaign.participation = 0.75;
    campaign.max_delay_ms = 600'000;
    for (int i = 0; i < 10; ++i)
      campaign.templates.push_back(fmt::format("{:016x}", rng.next()));
    for (std::int64_t day = 0; day < config_.days; ++day) {
      for (int w = 0; w < 3; ++w)
        campaign.waves.push_back(human_hour_wave(day, static_cast<std::uint32_t>(rng.below(10))));
    }
    break;
  case Style::scheduled:
    // One scheduling tool posts for every member round the clock: a tick every ten minutes on
    // average, on the minute, and each member's post goes out within that minute.
    campaign.participation = 0.7;
    campaign.max_delay_ms = kMinuteMs - 1;
    for (auto t = static_cast<double>(start_ms_) + rng.exponential(10.0 * kMinuteMs);
         t < static_cast<double>(start_ms_ + period); t += rng.exponential(10.0 * kMinuteMs)) {
      const auto minute = static_cast<std::int64_t>(t) / kMinuteMs * kMinuteMs;
      campaign.waves.push_back(Wave{minute, 0});
    }
    break;
  default:
    break;
  }
}

void World::build_campaigns() {
  std::uint64_t next_member = organic_end_;
  for (int c = 0; c < config_.campaigns; ++c) {
    Rng rng(config_.seed, 1'000'000'000ULL + static_cast<std::uint64_t>(c));
    Campaign campaign;
    campaign.id = static_cast<std::uint32_t>(c + 1);
    campaign.style = kCampaignStyles[static_cast<std::size_t>(c) % kCampaignStyles.size()];
    campaign.size = campaign_size(campaign.style, config_.campaign_size);
    campaign.first_member = next_member;
    next_member += campaign.size;
    campaign.language = pick_language(rng);
    campaign.utc_offset_hours = kUtcOffsets[rng.below(kUtcOffsets.size())];
    campaign.cohort_ms = start_ms_ - rng.between(200, 700) * kDayMs;
    campaign.hashtag = "StandWith" + random_word(rng, "en") + std::to_string(campaign.id);
    campaign.domain = random_word(rng, "en") + "-" + random_word(rng, "en") + ".info";
    const std::uint64_t target = kExternalBase + 200'000 + campaign.id;
    campaign.target_id = user_id(target);
    campaign.target_screen_name = screen_name(target);
    plan_activity(campaign, rng);
    std::sort(campaign.waves.begin(), campaign.waves.end(),
              [](const Wave &a, const Wave &b) { return a.time_ms < b.time_ms; });
    campaigns_.push_back(std::move(campaign));
  }
}

const Campaign *World::campaign_of(std::uint64_t index) const {
  if (index < organic_end_)
    return nullptr;
  for (const auto &campaign : campaigns_) {
    if (index < campaign.first_member + campaign.size)
      return &campaign;
  }
  return nullptr;
}

Account World::account(std::uint64_t index) const {
  Rng rng(config_.seed, index, 1);
  Account a;
  a.index = index;
  a.id = user_id(index);
  a.screen_name = screen_name(index);
  a.display_name = a.id.size() == 64 ? a.id : random_sentence(rng, "en", 2);
  static const std::array<const char *, 6> places = {"", "", "USA", "London", "Moscow", "Berlin"};
  a.location = places[rng.below(places.size())];
  a.description = rng.chance(0.6) ? random_sentence(rng, "en", 6) : "";
  a.language = pick_language(rng);
  a.utc_offset_hours = kUtcOffsets[rng.below(kUtcOffsets.size())];

  if (const Campaign *campaign = campaign_of(index)) {
    a.style = campaign->style;
    a.campaign = campaign->id;
    if (rng.chance(0.9))
      a.language = campaign->language;
    a.utc_offset_hours = campaign->utc_offset_hours;
    a.created_ms = campaign->cohort_ms + rng.between(-7, 7) * kDayMs + rng.between(0, kDayMs - 1);
    a.followers = static_cast<std::uint64_t>(rng.lognormal(3.0, 1.0));
    a.following = static_cast<std::uint64_t>(rng.lognormal(6.5, 0.7));
    a.principal = campaign->style == Style::retweet_ring && index - campaign->first_member < 3;
    a.automated = (campaign->style == Style::retweet_ring && !a.principal) ||
                  campaign->style == Style::scheduled;
    switch (campaign->style) {
    case Style::retweet_ring:
      a.posts_per_day = 2.0;
      break;
    case Style::sleeper:
      a.posts_per_day = 0.3;
      break;
    case Style::camouflaged:
      a.posts_per_day = std::min(rng.lognormal(1.1, 0.8), 40.0);
      break;
    default:
      a.posts_per_day = std::min(rng.lognormal(0.7, 0.8), 30.0);
      break;
    }
    if (a.principal)
      a.followers = static_cast<std::uint64_t>(rng.lognormal(9.0, 1.0));
    return a;
  }

  const std::int64_t earliest = time::days_from_civil({2008, 1, 1}) * kDayMs;
  a.created_ms = earliest + static_cast<std::int64_t>(rng.below(
                                static_cast<std::uint64_t>(start_ms_ - 30 * kDayMs - earliest)));
  a.followers = static_cast<std::uint64_t>(rng.lognormal(5.0, 1.5));
  a.following = static_cast<std::uint64_t>(rng.lognormal(5.5, 1.0));
  if (index < celebrity_count()) {
    a.style = Style::celebrity;
    a.followers = static_cast<std::uint64_t>(rng.lognormal(13.0, 1.0));
    a.posts_per_day = 1.0;
  } else if (index < news_feed_end_) {
    a.style = Style::news_feed;
    a.automated = true;
    a.posts_per_day = rng.uniform(48.0, 144.0);
  } else {
    a.posts_per_day = std::min(rng.lognormal(0.4, 1.2), 150.0);
    if (rng.chance(0.08)) {
      a.style = Style::fan;
      for (std::uint64_t f = 0, n = 1 + rng.poisson(0.5); f < n; ++f)
        a.favourites.push_back(static_cast<std::uint32_t>(rng.pick(celebrity_cumulative_)));
      a.fan_share = rng.uniform(0.3, 0.9);
      a.fan_delay_ms = rng.lognormal(std::log(10.0 * kMinuteMs), 1.2);
    }
  }
  return a;
}

} // namespace lockstep::synth
