// The results of `lockstep detect`, written into RESULTS_DIR (data-schema/results.md):
// accounts.csv, clusters.csv, edges.csv, evidence.csv, coordination.gexf, results.h5 and
// manifest.json. Every file is written under
// a temporary name and renamed only when all of them are complete.
#pragma once

#include "cluster/clusters.hpp"
#include "common/config.hpp"
#include "common/phase_times.hpp"
#include "detect/detect.hpp"
#include "detect/partition_data.hpp"
#include "mpi/comm.hpp"

#include <functional>
#include <string>
#include <vector>

namespace lockstep::report {

inline constexpr const char *kResultsFormat = "lockstep-results";
// 2: /edges/log10_p_popularity, /edges/provisional, the root log10_p_popularity_threshold.
// 3: /edges/recruited (cluster/recruit.hpp).
inline constexpr std::int64_t kResultsVersion = 3;

struct RunInfo {
  std::string effective_job; // the configuration as TOML
  int ranks = 1;
  int threads = 1;
  double seconds = 0;
  std::vector<std::string> resumed_steps; // taken from an interrupted run's checkpoint
  std::string store_digest; // XXH3 of the store when the caller has it; empty: read the store
  // The caller's open phase that writes these results: the manifest counts it up to itself.
  const ScopedPhase *writing = nullptr;
  // Called on every rank once every file is written, before rank 0 publishes them (manifest,
  // renames): the detect command ends MPI there, timed as a phase it adds to `times`. When set,
  // write_results makes no MPI call after it.
  std::function<void(PhaseTimes &times)> before_publishing = {};
};

// Writes every results file. Collective.
void write_results(const mpi::Comm &comm, const DetectConfig &config,
                   const detect::PartitionData &data, const detect::DetectResult &result,
                   const cluster::ClusterResult &clusters, const RunInfo &run);

} // namespace lockstep::report
