// Reading an existing store back into rows, for `ingest --append`: each rank reads the
// partitions it owns under the current rank count.
#include "common/error.hpp"
#include "common/hash.hpp"
#include "ingest/parse.hpp"
#include "ingest/tables.hpp"
#include "store/attribute.hpp"
#include "store/column.hpp"
#include "store/file.hpp"
#include "store/schema.hpp"
#include "store/strings.hpp"

#include <unordered_map>

namespace lockstep::ingest {
namespace schema = store::schema;

namespace {

store::Slab owned_slab(const store::Group &index, const std::string &table, std::uint32_t first,
                       std::uint32_t last, bool empty) {
  // Everyone reads the whole (small) index; a rank without partitions reads nothing else.
  const auto offsets = store::read_column<std::uint64_t>(
      index, table, store::Slab{0, store::column_length(index, table)});
  if (empty)
    return {};
  return store::Slab{offsets[first], offsets[last] - offsets[first]};
}

std::vector<std::string> read_all_strings(const store::Group &g, const std::string &name) {
  return store::read_strings(g, name,
                             store::Slab{0, store::column_length(g.open_group(name), "offsets")});
}

} // namespace

ExistingStore read_existing_meta(const mpi::Comm &comm, const std::string &path) {
  const auto file = store::File::open(path, comm, store::Access::read_only);
  const auto root = file.root();
  if (store::read_string_attribute(root, "format") != store::schema::kFormat ||
      store::read_int_attribute(root, "format_version") != store::schema::kVersion) {
    throw UsageError("--append: '" + path + "' is not a Lockstep store of version " +
                     std::to_string(store::schema::kVersion));
  }
  ExistingStore existing;
  existing.partitions = static_cast<std::uint32_t>(store::read_int_attribute(root, "partitions"));
  existing.input_format = store::read_string_attribute(root, "input_format");
  existing.compression = store::column_compression(root.open_group("posts"), "time_ms");
  existing.files =
      store::schema::split_input_files(store::read_string_attribute(root, "input_files"));
  const auto dictionaries = root.open_group("dictionaries");
  existing.labels.clients = read_all_strings(dictionaries, "client");
  existing.labels.languages = read_all_strings(dictionaries, "language");
  return existing;
}

namespace {

// The owned accounts (their ids and partitions stay in `rows.accounts`).
void read_existing_accounts(const store::Group &root, store::Slab slab,
                            const std::vector<std::string> &languages, OwnedRows &rows) {
  const auto a = root.open_group("accounts");
  const auto ids = store::read_strings(a, schema::accounts::id, slab);
  const auto screen = store::read_strings(a, schema::accounts::screen_name, slab);
  const auto display = store::read_strings(a, schema::accounts::display_name, slab);
  const auto description = store::read_strings(a, schema::accounts::description, slab);
  const auto location = store::read_strings(a, schema::accounts::location, slab);
  const auto label = store::read_strings(a, schema::accounts::label, slab);
  const auto partition = store::read_column<std::uint32_t>(a, schema::accounts::partition, slab);
  const auto language = store::read_column<std::uint32_t>(a, schema::accounts::language, slab);
  const auto created = store::read_column<std::int32_t>(a, schema::accounts::created_day, slab);
  const auto followers = store::read_column<std::int64_t>(a, schema::accounts::followers, slab);
  const auto following = store::read_column<std::int64_t>(a, schema::accounts::following, slab);
  const auto from_users =
      store::read_column<std::uint8_t>(a, schema::accounts::from_users_file, slab);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    AccountRow row;
    row.partition = partition[i];
    row.id = ids[i];
    row.screen_name = screen[i];
    row.display_name = display[i];
    row.description = description[i];
    row.location = location[i];
    row.label = label[i];
    row.language = languages.at(language[i]);
    row.created_day = created[i];
    row.followers = followers[i];
    row.following = following[i];
    row.from_users_file = from_users[i];
    row.file = 0; // existing profiles win over new copies from tweets
    row.line = static_cast<std::int64_t>(i);
    rows.add_account(std::move(row));
  }
}

// The owned posts, without their lists (restore_lists); accounts are rows.accounts, whose first
// dense id is `first_account`.
void read_existing_posts(const store::Group &root, store::Slab slab, std::uint64_t first_account,
                         const Labels &labels, const OwnedRows &rows, std::vector<PostRow> &posts) {
  const auto p = root.open_group("posts");
  const auto post_id = store::read_column<std::uint64_t>(p, schema::posts::post_id, slab);
  const auto account = store::read_column<std::uint64_t>(p, schema::posts::account, slab);
  const auto time_ms = store::read_column<std::int64_t>(p, schema::posts::time_ms, slab);
  const auto time_source = store::read_column<std::uint8_t>(p, schema::posts::time_source, slab);
  const auto kind = store::read_column<std::uint8_t>(p, schema::posts::kind, slab);
  const auto client = store::read_column<std::uint32_t>(p, schema::posts::client, slab);
  const auto post_language = store::read_column<std::uint32_t>(p, schema::posts::language, slab);
  const auto text = store::read_strings(p, schema::posts::text, slab);
  const auto text_key = store::read_column<std::uint64_t>(p, schema::posts::text_key, slab);
  const auto retweet_of = store::read_column<std::uint64_t>(p, schema::posts::retweet_of, slab);
  const auto reply_to = store::read_column<std::uint64_t>(p, schema::posts::reply_to, slab);
  const auto quote_of = store::read_column<std::uint64_t>(p, schema::posts::quote_of, slab);
  const auto retweet_user = store::read_strings(p, schema::posts::retweet_user, slab);
  const auto reply_user = store::read_strings(p, schema::posts::reply_user, slab);
  const auto content_id = store::read_strings(p, schema::posts::content_id, slab);
  for (std::size_t i = 0; i < post_id.size(); ++i) {
    const auto &owner = rows.accounts.at(account[i] - first_account);
    PostRow row;
    row.account = owner.id;
    row.account_key = hash64(row.account);
    row.partition = owner.partition;
    row.post_id = post_id[i];
    row.post_id_text = content_id[i];
    row.time_ms = time_ms[i];
    row.time_source = static_cast<TimeSource>(time_source[i]);
    row.kind = static_cast<PostKind>(kind[i]);
    row.client = labels.clients.at(client[i]);
    row.language = labels.languages.at(post_language[i]);
    row.text = text[i];
    row.text_key = text_key[i];
    row.retweet_of = retweet_of[i];
    row.reply_to = reply_to[i];
    row.quote_of = quote_of[i];
    row.retweet_user = retweet_user[i];
    row.reply_user = reply_user[i];
    row.file = 0;
    row.line = static_cast<std::int64_t>(i);
    posts.push_back(std::move(row));
  }
}

// The posts' hashtag, URL, mention and object lists, from their actions and the strings behind
// the actions' keys; then each post's dedup key.
void restore_lists(const store::Group &root, store::Slab action_slab, store::Slab post_slab,
                   std::vector<PostRow> &posts) {
  using store::schema::Signal;
  const auto k = root.open_group("keys");
  const store::Slab all_keys{0, store::column_length(k, schema::keys::key.name)};
  const auto key = store::read_column<std::uint64_t>(k, schema::keys::key, all_keys);
  const auto key_signal = store::read_column<std::uint8_t>(k, schema::keys::signal, all_keys);
  const auto value = store::read_strings(k, schema::keys::value, all_keys);
  std::unordered_map<std::uint64_t, std::size_t> value_of[store::schema::kSignalCount];
  for (std::size_t i = 0; i < key.size(); ++i)
    value_of[key_signal[i] % store::schema::kSignalCount][key[i]] = i;
  const auto act = root.open_group("actions");
  const auto action_signal =
      store::read_column<std::uint8_t>(act, schema::actions::signal, action_slab);
  const auto action_key = store::read_column<std::uint64_t>(act, schema::actions::key, action_slab);
  const auto action_post =
      store::read_column<std::uint64_t>(act, schema::actions::post, action_slab);
  for (std::size_t j = 0; j < action_post.size(); ++j) {
    PostRow &row = posts.at(action_post[j] - post_slab.offset);
    const auto lookup = [&](Signal s) -> const std::string & {
      return value.at(value_of[static_cast<std::size_t>(s)].at(action_key[j]));
    };
    const auto signal = static_cast<Signal>(action_signal[j]);
    if (!row.post_id_text.empty()) { // an action table's row: its objects, each with its signal
      row.names_its_post = true;     // stored posts are one per (account, content id) already
      if (signal == Signal::object || typed_object_signal(signal)) {
        row.objects.push_back(lookup(signal));
        row.object_signals.push_back(std::uint8_t(signal));
      }
      continue;
    }
    switch (signal) {
    case Signal::hashtag:
      row.hashtags.push_back(lookup(Signal::hashtag));
      break;
    case Signal::url:
      row.urls.push_back(lookup(Signal::url));
      break;
    case Signal::mention:
      row.mentions.push_back(lookup(Signal::mention));
      break;
    case Signal::media: // joined from a media table (--action-columns)
      row.objects.push_back(lookup(Signal::media));
      row.object_signals.push_back(std::uint8_t(Signal::media));
      break;
    default:
      break;
    }
  }
  // The dedup key of the generic table depends on the objects; tweets use the post id.
  for (auto &row : posts)
    row.dedup_key = row.post_id_text.empty() ? row.post_id : action_dedup_key(row);
}

// The owned follower snapshots; accounts are rows.accounts, whose first dense id is
// `first_account`.
void read_existing_snapshots(const store::Group &root, store::Slab slab,
                             std::uint64_t first_account, OwnedRows &rows) {
  const auto f = root.open_group("snapshots");
  const auto snapshot_account =
      store::read_column<std::uint64_t>(f, schema::snapshots::account, slab);
  const auto snapshot_time = store::read_column<std::int64_t>(f, schema::snapshots::time_ms, slab);
  const auto snapshot_followers =
      store::read_column<std::int64_t>(f, schema::snapshots::followers, slab);
  for (std::size_t i = 0; i < snapshot_account.size(); ++i) {
    const auto &owner = rows.accounts.at(snapshot_account[i] - first_account);
    SnapshotRow row;
    row.account = owner.id;
    row.partition = owner.partition;
    row.time_ms = snapshot_time[i];
    row.followers = snapshot_followers[i];
    row.line = static_cast<std::int64_t>(i);
    rows.snapshots.push_back(std::move(row));
  }
}

// The owned follows, a row for the first and one for the last collection time (merged again
// when written), with the followed ids from /keys.
void read_existing_follows(const store::Group &root, store::Slab slab, std::uint64_t first_account,
                           OwnedRows &rows) {
  const auto f = root.open_group("follows");
  const auto account = store::read_column<std::uint64_t>(f, schema::follows::account, slab);
  const auto followed = store::read_column<std::uint64_t>(f, schema::follows::followed, slab);
  const auto first_ms = store::read_column<std::int64_t>(f, schema::follows::first_ms, slab);
  const auto last_ms = store::read_column<std::int64_t>(f, schema::follows::last_ms, slab);
  std::unordered_map<std::uint64_t, std::size_t> wanted; // followed key -> its id string
  for (const auto key : followed)
    wanted.emplace(key, 0);
  const auto k = root.open_group("keys");
  const store::Slab all_keys{0, store::column_length(k, schema::keys::key.name)};
  const auto key = store::read_column<std::uint64_t>(k, schema::keys::key, all_keys);
  const auto key_signal = store::read_column<std::uint8_t>(k, schema::keys::signal, all_keys);
  const auto value = store::read_strings(k, schema::keys::value, all_keys);
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (key_signal[i] == std::uint8_t(schema::Signal::follows) && wanted.contains(key[i]))
      wanted[key[i]] = i;
  }
  for (std::size_t i = 0; i < account.size(); ++i) {
    const auto &owner = rows.accounts.at(account[i] - first_account);
    FollowRow row;
    row.account = owner.id;
    row.partition = owner.partition;
    row.followed = value.at(wanted.at(followed[i]));
    row.line = static_cast<std::int64_t>(i);
    row.time_ms = first_ms[i];
    if (last_ms[i] != first_ms[i])
      rows.follows.push_back(row);
    row.time_ms = last_ms[i];
    rows.follows.push_back(std::move(row));
  }
}

} // namespace

