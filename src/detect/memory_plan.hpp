// How one rank of detect spends its memory bound (DetectConfig::memory_megabytes): what the
// runtime and the partitions take, the co-action records the engine holds at once, and the tested
// pairs held before they spill to scratch. Results are the same under any plan.
#pragma once

#include "common/config.hpp"
#include "detect/partition_data.hpp"
#include "mpi/comm.hpp"

#include <cstdint>
#include <limits>
#include <string>

namespace lockstep::detect {

struct MemoryPlan {
  std::uint64_t bound_mb = 0; // per rank; 0: none
  std::string source;         // where the bound came from (common/memory.hpp)
  bool firm = false;          // asked for or Slurm's: a phase that cannot keep to it stops
  double runtime_mb = 0;      // resident before the store was read, largest over ranks
  double data_mb = 0;         // the partitions as read, largest over ranks
  double working_mb = 0;      // what is left of the bound for the phases
  std::size_t pair_budget_bytes = std::size_t{1} << 30; // EngineOptions::pair_budget_bytes
  std::size_t tested_bytes = std::numeric_limits<std::size_t>::max(); // held before spilling
  std::string scratch;                                                // the spill folder
};

// What the phases need besides the runtime and the partitions, at the least: the exchange
// buffers (a round sent and one received) and a small working set.
double smallest_working_mb(const DetectConfig &config);

// No bound: the engine holds 4 exchange rounds of records, nothing spills.
MemoryPlan unbounded_plan(const DetectConfig &config);

// The plan for `config.memory_megabytes` (or Slurm's allocation, or half the node's memory) on
// this store: past the exchange rounds, an eighth of the working set for a round of the engine's
// records (a round takes about 4 times that until it is tested) and an eighth for tested pairs
// held, the rest left for the other structures of the phase in hand. Throws UsageError, on every
// rank, when a firm bound (asked for, or Slurm's) leaves less than smallest_working_mb, naming the
// smallest bound that would do; past the default bound (half the node) it warns and runs with the
// smallest working set. Collective.
MemoryPlan plan_memory(const mpi::Comm &comm, const DetectConfig &config, const PartitionData &data,
                       double runtime_mb);

} // namespace lockstep::detect
