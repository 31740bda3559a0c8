// How many passes over the input ingest takes under a rank's memory bound, and which partitions
// each pass stores. The plan follows a measured model of a pass's peak; after each pass it is
// checked against what that pass held and what stays between passes, and the remaining
// partitions are cut finer when either was more than the plan said.
#pragma once

#include "common/config.hpp"
#include "common/memory.hpp"
#include "ingest/ingest.hpp"
#include "ingest/plan.hpp"
#include "mpi/comm.hpp"
#include "store/file.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace lockstep::ingest {

// The model, per rank: a pass peaks while it writes its rows, at up to 3.3 times their CSV bytes
// (2.7 measured on generated releases of 2*10^6 and 10^7 posts at 1 and 2 ranks, bench/ingest.sh;
// 3.2 on 4.4*10^7 posts at 2 ranks, bench/full_release.sh, whose first pass ran over a 10,000 MB
// bound at 2.7); beside them sit the runtime, a round's read, parse and exchange buffers (about 4
// input blocks), and the key strings of every pass so far (under 5% of the rank's CSV bytes).
// Since posts rest packed (packed_posts.hpp) a one-pass ingest of IO-archive rows peaks at 1.6
// times its CSV bytes, runtime included; 3.3 stays until a multi-pass release is measured again.
inline constexpr double kPassBytesPerInputByte = 3.3;
inline constexpr double kKeyBytesPerInputByte = 0.05;
inline constexpr double kBlocksInFlight = 4;

struct PassPlan {
  MemoryBound bound;
  double input_mb = 0;   // the input as CSV bytes: compressed files count 5 times, a store 6 times
  double reserve_mb = 0; // runtime, buffers in flight and key strings: beside every pass
  double buffers_mb = 0; // of which the buffers in flight
  double bytes_per_input_byte = kPassBytesPerInputByte; // the model's, or a pass's if more
  std::vector<PartitionRange> groups;                   // one per pass, in partition order

  // What a pass's rows may take: the bound less what sits beside them.
  double rows_budget_mb() const { return static_cast<double>(bound.megabytes) - reserve_mb; }
};

// The fewest contiguous groups of partitions [first, last) (of `partitions` in all, spread over
// `ranks`) whose largest share on one rank holds its rows in `budget_mb`: a share's rows are
// `factor` times its partitions' part of `input_mb`. One partition per group at most.
std::vector<PartitionRange> groups_within(std::uint32_t first, std::uint32_t last,
                                          std::uint32_t partitions, int ranks, double input_mb,
                                          double factor, double budget_mb);

// The plan for these inputs, and the store appended to when there is one (stored as
// `existing_store` says), into `partitions` partitions. A firm bound (asked for, or Slurm's) too
// small for one partition per pass is a UsageError that names the smallest bound that would do;
// the node's default only warns. Collective: every rank gets the same plan.
PassPlan plan_passes(const mpi::Comm &comm, const IngestConfig &config,
                     const std::vector<InputFile> &inputs, std::uint32_t partitions,
                     std::optional<store::Compression> existing_store);

// After pass `done` (an index into plan.groups), which started at `start_mb` resident and peaked
// at `peak_mb` on this rank, with `between_mb` resident now: the remaining partitions are cut
// again when some rank held more per input byte than planned, or holds more between passes than
// the plan set aside (the key strings and the writer's state of the passes so far). Returns
// whether the groups changed. Collective.
bool replan_after_pass(const mpi::Comm &comm, PassPlan &plan, std::size_t done, double start_mb,
                       double peak_mb, double between_mb);

} // namespace lockstep::ingest
