// The audience null's inputs: which group each key of an author-keyed signal belongs to (the author
// of the post it names) and how wide that author's audience is. Fans of one celebrity retweet it
// within minutes of each other without coordinating; the test (log10_audience_tail) explains such
// co-actions by the share of accounts in the author's audience.
#pragma once

#include "detect/coaction.hpp"
#include "detect/partition_data.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/comm.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace lockstep::detect {

// The group of each action of `source` (a store signal; actions in the order given): the key of
// the author's userid from /interactions (retweet_of for retweets, reply_to for replies), or the
// key itself when the store names no author (quotes, retweets without retweet_userid): then each
// post is its own group.
std::vector<std::uint64_t> action_groups(const PartitionData &data, std::uint8_t source,
                                         std::span<const Action> actions);

// Each key's group and the group's audience share at the key's owner (key_owner), sorted by key:
// share = (A - 1) / (N - 1), with A the accounts acting on the group's keys and N those acting on
// any key (over all ranks), the chance that another account of the signal is in the audience.
// `groups` parallels `actions`. A key whose actions name different groups (some retweets carry
// the author, some not) keeps a named author, the smallest. Collective.
std::vector<KeyGroup> key_groups(const mpi::Comm &comm, std::span<const Action> actions,
                                 std::span<const std::uint64_t> groups,
                                 const mpi::ExchangeOptions &exchange);

} // namespace lockstep::detect
