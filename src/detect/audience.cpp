// Key groups and audience shares, counted where each group and key is owned.
#include "detect/audience.hpp"

#include "detect/detect.hpp"
#include "mpi/collectives.hpp"
#include "store/schema.hpp"

#include <algorithm>
#include <tbb/parallel_sort.h>
#include <tuple>

namespace lockstep::detect {

namespace {

using store::schema::Interaction;
using store::schema::Signal;

struct GroupMember {
  std::uint64_t group = 0, account = 0;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 reads a defaulted <=> as comparing to 0
  auto operator<=>(const GroupMember &) const = default;
};

template <typename T>
void sort_unique(std::vector<T> &items) {
  tbb::parallel_sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
}

// Accounts per group at the group's owner, as (group, accounts) sorted by group. Collective.
std::vector<std::pair<std::uint64_t, std::uint64_t>>
audience_sizes(const mpi::Comm &comm, std::span<const Action> actions,
               std::span<const std::uint64_t> groups, const mpi::ExchangeOptions &exchange) {
  std::vector<GroupMember> members(actions.size());
  for (std::size_t i = 0; i < actions.size(); ++i)
    members[i] = {groups[i], actions[i].account};
  sort_unique(members); // an account's actions are all on its owner: distinct here is distinct
  members = mpi::route(
      comm, std::move(members),
      [&](const GroupMember &m) { return partition::key_owner(m.group, comm.size()); }, exchange);
  std::sort(members.begin(), members.end());
  std::vector<std::pair<std::uint64_t, std::uint64_t>> sizes;
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i == 0 || members[i].group != members[i - 1].group)
      sizes.emplace_back(members[i].group, 0);
    ++sizes.back().second;
  }
  return sizes;
}

std::uint64_t acting_accounts(const mpi::Comm &comm, std::span<const Action> actions) {
  std::vector<std::uint64_t> accounts(actions.size());
  for (std::size_t i = 0; i < actions.size(); ++i)
    accounts[i] = actions[i].account;
  sort_unique(accounts);
  return mpi::allreduce(comm, static_cast<std::uint64_t>(accounts.size()), mpi::Op::sum);
}

} // namespace

std::vector<std::uint64_t> action_groups(const PartitionData &data, std::uint8_t source,
                                         std::span<const Action> actions) {
  const auto first_post = data.posts.rows.begin;
  std::vector<std::uint64_t> author_of_post(data.posts.rows.count, 0);
  const auto naming = source == std::uint8_t(Signal::retweet) ? Interaction::retweet_of
                      : source == std::uint8_t(Signal::reply) ? Interaction::reply_to
                                                              : Interaction{};
  const auto &in = data.interactions;
  for (std::size_t i = 0; i < in.kind.size(); ++i) {
    if (naming != Interaction{} && in.kind[i] == std::uint8_t(naming))
      author_of_post[in.post[i] - first_post] = in.target_key[i];
  }
  std::vector<std::uint64_t> groups(actions.size());
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const auto author = author_of_post[actions[i].post - first_post];
    groups[i] = author != 0 ? author : actions[i].key;
  }
  return groups;
}

std::vector<KeyGroup> key_groups(const mpi::Comm &comm, std::span<const Action> actions,
                                 std::span<const std::uint64_t> groups,
                                 const mpi::ExchangeOptions &exchange) {
  const auto accounts = acting_accounts(comm, actions);
  const auto sizes = audience_sizes(comm, actions, groups, exchange);
  // Each distinct (key, group) goes to the group's owner for its share, then to the key's owner.
  std::vector<KeyGroup> table(actions.size());
  for (std::size_t i = 0; i < actions.size(); ++i)
    table[i] = {actions[i].key, groups[i], 0};
  const auto by_key_group = [](const KeyGroup &x, const KeyGroup &y) {
    return std::tie(x.key, x.group) < std::tie(y.key, y.group);
  };
  const auto same = [](const KeyGroup &x, const KeyGroup &y) {
    return x.key == y.key && x.group == y.group;
  };
  const auto dedupe = [&](std::vector<KeyGroup> &t) {
    tbb::parallel_sort(t.begin(), t.end(), by_key_group);
    t.erase(std::unique(t.begin(), t.end(), same), t.end());
  };
  dedupe(table);
  table = mpi::route(
      comm, std::move(table),
      [&](const KeyGroup &g) { return partition::key_owner(g.group, comm.size()); }, exchange);
  for (auto &entry : table) {
    const auto size = std::lower_bound(sizes.begin(), sizes.end(), std::pair{entry.group, 0ul});
    const auto audience = size != sizes.end() && size->first == entry.group ? size->second : 1;
    entry.share = accounts > 1 ? static_cast<double>(audience - 1) / double(accounts - 1) : 0;
  }
  table = mpi::route(
      comm, std::move(table),
      [&](const KeyGroup &g) { return partition::key_owner(g.key, comm.size()); }, exchange);
  // One group per key: a named author before the key itself, then the smallest.
  tbb::parallel_sort(table.begin(), table.end(), [](const KeyGroup &x, const KeyGroup &y) {
    return std::make_tuple(x.key, x.group == x.key, x.group) <
           std::make_tuple(y.key, y.group == y.key, y.group);
  });
  table.erase(std::unique(table.begin(), table.end(),
                          [](const KeyGroup &x, const KeyGroup &y) { return x.key == y.key; }),
              table.end());
  return table;
}

} // namespace lockstep::detect
