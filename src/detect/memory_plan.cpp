// detect's memory plan: measured runtime, counted partitions, and the working set they leave.
#include "detect/memory_plan.hpp"

#include "common/error.hpp"
#include "common/log.hpp"
#include "common/memory.hpp"
#include "mpi/collectives.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace lockstep::detect {

namespace {

constexpr double kSmallestWorkingSetMb = 64; // the signal in hand at the least

} // namespace

double smallest_working_mb(const DetectConfig &config) {
  return 2.0 * static_cast<double>(config.exchange_megabytes) + kSmallestWorkingSetMb;
}

MemoryPlan unbounded_plan(const DetectConfig &config) {
  MemoryPlan plan;
  plan.pair_budget_bytes = 4 * (config.exchange_megabytes << 20);
  return plan;
}

MemoryPlan plan_memory(const mpi::Comm &comm, const DetectConfig &config, const PartitionData &data,
                       double runtime_mb) {
  const auto bound = memory_bound(config.memory_megabytes, comm.ranks_on_node());
  MemoryPlan plan = unbounded_plan(config);
  plan.bound_mb = bound.megabytes;
  plan.source = bound.source;
  plan.firm = bound.firm;
  plan.scratch = scratch_folder(config.scratch);
  plan.runtime_mb = mpi::allreduce(comm, runtime_mb, mpi::Op::max);
  plan.data_mb =
      mpi::allreduce(comm, static_cast<double>(held_bytes(data)) / kBytesPerMegabyte, mpi::Op::max);
  plan.working_mb = static_cast<double>(plan.bound_mb) - plan.runtime_mb - plan.data_mb;
  const double smallest = smallest_working_mb(config);
  if (plan.working_mb < smallest) {
    const auto needed =
        static_cast<std::uint64_t>(std::ceil(plan.runtime_mb + plan.data_mb + smallest));
    const auto why = fmt::format(
        "detect's memory bound of {} MB per rank ({}) is too small for this store on {} rank(s): "
        "the runtime takes {:.0f} MB, a rank's partitions up to {:.0f} MB, and the phases at "
        "least {:.0f} MB (two exchange rounds of {} MB and a working set)",
        plan.bound_mb, bound.source, comm.size(), plan.runtime_mb, plan.data_mb, smallest,
        config.exchange_megabytes);
    if (bound.firm)
      throw UsageError(
          fmt::format("{}. Give --memory-mb {} or more, or run on more ranks", why, needed));
    log::warn("{}; running with {} MB per rank (set --memory-mb to choose)", why, needed);
    plan.bound_mb = needed;
    plan.working_mb = smallest;
  }
  const double spare =
      (plan.working_mb - 2.0 * static_cast<double>(config.exchange_megabytes)) * kBytesPerMegabyte;
  // A round of co-action records takes about 4 times its budget by the time its pairs are tested
  // (records, pairs with evidence and groups, tests); tested pairs are held twice over (the
  // signal's own, then the parts'): an eighth each leaves a quarter for the rest.
  plan.pair_budget_bytes = std::max<std::size_t>(
      std::size_t{1} << 20, std::min(plan.pair_budget_bytes, static_cast<std::size_t>(spare / 8)));
  plan.tested_bytes = static_cast<std::size_t>(spare / 8);
  return plan;
}

} // namespace lockstep::detect
