// Who follows whom (`generate --follows`). Organic accounts follow a heavy-tailed (Zipf) choice of
// accounts whose most popular are the world's celebrities and news feeds. A quarter of them live in
// a niche community (a town, a university) of about 100 members: they follow some of its 30 niche
// accounts (the newspaper more than the corner shop) and a few fellow members. These are the hard
// negatives: many accounts following the same obscure accounts without coordinating. Campaign
// members follow their principals and many of their fellow members, over a smaller organic list;
// a principal also draws a small organic audience. Lists are collected daily: organic follows are
// there at the first collection, while a campaign follows its principals and itself on a day of
// its own (the burst of followers a network gives itself). Each list is a function of the seed and
// the account alone.
#include "synth/model.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

namespace lockstep::synth {
namespace {

constexpr std::uint64_t kNicheAccounts = 30;
constexpr double kCommunityShare = 0.25; // of organic accounts
constexpr std::uint64_t kCommunitySize = 100;
constexpr std::uint64_t kExternalFollowed = kExternalBase + 10'000'000;
constexpr std::uint64_t kNicheBase = kExternalBase + 20'000'000;
constexpr std::uint64_t kPrincipalBase = kExternalBase + 30'000'000;

// The accounts a campaign's members follow as their principals.
std::vector<std::uint64_t> principals_of(const Campaign &campaign) {
  std::vector<std::uint64_t> out;
  switch (campaign.style) {
  case Style::retweet_ring: // its own three principals
    for (std::uint64_t p = 0; p < 3; ++p)
      out.push_back(campaign.first_member + p);
    break;
  case Style::camouflaged: // the officials it amplifies (world.cpp)
    for (std::uint64_t p = 0; p < 4; ++p)
      out.push_back(kExternalBase + 300'000 + 10 * std::uint64_t{campaign.id} + p);
    break;
  default:
    for (std::uint64_t p = 0; p < 6; ++p)
      out.push_back(kPrincipalBase + 16 * std::uint64_t{campaign.id} + p);
    break;
  }
  return out;
}

} // namespace

std::uint32_t World::community_of(std::uint64_t index) const {
  if (index < news_feed_end_ || index >= organic_end_)
    return 0; // celebrities, news feeds and campaigns live in none
  const auto communities = std::max<std::uint64_t>(
      2, static_cast<std::uint64_t>(static_cast<double>(organic_end_) * kCommunityShare) /
             kCommunitySize);
  if (static_cast<double>(mix(config_.seed, index, 91) % 10'000) >= kCommunityShare * 10'000)
    return 0;
  return static_cast<std::uint32_t>(1 + mix(config_.seed, index, 92) % communities);
}

std::int64_t World::follow_burst_ms(const Campaign &campaign) const {
  const auto days = static_cast<std::uint64_t>(std::max(1, config_.days - 1));
  return start_ms_ +
         static_cast<std::int64_t>(1 + mix(config_.seed, campaign.id, 93) % days) * kDayMs;
}

std::vector<World::Followed> World::follow_list(const Account &account) const {
  if (follow_cumulative_.empty())
    throw std::logic_error("World::follow_list: the world was built without follows");
  Rng rng(config_.seed, account.index, 6);
  std::set<std::uint64_t> followed;
  const auto organic_follows = [&](double median) {
    const auto count = std::min<std::uint64_t>(
        1000, static_cast<std::uint64_t>(rng.lognormal(std::log(median), 0.9)));
    for (std::uint64_t i = 0; i < count; ++i) {
      const auto rank = static_cast<std::uint64_t>(rng.pick(follow_cumulative_));
      followed.insert(rank < config_.accounts ? rank : kExternalFollowed + rank);
    }
  };
  const Campaign *campaign = campaign_of(account.index);
  if (campaign == nullptr) {
    organic_follows(account.style == Style::celebrity ? 10 : 50);
    if (const auto community = community_of(account.index)) {
      for (std::uint64_t j = 0; j < kNicheAccounts; ++j) {
        if (rng.chance(0.9 * std::pow(static_cast<double>(j + 1), -0.8)))
          followed.insert(kNicheBase + 32 * std::uint64_t{community} + j);
      }
      // A few fellow members, found by drawing organic accounts until one lives there too.
      for (std::uint64_t f = 0, friends = rng.poisson(4.0); f < friends; ++f) {
        for (int tries = 0; tries < 4000; ++tries) {
          const auto other = news_feed_end_ + rng.below(organic_end_ - news_feed_end_);
          if (other != account.index && community_of(other) == community) {
            followed.insert(other);
            break;
          }
        }
      }
    }
    for (const auto &c : campaigns_) { // the principals' small organic audience
      for (const auto principal : principals_of(c)) {
        if (rng.chance(0.01))
          followed.insert(principal);
      }
    }
  } else {
    organic_follows(30);
    for (const auto principal : principals_of(*campaign)) {
      if (principal != account.index && rng.chance(0.85))
        followed.insert(principal);
    }
    for (std::uint64_t m = 0; m < campaign->size; ++m) {
      const auto member = campaign->first_member + m;
      if (member != account.index && rng.chance(0.5))
        followed.insert(member);
    }
  }
  followed.erase(account.index);
  std::vector<Followed> out;
  out.reserve(followed.size());
  for (const auto index : followed) {
    // A campaign's own follows (principals, fellow members) appear on its burst day.
    const Campaign *other = index < config_.accounts ? campaign_of(index) : nullptr;
    const bool burst =
        campaign != nullptr &&
        (other == campaign || std::ranges::count(principals_of(*campaign), index) > 0);
    out.push_back({user_id(index), burst ? follow_burst_ms(*campaign) : start_ms_});
  }
  return out;
}

} // namespace lockstep::synth
