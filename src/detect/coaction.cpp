// The co-action engine: shuffle by key, sort by time, window scan, route pairs, aggregate.
#include "detect/coaction.hpp"

#include "common/hash.hpp"
#include "common/log.hpp"
#include "common/time.hpp"
#include "mpi/collectives.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <functional>
#include <memory>
#include <tbb/combinable.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/parallel_sort.h>
#include <tbb/task_arena.h>
#include <tuple>

namespace lockstep::detect {

namespace {

std::int64_t abs_dt(const CoactionPair &p) {
  return p.time_a > p.time_b ? p.time_a - p.time_b : p.time_b - p.time_a;
}

auto pair_order(const CoactionPair &p) {
  return std::make_tuple(p.a, p.b, p.key, p.time_a, p.time_b, p.post_a, p.post_b);
}

// Which pairs one pass keeps: those whose home account is in slice `round` of `rounds` of its
// owner's account range, so a pair is whole in one round.
struct RoundSlice {
  std::span<const std::uint64_t> account_begin;
  std::uint64_t rounds = 1, round = 0;

  // The round whose slice holds `account`.
  std::uint64_t slice_of(std::uint64_t account) const {
    const auto r = static_cast<std::size_t>(partition::owner_of(account_begin, account));
    const auto first = account_begin[r], size = account_begin[r + 1] - first;
    return (account - first) * rounds / size;
  }
  bool contains(std::uint64_t a, std::uint64_t b) const {
    return rounds == 1 || slice_of(partition::home_account(a, b)) == round;
  }
};

// What the first round's scan leaves the later ones, per action (in keyed order), so that each
// walks only the windows that can hold a pair of its slice (scan_run_in_slice).
struct WindowEnds {
  bool recorded = false;
  std::vector<std::uint32_t> partners_end; // one past the last partner it looks at, from itself
  std::vector<std::uint32_t> slice;        // RoundSlice::slice_of its account
};

// The pair of x (the earlier action) and y, appended to `out` when `slice` keeps it, stamped
// with the key's group.
void keep_pair(const Action &x, const Action &y, const RoundSlice &slice, const KeyGroup &group,
               std::vector<CoactionPair> &out) {
  const bool x_first = x.account < y.account;
  const Action &lo = x_first ? x : y;
  const Action &hi = x_first ? y : x;
  if (slice.contains(lo.account, hi.account))
    out.push_back({lo.account, hi.account, x.key, lo.time_ms, hi.time_ms, lo.post, hi.post,
                   group.group, group.share});
}

// Scans one key's run: counts into `totals` and, with `out`, emits the pairs `slice` keeps.
// Every pair is stamped with the key's group. With `partners_end`, records for each action i
// where the partners it looks at end (relative to i).
void scan_run(std::span<const Action> by_time, const WindowRule &rule, const PairFilter *filter,
              const RoundSlice &slice, const KeyGroup &group, std::vector<CoactionPair> *out,
              ScanTotals &totals, std::uint32_t *partners_end = nullptr) {
  totals.actions += by_time.size();
  totals.keys += 1;
  bool capped = false;
  std::size_t end = 0; // one past the last action inside the window of action i
  for (std::size_t i = 0; i < by_time.size(); ++i) {
    const Action &x = by_time[i];
    end = std::max(end, i + 1);
    while (end < by_time.size() && by_time[end].time_ms - x.time_ms <= rule.window_ms)
      ++end;
    std::uint64_t partners_here = 0, emitted_here = 0;
    std::size_t j = i + 1;
    for (; j < end; ++j) {
      const Action &y = by_time[j];
      if (y.account == x.account)
        continue;
      if (partners_here == rule.hub_cap) {
        // The rest of the window is counted, not walked: a viral key can hold 10^9 pairs.
        totals.window_pairs += end - j;
        capped = true;
        break;
      }
      ++partners_here;
      if (filter != nullptr && !filter->accepts(x, y))
        continue;
      ++totals.window_pairs;
      ++emitted_here;
      if (out != nullptr)
        keep_pair(x, y, slice, group, *out);
    }
    if (partners_end != nullptr)
      partners_end[i] = static_cast<std::uint32_t>(j - i);
    totals.emitted_pairs += emitted_here;
  }
  totals.capped_keys += capped;
}

// A later round's scan of one key's run, emitting the same pairs of `slice` as scan_run does,
// from the first round's ends. A pair is in the slice only when one of its accounts is, so an
// action outside the slice is paired only with the partners inside it (`inside`: their
// positions, a buffer of the thread's).
void scan_run_in_slice(std::span<const Action> by_time, std::span<const std::uint32_t> ends,
                       std::span<const std::uint32_t> slices, const PairFilter *filter,
                       const RoundSlice &slice, const KeyGroup &group,
                       std::vector<std::uint32_t> &inside, std::vector<CoactionPair> &out) {
  inside.clear();
  for (std::size_t k = 0; k < by_time.size(); ++k) {
    if (slices[k] == slice.round)
      inside.push_back(static_cast<std::uint32_t>(k));
  }
  const auto pair_with = [&](const Action &x, std::size_t j) {
    const Action &y = by_time[j];
    if (y.account != x.account && (filter == nullptr || filter->accepts(x, y)))
      keep_pair(x, y, slice, group, out);
  };
  std::size_t next = 0; // the first inside position after i
  for (std::size_t i = 0; i < by_time.size() && !inside.empty(); ++i) {
    const auto stop = i + ends[i];
    while (next < inside.size() && inside[next] <= i)
      ++next;
    if (slices[i] == slice.round) {
      for (std::size_t j = i + 1; j < stop; ++j)
        pair_with(by_time[i], j);
    } else {
      for (std::size_t q = next; q < inside.size() && inside[q] < stop; ++q)
        pair_with(by_time[i], inside[q]);
    }
  }
}

// Start of each run of equal keys in `sorted`, plus the end.
std::vector<std::size_t> key_runs(std::span<const Action> sorted) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i == 0 || sorted[i].key != sorted[i - 1].key)
      starts.push_back(i);
  }
  starts.push_back(sorted.size());
  return starts;
}

