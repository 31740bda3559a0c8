// `lockstep ingest`: every rank reads byte ranges of the inputs, parses its records with oneTBB,
// sends each row to the owner of its account's partition, and the owners write one store
// collectively. Rows read = rows stored + duplicates + rows rejected, always.
#pragma once

#include "common/config.hpp"
#include "common/phase_times.hpp"
#include "mpi/comm.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lockstep::ingest {

struct IngestSummary {
  std::uint64_t rows_read = 0; // data records in all inputs (headers excluded)
  std::uint64_t rows_rejected = 0;
  std::uint64_t duplicates = 0; // posts seen before (same tweetid, or same action)
  std::uint64_t posts = 0, accounts = 0, actions = 0, interactions = 0;
  std::uint64_t non_post_rows =
      0;                       // rows that carry no post: users-file profiles, snapshots, follows
  std::uint64_t snapshots = 0; // follower snapshots stored
  std::uint64_t follows = 0;   // follows stored (one per account and followed account)
  std::uint64_t bytes_read = 0;
  std::map<std::string, std::uint64_t> rejects_by_reason;
  // Rows kept after a mend (ingest/parse.hpp Repairs): "empty list element skipped" (elements)
  // and "retweet keyed by its text" (retweets without retweet_tweetid)
  std::map<std::string, std::uint64_t> repairs_by_reason;
  std::map<std::string, std::uint64_t> time_sources; // snowflake / tweet_time / timestamp
  std::string rejects_path;
  std::size_t groups = 1; // passes over the input, one per group of partitions
  // The pass plan (ingest/passes.hpp): the bound per rank and its source, the input as CSV
  // megabytes, what sits beside a pass's rows, and the rows' bytes per input byte it planned with.
  std::uint64_t memory_bound_mb = 0;
  std::string memory_source;
  double input_mb = 0, reserve_mb = 0, bytes_per_input_byte = 0;
  double seconds = 0;
  PhaseTimes times; // rank 0's time per phase
  // The rows of an ingest in one pass, still held: freeing them string by string took 0.7 s of a
  // 3.8 s ingest of 702,500 action rows. A command that exits next leaves them to the exit
  // (run_ingest); any other caller frees them with the summary.
  std::shared_ptr<void> last_pass_rows;
};

// Called on every rank once the store is complete, before rank 0 writes the store's manifest:
// the ingest command ends MPI there (mpi::finalize), timed as a phase it adds to `times`.
using BeforeManifest = std::function<void(PhaseTimes &times)>;

IngestSummary ingest(const mpi::Comm &comm, const IngestConfig &config,
                     const BeforeManifest &before_manifest = {});

// Partitions [first, last).
struct PartitionRange {
  std::uint32_t first = 0, last = 0;
  bool contains(std::uint32_t partition) const { return partition >= first && partition < last; }
};

// The share of `group` that rank `rank` of `ranks` owns: contiguous, in rank order.
PartitionRange owned_partitions(PartitionRange group, int rank, int ranks);

} // namespace lockstep::ingest
