// Store validation: types and shapes, the partition index, references between tables, sort
// orders, and the row accounting of ingest.
#include "store/validate.hpp"

#include "common/hash.hpp"
#include "mpi/serialize.hpp"
#include "store/attribute.hpp"
#include "store/column.hpp"
#include "store/error.hpp"
#include "store/file.hpp"
#include "store/h5type.hpp"
#include "store/schema.hpp"
#include "store/strings.hpp"
#include "store/validator.hpp"

#include <algorithm>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>
#include <fmt/format.h>
#include <functional>
#include <string_view>

namespace lockstep::store {
namespace {

void check_index(Validator &v, const std::vector<std::uint64_t> &index, std::uint64_t partitions,
                 std::uint64_t rows, const std::string &table) {
  v.expect(index.size() == partitions + 1, [&] {
    return fmt::format("/index/{} has {} entries, expected partitions + 1 = {}", table,
                       index.size(), partitions + 1);
  });
  if (index.empty())
    return;
  v.expect(index.front() == 0, [&] { return "/index/" + table + " does not start at 0"; });
  v.expect(std::is_sorted(index.begin(), index.end()),
           [&] { return "/index/" + table + " decreases"; });
  v.expect(index.back() == rows, [&] {
    return fmt::format("/index/{} ends at {}, the table has {} rows", table, index.back(), rows);
  });
}

// Partition of each row according to an index.
std::vector<std::uint32_t> partitions_of_rows(const std::vector<std::uint64_t> &index,
                                              std::uint64_t rows) {
  std::vector<std::uint32_t> out(rows, 0);
  for (std::size_t p = 0; p + 1 < index.size(); ++p) {
    for (std::uint64_t r = index[p]; r < std::min(index[p + 1], rows); ++r)
      out[r] = static_cast<std::uint32_t>(p);
  }
  return out;
}

// The root's attributes, format and groups; violations end the check there.
void check_header(const Group &root, ValidationReport &report) {
  for (const char *name : {"format", "format_version", "partitions", "rows_read", "rows_rejected",
                           "rows_duplicate", "non_post_rows", "posts_before"}) {
    if (!has_attribute(root, name))
      report.violations.push_back(std::string("root attribute '") + name + "' is missing");
  }
  if (!report.violations.empty())
    return;
  if (read_string_attribute(root, "format") != schema::kFormat) {
    report.violations.push_back("root attribute format is not '" + std::string(schema::kFormat) +
                                "'");
    return;
  }
  const auto version = read_int_attribute(root, "format_version");
  if (version < schema::kOldestReadableVersion || version > schema::kVersion) {
    report.violations.push_back(fmt::format("format_version {} is not {} to {}", version,
                                            schema::kOldestReadableVersion, schema::kVersion));
    return;
  }
  if (version >= schema::kFollowsVersion && !root.has("follows"))
    report.violations.push_back("group /follows is missing");
  for (const char *group : {"accounts", "posts", "actions", "interactions", "snapshots", "keys",
                            "dictionaries", "index"}) {
    if (!root.has(group))
      report.violations.push_back(std::string("group /") + group + " is missing");
  }
}

// The columns the checks read (each read once, collectively, and digested by the Validator).
struct StoreColumns {
  std::uint64_t partitions = 0, accounts = 0, posts = 0, clients = 0, languages = 0;
  std::vector<std::uint64_t> account_key, post_count;
  std::vector<std::uint32_t> account_partition, account_language;
  std::vector<std::int64_t> followers;
  std::vector<std::string> ids;
  std::vector<std::uint64_t> post_account;
  std::vector<std::int64_t> post_time;
  std::vector<std::uint8_t> time_source, kind;
  std::vector<std::uint32_t> client, post_language;
  std::vector<std::uint64_t> action_account, action_post;
  std::vector<std::uint8_t> action_signal;
  std::vector<std::int64_t> action_time;
  std::vector<std::uint64_t> source, interaction_post;
  std::vector<std::uint8_t> interaction_kind;
  std::vector<std::uint64_t> key;
  std::vector<std::uint8_t> key_signal;
  std::vector<std::uint64_t> account_index, post_index, action_index, interaction_index;
  std::vector<std::uint64_t> snapshot_account, snapshot_index;
  std::vector<std::int64_t> snapshot_time, snapshot_followers;
  bool has_follows = false; // format version 4 on
  std::vector<std::uint64_t> follow_account, followed, follow_index;
  std::vector<std::int64_t> follow_first, follow_last;
};

void read_accounts_and_posts(Validator &v, StoreColumns &c) {
  c.account_key = v.column<std::uint64_t>("accounts", schema::accounts::key.name);
  c.account_partition = v.column<std::uint32_t>("accounts", schema::accounts::partition.name);
  c.account_language = v.column<std::uint32_t>("accounts", schema::accounts::language.name);
  v.column<std::int32_t>("accounts", schema::accounts::created_day.name);
  c.followers = v.column<std::int64_t>("accounts", schema::accounts::followers.name);
  v.column<std::int64_t>("accounts", schema::accounts::following.name);
  v.column<std::uint8_t>("accounts", schema::accounts::from_users_file.name);
  c.post_count = v.column<std::uint64_t>("accounts", schema::accounts::post_count.name);
  c.accounts = c.account_key.size();
  c.ids = v.strings("accounts", schema::accounts::id.name, c.accounts);
  for (const auto &column : {schema::accounts::screen_name, schema::accounts::display_name,
                             schema::accounts::description, schema::accounts::location})
    v.strings("accounts", column.name, c.accounts);

  c.post_account = v.column<std::uint64_t>("posts", schema::posts::account.name);
  c.post_time = v.column<std::int64_t>("posts", schema::posts::time_ms.name);
  c.time_source = v.column<std::uint8_t>("posts", schema::posts::time_source.name);
  c.kind = v.column<std::uint8_t>("posts", schema::posts::kind.name);
  c.client = v.column<std::uint32_t>("posts", schema::posts::client.name);
  c.post_language = v.column<std::uint32_t>("posts", schema::posts::language.name);
  for (const auto &column :
       {schema::posts::post_id, schema::posts::text_key, schema::posts::retweet_of,
        schema::posts::reply_to, schema::posts::quote_of})
    v.column<std::uint64_t>("posts", column.name);
  c.posts = c.post_account.size();
  for (const auto &column : {schema::posts::text, schema::posts::retweet_user,
                             schema::posts::reply_user, schema::posts::content_id})
    v.strings("posts", column.name, c.posts);
}

void read_other_tables(Validator &v, StoreColumns &c) {
  c.action_account = v.column<std::uint64_t>("actions", schema::actions::account.name);
  c.action_signal = v.column<std::uint8_t>("actions", schema::actions::signal.name);
  v.column<std::uint64_t>("actions", schema::actions::key.name);
  c.action_time = v.column<std::int64_t>("actions", schema::actions::time_ms.name);
  c.action_post = v.column<std::uint64_t>("actions", schema::actions::post.name);
  c.source = v.column<std::uint64_t>("interactions", schema::interactions::source.name);
  c.interaction_kind = v.column<std::uint8_t>("interactions", schema::interactions::kind.name);
  v.column<std::uint64_t>("interactions", schema::interactions::target_key.name);
  v.column<std::int64_t>("interactions", schema::interactions::time_ms.name);
  c.interaction_post = v.column<std::uint64_t>("interactions", schema::interactions::post.name);
  c.key = v.column<std::uint64_t>("keys", schema::keys::key.name);
  c.key_signal = v.column<std::uint8_t>("keys", schema::keys::signal.name);
  v.strings("keys", schema::keys::value.name, c.key.size());
  c.clients = v.column<std::uint64_t>("dictionaries/client", "offsets").size();
  v.column<std::uint8_t>("dictionaries/client", "bytes");
  c.languages = v.column<std::uint64_t>("dictionaries/language", "offsets").size();
  v.column<std::uint8_t>("dictionaries/language", "bytes");
  c.account_index = v.column<std::uint64_t>("index", "accounts");
  c.post_index = v.column<std::uint64_t>("index", "posts");
  c.action_index = v.column<std::uint64_t>("index", "actions");
  c.interaction_index = v.column<std::uint64_t>("index", "interactions");
  c.snapshot_account = v.column<std::uint64_t>("snapshots", schema::snapshots::account.name);
  c.snapshot_time = v.column<std::int64_t>("snapshots", schema::snapshots::time_ms.name);
  c.snapshot_followers = v.column<std::int64_t>("snapshots", schema::snapshots::followers.name);
  c.snapshot_index = v.column<std::uint64_t>("index", "snapshots");
  if (c.has_follows) {
    c.follow_account = v.column<std::uint64_t>("follows", schema::follows::account.name);
    c.followed = v.column<std::uint64_t>("follows", schema::follows::followed.name);
    c.follow_first = v.column<std::int64_t>("follows", schema::follows::first_ms.name);
    c.follow_last = v.column<std::int64_t>("follows", schema::follows::last_ms.name);
    c.follow_index = v.column<std::uint64_t>("index", "follows");
  }
}

void check_lengths(Validator &v, const StoreColumns &c) {
  const auto same_length = [&](std::uint64_t n, std::uint64_t expected, const char *what) {
    v.expect(n == expected,
             [&] { return fmt::format("{} has {} rows, expected {}", what, n, expected); });
  };
  for (const auto *column : {&c.account_partition, &c.account_language})
    same_length(column->size(), c.accounts, "an /accounts column");
  same_length(c.followers.size(), c.accounts, "/accounts/followers");
  same_length(c.post_count.size(), c.accounts, "/accounts/post_count");
  same_length(c.post_time.size(), c.posts, "/posts/time_ms");
  same_length(c.time_source.size(), c.posts, "/posts/time_source");
  same_length(c.kind.size(), c.posts, "/posts/kind");
  same_length(c.client.size(), c.posts, "/posts/client");
  same_length(c.post_language.size(), c.posts, "/posts/language");
  same_length(c.action_signal.size(), c.action_account.size(), "/actions/signal");
  same_length(c.action_post.size(), c.action_account.size(), "/actions/post");
  same_length(c.action_time.size(), c.action_account.size(), "/actions/time_ms");
  same_length(c.interaction_kind.size(), c.source.size(), "/interactions/kind");
  same_length(c.key_signal.size(), c.key.size(), "/keys/signal");
}

void check_indexes(Validator &v, const StoreColumns &c) {
  check_index(v, c.account_index, c.partitions, c.accounts, "accounts");
  check_index(v, c.post_index, c.partitions, c.posts, "posts");
  check_index(v, c.action_index, c.partitions, c.action_account.size(), "actions");
  check_index(v, c.interaction_index, c.partitions, c.source.size(), "interactions");
  check_index(v, c.snapshot_index, c.partitions, c.snapshot_account.size(), "snapshots");
  v.expect(c.snapshot_time.size() == c.snapshot_account.size() &&
               c.snapshot_followers.size() == c.snapshot_account.size(),
           [] { return std::string("/snapshots columns differ in length"); });
  if (c.has_follows) {
    check_index(v, c.follow_index, c.partitions, c.follow_account.size(), "follows");
    v.expect(c.followed.size() == c.follow_account.size() &&
                 c.follow_first.size() == c.follow_account.size() &&
                 c.follow_last.size() == c.follow_account.size(),
             [] { return std::string("/follows columns differ in length"); });
  }
}

void check_accounts(Validator &v, const StoreColumns &c) {
  const auto row_partition = partitions_of_rows(c.account_index, c.accounts);
  v.each(c.accounts, "/accounts/partition disagrees with /index/accounts",
         [&](auto i) { return c.account_partition[i] == row_partition[i]; });
  v.each(c.accounts, "/accounts/key is not the hash of /accounts/id",
         [&](auto i) { return c.account_key[i] == hash64(c.ids[i]); });
  v.each(c.accounts, "/accounts/partition is not the hash partition of the id", [&](auto i) {
    return c.account_partition[i] == hash64(c.ids[i], 0x5bd1e995) % c.partitions;
  });
  v.each(c.accounts, "/accounts/language is not in /dictionaries/language",
         [&](auto i) { return c.account_language[i] < c.languages; });
  v.each(c.accounts, "/accounts are not sorted by (partition, id)", [&](auto i) {
    return i == 0 || std::tie(c.account_partition[i - 1], c.ids[i - 1]) <
                         std::tie(c.account_partition[i], c.ids[i]);
  });
}

void check_posts(Validator &v, const StoreColumns &c) {
  v.each(c.posts, "/posts/account out of range",
         [&](auto i) { return c.post_account[i] < c.accounts; });
  if (v.violations_.empty()) {
    const auto post_partition = partitions_of_rows(c.post_index, c.posts);
    v.each(c.posts, "/posts/account lies outside the post's partition",
           [&](auto i) { return c.account_partition[c.post_account[i]] == post_partition[i]; });
    v.each(c.posts, "/posts are not sorted by (account, time)", [&](auto i) {
      return i == 0 || std::tie(c.post_account[i - 1], c.post_time[i - 1]) <=
                           std::tie(c.post_account[i], c.post_time[i]);
    });
    std::vector<std::uint64_t> counted(c.accounts, 0);
    for (const auto a : c.post_account)
      ++counted[a];
    v.each(c.accounts, "/accounts/post_count disagrees with /posts",
           [&](auto i) { return counted[i] == c.post_count[i]; });
  }
  v.each(c.posts, "/posts/time_source is not 0, 1 or 2",
         [&](auto i) { return c.time_source[i] <= 2; });
  v.each(c.posts, "/posts/kind is not 0..3", [&](auto i) { return c.kind[i] <= 3; });
  v.each(c.posts, "/posts/client is not in /dictionaries/client",
         [&](auto i) { return c.client[i] < c.clients; });
  v.each(c.posts, "/posts/language is not in /dictionaries/language",
         [&](auto i) { return c.post_language[i] < c.languages; });
}

void check_actions_and_interactions(Validator &v, const StoreColumns &c) {
  const auto actions = c.action_account.size();
  v.each(actions, "/actions/signal is not a store signal (1..9, 13)",
         [&](auto i) { return signals::in_store(c.action_signal[i]); });
  v.each(actions, "/actions/post out of range", [&](auto i) { return c.action_post[i] < c.posts; });
  if (v.violations_.empty()) {
    v.each(actions, "/actions/account is not its post's account",
           [&](auto i) { return c.action_account[i] == c.post_account[c.action_post[i]]; });
    v.each(actions, "/actions/time_ms is not its post's time",
           [&](auto i) { return c.action_time[i] == c.post_time[c.action_post[i]]; });
  }
  v.each(c.source.size(), "/interactions/kind is not 1..3",
         [&](auto i) { return c.interaction_kind[i] >= 1 && c.interaction_kind[i] <= 3; });
}

void check_snapshots_and_keys(Validator &v, const StoreColumns &c) {
  const auto snapshots = c.snapshot_account.size();
  v.each(snapshots, "/snapshots/account out of range",
         [&](auto i) { return c.snapshot_account[i] < c.accounts; });
  if (v.violations_.empty()) {
    const auto snapshot_partition = partitions_of_rows(c.snapshot_index, snapshots);
    v.each(snapshots, "/snapshots/account lies outside the row's partition", [&](auto i) {
      return c.account_partition[c.snapshot_account[i]] == snapshot_partition[i];
    });
    v.each(snapshots, "/snapshots are not sorted by (account, time)", [&](auto i) {
      return i == 0 || std::tie(c.snapshot_account[i - 1], c.snapshot_time[i - 1]) <=
                           std::tie(c.snapshot_account[i], c.snapshot_time[i]);
    });
    v.each(snapshots, "/snapshots/followers is negative",
           [&](auto i) { return c.snapshot_followers[i] >= 0; });
  }
  v.each(c.source.size(), "/interactions/post out of range", [&](auto i) {
    return c.interaction_post[i] < c.posts && c.source[i] == c.post_account[c.interaction_post[i]];
  });
  v.each(c.key.size(), "/keys are not sorted by (key, signal) without repeats", [&](auto i) {
    return i == 0 ||
           std::tie(c.key[i - 1], c.key_signal[i - 1]) < std::tie(c.key[i], c.key_signal[i]);
  });
}

void check_follows(Validator &v, const StoreColumns &c) {
  const auto follows = c.follow_account.size();
  v.each(follows, "/follows/account out of range",
         [&](auto i) { return c.follow_account[i] < c.accounts; });
  if (!v.violations_.empty())
    return;
  const auto follow_partition = partitions_of_rows(c.follow_index, follows);
  v.each(follows, "/follows/account lies outside the row's partition",
         [&](auto i) { return c.account_partition[c.follow_account[i]] == follow_partition[i]; });
  v.each(follows, "/follows are not sorted by (account, followed) without repeats", [&](auto i) {
    return i == 0 || std::tie(c.follow_account[i - 1], c.followed[i - 1]) <
                         std::tie(c.follow_account[i], c.followed[i]);
  });
  v.each(follows, "/follows/first_ms is after last_ms, or only one of them is unknown",
         [&](auto i) {
           const bool first_unknown = c.follow_first[i] == schema::kUnknownTime;
           const bool last_unknown = c.follow_last[i] == schema::kUnknownTime;
           return first_unknown == last_unknown && c.follow_first[i] <= c.follow_last[i];
         });
}

// Every row read is stored, a duplicate, rejected, a users-file row, or was stored before
// (attributes are readable on every rank); returns rows_read.
std::uint64_t check_row_accounting(Validator &v, const Group &root, std::uint64_t posts) {
  const auto attr = [&](const char *name) {
    return static_cast<std::uint64_t>(read_int_attribute(root, name));
  };
  const std::uint64_t read = attr("rows_read"),
                      accounted = posts - attr("posts_before") + attr("rows_duplicate") +
                                  attr("rows_rejected") + attr("non_post_rows");
  v.expect(read == accounted, [&] {
    return fmt::format(
        "rows_read {} != stored {} - posts_before {} + duplicates {} + rejected {} + users rows {}",
        read, posts, attr("posts_before"), attr("rows_duplicate"), attr("rows_rejected"),
        attr("non_post_rows"));
  });
  return read;
}

} // namespace

ValidationReport validate_store(const mpi::Comm &comm, const std::string &path) {
  const auto file = File::open(path, comm, Access::read_only);
  const auto root = file.root();
  Validator v(comm, root);
  ValidationReport report;
  check_header(root, report);
  if (!report.violations.empty())
    return report;
  StoreColumns c;
  c.has_follows = read_int_attribute(root, "format_version") >= schema::kFollowsVersion;
  for (const auto &table : schema::kPartitionedTables) {
    if (c.has_follows || std::string_view(table.name) != "follows")
      v.check_table(table);
  }
  v.check_table(schema::kKeys);
  c.partitions = static_cast<std::uint64_t>(read_int_attribute(root, "partitions"));
  read_accounts_and_posts(v, c);
  read_other_tables(v, c);
  if (comm.is_root())
    check_lengths(v, c);
  if (comm.is_root() && v.violations_.empty())
    check_indexes(v, c);
  if (comm.is_root() && v.violations_.empty()) {
    check_accounts(v, c);
    check_posts(v, c);
    check_actions_and_interactions(v, c);
    check_snapshots_and_keys(v, c);
    check_follows(v, c);
  }
  const auto read = check_row_accounting(v, root, c.posts);
  report.violations.insert(report.violations.end(), v.violations_.begin(), v.violations_.end());
  report.digests = v.digests_;
  report.summary = fmt::format(
      "{} partitions, {} accounts, {} posts, {} actions, {} interactions, {} keys; rows read {}, "
      "rejected {}, duplicates {}",
      c.partitions, c.accounts, c.posts, c.action_account.size(), c.source.size(), c.key.size(),
      read, read_int_attribute(root, "rows_rejected"), read_int_attribute(root, "rows_duplicate"));
  mpi::broadcast_object(comm, report.violations);
  return report;
}

} // namespace lockstep::store
