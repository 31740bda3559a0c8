// Synchrony: accounts that post their own posts at the same moments, whatever the posts say (the
// round-the-clock scheduled posting of networks run from one tool). Every original post of a
// tweets file is an action keyed by its hour, so the engine pairs posts of different accounts at
// most the window apart, hour by hour. Retweets, replies and quotes are left out: their moments
// follow the post they react to (fans of one account answer it together), and their own signals
// test them against the audience null. An action table's rows are left out too: a row says what
// was acted on, not whether it was the account's own post.
//
// The null model is the engine's, with one key per time bin: every bin lies inside one key, so
// its Simpson index is 1, and the co-posts expected for u and v are the pairs of their posts that
// uniform times inside each account's own activity bins would put within the window. Busy
// accounts and news feeds, whose own volume makes them co-post, are expected to; accounts that
// keep posting within seconds of each other far more often than their volume explains are not.
#pragma once

#include "detect/coaction.hpp"
#include "detect/partition_data.hpp"
#include "mpi/comm.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace lockstep::detect {

// The time a synchrony key spans: a whole number of the null model's bins (null_bin_ms), at least
// an hour.
std::int64_t synchrony_key_ms(std::int64_t window_ms);

// One action per original post of a tweets file, keyed by the start of its key's span in ms since
// 1970: floor(time / key_ms) * key_ms.
std::vector<Action> synchrony_actions(const PostTable &posts, std::int64_t key_ms);

// The rule the engine runs: the job's, unless most posts' times are whole minutes (a tweet_time
// without a snowflake id), when two posts of one minute cannot be told apart: the window is then
// just under a minute, whose chance under the null model is at least that of a shared minute.
// Collective.
WindowRule synchrony_rule(const mpi::Comm &comm, std::span<const Action> actions, WindowRule rule);

} // namespace lockstep::detect
