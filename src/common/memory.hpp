// The memory one rank may use: the bound a user asks for (--memory-mb, [run] memory_megabytes),
// or else what Slurm allotted the job, or else half the node's memory, shared by the node's ranks.
// And where a rank may spill what does not fit (--scratch, else $TMPDIR, else /tmp).
#pragma once

#include <cstdint>
#include <string>

namespace lockstep {

inline constexpr double kBytesPerMegabyte = 1024.0 * 1024.0; // the MB of every bound and report

struct MemoryBound {
  std::uint64_t megabytes = 0; // per rank
  std::string source;          // where it came from, for the log and the manifest
  // Asked for or allotted by Slurm, so a run must keep to it; half the node is only a default.
  bool firm = true;
};

// `asked_megabytes` when not 0; else Slurm's --mem (SLURM_MEM_PER_NODE, shared by the node's
// ranks) or --mem-per-cpu (SLURM_MEM_PER_CPU times SLURM_CPUS_PER_TASK, a rank being one task);
// else half the node's physical memory over its ranks.
MemoryBound memory_bound(std::uint64_t asked_megabytes, int ranks_on_node);

// The largest resident memory of this process so far, in MB (getrusage's ru_maxrss).
double peak_resident_mb();

// Hands the heap's free pages back to the system (glibc's malloc_trim; nothing elsewhere): a
// phase that frees millions of small objects leaves them mapped, and the next phase would start
// where this one peaked.
void release_free_memory();

// The folder for spilled data: `asked` when not empty, else $TMPDIR (Slurm clusters point it at
// the job's node-local disk), else /tmp.
std::string scratch_folder(const std::string &asked);

} // namespace lockstep
