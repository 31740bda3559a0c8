// The engagement null's inputs, gathered where they are owned: each author's post popularity at
// the author's owner, each account's delays at the account's owner, the keys' first actions at
// the keys' owners; then priced at the pairs' homes.
#include "detect/engagement.hpp"

#include "partition/lookup.hpp"
#include "partition/ownership.hpp"

#include <algorithm>
#include <bit>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>
#include <tuple>

namespace lockstep::detect {

namespace {

// One key's distinct accounts, bound for its group's owner.
struct GroupCount {
  std::uint64_t group = 0, accounts = 0;
};

// A group's posts' popularity: sum c_k and sum c_k^2 over its keys.
struct Popularity {
  std::uint64_t group = 0, sum = 0, sum_squares = 0;
};

// A home's question to an account's owner: the delays of `account` to group `group`'s posts.
struct Need {
  std::uint64_t account = 0, group = 0;
  std::int32_t asker = 0;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 reads a defaulted <=> as comparing to 0
  auto operator<=>(const Need &) const = default;
};

// One action on one of a group's posts, then one answer: a delay of an account to that group.
struct Engaged {
  std::uint64_t account = 0, group = 0, key = 0;
  std::int64_t time_ms = 0;
};
struct Delay {
  std::uint64_t account = 0, group = 0;
  std::int64_t delay_ms = 0;
  std::int32_t asker = 0;
};

// Every group's popularity at its owner, sorted by group. Collective.
std::vector<Popularity> group_popularity(const mpi::Comm &comm, std::span<const KeyFirst> firsts,
                                         std::span<const KeyGroup> key_groups,
                                         const mpi::ExchangeOptions &exchange) {
  std::vector<GroupCount> counts(firsts.size());
  for (std::size_t i = 0; i < firsts.size(); ++i)
    counts[i] = {group_of(key_groups, firsts[i].key).group, firsts[i].accounts};
  counts = mpi::route(
      comm, std::move(counts),
      [&](const GroupCount &c) { return partition::key_owner(c.group, comm.size()); }, exchange);
  tbb::parallel_sort(counts.begin(), counts.end(), [](const GroupCount &x, const GroupCount &y) {
    return std::tie(x.group, x.accounts) < std::tie(y.group, y.accounts);
  });
  std::vector<Popularity> out;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (i == 0 || counts[i].group != counts[i - 1].group)
      out.push_back({counts[i].group, 0, 0});
    out.back().sum += counts[i].accounts;
    out.back().sum_squares += counts[i].accounts * counts[i].accounts;
  }
  return out;
}

// Asks the owner of each key (a post, or an author's group: key_owner) for a number about it: its
// group, its first action, its popularity. Collective.
template <typename Answer>
std::vector<std::uint64_t> ask_key_owners(const mpi::Comm &comm,
                                          const std::vector<std::uint64_t> &keys, Answer answer,
                                          const mpi::ExchangeOptions &exchange) {
  return partition::ask_owners(
      comm, keys, [&](std::uint64_t key) { return partition::key_owner(key, comm.size()); },
      [&](std::span<const std::uint64_t> asked) {
        std::vector<std::uint64_t> answers(asked.size());
        for (std::size_t i = 0; i < asked.size(); ++i)
          answers[i] = answer(asked[i]);
        return answers;
      },
      exchange);
}

// H_g for each requested group, from the owner's table (1 for a group it does not hold).
// Collective.
std::vector<double> popularity_of(const mpi::Comm &comm, const std::vector<std::uint64_t> &asked,
                                  const std::vector<Popularity> &table,
                                  const mpi::ExchangeOptions &exchange) {
  const auto bits = ask_key_owners(
      comm, asked,
      [&](std::uint64_t group) {
        const auto it =
            std::lower_bound(table.begin(), table.end(), group,
                             [](const Popularity &p, std::uint64_t g) { return p.group < g; });
        if (it == table.end() || it->group != group || it->sum == 0)
          return std::bit_cast<std::uint64_t>(1.0);
        const auto sum = static_cast<double>(it->sum);
        return std::bit_cast<std::uint64_t>(static_cast<double>(it->sum_squares) / (sum * sum));
      },
      exchange);
  std::vector<double> out(bits.size());
  for (std::size_t i = 0; i < bits.size(); ++i)
    out[i] = std::bit_cast<double>(bits[i]);
  return out;
}

// The (account, group) questions of the priced pairs, at the accounts' owners, sorted and
// distinct. Collective.
std::vector<Need> needs_at_owners(const mpi::Comm &comm, const CoactionResult &found,
                                  std::span<const std::size_t> priced,
                                  std::span<const std::uint64_t> account_begin,
                                  const mpi::ExchangeOptions &exchange) {
  std::vector<Need> needs;
  for (const auto i : priced) {
    for (const auto &group : found.groups(i)) {
      needs.push_back({found.pairs[i].a, group.group, comm.rank()});
      needs.push_back({found.pairs[i].b, group.group, comm.rank()});
    }
  }
  tbb::parallel_sort(needs.begin(), needs.end());
  needs.erase(std::unique(needs.begin(), needs.end()), needs.end());
  needs = mpi::route(
      comm, std::move(needs),
      [&](const Need &n) { return partition::owner_of(account_begin, n.account); }, exchange);
  tbb::parallel_sort(needs.begin(), needs.end());
  return needs;
}

// The first action of each needed account on each post of a needed group (the key's group as the
// engine had it, asked of the key's owner), sorted by (account, group, key), and its delay after
// the key's first action. Collective.
struct NeededActions {
  std::vector<Engaged> engaged;
  std::vector<std::int64_t> delays;
};
NeededActions needed_actions(const mpi::Comm &comm, std::span<const Action> actions,
                             const std::vector<Need> &needs, std::span<const KeyGroup> key_groups,
                             std::span<const KeyFirst> firsts,
                             const mpi::ExchangeOptions &exchange) {
  const auto asked_about = [&](std::uint64_t account) {
    const auto it = std::lower_bound(needs.begin(), needs.end(), Need{account, 0, 0});
    return it != needs.end() && it->account == account;
  };
  const auto needed = [&](std::uint64_t account, std::uint64_t group) {
    const auto it = std::lower_bound(needs.begin(), needs.end(), Need{account, group, 0});
    return it != needs.end() && it->account == account && it->group == group;
  };
  std::vector<Engaged> candidates;
  std::vector<std::uint64_t> keys;
  for (const auto &action : actions) {
    if (asked_about(action.account)) {
      candidates.push_back({action.account, 0, action.key, action.time_ms});
      keys.push_back(action.key);
    }
  }
  const auto groups = ask_key_owners(
      comm, keys, [&](std::uint64_t key) { return group_of(key_groups, key).group; }, exchange);
  const auto first_bits = ask_key_owners(
      comm, keys,
      [&](std::uint64_t key) {
        const auto it =
            std::lower_bound(firsts.begin(), firsts.end(), key,
                             [](const KeyFirst &f, std::uint64_t k) { return f.key < k; });
        if (it == firsts.end() || it->key != key)
          throw std::logic_error("engagement: a key without a first action");
        return std::bit_cast<std::uint64_t>(it->first_ms);
      },
      exchange);
  std::vector<std::pair<Engaged, std::int64_t>> kept; // (action, delay)
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    auto e = candidates[i];
    e.group = groups[i];
    if (needed(e.account, e.group))
      kept.emplace_back(e, e.time_ms - std::bit_cast<std::int64_t>(first_bits[i]));
  }
  const auto post_of = [](const Engaged &e) { return std::tie(e.account, e.group, e.key); };
  tbb::parallel_sort(kept.begin(), kept.end(), [&](const auto &x, const auto &y) {
    return std::make_tuple(x.first.account, x.first.group, x.first.key, x.second) <
           std::make_tuple(y.first.account, y.first.group, y.first.key, y.second);
  });
  NeededActions out;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (i > 0 && post_of(kept[i].first) == post_of(kept[i - 1].first))
      continue; // the account's first action on the post only
    out.engaged.push_back(kept[i].first);
    out.delays.push_back(kept[i].second);
  }
  return out;
}

