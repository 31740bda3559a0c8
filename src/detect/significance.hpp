// Whether a pair's co-actions could be chance. The null model: every account keeps its own
// activity times, every key its popularity over time, and accounts pick keys independently, in
// proportion to the keys' activity at that time. Two actions of u and v close in time then hit
// the same key with probability H_t, the Simpson index of the signal's keys in their time bin
// (KeyConcentration), so the co-actions expected for u and v are
//   E = sum over time-close action pairs (one of u, one of v) of H_t,
// computed from both accounts' actions per bin. Viral cascades and trending hashtags raise H_t
// exactly when organic accounts pile in, so they do not look coordinated; synchronised actions on
// keys that few others touch do. The observed count is compared with Poisson(E); an edge's p is
// the smallest over its signals times their number, and edges are kept by the Benjamini-Hochberg
// procedure over all candidate edges (false discovery rate alpha). For keys with an author
// (retweet, retweet_slow, reply, quote) the audience null (log10_audience_tail) also expects the
// co-actions of accounts in one author's audience: fans are not evidence, a shared set of authors
// few others engage with is.
#pragma once

#include "detect/coaction.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace lockstep::detect {

// An account's actions of one signal per time bin: (bin, count), sorted by bin.
using BinCount = std::pair<std::int64_t, std::uint32_t>;
using ActivityProfile = std::vector<BinCount>;
using ProfileView = std::span<const BinCount>;

// The profiles of a range of accounts in one flat array: account i's are
// entries[begin[i], begin[i + 1]).
struct ActivityProfiles {
  std::vector<std::size_t> begin;
  std::vector<BinCount> entries;
  ProfileView operator[](std::size_t account) const {
    return ProfileView(entries).subspan(begin[account], begin[account + 1] - begin[account]);
  }
};

// The profiles of the accounts in [first_account, first_account + count) from actions sorted by
// account (any order of times).
ActivityProfiles activity_profiles(const std::vector<Action> &actions, std::uint64_t first_account,
                                   std::uint64_t count, std::int64_t bin_ms);

// A profile as bytes, for the exchange, and back.
std::string encode_profile(ProfileView profile);
ActivityProfile decode_profile(const std::string &bytes);

// The null model's time bin for a window: 15 minutes, or the window when longer. Shorter bins let
// a campaign's own burst raise its bin's concentration (and hide it); longer ones miss how bursty
// organic cascades are (and flag them). 15 minutes was best on generated data of two sizes.
std::int64_t null_bin_ms(std::int64_t window_ms);

// A profile spread over its bin and both neighbours, weighted by the chance of a shared key:
// g(t) = s a_t H_t + d (a_t-1 (H_t + H_t-1) / 2 + a_t+1 (H_t + H_t+1) / 2), with s = 2r - r^2 and
// d = r^2 / 2 the chances that two uniform times in the same (adjacent) bins of width B are within
// the window, r = window / B. Windows under a second count as a second (time resolution).
using WeightedProfile = std::vector<std::pair<std::int64_t, double>>;
WeightedProfile weighted_profile(ProfileView v, const KeyConcentration &concentration,
                                 std::int64_t window_ms);

// Expected co-actions of u and v under the null model: sum_t a_ut g_v(t). It is symmetric in u and
// v; callers iterate over the account with fewer bins.
double expected_coactions(ProfileView u, const WeightedProfile &v_weighted);
double expected_coactions(ProfileView u, ProfileView v, const KeyConcentration &concentration,
                          std::int64_t window_ms);

// The null model's E for many pairs at once (the fast path of the two functions above, which stay
// as its reference): weighted_profile's weights as per-bin coefficients over the data's bins,
//   E(u, v) = sum_t u_t (same_t v_t + left_t v_t-1 + right_t v_t+1),
// with same_t = s H_t, left_t = d (H_t + H_t-1) / 2 and right_t = d (H_t + H_t+1) / 2, computed
// once per signal. One account's weights g_v are then spread over a dense array (DenseProfile) and
// every partner's profile is summed against it: no sort and no search per pair.
struct BinCoefficients {
  double same = 0, left = 0, right = 0;
};
// Per slot of the concentration's axis, with one padding slot on each side (index slot + 1).
struct NullCoefficients {
  BinAxis axis;
  std::vector<BinCoefficients> per_slot;
};
NullCoefficients null_coefficients(const KeyConcentration &concentration, std::int64_t window_ms);