// Where each account pair's run starts in records sorted by pair, plus the end.
std::vector<std::size_t> pair_runs(std::span<const CoactionPair> sorted) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i == 0 || sorted[i].a != sorted[i - 1].a || sorted[i].b != sorted[i - 1].b)
      starts.push_back(i);
  }
  starts.push_back(sorted.size());
  return starts;
}

// One pass over every key's run in parallel: the totals, and with `emit` the pairs of `slice`, one
// part per thread. Each thread's part reserves room for `expected` pairs split over the threads
// (with a quarter to spare), so it does not grow by copies; room it does not use is never touched.
// With `ends`, the pass records them, or once recorded walks by them (scan_run_in_slice; the
// totals are then left as they are).
std::vector<std::vector<CoactionPair>>
scan_all_keys(std::span<const Action> by_key_time, const std::vector<std::size_t> &runs,
              const WindowRule &rule, const PairFilter *filter, bool grouped,
              std::span<const KeyGroup> key_groups, const RoundSlice &slice, bool emit,
              std::uint64_t expected, ScanTotals &totals, WindowEnds *ends = nullptr) {
  // The threads that may scan: the arena's, unless --threads (a global_control) allows fewer.
  const auto threads = static_cast<std::uint64_t>(std::min<std::size_t>(
      static_cast<std::size_t>(tbb::this_task_arena::max_concurrency()),
      tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism)));
  const auto reserve = static_cast<std::size_t>((expected + expected / 4) / threads + 1);
  tbb::enumerable_thread_specific<std::vector<CoactionPair>> local_pairs;
  tbb::enumerable_thread_specific<std::vector<std::uint32_t>> inside;
  tbb::combinable<ScanTotals> local_totals;
  const auto scan = [&](std::size_t k, std::vector<CoactionPair> *out, ScanTotals &sum) {
    const auto begin = runs[k], size = runs[k + 1] - runs[k];
    const auto run = by_key_time.subspan(begin, size);
    const auto group =
        grouped && out != nullptr ? group_of(key_groups, run.front().key) : KeyGroup{};
    if (ends == nullptr)
      scan_run(run, rule, filter, slice, group, out, sum);
    else if (!ends->recorded)
      scan_run(run, rule, filter, slice, group, out, sum, ends->partners_end.data() + begin);
    else
      scan_run_in_slice(run, std::span(ends->partners_end).subspan(begin, size),
                        std::span(ends->slice).subspan(begin, size), filter, slice, group,
                        inside.local(), *out);
  };
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, runs.size() - 1),
                    [&](const tbb::blocked_range<std::size_t> &range) {
                      auto *out = emit ? &local_pairs.local() : nullptr;
                      if (out != nullptr && out->capacity() == 0)
                        out->reserve(reserve);
                      auto &sum = local_totals.local();
                      for (std::size_t k = range.begin(); k < range.end(); ++k)
                        scan(k, out, sum);
                    });
  local_totals.combine_each([&](const ScanTotals &part) { totals += part; });
  std::vector<std::vector<CoactionPair>> parts;
  for (auto &part : local_pairs)
    parts.push_back(std::move(part));
  return parts;
}

