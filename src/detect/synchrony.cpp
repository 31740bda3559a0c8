// Synchrony's actions and window rule.
#include "detect/synchrony.hpp"

#include "detect/significance.hpp"
#include "mpi/collectives.hpp"

#include <algorithm>

namespace lockstep::detect {

namespace {

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kHourMs = 60 * kMinuteMs;
constexpr std::uint8_t kOriginal = 0; // /posts kind

} // namespace

std::int64_t synchrony_key_ms(std::int64_t window_ms) {
  const auto bin = null_bin_ms(window_ms);
  return bin * std::max<std::int64_t>(1, (kHourMs + bin - 1) / bin);
}

std::vector<Action> synchrony_actions(const PostTable &posts, std::int64_t key_ms) {
  std::vector<Action> out;
  for (std::size_t row = 0; row < posts.kind.size(); ++row) {
    if (posts.kind[row] != kOriginal)
      continue;
    if (!posts.content_id.empty() && !posts.content_id[row].empty())
      continue; // an action table's row
    const auto time = posts.time_ms[row];
    out.push_back({static_cast<std::uint64_t>(bin_of(time, key_ms) * key_ms), time,
                   posts.account[row], posts.rows.begin + row});
  }
  return out;
}

WindowRule synchrony_rule(const mpi::Comm &comm, std::span<const Action> actions, WindowRule rule) {
  std::uint64_t whole_minutes = 0;
  for (const auto &action : actions)
    whole_minutes += action.time_ms % kMinuteMs == 0;
  const auto minutes = mpi::allreduce(comm, whole_minutes, mpi::Op::sum);
  const auto total = mpi::allreduce(comm, static_cast<std::uint64_t>(actions.size()), mpi::Op::sum);
  if (2 * minutes > total)
    rule.window_ms = std::max(rule.window_ms, kMinuteMs - 1);
  return rule;
}

} // namespace lockstep::detect