void read_existing_rows(const mpi::Comm &comm, const std::string &path, PartitionRange owned,
                        OwnedRows &rows) {
  const auto file = store::File::open(path, comm, store::Access::read_only);
  const auto root = file.root();
  const auto [first, last] = owned;
  const bool none = first >= last;
  const auto index = root.open_group("index");
  const auto account_slab = owned_slab(index, "accounts", first, last, none);
  const auto post_slab = owned_slab(index, "posts", first, last, none);
  const auto action_slab = owned_slab(index, "actions", first, last, none);
  const auto snapshot_slab = owned_slab(index, "snapshots", first, last, none);
  const auto follow_slab = owned_slab(index, "follows", first, last, none);
  // Interactions are derived again from the posts.
  const auto dictionaries = root.open_group("dictionaries");
  Labels labels;
  labels.clients = read_all_strings(dictionaries, "client");
  labels.languages = read_all_strings(dictionaries, "language");

  read_existing_accounts(root, account_slab, labels.languages, rows);
  std::vector<PostRow> posts;
  read_existing_posts(root, post_slab, account_slab.offset, labels, rows, posts);
  restore_lists(root, action_slab, post_slab, posts);
  for (const auto &post : posts)
    rows.posts.add(post);
  read_existing_snapshots(root, snapshot_slab, account_slab.offset, rows);
  read_existing_follows(root, follow_slab, account_slab.offset, rows);
  rows.existing_posts = rows.posts.size();
}

} // namespace lockstep::ingest