// Ends sized for the first round to record, with each action's slice; none for one round.
std::unique_ptr<WindowEnds> window_ends(std::span<const Action> keyed, const RoundSlice &slice) {
  if (slice.rounds == 1)
    return nullptr;
  auto ends = std::make_unique<WindowEnds>();
  ends->partners_end.resize(keyed.size());
  ends->slice.resize(keyed.size());
  tbb::parallel_for(std::size_t{0}, keyed.size(), [&](std::size_t k) {
    ends->slice[k] = static_cast<std::uint32_t>(slice.slice_of(keyed[k].account));
  });
  return ends;
}

// Reused buffers of one thread.
struct Scratch {
  std::vector<std::uint64_t> values;
  std::vector<std::int64_t> dts;
};

std::uint64_t count_distinct(std::vector<std::uint64_t> &values) {
  std::sort(values.begin(), values.end());
  return static_cast<std::uint64_t>(std::unique(values.begin(), values.end()) - values.begin());
}

// The groups of one pair's records, sorted by key, into `out` (cleared first), as
// CoactionResult::groups holds them; `by_share` is a reused buffer of (share, group) per key.
void collect_groups(std::span<const CoactionPair> sorted_by_key,
                    std::vector<std::pair<double, std::uint64_t>> &by_share,
                    std::vector<GroupShare> &out) {
  by_share.clear();
  for (std::size_t i = 0; i < sorted_by_key.size(); ++i) {
    if (i == 0 || sorted_by_key[i].key != sorted_by_key[i - 1].key)
      by_share.emplace_back(sorted_by_key[i].share, sorted_by_key[i].group);
  }
  std::sort(by_share.begin(), by_share.end(), [](const auto &x, const auto &y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
  });
  out.clear();
  for (std::size_t i = 0; i < by_share.size(); ++i) {
    if (i == 0 || by_share[i] != by_share[i - 1])
      out.push_back({by_share[i].first, 0, by_share[i].second});
    ++out.back().keys;
  }
}

