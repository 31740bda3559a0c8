// What one rank of `detect` reads from the store: whole partitions, rank r of R taking partitions
// [ceil(r P / R), ceil((r+1) P / R)). Rows are those of every account-owned table for these
// partitions; dense account ids and post rows stay global, so results do not depend on R.
#pragma once

#include "mpi/comm.hpp"
#include "store/strings.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::detect {

// A contiguous slice of a global table: rows [begin, begin + count).
struct RowRange {
  std::uint64_t begin = 0;
  std::uint64_t count = 0;
};

struct AccountTable {
  RowRange rows; // dense account ids owned by this rank
  store::StringColumn id, screen_name;
  store::StringColumn label; // --label-column's value; "" = none
  std::vector<std::uint64_t> key, post_count;
  std::vector<std::int32_t> created_day; // days since 1970; store::schema::kUnknownDay if unknown
  std::vector<std::int64_t> followers, following;
};

struct PostTable {
  RowRange rows;
  std::vector<std::uint64_t> post_id, account, text_key;
  std::vector<std::int64_t> time_ms;
  std::vector<std::uint8_t> kind; // 0 original, 1 retweet, 2 reply, 3 quote
  std::vector<std::uint32_t> client;
  store::StringColumn content_id; // the action table's ids; empty for IO-archive stores
  store::StringColumn text;       // read only for near-duplicate detection
};

struct ActionTable {
  std::vector<std::uint64_t> account, key, post;
  std::vector<std::uint8_t> signal;
  std::vector<std::int64_t> time_ms;
};

struct InteractionTable {
  std::vector<std::uint64_t> source, target_key;
  std::vector<std::uint8_t> kind;
  std::vector<std::uint64_t> post; // the row of /posts that made it
};

struct SnapshotTable {
  std::vector<std::uint64_t> account;
  std::vector<std::int64_t> time_ms, followers;
};

// Who follows whom (/follows; empty for stores before format 4).
struct FollowTable {
  std::vector<std::uint64_t> account, followed; // dense follower id, xxh3_64 of the followed id
  std::vector<std::int64_t> first_ms; // first collection time; store::schema::kUnknownTime
};

// What the store says of its making (root attributes): rows_read = posts + rows_rejected +
// rows_duplicate + non_post_rows for a store made in one pass.
struct StoreFacts {
  std::vector<std::string> input_files;
  std::int64_t rows_read = 0, rows_rejected = 0, rows_duplicate = 0, non_post_rows = 0;
  std::int64_t posts_before = 0; // posts already in the store when this pass appended
};

struct PartitionData {
  StoreFacts store;
  std::uint32_t partitions = 0;
  std::string input_format; // "ioarchive", "ioarchive+media", "actions" or "jsonl"
  std::uint64_t total_accounts = 0, total_posts = 0;
  std::vector<std::uint64_t> account_begin; // ranks+1 entries: the dense ids each rank owns
  AccountTable accounts;
  PostTable posts;
  ActionTable actions;
  InteractionTable interactions;
  SnapshotTable snapshots;
  FollowTable follows;
  std::vector<std::string> clients; // /dictionaries/client
};

// The bytes the tables hold (their vectors' capacities and the strings' own buffers).
std::uint64_t held_bytes(const PartitionData &data);

// The partitions rank `rank` of `ranks` reads.
struct PartitionShare {
  std::uint32_t begin = 0, end = 0;
};
PartitionShare partition_share(std::uint32_t partitions, int rank, int ranks);

// Reads this rank's partitions of `store_path`, checking the format name and version; the posts'
// texts only when `read_texts`. Collective.
PartitionData read_partitions(const mpi::Comm &comm, const std::string &store_path,
                              bool read_texts = false);

} // namespace lockstep::detect
