// Reading whole partitions of the store through its /index.
#include "detect/partition_data.hpp"

#include "common/error.hpp"
#include "mpi/collectives.hpp"
#include "store/attribute.hpp"
#include "store/column.hpp"
#include "store/file.hpp"
#include "store/schema.hpp"
#include "store/strings.hpp"

#include <fmt/format.h>

namespace lockstep::detect {

namespace {

// The rows that partitions [share.begin, share.end) cover under a table's index.
RowRange rows_of(const std::vector<std::uint64_t> &index, PartitionShare share) {
  return {index[share.begin], index[share.end] - index[share.begin]};
}

namespace schema = store::schema;

template <typename T>
std::vector<T> read(const store::Group &group, const schema::Column &column, RowRange rows) {
  return store::read_column<T>(group, column, store::Slab{rows.begin, rows.count});
}

void check_format(const store::Group &root, const std::string &path) {
  if (!store::has_attribute(root, "format") ||
      store::read_string_attribute(root, "format") != store::schema::kFormat) {
    throw UsageError(fmt::format("{}: not a Lockstep store (root attribute 'format' is not '{}')",
                                 path, store::schema::kFormat));
  }
  const auto version = store::read_int_attribute(root, "format_version");
  if (version < store::schema::kOldestReadableVersion || version > store::schema::kVersion) {
    throw UsageError(fmt::format("{}: store format version {}, this lockstep reads versions {} to "
                                 "{}: ingest its inputs again",
                                 path, version, store::schema::kOldestReadableVersion,
                                 store::schema::kVersion));
  }
}

AccountTable read_accounts(const store::Group &group, RowRange rows) {
  AccountTable t;
  t.rows = rows;
  const store::Slab slab{rows.begin, rows.count};
  t.id = store::read_string_column(group, schema::accounts::id, slab);
  t.screen_name = store::read_string_column(group, schema::accounts::screen_name, slab);
  t.label = store::read_string_column(group, schema::accounts::label, slab);
  t.key = read<std::uint64_t>(group, schema::accounts::key, rows);
  t.post_count = read<std::uint64_t>(group, schema::accounts::post_count, rows);
  t.created_day = read<std::int32_t>(group, schema::accounts::created_day, rows);
  t.followers = read<std::int64_t>(group, schema::accounts::followers, rows);
  t.following = read<std::int64_t>(group, schema::accounts::following, rows);
  return t;
}

PostTable read_posts(const store::Group &group, RowRange rows, bool content_ids, bool texts) {
  PostTable t;
  t.rows = rows;
  t.post_id = read<std::uint64_t>(group, schema::posts::post_id, rows);
  t.account = read<std::uint64_t>(group, schema::posts::account, rows);
  t.text_key = read<std::uint64_t>(group, schema::posts::text_key, rows);
  t.time_ms = read<std::int64_t>(group, schema::posts::time_ms, rows);
  t.kind = read<std::uint8_t>(group, schema::posts::kind, rows);
  t.client = read<std::uint32_t>(group, schema::posts::client, rows);
  if (content_ids)
    t.content_id = store::read_string_column(group, schema::posts::content_id,
                                             store::Slab{rows.begin, rows.count});
  if (texts)
    t.text =
        store::read_string_column(group, schema::posts::text, store::Slab{rows.begin, rows.count});
  return t;
}

ActionTable read_actions(const store::Group &group, RowRange rows) {
  ActionTable t;
  t.account = read<std::uint64_t>(group, schema::actions::account, rows);
  t.key = read<std::uint64_t>(group, schema::actions::key, rows);
  t.post = read<std::uint64_t>(group, schema::actions::post, rows);
  t.signal = read<std::uint8_t>(group, schema::actions::signal, rows);
  t.time_ms = read<std::int64_t>(group, schema::actions::time_ms, rows);
  return t;
}

InteractionTable read_interactions(const store::Group &group, RowRange rows) {
  InteractionTable t;
  t.source = read<std::uint64_t>(group, schema::interactions::source, rows);
  t.target_key = read<std::uint64_t>(group, schema::interactions::target_key, rows);
  t.kind = read<std::uint8_t>(group, schema::interactions::kind, rows);
  t.post = read<std::uint64_t>(group, schema::interactions::post, rows);
  return t;
}

SnapshotTable read_snapshots(const store::Group &group, RowRange rows) {
  SnapshotTable t;
  t.account = read<std::uint64_t>(group, schema::snapshots::account, rows);
  t.time_ms = read<std::int64_t>(group, schema::snapshots::time_ms, rows);
  t.followers = read<std::int64_t>(group, schema::snapshots::followers, rows);
  return t;
}

FollowTable read_follows(const store::Group &group, RowRange rows) {
  FollowTable t;
  t.account = read<std::uint64_t>(group, schema::follows::account, rows);
  t.followed = read<std::uint64_t>(group, schema::follows::followed, rows);
  t.first_ms = read<std::int64_t>(group, schema::follows::first_ms, rows);
  return t;
}

} // namespace

PartitionShare partition_share(std::uint32_t partitions, int rank, int ranks) {
  const auto bound = [&](int r) {
    const auto p = static_cast<std::uint64_t>(partitions);
    const auto n = static_cast<std::uint64_t>(ranks);
    return static_cast<std::uint32_t>((static_cast<std::uint64_t>(r) * p + n - 1) / n);
  };
  return {bound(rank), bound(rank + 1)};
}

namespace {

template <typename T>
std::uint64_t bytes_of(const std::vector<T> &column) {
  return column.capacity() * sizeof(T);
}

std::uint64_t bytes_of(const store::StringColumn &column) {
  return column.held_bytes();
}

std::uint64_t bytes_of(const std::vector<std::string> &column) {
  std::uint64_t bytes = column.capacity() * sizeof(std::string);
  for (const auto &text : column) {
    if (text.capacity() > std::string().capacity()) // past the short-string buffer
      bytes += text.capacity() + 1;
  }
  return bytes;
}

template <typename... Columns>
std::uint64_t bytes_of_all(const Columns &...columns) {
  return (bytes_of(columns) + ...);
}

} // namespace

std::uint64_t held_bytes(const PartitionData &data) {
  const auto &a = data.accounts;
  const auto &p = data.posts;
  const auto &x = data.actions;
  const auto &i = data.interactions;
  const auto &s = data.snapshots;
  const auto &f = data.follows;
  return bytes_of_all(a.id, a.screen_name, a.label, a.key, a.post_count, a.created_day, a.followers,
                      a.following) +
         bytes_of_all(p.post_id, p.account, p.text_key, p.time_ms, p.kind, p.client, p.content_id,
                      p.text) +
         bytes_of_all(x.account, x.key, x.post, x.signal, x.time_ms) +
         bytes_of_all(i.source, i.target_key, i.kind, i.post) +
         bytes_of_all(s.account, s.time_ms, s.followers, data.clients, data.account_begin) +
         bytes_of_all(f.account, f.followed, f.first_ms);
}

PartitionData read_partitions(const mpi::Comm &comm, const std::string &store_path,
                              bool read_texts) {
  const auto file = store::File::open(store_path, comm, store::Access::read_only);
  const auto root = file.root();
  check_format(root, store_path);
  PartitionData data;
  data.partitions = static_cast<std::uint32_t>(store::read_int_attribute(root, "partitions"));
  data.input_format = store::read_string_attribute(root, "input_format");
  data.store = {store::schema::split_input_files(store::read_string_attribute(root, "input_files")),
                store::read_int_attribute(root, "rows_read"),
                store::read_int_attribute(root, "rows_rejected"),
                store::read_int_attribute(root, "rows_duplicate"),
                store::read_int_attribute(root, "non_post_rows"),
                store::read_int_attribute(root, "posts_before")};
  const auto share = partition_share(data.partitions, comm.rank(), comm.size());

  const auto index = root.open_group("index");
  const auto whole = [&](const std::string &table) {
    return store::read_column<std::uint64_t>(index, table, store::Slab{0, data.partitions + 1});
  };
  const auto account_index = whole("accounts");
  const auto post_index = whole("posts");
  data.total_accounts = account_index.back();
  data.total_posts = post_index.back();
  const auto account_rows = rows_of(account_index, share);
  data.account_begin = mpi::allgather(comm, account_rows.begin);
  data.account_begin.push_back(data.total_accounts);

  data.accounts = read_accounts(root.open_group("accounts"), account_rows);
  data.posts = read_posts(root.open_group("posts"), rows_of(post_index, share),
                          data.input_format == "actions" ||
                              data.input_format.ends_with(schema::kJoinedMediaSuffix),
                          read_texts);
  data.actions = read_actions(root.open_group("actions"), rows_of(whole("actions"), share));
  data.interactions =
      read_interactions(root.open_group("interactions"), rows_of(whole("interactions"), share));
  data.snapshots = read_snapshots(root.open_group("snapshots"), rows_of(whole("snapshots"), share));
  if (root.has("follows")) // format 4 on
    data.follows = read_follows(root.open_group("follows"), rows_of(whole("follows"), share));
  const auto dictionaries = root.open_group("dictionaries");
  const auto clients = store::column_length(dictionaries.open_group("client"), "offsets");
  data.clients = store::read_strings(dictionaries, "client", store::Slab{0, clients});
  return data;
}

} // namespace lockstep::detect
