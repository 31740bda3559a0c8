// Ingest's passes under a memory bound: the model's plan, and its check after every pass.
#include "ingest/passes.hpp"

#include "common/error.hpp"
#include "common/log.hpp"
#include "common/phase_times.hpp"
#include "mpi/collectives.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>

namespace lockstep::ingest {

namespace {

// The input as CSV bytes: a compressed file expands about 5 times, an existing store (--append)
// about 6 times when deflated and 2 times when not (generated releases: 4.8 and 1.5).
double input_megabytes(const IngestConfig &config, const std::vector<InputFile> &inputs,
                       std::optional<store::Compression> existing_store) {
  double bytes = 0;
  for (const auto &input : inputs)
    bytes += static_cast<double>(input.size) * (input.compression == Compression::none ? 1 : 5);
  if (existing_store) {
    const double expands = *existing_store == store::Compression::deflate ? 6 : 2;
    bytes += static_cast<double>(std::filesystem::file_size(config.store_path)) * expands;
  }
  return bytes / kBytesPerMegabyte;
}

// The CSV megabytes of the largest share of a group of `size` partitions on one rank.
double largest_share_mb(std::uint32_t size, std::uint32_t partitions, int ranks, double input_mb) {
  const auto r = static_cast<std::uint32_t>(ranks);
  return static_cast<double>((size + r - 1) / r) * input_mb / static_cast<double>(partitions);
}

std::vector<PartitionRange> cut(std::uint32_t first, std::uint32_t last, std::uint32_t groups) {
  const std::uint64_t n = last - first;
  std::vector<PartitionRange> out;
  for (std::uint64_t g = 0; g < groups; ++g) {
    out.push_back({static_cast<std::uint32_t>(first + g * n / groups),
                   static_cast<std::uint32_t>(first + (g + 1) * n / groups)});
  }
  return out;
}

} // namespace

std::vector<PartitionRange> groups_within(std::uint32_t first, std::uint32_t last,
                                          std::uint32_t partitions, int ranks, double input_mb,
                                          double factor, double budget_mb) {
  const std::uint32_t n = last - first;
  if (n == 0)
    return {};
  for (std::uint32_t groups = 1; groups < n; ++groups) {
    const std::uint32_t largest = (n + groups - 1) / groups;
    if (factor * largest_share_mb(largest, partitions, ranks, input_mb) <= budget_mb)
      return cut(first, last, groups);
  }
  return cut(first, last, n);
}

PassPlan plan_passes(const mpi::Comm &comm, const IngestConfig &config,
                     const std::vector<InputFile> &inputs, std::uint32_t partitions,
                     std::optional<store::Compression> existing_store) {
  PassPlan plan;
  plan.bound = memory_bound(config.memory_megabytes, comm.ranks_on_node());
  plan.input_mb = input_megabytes(config, inputs, existing_store);
  plan.buffers_mb = kBlocksInFlight * static_cast<double>(config.block_megabytes);
  plan.reserve_mb = mpi::allreduce(comm, resident_mb(), mpi::Op::max) + plan.buffers_mb +
                    kKeyBytesPerInputByte * plan.input_mb / comm.size();
  const auto bound_mb = static_cast<double>(plan.bound.megabytes);
  // The smallest pass: one partition, on one rank.
  const double smallest_mb = std::ceil(plan.reserve_mb + plan.bytes_per_input_byte * plan.input_mb /
                                                             static_cast<double>(partitions));
  if (bound_mb < smallest_mb) {
    const auto message = fmt::format(
        "ingest: {} MB per rank ({}) is too small for this input in {} partitions: a pass of one "
        "partition needs about {:.0f} MB. Give --memory-mb {:.0f} or more, or more --partitions",
        plan.bound.megabytes, plan.bound.source, partitions, smallest_mb, smallest_mb);
    if (plan.bound.firm)
      throw UsageError(message);
    if (comm.is_root())
      log::warn("{}; going on with one partition per pass", message);
  }
  plan.groups = groups_within(0, partitions, partitions, comm.size(), plan.input_mb,
                              plan.bytes_per_input_byte, plan.rows_budget_mb());
  if (comm.is_root()) {
    log::info("ingest: memory per rank {} MB ({}); {:.0f} MB of input, {:.0f} MB beside the rows, "
              "rows planned at {:.1f} bytes per input byte: {} pass(es)",
              plan.bound.megabytes, plan.bound.source, plan.input_mb, plan.reserve_mb,
              plan.bytes_per_input_byte, plan.groups.size());
  }
  return plan;
}

bool replan_after_pass(const mpi::Comm &comm, PassPlan &plan, std::size_t done, double start_mb,
                       double peak_mb, double between_mb) {
  if (done + 1 >= plan.groups.size())
    return false;
  const auto partitions = plan.groups.back().last;
  const auto next = plan.groups[done + 1].first;
  const auto owned = owned_partitions(plan.groups[done], comm.rank(), comm.size());
  const double share_mb = static_cast<double>(owned.last - owned.first) * plan.input_mb /
                          static_cast<double>(partitions);
  const double held = share_mb > 0 ? (peak_mb - start_mb - plan.buffers_mb) / share_mb : 0;
  const double rate = std::max(plan.bytes_per_input_byte, mpi::allreduce(comm, held, mpi::Op::max));
  // What stays beside the next passes' rows: what a rank holds between passes now, the buffers,
  // and the key strings of the passes to come.
  const double keys_to_come_mb = kKeyBytesPerInputByte * plan.input_mb *
                                 static_cast<double>(partitions - next) /
                                 static_cast<double>(partitions) / comm.size();
  const double reserve = std::max(plan.reserve_mb, mpi::allreduce(comm, between_mb, mpi::Op::max) +
                                                       plan.buffers_mb + keys_to_come_mb);
  if (rate == plan.bytes_per_input_byte && reserve == plan.reserve_mb)
    return false;
  plan.bytes_per_input_byte = rate;
  plan.reserve_mb = reserve;
  auto rest = groups_within(next, partitions, partitions, comm.size(), plan.input_mb, rate,
                            plan.rows_budget_mb());
  const auto planned = plan.groups.size() - done - 1;
  if (rest.size() <= planned)
    return false;
  if (comm.is_root()) {
    log::info("ingest: pass {} held {:.1f} bytes per input byte and {:.0f} MB stay beside the "
              "rows, more than planned; the other partitions go in {} passes instead of {}",
              done + 1, rate, reserve, rest.size(), planned);
  }
  plan.groups.resize(done + 1);
  plan.groups.insert(plan.groups.end(), rest.begin(), rest.end());
  return true;
}

} // namespace lockstep::ingest