// The delays each asker needs, at the asker, sorted by (account, group, delay). Collective.
std::vector<Delay> delays_at_askers(const mpi::Comm &comm, const std::vector<Need> &needs,
                                    const std::vector<Engaged> &engaged,
                                    const std::vector<std::int64_t> &delays,
                                    const mpi::ExchangeOptions &exchange) {
  std::vector<Delay> out;
  std::size_t e = 0;
  for (const auto &need : needs) {
    const auto before = [&](const Engaged &x) {
      return std::tie(x.account, x.group) < std::tie(need.account, need.group);
    };
    while (e < engaged.size() && before(engaged[e]))
      ++e;
    // From e: the same (account, group) asked by several ranks is sent to each.
    for (auto i = e;
         i < engaged.size() && engaged[i].account == need.account && engaged[i].group == need.group;
         ++i)
      out.push_back({need.account, need.group, delays[i], need.asker});
  }
  out = mpi::route(
      comm, std::move(out), [](const Delay &d) { return d.asker; }, exchange);
  tbb::parallel_sort(out.begin(), out.end(), [](const Delay &x, const Delay &y) {
    return std::tie(x.account, x.group, x.delay_ms) < std::tie(y.account, y.group, y.delay_ms);
  });
  return out;
}

// The sorted delays of (account, group) among `delays` (empty when it has none).
std::vector<std::int64_t> delays_for(const std::vector<Delay> &delays, std::uint64_t account,
                                     std::uint64_t group) {
  const auto order = [](const Delay &d, std::pair<std::uint64_t, std::uint64_t> k) {
    return std::tie(d.account, d.group) < std::tie(k.first, k.second);
  };
  auto it = std::lower_bound(delays.begin(), delays.end(), std::pair{account, group}, order);
  std::vector<std::int64_t> out;
  for (; it != delays.end() && it->account == account && it->group == group; ++it)
    out.push_back(it->delay_ms);
  return out;
}

} // namespace