// One account's profile spread over the axis' slots (every profile bin must be on the axis).
class DenseProfile {
public:
  explicit DenseProfile(const NullCoefficients &coefficients);
  void hold(ProfileView v);    // spreads v's weights g_v (the array holds nothing else)
  void release(ProfileView v); // clears them again
  double expected_with(ProfileView u) const; // E(u, v) = sum_t u_t g_v(t) for the held v

private:
  std::size_t index(std::int64_t bin) const { return coefficients_->axis.slot(bin) + 1; }
  const NullCoefficients *coefficients_;
  std::vector<double> weights_; // g_v by index, like coefficients_->per_slot
};

// The count tested against the null, the signal's statistic in signals/table.hpp: distinct keys
// for signals whose keys are posts (retweet, reply, quote, object: sharing one post again is no
// new evidence), and the matched posts min(posts_a, posts_b) for content keys (hashtag, url,
// domain, mention, text), where repeating a key is the behaviour. Both are at most the
// co-actions, so E (expected co-actions) is conservative for them. Throws std::logic_error for a
// signal without a test (similarity).
std::uint64_t observed_statistic(std::uint8_t signal, const PairSignal &pair);

// log10 of P(X >= observed) for X ~ Poisson(expected); 0 when observed is 0. Exact in log space
// for tiny tails (no underflow), so scores stay ordered far beyond double's range. Expectations
// below 1e-9 count as 1e-9.
double log10_poisson_tail(std::uint64_t observed, double expected);

// The audience null's p for an author-keyed signal (retweet, retweet_slow, reply, quote), in
// log10. Sharing an author's audience is chance in proportion to the audience: if v is one of the
// `share` of the signal's accounts that act on author g's posts, v's co-actions with u on g are
// explained (fans of one celebrity co-retweet it within minutes without coordinating). Groups are
// explained widest audience first; j explained groups leave the rest to the popularity null:
//   p = sum_{j=0..m} (share_1 ... share_j) P(Poisson(E) >= observed - keys_1 - ... - keys_j),
// with `widest_first` the pair's groups (CoactionResult::groups), E the popularity null's
// expectation and observed their keys (observed_statistic). p is at least the popularity null's
// tail (j = 0), without engagement expectations at least the share of a lone group, and
// tiny only when the co-actions are beyond popularity and spread over groups few others engage with
// (a ring's principals, or the posts of many authors). A group whose engagement expectation is set
// (GroupShare::engaged, detect/engagement.hpp) is not explained whole: its co-acted keys are
// B_i ~ Binomial(most_keys_i, engaged_i / most_keys_i) instead, so
//   p_j = (share_1 ... share_j) P(Poisson(E) + sum of B_i >= observed - keys of the others),
// and two accounts in one audience that choose the same posts, or act on them closer in time than
// their own delays predict, are still evidence. A group explains at most most_keys_i keys.
double log10_audience_tail(std::uint64_t observed, double expected,
                           std::span<const GroupShare> widest_first);
// The same with its j = 0 term, the popularity null's log10 p for (observed, expected), already
// computed (detect tests every pair against both nulls).
double log10_audience_tail(std::uint64_t observed, double expected, double log10_popularity,
                           std::span<const GroupShare> widest_first);

// min(1, p * tests) in log10.
double bonferroni_log10(double log10_p, std::uint64_t tests);

// The Benjamini-Hochberg step-up cut controlling the false discovery rate at `alpha` over `tests`
// p-values: the largest log10 p_(k) with p_(k) <= k alpha / tests, given the smallest p-values
// (every one at most alpha suffices) in ascending order. -infinity when nothing passes.
double benjamini_hochberg_log10(const std::vector<double> &ascending_log10_p, std::uint64_t tests,
                                double alpha);

} // namespace lockstep::detect