PairSignal summarise(std::span<const CoactionPair> group, Scratch &scratch) {
  PairSignal s;
  s.a = group.front().a;
  s.b = group.front().b;
  s.coactions = group.size();
  if (group.size() == 1) { // most pairs: one co-action
    s.keys = s.posts_a = s.posts_b = s.posts_earlier = s.posts_later = 1;
    s.min_dt_ms = s.median_dt_ms = abs_dt(group.front());
    s.mean_dt_ms = static_cast<double>(s.min_dt_ms);
    return s;
  }
  s.keys = 1;
  for (std::size_t i = 1; i < group.size(); ++i)
    s.keys += group[i].key != group[i - 1].key;
  auto &values = scratch.values;
  values.clear();
  for (const auto &p : group)
    values.push_back(p.post_a);
  s.posts_a = count_distinct(values);
  values.clear();
  for (const auto &p : group)
    values.push_back(p.post_b);
  s.posts_b = count_distinct(values);
  values.clear();
  for (const auto &p : group)
    values.push_back(p.time_a <= p.time_b ? p.post_a : p.post_b);
  s.posts_earlier = count_distinct(values);
  values.clear();
  for (const auto &p : group)
    values.push_back(p.time_a <= p.time_b ? p.post_b : p.post_a);
  s.posts_later = count_distinct(values);

  auto &dts = scratch.dts;
  dts.clear();
  long double sum = 0;
  for (const auto &p : group) {
    dts.push_back(abs_dt(p));
    sum += static_cast<long double>(dts.back());
  }
  s.mean_dt_ms = static_cast<double>(sum / static_cast<long double>(group.size()));
  s.min_dt_ms = *std::min_element(dts.begin(), dts.end());
  const auto middle = dts.begin() + static_cast<std::ptrdiff_t>((dts.size() - 1) / 2);
  std::nth_element(dts.begin(), middle, dts.end());
  s.median_dt_ms = *middle;
  return s;
}

} // namespace

KeyGroup group_of(std::span<const KeyGroup> key_groups, std::uint64_t key) {
  const auto it = std::lower_bound(key_groups.begin(), key_groups.end(), key,
                                   [](const KeyGroup &g, std::uint64_t k) { return g.key < k; });
  return it != key_groups.end() && it->key == key ? *it : KeyGroup{key, 0, 0};
}

ScanTotals &ScanTotals::operator+=(const ScanTotals &other) {
  actions += other.actions;
  keys += other.keys;
  window_pairs += other.window_pairs;
  emitted_pairs += other.emitted_pairs;
  capped_keys += other.capped_keys;
  return *this;
}

void scan_key(std::span<const Action> by_time, const WindowRule &rule,
              std::vector<CoactionPair> &out, ScanTotals &totals, const PairFilter *filter) {
  scan_run(by_time, rule, filter, RoundSlice{}, KeyGroup{}, &out, totals);
}

double symmetry(const PairSignal &pair) {
  const auto low = std::min(pair.posts_earlier, pair.posts_later);
  const auto high = std::max(pair.posts_earlier, pair.posts_later);
  return high == 0 ? 0.0 : static_cast<double>(low) / static_cast<double>(high);
}

void sort_pairs(std::vector<CoactionPair> &pairs) {
  tbb::parallel_sort(pairs.begin(), pairs.end(), [](const CoactionPair &x, const CoactionPair &y) {
    return pair_order(x) < pair_order(y);
  });
}

std::vector<PairSignal> aggregate_pairs(std::span<const CoactionPair> sorted,
                                        std::vector<std::size_t> &group_begin) {
  group_begin = pair_runs(sorted);
  std::vector<PairSignal> out(group_begin.size() - 1);
  tbb::enumerable_thread_specific<Scratch> scratch;
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, out.size()),
      [&](const tbb::blocked_range<std::size_t> &range) {
        auto &mine = scratch.local();
        for (std::size_t g = range.begin(); g < range.end(); ++g) {
          out[g] =
              summarise(sorted.subspan(group_begin[g], group_begin[g + 1] - group_begin[g]), mine);
        }
      });
  return out;
}

namespace {

// Writes the out.size() co-actions of `group` closest in time to `out` (scratch: a reused buffer).
void write_closest(std::span<const CoactionPair> group, std::vector<CoactionPair> &scratch,
                   std::span<Evidence> out) {
  const auto evidence = [](const CoactionPair &p) {
    return Evidence{p.key, p.post_a, p.post_b, p.time_a, p.time_b};
  };
  if (group.size() == 1) { // most pairs
    if (!out.empty())
      out[0] = evidence(group[0]);
    return;
  }
  scratch.assign(group.begin(), group.end());
  const auto closer = [](const CoactionPair &p, const CoactionPair &q) {
    return std::make_tuple(abs_dt(p), p.key, p.time_a, p.post_a, p.post_b) <
           std::make_tuple(abs_dt(q), q.key, q.time_a, q.post_a, q.post_b);
  };
  const auto kept = static_cast<std::ptrdiff_t>(out.size());
  std::partial_sort(scratch.begin(), scratch.begin() + kept, scratch.end(), closer);
  std::transform(scratch.begin(), scratch.begin() + kept, out.begin(), evidence);
}

} // namespace

