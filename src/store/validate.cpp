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

namespace lockstep::store {
namespace {

using schema::kSignalCount;

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

} // namespace

ValidationReport validate_store(const mpi::Comm &comm, const std::string &path) {
  const auto file = File::open(path, comm, Access::read_only);
  const auto root = file.root();
  Validator v(comm, root);
  ValidationReport report;
  for (const char *name : {"format", "format_version", "partitions", "rows_read", "rows_rejected",
                           "rows_duplicate", "non_post_rows", "posts_before"}) {
    if (!has_attribute(root, name)) {
      report.violations.push_back(std::string("root attribute '") + name + "' is missing");
    }
  }
  if (!report.violations.empty())
    return report;
  if (read_string_attribute(root, "format") != schema::kFormat) {
    report.violations.push_back("root attribute format is not '" + std::string(schema::kFormat) +
                                "'");
    return report;
  }
  if (read_int_attribute(root, "format_version") != schema::kVersion) {
    report.violations.push_back(fmt::format("format_version {} is not {}",
                                            read_int_attribute(root, "format_version"),
                                            schema::kVersion));
    return report;
  }
  for (const char *group : {"accounts", "posts", "actions", "interactions", "snapshots", "keys",
                            "dictionaries", "index"}) {
    if (!root.has(group))
      report.violations.push_back(std::string("group /") + group + " is missing");
  }
  if (!report.violations.empty())
    return report;
  const auto partitions = static_cast<std::uint64_t>(read_int_attribute(root, "partitions"));

  const auto account_key = v.column<std::uint64_t>("accounts", "key");
  const auto account_partition = v.column<std::uint32_t>("accounts", "partition");
  const auto account_language = v.column<std::uint32_t>("accounts", "language");
  v.column<std::int32_t>("accounts", "created_day");
  const auto followers = v.column<std::int64_t>("accounts", "followers");
  v.column<std::int64_t>("accounts", "following");
  v.column<std::uint8_t>("accounts", "from_users_file");
  const auto post_count = v.column<std::uint64_t>("accounts", "post_count");
  const std::uint64_t accounts = account_key.size();
  const auto ids = v.strings("accounts", "id", accounts);
  for (const char *s : {"screen_name", "display_name", "description", "location"})
    v.strings("accounts", s, accounts);

  const auto post_account = v.column<std::uint64_t>("posts", "account");
  const auto post_time = v.column<std::int64_t>("posts", "time_ms");
  const auto time_source = v.column<std::uint8_t>("posts", "time_source");
  const auto kind = v.column<std::uint8_t>("posts", "kind");
  const auto client = v.column<std::uint32_t>("posts", "client");
  const auto post_language = v.column<std::uint32_t>("posts", "language");
  for (const char *c : {"post_id", "text_key", "retweet_of", "reply_to", "quote_of"})
    v.column<std::uint64_t>("posts", c);
  const std::uint64_t posts = post_account.size();
  for (const char *s : {"text", "retweet_user", "reply_user", "content_id"})
    v.strings("posts", s, posts);

  const auto action_account = v.column<std::uint64_t>("actions", "account");
  const auto action_signal = v.column<std::uint8_t>("actions", "signal");
  v.column<std::uint64_t>("actions", "key");
  const auto action_time = v.column<std::int64_t>("actions", "time_ms");
  const auto action_post = v.column<std::uint64_t>("actions", "post");
  const auto source = v.column<std::uint64_t>("interactions", "source");
  const auto interaction_kind = v.column<std::uint8_t>("interactions", "kind");
  v.column<std::uint64_t>("interactions", "target_key");
  v.column<std::int64_t>("interactions", "time_ms");
  const auto interaction_post = v.column<std::uint64_t>("interactions", "post");
  const auto key = v.column<std::uint64_t>("keys", "key");
  const auto key_signal = v.column<std::uint8_t>("keys", "signal");
  v.strings("keys", "value", key.size());
  const auto clients = v.column<std::uint64_t>("dictionaries/client", "offsets").size();
  v.column<std::uint8_t>("dictionaries/client", "bytes");
  const auto languages = v.column<std::uint64_t>("dictionaries/language", "offsets").size();
  v.column<std::uint8_t>("dictionaries/language", "bytes");
  const auto account_index = v.column<std::uint64_t>("index", "accounts");
  const auto post_index = v.column<std::uint64_t>("index", "posts");
  const auto action_index = v.column<std::uint64_t>("index", "actions");
  const auto interaction_index = v.column<std::uint64_t>("index", "interactions");
  const auto snapshot_account = v.column<std::uint64_t>("snapshots", "account");
  const auto snapshot_time = v.column<std::int64_t>("snapshots", "time_ms");
  const auto snapshot_followers = v.column<std::int64_t>("snapshots", "followers");
  const auto snapshot_index = v.column<std::uint64_t>("index", "snapshots");

  if (comm.is_root()) {
    const auto same_length = [&](std::uint64_t n, std::uint64_t expected, const char *what) {
      v.expect(n == expected,
               [&] { return fmt::format("{} has {} rows, expected {}", what, n, expected); });
    };
    for (const auto *column : {&account_partition, &account_language})
      same_length(column->size(), accounts, "an /accounts column");
    same_length(followers.size(), accounts, "/accounts/followers");
    same_length(post_count.size(), accounts, "/accounts/post_count");
    for (const auto *column : {&post_time})
      same_length(column->size(), posts, "/posts/time_ms");
    same_length(time_source.size(), posts, "/posts/time_source");
    same_length(kind.size(), posts, "/posts/kind");
    same_length(client.size(), posts, "/posts/client");
    same_length(post_language.size(), posts, "/posts/language");
    same_length(action_signal.size(), action_account.size(), "/actions/signal");
    same_length(action_post.size(), action_account.size(), "/actions/post");
    same_length(action_time.size(), action_account.size(), "/actions/time_ms");
    same_length(interaction_kind.size(), source.size(), "/interactions/kind");
    same_length(key_signal.size(), key.size(), "/keys/signal");
  }
  if (comm.is_root() && v.violations_.empty()) {
    check_index(v, account_index, partitions, accounts, "accounts");
    check_index(v, post_index, partitions, posts, "posts");
    check_index(v, action_index, partitions, action_account.size(), "actions");
    check_index(v, interaction_index, partitions, source.size(), "interactions");
    check_index(v, snapshot_index, partitions, snapshot_account.size(), "snapshots");
    v.expect(snapshot_time.size() == snapshot_account.size() &&
                 snapshot_followers.size() == snapshot_account.size(),
             [] { return std::string("/snapshots columns differ in length"); });
  }
  if (comm.is_root() && v.violations_.empty()) {
    const auto row_partition = partitions_of_rows(account_index, accounts);
    v.each(accounts, "/accounts/partition disagrees with /index/accounts",
           [&](auto i) { return account_partition[i] == row_partition[i]; });
    v.each(accounts, "/accounts/key is not the hash of /accounts/id",
           [&](auto i) { return account_key[i] == hash64(ids[i]); });
    v.each(accounts, "/accounts/partition is not the hash partition of the id",
           [&](auto i) { return account_partition[i] == hash64(ids[i], 0x5bd1e995) % partitions; });
    v.each(accounts, "/accounts/language is not in /dictionaries/language",
           [&](auto i) { return account_language[i] < languages; });
    v.each(accounts, "/accounts are not sorted by (partition, id)", [&](auto i) {
      return i == 0 || std::tie(account_partition[i - 1], ids[i - 1]) <
                           std::tie(account_partition[i], ids[i]);
    });
    v.each(posts, "/posts/account out of range",
           [&](auto i) { return post_account[i] < accounts; });
    if (v.violations_.empty()) {
      const auto post_partition = partitions_of_rows(post_index, posts);
      v.each(posts, "/posts/account lies outside the post's partition",
             [&](auto i) { return account_partition[post_account[i]] == post_partition[i]; });
      v.each(posts, "/posts are not sorted by (account, time)", [&](auto i) {
        return i == 0 || std::tie(post_account[i - 1], post_time[i - 1]) <=
                             std::tie(post_account[i], post_time[i]);
      });
      std::vector<std::uint64_t> counted(accounts, 0);
      for (const auto a : post_account)
        ++counted[a];
      v.each(accounts, "/accounts/post_count disagrees with /posts",
             [&](auto i) { return counted[i] == post_count[i]; });
    }
    v.each(posts, "/posts/time_source is not 0, 1 or 2",
           [&](auto i) { return time_source[i] <= 2; });
    v.each(posts, "/posts/kind is not 0..3", [&](auto i) { return kind[i] <= 3; });
    v.each(posts, "/posts/client is not in /dictionaries/client",
           [&](auto i) { return client[i] < clients; });
    v.each(posts, "/posts/language is not in /dictionaries/language",
           [&](auto i) { return post_language[i] < languages; });
    v.each(action_account.size(), fmt::format("/actions/signal is not 1..{}", kSignalCount - 1),
           [&](auto i) { return action_signal[i] >= 1 && action_signal[i] < kSignalCount; });
    v.each(action_account.size(), "/actions/post out of range",
           [&](auto i) { return action_post[i] < posts; });
    if (v.violations_.empty()) {
      v.each(action_account.size(), "/actions/account is not its post's account",
             [&](auto i) { return action_account[i] == post_account[action_post[i]]; });
      v.each(action_account.size(), "/actions/time_ms is not its post's time",
             [&](auto i) { return action_time[i] == post_time[action_post[i]]; });
    }
    v.each(source.size(), "/interactions/kind is not 1..3",
           [&](auto i) { return interaction_kind[i] >= 1 && interaction_kind[i] <= 3; });
    v.each(snapshot_account.size(), "/snapshots/account out of range",
           [&](auto i) { return snapshot_account[i] < accounts; });
    if (v.violations_.empty()) {
      const auto snapshot_partition = partitions_of_rows(snapshot_index, snapshot_account.size());
      v.each(
          snapshot_account.size(), "/snapshots/account lies outside the row's partition",
          [&](auto i) { return account_partition[snapshot_account[i]] == snapshot_partition[i]; });
      v.each(snapshot_account.size(), "/snapshots are not sorted by (account, time)", [&](auto i) {
        return i == 0 || std::tie(snapshot_account[i - 1], snapshot_time[i - 1]) <=
                             std::tie(snapshot_account[i], snapshot_time[i]);
      });
      v.each(snapshot_account.size(), "/snapshots/followers is negative",
             [&](auto i) { return snapshot_followers[i] >= 0; });
    }
    v.each(source.size(), "/interactions/post out of range", [&](auto i) {
      return interaction_post[i] < posts && source[i] == post_account[interaction_post[i]];
    });
    v.each(key.size(), "/keys are not sorted by (key, signal) without repeats", [&](auto i) {
      return i == 0 || std::tie(key[i - 1], key_signal[i - 1]) < std::tie(key[i], key_signal[i]);
    });
  }
  // Row accounting (attributes are readable on every rank).
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
  report.violations.insert(report.violations.end(), v.violations_.begin(), v.violations_.end());
  report.digests = v.digests_;
  report.summary =
      fmt::format("{} partitions, {} accounts, {} posts, {} actions, {} interactions, {} keys; "
                  "rows read {}, rejected {}, duplicates {}",
                  partitions, accounts, posts, action_account.size(), source.size(), key.size(),
                  read, attr("rows_rejected"), attr("rows_duplicate"));
  mpi::broadcast_object(comm, report.violations);
  return report;
}

} // namespace lockstep::store
