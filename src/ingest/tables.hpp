// The owners' half of ingest: deduplicate and sort the rows of the partitions this rank owns,
// derive the action and interaction tables, build the dictionaries, and write every table of the
// store collectively (to a temporary name, renamed when complete). Also reads a store back into
// rows for --append.
#pragma once

#include "ingest/ingest.hpp"
#include "ingest/rows.hpp"
#include "mpi/comm.hpp"

#include <map>
#include <string>
#include <vector>

namespace lockstep::ingest {

struct OwnedRows {
  std::vector<PostRow> posts;
  std::vector<AccountRow> accounts;
  std::vector<SnapshotRow> snapshots;
  std::uint64_t existing_posts = 0; // posts read back from the store being appended to
};

struct StoreInfo {
  std::uint32_t partitions = 0;
  std::string input_format;
  std::vector<std::string> files; // every input ever ingested, in file-index order
};

struct StoreCounts {
  std::uint64_t posts = 0, accounts = 0, actions = 0, interactions = 0, duplicates = 0;
  std::uint64_t snapshots = 0;
  std::map<std::string, std::uint64_t> time_sources;
};

StoreCounts write_store(const mpi::Comm &comm, const std::string &path, OwnedRows rows,
                        const StoreInfo &info, const IngestSummary &summary, PhaseTimes &times);

// Reads the rows of the partitions this rank owns from an existing store; returns its partition
// count and fills the list of files it was made from. Collective.
std::uint32_t read_existing(const mpi::Comm &comm, const std::string &path, OwnedRows &rows,
                            std::vector<std::string> &files);

} // namespace lockstep::ingest