std::vector<Evidence> select_evidence(std::span<const CoactionPair> group, std::size_t limit) {
  std::vector<Evidence> out(std::min(limit, group.size()));
  std::vector<CoactionPair> scratch;
  write_closest(group, scratch, out);
  return out;
}

std::span<const GroupShare> CoactionResult::groups(std::size_t pair) const {
  if (group_begin.empty())
    return {};
  return std::span<const GroupShare>(group_items)
      .subspan(group_begin[pair], group_begin[pair + 1] - group_begin[pair]);
}

std::vector<Evidence> CoactionResult::evidence(std::size_t pair, std::size_t limit) const {
  const auto begin = evidence_begin[pair];
  const auto end = std::min(evidence_begin[pair + 1], begin + limit);
  return {evidence_items.begin() + static_cast<std::ptrdiff_t>(begin),
          evidence_items.begin() + static_cast<std::ptrdiff_t>(end)};
}

std::int64_t bin_of(std::int64_t time_ms, std::int64_t bin_ms) {
  return time::floor_div(time_ms, bin_ms);
}

BinAxis BinAxis::covering(std::int64_t first, std::int64_t last) {
  BinAxis axis;
  axis.first_bin = first;
  const auto pages = first <= last ? (last - first) / kPageBins + 1 : 0;
  for (std::int64_t p = 0; p < pages; ++p)
    axis.page_slot.push_back(p * kPageBins);
  axis.slots = static_cast<std::size_t>(pages * kPageBins);
  return axis;
}

bool BinAxis::holds(std::int64_t bin) const {
  if (bin < first_bin)
    return false;
  const auto page = static_cast<std::size_t>((bin - first_bin) / kPageBins);
  return page < page_slot.size() && page_slot[page] >= 0;
}

BinAxis bin_axis(const mpi::Comm &comm, std::span<const Action> actions, std::int64_t bin_ms) {
  std::int64_t earliest = INT64_MAX, latest = INT64_MIN;
  for (const auto &action : actions) {
    earliest = std::min(earliest, action.time_ms);
    latest = std::max(latest, action.time_ms);
  }
  earliest = mpi::allreduce(comm, earliest, mpi::Op::min);
  latest = mpi::allreduce(comm, latest, mpi::Op::max);
  const auto first = bin_of(earliest, bin_ms), last = bin_of(latest, bin_ms);
  BinAxis axis;
  axis.first_bin = first;
  if (first > last)
    return axis;
  std::vector<std::uint64_t> used(
      static_cast<std::size_t>((last - first) / BinAxis::kPageBins + 1));
  for (const auto &action : actions)
    used[static_cast<std::size_t>((bin_of(action.time_ms, bin_ms) - first) / BinAxis::kPageBins)] =
        1;
  used = mpi::allreduce(comm, std::span<const std::uint64_t>(used), mpi::Op::max);
  for (const auto page_used : used) {
    axis.page_slot.push_back(page_used ? static_cast<std::int64_t>(axis.slots) : -1);
    axis.slots += page_used ? BinAxis::kPageBins : 0;
  }
  return axis;
}

double KeyConcentration::at(std::int64_t bin) const {
  if (!axis.holds(bin))
    return 0;
  const auto i = axis.slot(bin);
  const auto n = actions[i];
  return n > 0 ? sum_squares[i] / (n * n) : 0;
}

void add_concentration(std::span<const Action> by_key_time, KeyConcentration &concentration) {
  std::size_t i = 0;
  while (i < by_key_time.size()) {
    const auto bin = bin_of(by_key_time[i].time_ms, concentration.bin_ms);
    const auto bin_end = (bin + 1) * concentration.bin_ms; // times sorted within a key
    std::size_t j = i + 1;
    while (j < by_key_time.size() && by_key_time[j].key == by_key_time[i].key &&
           by_key_time[j].time_ms < bin_end)
      ++j;
    const auto slot = concentration.axis.slot(bin);
    const auto count = static_cast<double>(j - i);
    concentration.actions[slot] += count;
    concentration.sum_squares[slot] += count * count;
    i = j;
  }
}

