// Where a rank's memory bound comes from: the user, Slurm's allocation, or the node.
#include "common/memory.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fmt/format.h>
#include <string_view>
#include <sys/resource.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace lockstep {

namespace {

// A positive integer environment variable, or 0 (unset, empty or not a number).
std::uint64_t environment_number(const char *name) {
  const char *value = std::getenv(name);
  if (value == nullptr)
    return 0;
  const std::string_view text(value);
  std::uint64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  return error == std::errc() && end == text.data() + text.size() ? number : 0;
}

} // namespace

MemoryBound memory_bound(std::uint64_t asked_megabytes, int ranks_on_node) {
  const auto ranks = static_cast<std::uint64_t>(std::max(1, ranks_on_node));
  if (asked_megabytes > 0)
    return {asked_megabytes, "--memory-mb"};
  if (const auto per_node = environment_number("SLURM_MEM_PER_NODE"); per_node > 0) {
    return {per_node / ranks,
            fmt::format("Slurm's --mem={}M over {} rank(s) on the node", per_node, ranks)};
  }
  if (const auto per_cpu = environment_number("SLURM_MEM_PER_CPU"); per_cpu > 0) {
    const auto cpus = std::max<std::uint64_t>(1, environment_number("SLURM_CPUS_PER_TASK"));
    return {per_cpu * cpus,
            fmt::format("Slurm's --mem-per-cpu={}M times {} CPU(s) per task", per_cpu, cpus)};
  }
  const double bytes =
      static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  const auto node_megabytes = static_cast<std::uint64_t>(bytes / kBytesPerMegabyte);
  return {node_megabytes / 2 / ranks,
          fmt::format("half the node's {} MB over {} rank(s)", node_megabytes, ranks), false};
}

double peak_resident_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

void release_free_memory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

std::string scratch_folder(const std::string &asked) {
  if (!asked.empty())
    return asked;
  const char *tmpdir = std::getenv("TMPDIR");
  return tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
}

} // namespace lockstep