double delay_overlap(std::span<const std::int64_t> u_sorted, std::span<const std::int64_t> v_sorted,
                     std::int64_t window_ms) {
  std::uint64_t within = 0;
  std::size_t low = 0, high = 0; // v's delays in [x - window, x + window] are [low, high)
  for (const auto x : u_sorted) {
    while (low < v_sorted.size() && v_sorted[low] < x - window_ms)
      ++low;
    high = std::max(high, low);
    while (high < v_sorted.size() && v_sorted[high] <= x + window_ms)
      ++high;
    within += high - low;
  }
  return static_cast<double>(within) /
         (static_cast<double>(u_sorted.size()) * static_cast<double>(v_sorted.size()));
}

double engaged_keys(std::uint64_t posts_u, std::uint64_t posts_v, double popularity,
                    double overlap) {
  const auto u = static_cast<double>(posts_u), v = static_cast<double>(posts_v);
  return std::min({u * v * popularity, u, v}) * overlap;
}

void add_engagement(const mpi::Comm &comm, std::span<const Action> actions,
                    std::span<const KeyGroup> key_groups, std::span<const std::size_t> priced,
                    std::int64_t window_ms, std::span<const std::uint64_t> account_begin,
                    const mpi::ExchangeOptions &exchange, CoactionResult &found) {
  const auto popularity = group_popularity(comm, found.key_firsts, key_groups, exchange);
  const auto needs = needs_at_owners(comm, found, priced, account_begin, exchange);
  const auto engaged = needed_actions(comm, actions, needs, key_groups, found.key_firsts, exchange);
  const auto delays = delays_at_askers(comm, needs, engaged.engaged, engaged.delays, exchange);

  std::vector<std::uint64_t> asked;
  for (const auto i : priced) {
    for (const auto &group : found.groups(i))
      asked.push_back(group.group);
  }
  const auto h = popularity_of(comm, asked, popularity, exchange);
  std::vector<std::size_t> first_asked(priced.size() + 1, 0);
  for (std::size_t p = 0; p < priced.size(); ++p)
    first_asked[p + 1] = first_asked[p] + found.groups(priced[p]).size();
  tbb::parallel_for(std::size_t{0}, priced.size(), [&](std::size_t p) {
    const auto i = priced[p];
    auto *group = found.group_items.data() + found.group_begin[i];
    for (std::size_t g = 0; g < found.groups(i).size(); ++g, ++group) {
      const auto u = delays_for(delays, found.pairs[i].a, group->group);
      const auto v = delays_for(delays, found.pairs[i].b, group->group);
      if (u.empty() || v.empty())
        throw std::logic_error("engagement: a co-acting account without delays to its group");
      group->engaged =
          engaged_keys(u.size(), v.size(), h[first_asked[p] + g], delay_overlap(u, v, window_ms));
      group->most_keys = std::min(u.size(), v.size());
    }
  });
}

} // namespace lockstep::detect