namespace {

struct RoundPlan {
  std::uint64_t rounds = 1;
  bool counted = false;          // a counting pass already filled the totals
  std::uint64_t local_pairs = 0; // at most how many pairs this rank's scan emits, all rounds
};

// At most how many pairs the scan emits: action i pairs with at most min(hub_cap, the actions
// after it in its window) others. One two-pointer pass per key, without walking the pairs; it
// overcounts only the pairs of an account with itself (and those a filter drops).
std::uint64_t pair_bound(std::span<const Action> keyed, const std::vector<std::size_t> &runs,
                         const WindowRule &rule) {
  return tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, runs.size() - 1), std::uint64_t{0},
      [&](const tbb::blocked_range<std::size_t> &range, std::uint64_t bound) {
        for (std::size_t k = range.begin(); k < range.end(); ++k) {
          const auto run = keyed.subspan(runs[k], runs[k + 1] - runs[k]);
          std::size_t end = 0;
          for (std::size_t i = 0; i < run.size(); ++i) {
            end = std::max(end, i + 1);
            while (end < run.size() && run[end].time_ms - run[i].time_ms <= rule.window_ms)
              ++end;
            bound += std::min<std::uint64_t>(end - i - 1, rule.hub_cap);
          }
        }
        return bound;
      },
      std::plus<>());
}

// How many rounds keep each rank's co-action records within the budget, from the pair bound;
// when a filter drops pairs and the bound does not fit, a counting pass first. Collective.
RoundPlan plan_rounds(const mpi::Comm &comm, std::span<const Action> keyed,
                      const std::vector<std::size_t> &runs, const WindowRule &rule,
                      const PairFilter *filter, std::size_t budget_bytes, ScanTotals &totals) {
  const auto ranks = static_cast<double>(comm.size());
  const auto rounds_for = [&](std::uint64_t pairs) {
    const double per_rank = static_cast<double>(pairs) * sizeof(CoactionPair) / ranks;
    return static_cast<std::uint64_t>(
        std::max(1.0, std::ceil(per_rank / static_cast<double>(budget_bytes))));
  };
  const auto local_bound = pair_bound(keyed, runs, rule);
  const auto at_most = mpi::allreduce(comm, local_bound, mpi::Op::sum);
  if (filter == nullptr || rounds_for(at_most) == 1)
    return {rounds_for(at_most), false, local_bound};
  scan_all_keys(keyed, runs, rule, filter, false, {}, RoundSlice{}, false, 0, totals);
  return {rounds_for(mpi::allreduce(comm, totals.emitted_pairs, mpi::Op::sum)), true,
          totals.emitted_pairs};
}

// Appends the groups of one round's pairs (records `sorted`, pair g's from group_begin[g]).
void add_round_groups(std::span<const CoactionPair> sorted,
                      const std::vector<std::size_t> &group_begin, CoactionResult &result) {
  const auto pairs = group_begin.size() - 1;
  const auto records = [&](std::size_t g) {
    return sorted.subspan(group_begin[g], group_begin[g + 1] - group_begin[g]);
  };
  struct Buffers {
    std::vector<std::pair<double, std::uint64_t>> by_share;
    std::vector<GroupShare> groups;
  };
  tbb::enumerable_thread_specific<Buffers> buffers;
  // Counted first, then written in place: no pair holds a vector of its own (most pairs have one
  // record, hence one group, and need no buffer at all).
  std::vector<std::size_t> count(pairs, 1);
  tbb::parallel_for(std::size_t{0}, pairs, [&](std::size_t g) {
    if (records(g).size() > 1) {
      auto &mine = buffers.local();
      collect_groups(records(g), mine.by_share, mine.groups);
      count[g] = mine.groups.size();
    }
  });
  if (result.group_begin.empty())
    result.group_begin.push_back(0);
  const auto first = result.group_begin.size() - 1; // where this round's pairs start
  for (const auto n : count)
    result.group_begin.push_back(result.group_begin.back() + n);
  result.group_items.resize(result.group_begin.back());
  tbb::parallel_for(std::size_t{0}, pairs, [&](std::size_t g) {
    auto *at = result.group_items.data() + result.group_begin[first + g];
    if (records(g).size() == 1) {
      *at = {records(g).front().share, 1, records(g).front().group};
      return;
    }
    auto &mine = buffers.local();
    collect_groups(records(g), mine.by_share, mine.groups);
    std::copy(mine.groups.begin(), mine.groups.end(), at);
  });
}

