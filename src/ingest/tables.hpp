// The owners' half of ingest: deduplicate and sort the rows of the partitions a rank owns, derive
// the action and interaction tables, and append every table to the store collectively. Inputs
// larger than memory go through in groups of partitions, appended one after the other; the keys,
// dictionaries, index and attributes follow at the end, and the file is renamed into place only
// when complete. Also reads a store back into rows for --append.
#pragma once

#include "common/byte_arena.hpp"
#include "common/chunked_rows.hpp"
#include "common/hash_slots.hpp"
#include "ingest/ingest.hpp"
#include "ingest/packed_accounts.hpp"
#include "ingest/packed_posts.hpp"
#include "ingest/rows.hpp"
#include "mpi/comm.hpp"
#include "store/file.hpp"

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::ingest {

struct OwnedRows {
  PackedPosts posts;
  // One profile per account as they arrive, but for ids whose hashes collide (merge_accounts
  // settles those): each tweets row carries its author's profile.
  PackedAccounts accounts;
  std::vector<SnapshotRow> snapshots;
  std::vector<FollowRow> follows;
  std::uint64_t existing_posts = 0; // posts read back from the store being appended to

  // Keeps `account` unless its account has a profile here that merge_accounts would choose over
  // it (the users file's, then the first by file and line); a profile it would not is replaced.
  void add_account(AccountRow &&account);
  // Frees the index add_account keeps (its profiles stay): the rows are all in.
  void stop_adding_accounts();

private:
  HashSlots account_at_; // hash64(id) -> its profile
};

struct StoreInfo {
  std::uint32_t partitions = 0;
  std::string input_format;
  store::Compression compression = store::Compression::none; // of the columns
  std::vector<std::string> files; // every input ever ingested, in file-index order
};

struct StoreCounts {
  std::uint64_t posts = 0, accounts = 0, actions = 0, interactions = 0, duplicates = 0;
  std::uint64_t snapshots = 0, follows = 0;
  std::map<std::string, std::uint64_t> time_sources;
};

// Low-cardinality labels, stored as ids into sorted dictionaries.
struct Labels {
  std::vector<std::string> clients, languages;
};
// The sorted union of every rank's labels. Collective.
Labels global_labels(const mpi::Comm &comm, const Labels &local);

// The string behind a key of an action or interaction; its value lies in a KeyStrings' chunks.
struct KeyString {
  std::uint64_t key = 0;
  std::string_view value;
  std::uint8_t signal = 0;
};

// The key strings of every group so far, their bytes packed in chunks: as a vector of
// std::strings, QUT's 145,700 content ids peaked at 32 MB while they were gathered; here they take
// 32 bytes each beside their 36 (10 MB).
class KeyStrings {
public:
  void add(std::uint64_t key, std::uint8_t signal, std::string_view value); // copies the value
  // Sorts the keys by (key, signal, value) and keeps one of each, in new chunks of their own.
  void compact();
  std::size_t size() const { return keys_.size(); }
  const KeyString &operator[](std::size_t i) const { return keys_[i]; }
  const ChunkedRows<KeyString> &keys() const { return keys_; }

private:
  ChunkedRows<KeyString> keys_; // grown without copies: a vector's doublings were 12 MB more
  ByteArena bytes_;
};

class StoreWriter {
public:
  // Creates the store under a temporary name beside `path`; the posts' columns are appended
  // `post_stage_rows` posts at a time. Collective.
  StoreWriter(const mpi::Comm &comm, const std::string &path, StoreInfo info, Labels labels,
              std::uint64_t post_stage_rows);
  // Without finish(), the temporary file is removed.
  ~StoreWriter();
  StoreWriter(const StoreWriter &) = delete;
  StoreWriter &operator=(const StoreWriter &) = delete;

  // Appends the rows of the partitions this rank owns in the current group (sorting them and
  // dropping duplicates; the caller frees them). Groups come in partition order, and within a
  // group rank order is partition order. Collective.
  void add_group(OwnedRows &rows, PartitionRange owned, PhaseTimes &times);
  // Writes keys, dictionaries, the partition index and the attributes, closes the file and
  // renames it into place. Collective.
  StoreCounts finish(const IngestSummary &summary, PhaseTimes &times);

private:
  void collect_counts(std::vector<std::uint64_t> &all,
                      const std::vector<std::uint64_t> &owned_counts);

  mpi::Comm comm_;
  std::string path_, temporary_;
  StoreInfo info_;
  Labels labels_;
  std::optional<store::File> file_;
  std::uint64_t post_stage_rows_ = 0;
  std::uint64_t accounts_written_ = 0, posts_written_ = 0; // global rows so far
  std::uint64_t duplicates_ = 0, existing_posts_ = 0;      // this rank's
  std::array<std::uint64_t, 3> time_sources_{};
  // Rank 0: rows per partition of accounts, posts, actions, interactions, snapshots, follows.
  std::array<std::vector<std::uint64_t>, 6> index_counts_;
  KeyStrings keys_;
};

// What --append needs to know of an existing store before reading any rows. Collective.
struct ExistingStore {
  std::uint32_t partitions = 0;
  std::string input_format;
  store::Compression compression = store::Compression::none; // of its columns
  std::vector<std::string> files;
  Labels labels;
};
ExistingStore read_existing_meta(const mpi::Comm &comm, const std::string &path);

// Reads the rows of partitions `owned` (this rank's share of the current group) into `rows`,
// which must be empty. Collective.
void read_existing_rows(const mpi::Comm &comm, const std::string &path, PartitionRange owned,
                        OwnedRows &rows);

} // namespace lockstep::ingest