// Removes the records of pairs with fewer than `min_coactions` of them from records sorted by
// pair; returns how many pairs went.
std::uint64_t drop_sparse_pairs(std::vector<CoactionPair> &sorted, std::uint64_t min_coactions) {
  if (min_coactions <= 1)
    return 0;
  const auto runs = pair_runs(sorted);
  std::uint64_t dropped = 0;
  std::size_t kept = 0;
  for (std::size_t r = 0; r + 1 < runs.size(); ++r) {
    const auto begin = runs[r], end = runs[r + 1];
    if (end - begin < min_coactions) {
      ++dropped;
      continue;
    }
    std::move(sorted.begin() + std::ptrdiff_t(begin), sorted.begin() + std::ptrdiff_t(end),
              sorted.begin() + std::ptrdiff_t(kept));
    kept += end - begin;
  }
  sorted.resize(kept);
  return dropped;
}

// Aggregates one round's pairs (sorted) into `result`, keeping each pair's closest co-actions:
// they are written straight to their place in result.evidence_items; pairs under
// `min_coactions` are counted in result.sparse_pairs (this rank's) and dropped.
// With `grouped`, each pair's groups are appended to result.group_items too.
void add_round(std::vector<CoactionPair> &owned, std::size_t evidence_per_pair,
               std::uint64_t min_coactions, bool grouped, CoactionResult &result) {
  sort_pairs(owned);
  result.sparse_pairs += drop_sparse_pairs(owned, min_coactions);
  std::vector<std::size_t> group_begin;
  auto pairs = aggregate_pairs(owned, group_begin);
  auto &evidence_begin = result.evidence_begin;
  const auto first = evidence_begin.size() - 1; // evidence_begin[first] starts this round's pairs
  for (std::size_t g = 0; g < pairs.size(); ++g) {
    const auto size = group_begin[g + 1] - group_begin[g];
    evidence_begin.push_back(evidence_begin.back() + std::min(evidence_per_pair, size));
  }
  result.evidence_items.resize(evidence_begin.back());
  const std::span<const CoactionPair> sorted(owned);
  const std::span<Evidence> items(result.evidence_items);
  tbb::enumerable_thread_specific<std::vector<CoactionPair>> scratch;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, pairs.size()),
                    [&](const tbb::blocked_range<std::size_t> &range) {
                      auto &mine = scratch.local();
                      for (std::size_t g = range.begin(); g < range.end(); ++g) {
                        const auto from = evidence_begin[first + g];
                        write_closest(
                            sorted.subspan(group_begin[g], group_begin[g + 1] - group_begin[g]),
                            mine, items.subspan(from, evidence_begin[first + g + 1] - from));
                      }
                    });
  if (grouped)
    add_round_groups(sorted, group_begin, result);
  if (result.pairs.empty())
    result.pairs = std::move(pairs);
  else
    result.pairs.insert(result.pairs.end(), pairs.begin(), pairs.end());
}

// Forgets the pairs of a round handed to EngineOptions::on_round.
void drop_round(CoactionResult &result) {
  std::vector<PairSignal>().swap(result.pairs);
  result.evidence_begin.assign(1, 0);
  std::vector<Evidence>().swap(result.evidence_items);
  std::vector<std::size_t>().swap(result.group_begin);
  std::vector<GroupShare>().swap(result.group_items);
}

// Each key's first action and distinct accounts, from actions sorted by (key, time).
std::vector<KeyFirst> key_firsts(std::span<const Action> by_key_time,
                                 const std::vector<std::size_t> &runs) {
  std::vector<KeyFirst> firsts(runs.size() - 1);
  tbb::enumerable_thread_specific<std::vector<std::uint64_t>> scratch;
  tbb::parallel_for(std::size_t{0}, firsts.size(), [&](std::size_t k) {
    const auto run = by_key_time.subspan(runs[k], runs[k + 1] - runs[k]);
    auto &accounts = scratch.local();
    accounts.clear();
    for (const auto &action : run)
      accounts.push_back(action.account);
    firsts[k] = {run.front().key, run.front().time_ms, count_distinct(accounts)};
  });
  return firsts;
}

} // namespace

CoactionResult find_coactions(const mpi::Comm &comm, std::vector<Action> actions,
                              const WindowRule &rule, std::int64_t bin_ms,
                              std::span<const std::uint64_t> account_begin,
                              const EngineOptions &options) {
  CoactionResult result;
  auto &concentration = result.concentration;
  concentration.bin_ms = bin_ms;
  concentration.axis = bin_axis(comm, actions, bin_ms);
  concentration.actions.assign(concentration.axis.slots, 0);
  concentration.sum_squares.assign(concentration.axis.slots, 0);

  auto keyed = mpi::route(
      comm, std::move(actions),
      [&](const Action &action) { return partition::key_owner(action.key, comm.size()); },
      options.exchange);
  tbb::parallel_sort(keyed.begin(), keyed.end(), [](const Action &x, const Action &y) {
    return std::tie(x.key, x.time_ms, x.account, x.post) <
           std::tie(y.key, y.time_ms, y.account, y.post);
  });
  const auto runs = key_runs(keyed);
  if (options.grouped)
    result.key_firsts = key_firsts(keyed, runs);
  add_concentration(keyed, concentration);
  concentration.actions =
      mpi::allreduce(comm, std::span<const double>(concentration.actions), mpi::Op::sum);
  concentration.sum_squares =
      mpi::allreduce(comm, std::span<const double>(concentration.sum_squares), mpi::Op::sum);

  ScanTotals local_totals;
  const auto plan =
      plan_rounds(comm, keyed, runs, rule, options.filter, options.pair_budget_bytes, local_totals);
  result.rounds = plan.rounds;
  result.evidence_begin.push_back(0);
  auto ends = window_ends(keyed, RoundSlice{account_begin, result.rounds, 0});
  for (std::uint64_t round = 0; round < result.rounds; ++round) {
    ScanTotals round_totals;
    auto parts = scan_all_keys(keyed, runs, rule, options.filter, options.grouped,
                               options.key_groups, RoundSlice{account_begin, result.rounds, round},
                               true, plan.local_pairs / result.rounds, round_totals, ends.get());
    if (ends)
      ends->recorded = true;
    if (round == 0 && !plan.counted)
      local_totals = round_totals;
    if (result.rounds > 1)
      log::info("{} pairs: round {} of {} (the pairs of one slice of the accounts, under a "
                "budget of {} MB of records per rank)",
                options.label, round + 1, result.rounds, options.pair_budget_bytes >> 20);
    auto owned = mpi::route_parts(
        comm, std::move(parts),
        [&](const CoactionPair &pair) {
          return partition::pair_home(account_begin, pair.a, pair.b);
        },
        options.exchange);
    add_round(owned, options.evidence_per_pair, options.min_coactions, options.grouped, result);
    if (options.on_round) {
      std::vector<CoactionPair>().swap(owned);
      options.on_round(result);
      drop_round(result);
    }
  }
  result.sparse_pairs = mpi::allreduce(comm, result.sparse_pairs, mpi::Op::sum);

  const std::vector<std::uint64_t> counts{local_totals.actions, local_totals.keys,
                                          local_totals.window_pairs, local_totals.emitted_pairs,
                                          local_totals.capped_keys};
  const auto sums = mpi::allreduce(comm, std::span<const std::uint64_t>(counts), mpi::Op::sum);
  result.totals = {sums[0], sums[1], sums[2], sums[3], sums[4]};
  return result;
}

} // namespace lockstep::detect
