// Building and writing the store's tables from the rows each rank owns. Rows are ordered by
// sorting compact keys, with ips4o where the keys are many (a pass's posts, profiles, key strings).
#include "ingest/tables.hpp"

#include "common/error.hpp"
#include "common/hash.hpp"
#include "common/log.hpp"
#include "common/version.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/collectives.hpp"
#include "store/attribute.hpp"
#include "store/column.hpp"
#include "store/file.hpp"
#include "store/schema.hpp"
#include "store/strings.hpp"
#include "text/normalize.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <ips4o.hpp>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <unistd.h>
#include <unordered_map>

namespace lockstep::ingest {
namespace {

using store::schema::Interaction;
using store::schema::Signal;
namespace schema = store::schema;

struct Action {
  std::uint64_t account, key, post;
  std::int64_t time_ms;
  std::uint8_t signal;
};
struct InteractionRow {
  std::uint64_t source, target_key, post;
  std::int64_t time_ms;
  std::uint8_t kind;
};
struct Snapshot {
  std::uint64_t account;
  std::int64_t time_ms, followers;
};
struct Follow {
  std::uint64_t account, followed;
  std::int64_t first_ms, last_ms; // schema::kUnknownTime for both when never known
};
using KeyValue = KeyString;

// A tweets file's row (IO archive or JSON): it has no content id of its own.
bool tweet_row(const PostRow &row) {
  return row.post_id_text.empty() && row.post_id != 0;
}

// Whether `row` joins `base`, the first row of its (account, post id): the same account and id
// text (equal hashes of different ids are rare), or, for a tweet, the tweet's own numeric id.
bool same_post(const PostRow &base, const PostRow &row) {
  if (row.account != base.account)
    return false;
  return tweet_row(base) ? !tweet_row(row) : row.post_id_text == base.post_id_text;
}

// Adds `row`'s objects to `base`'s, each (signal, value) once.
void add_objects(PostRow &base, const PostRow &row) {
  for (std::size_t o = 0; o < row.objects.size(); ++o) {
    bool known = false;
    for (std::size_t k = 0; k < base.objects.size() && !known; ++k)
      known = base.object_signals[k] == row.object_signals[o] && base.objects[k] == row.objects[o];
    if (!known) {
      base.objects.push_back(row.objects[o]);
      base.object_signals.push_back(row.object_signals[o]);
    }
  }
}

// An action table with typed object columns gives a post with two hashtags as two rows of one
// content id. The rows of one (account, content id) become the first of them (by file, line),
// which keeps its time and gains the others' objects (each (signal, value) once); the others are
// marked in `merged`. A media table joined to tweets (`--action-columns`) names tweets by their
// ids: its rows join the tweet of their account and id the same way, the tweet first whatever
// the file order (it keeps its time, kind and dedup key). Untyped `object` rows stay one post
// each, as CooRTweet counts them. Returns how many rows were merged.
std::uint64_t merge_typed_rows(PackedPosts &posts, std::vector<bool> &merged) {
  struct Key {
    std::uint64_t account_key, post_id;
    bool typed; // tweets sort first: they are the base of their rows
    std::uint32_t file;
    std::int64_t line;
    std::size_t row;
  };
  std::vector<Key> keys;
  for (const bool typed : {true, false}) {
    for (std::size_t i = 0; i < posts.size(); ++i) {
      const auto head = posts.head(i);
      if (typed ? head.typed : head.tweet)
        keys.push_back({head.account_key, head.post_id, typed, head.file, head.line, i});
    }
    if (keys.empty())
      return 0; // no typed rows: nothing to merge
  }
  ips4o::sort(keys.begin(), keys.end(), [](const Key &a, const Key &b) {
    return std::tie(a.account_key, a.post_id, a.typed, a.file, a.line, a.row) <
           std::tie(b.account_key, b.post_id, b.typed, b.file, b.line, b.row);
  });
  std::uint64_t count = 0;
  for (std::size_t begin = 0, end = 0; begin < keys.size(); begin = end) {
    end = begin + 1;
    while (end < keys.size() && keys[end].account_key == keys[begin].account_key &&
           keys[end].post_id == keys[begin].post_id)
      ++end;
    std::optional<PostRow> base; // unpacked when a row joins it
    for (auto j = begin + 1; j < end; ++j) {
      if (!keys[j].typed)
        continue; // a tweet's duplicate (dedup_posts' job)
      if (!base)
        base = posts.row(keys[begin].row);
      const auto row = posts.row(keys[j].row);
      if (!same_post(*base, row))
        continue; // another post with an equal hash
      add_objects(*base, row);
      if (!tweet_row(*base))
        base->dedup_key = action_dedup_key(*base);
      merged[keys[j].row] = true;
      ++count;
    }
    if (base)
      posts.replace(keys[begin].row, *base);
  }
  return count;
}

// The posts that stay once duplicates go, by index, and how many went.
struct KeptPosts {
  std::vector<std::size_t> rows;
  std::uint64_t duplicates = 0;
};

// Merges the rows of one typed post (merge_typed_rows), then keeps the first (by file, line) of
// the posts with equal (account, dedup key). Sorts small keys rather than the rows themselves.
KeptPosts dedup_posts(PackedPosts &posts) {
  // The sort runs on compact keys; rows with equal hashes are told apart by their account text.
  struct Key {
    std::uint64_t account_key, dedup_key;
    std::uint32_t file;
    std::int64_t line;
    std::size_t row;
  };
  std::vector<bool> duplicate(posts.size(), false);
  KeptPosts kept;
  kept.duplicates = merge_typed_rows(posts, duplicate);
  std::vector<Key> keys;
  keys.reserve(posts.size());
  for (std::size_t i = 0; i < posts.size(); ++i) {
    const auto head = posts.head(i);
    if (!duplicate[i])
      keys.push_back({head.account_key, head.dedup_key, head.file, head.line, i});
  }
  ips4o::sort(keys.begin(), keys.end(), [](const Key &a, const Key &b) {
    return std::tie(a.account_key, a.dedup_key, a.file, a.line, a.row) <
           std::tie(b.account_key, b.dedup_key, b.file, b.line, b.row);
  });
  for (std::size_t begin = 0, end = 0; begin < keys.size(); begin = end) {
    end = begin + 1;
    while (end < keys.size() && keys[end].account_key == keys[begin].account_key &&
           keys[end].dedup_key == keys[begin].dedup_key)
      ++end;
    // Equal hashes (rare): a row repeats an earlier one (first by file and line) of its account.
    for (auto j = begin + 1; j < end; ++j) {
      for (auto i = begin; i < j; ++i) {
        if (!duplicate[keys[i].row] && posts.account(keys[i].row) == posts.account(keys[j].row)) {
          duplicate[keys[j].row] = true;
          ++kept.duplicates;
          break;
        }
      }
    }
  }
  kept.rows.reserve(posts.size() - kept.duplicates);
  for (std::size_t i = 0; i < posts.size(); ++i) {
    if (!duplicate[i])
      kept.rows.push_back(i);
  }
  return kept;
}

// Whether merge_accounts keeps profile `a` over `b` of the same account: the users file's, then
// the first by file and line.
bool preferred_profile(const AccountRow &a, const AccountRow &b) {
  if (a.from_users_file != b.from_users_file)
    return a.from_users_file > b.from_users_file;
  return std::tie(a.file, a.line) < std::tie(b.file, b.line);
}

// Puts each row at its destination (a permutation) in place, by following its cycles: a new
// vector of the rows would page in its whole size afresh.
template <typename Rows>
void move_to_destinations(Rows &rows, std::vector<std::size_t> &destination) {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    while (destination[i] != i) { // the row at i goes to destination[i]; its row comes to i
      const std::size_t to = destination[i];
      std::swap(rows[i], rows[to]);
      std::swap(destination[i], destination[to]);
    }
  }
}

// The first 8 bytes of `text` as a big-endian number, zero-padded: ordering by it, then by the
// text where it ties, is the text's order (std::string_view compares bytes unsigned, as memcmp).
std::uint64_t order_prefix(std::string_view text) {
  std::uint64_t prefix = 0;
  for (std::size_t i = 0; i < 8; ++i)
    prefix = prefix << 8 | (i < text.size() ? static_cast<unsigned char>(text[i]) : 0u);
  return prefix;
}

// One profile per account: the users file's first row, else the first tweet row's copy. The
// sort runs on compact keys (the id's first bytes as a number, then the id as a view), and the
// rows are then permuted in place.
void merge_accounts(ChunkedRows<AccountRow> &accounts) {
  struct Key {
    std::uint32_t partition;
    std::uint64_t prefix;
    std::string_view id;
    std::uint8_t from_users_file;
    std::uint32_t file;
    std::int64_t line;
    std::size_t row;
  };
  std::vector<Key> keys(accounts.size());
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    const auto &a = accounts[i];
    keys[i] = {a.partition, order_prefix(a.id), a.id, a.from_users_file, a.file, a.line, i};
  }
  ips4o::sort(keys.begin(), keys.end(), [](const Key &a, const Key &b) {
    if (a.partition != b.partition || a.prefix != b.prefix)
      return std::tie(a.partition, a.prefix) < std::tie(b.partition, b.prefix);
    if (a.id != b.id)
      return a.id < b.id;
    if (a.from_users_file != b.from_users_file)
      return a.from_users_file > b.from_users_file;
    return std::tie(a.file, a.line, a.row) < std::tie(b.file, b.line, b.row);
  });
  // Where each row goes: the kept ones to their place in key order, the others after them.
  // Found before any row moves: the keys view their ids.
  std::vector<std::size_t> destination(accounts.size());
  std::size_t kept = 0, dropped = 0;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    const bool first = k == 0 || keys[k].id != keys[k - 1].id;
    if (first)
      destination[keys[k].row] = kept++;
    else
      destination[keys[k].row] = accounts.size() - ++dropped;
  }
  move_to_destinations(accounts, destination);
  accounts.truncate(kept);
}

// Dense account ids by account id text, looked up by its hash (hash64, as posts carry it) and
// checked against the text; distinct ids with equal hashes fall back to a map of the texts.
class DenseAccounts {
public:
  DenseAccounts(const ChunkedRows<AccountRow> &accounts, std::uint64_t base)
      : accounts_(accounts), base_(base), by_hash_(accounts.size()) {
    for (std::size_t i = 0; i < accounts.size(); ++i) {
      if (!by_hash_.try_emplace(hash64(accounts[i].id), i).second)
        by_text_.emplace(accounts[i].id, i);
    }
  }

  std::uint64_t at(std::string_view id, std::uint64_t hash) const {
    const auto row = by_hash_.find(hash);
    if (row != HashSlots::kNone && accounts_[row].id == id)
      return base_ + row;
    const auto text = by_text_.find(std::string(id));
    if (text == by_text_.end())
      throw std::logic_error("ingest: the account of a post has no profile row: '" +
                             std::string(id) + "'");
    return base_ + text->second;
  }

private:
  const ChunkedRows<AccountRow> &accounts_;
  std::uint64_t base_;
  HashSlots by_hash_;
  std::unordered_map<std::string, std::size_t> by_text_;
};

std::uint32_t label_id(const std::vector<std::string> &labels, std::string_view label) {
  return static_cast<std::uint32_t>(std::lower_bound(labels.begin(), labels.end(), label) -
                                    labels.begin());
}

bool key_value_less(const KeyValue &a, const KeyValue &b) {
  return std::tie(a.key, a.signal, a.value) < std::tie(b.key, b.signal, b.value);
}

// Sorts key strings by (key, signal, value) and keeps one of each.
void sort_unique(std::vector<KeyValue> &keys) {
  ips4o::sort(keys.begin(), keys.end(), key_value_less);
  keys.erase(std::unique(keys.begin(), keys.end(),
                         [](const KeyValue &a, const KeyValue &b) {
                           return a.key == b.key && a.signal == b.signal && a.value == b.value;
                         }),
             keys.end());
}

// Values of the keys used by actions and interactions, globally deduplicated and sorted by key:
// each key goes to the rank owning its range of the 64-bit key space. Collective.
std::vector<KeyValue> global_keys(const mpi::Comm &comm, std::vector<KeyValue> local,
                                  std::uint64_t &collisions) {
  sort_unique(local);
  std::vector<std::vector<char>> buckets(static_cast<std::size_t>(comm.size()));
  for (const auto &kv : local) {
    // Contiguous, increasing key ranges, so that the ranks' slabs in order are sorted by key.
    const auto ranks = static_cast<std::uint64_t>(comm.size());
    const auto owner =
        static_cast<std::size_t>(std::min(ranks - 1, kv.key / (~std::uint64_t{0} / ranks)));
    bytes::Writer writer(buckets[owner]);
    writer.put(kv.key);
    writer.put(kv.signal);
    writer.put(std::string_view(kv.value));
  }
  const auto received = mpi::alltoallv(comm, buckets);
  std::vector<KeyValue> mine;
  bytes::Reader reader(received.data(), received.data() + received.size());
  while (!reader.done()) {
    KeyValue kv;
    kv.key = reader.get<std::uint64_t>();
    kv.signal = reader.get<std::uint8_t>();
    kv.value = reader.get_string();
    mine.push_back(std::move(kv));
  }
  ips4o::sort(mine.begin(), mine.end(), key_value_less);
  std::vector<KeyValue> unique;
  for (auto &kv : mine) {
    if (!unique.empty() && unique.back().key == kv.key && unique.back().signal == kv.signal) {
      if (unique.back().value != kv.value)
        ++collisions; // two strings, one 64-bit hash
      continue;
    }
    unique.push_back(std::move(kv));
  }
  collisions = mpi::allreduce(comm, collisions, mpi::Op::sum);
  return unique;
}

template <typename Rows, typename PartitionOf>
std::vector<std::uint64_t> count_by_partition(const Rows &rows, std::uint32_t first,
                                              std::uint32_t last, PartitionOf partition_of_row) {
  std::vector<std::uint64_t> counts(last - first, 0);
  for (const auto &row : rows)
    ++counts[partition_of_row(row) - first];
  return counts;
}

template <typename T, typename Rows, typename Get>
std::vector<T> column(const Rows &rows, Get get) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const auto &row : rows)
    out.push_back(static_cast<T>(get(row)));
  return out;
}

// Views of one string member of every row (the rows outlive the column).
template <typename Rows, typename Row>
std::vector<std::string_view> string_column(const Rows &rows, std::string Row::*member) {
  std::vector<std::string_view> out;
  out.reserve(rows.size());
  for (const auto &row : rows)
    out.emplace_back(row.*member);
  return out;
}

// Adds the strings behind a group's keys to `keys`, each (key, signal, value) about once: a
// hashtag, link or mention recurs in many posts, and keeping every occurrence until the group's
// sort made deriving IO-archive rows a fifth of ingest. A value is skipped when the first one
// recorded under its (key, signal) is the same string; any other (a hash collision) is added,
// and compact_keys removes what repeats.
class KeyRecorder {
public:
  explicit KeyRecorder(std::vector<KeyValue> &keys) : keys_(keys), first_(512) {}

  void add(std::uint64_t key, Signal signal, std::string_view value) {
    const auto code = static_cast<std::uint8_t>(signal);
    // With std::unordered_map's node per key, add() was 9% of ingesting QUT's benchmark input.
    const auto [first, added] = first_.try_emplace(key ^ (std::uint64_t{code} << 56), keys_.size());
    if (!added) {
      const auto &seen = keys_[first];
      if (seen.key == key && seen.signal == code && seen.value == value)
        return;
    }
    keys_.push_back(KeyValue{key, code, std::string(value)});
  }

private:
  std::vector<KeyValue> &keys_;
  HashSlots first_; // (key, signal) -> its first in keys_
};

void add_action(std::vector<Action> &actions, KeyRecorder &keys, std::uint64_t account,
                const PostView &post, std::uint64_t post_index, Signal signal, std::uint64_t key,
                const std::string_view *value) {
  if (key == 0)
    return;
  actions.push_back(
      Action{account, key, post_index, post.head.time_ms, static_cast<std::uint8_t>(signal)});
  if (value != nullptr)
    keys.add(key, signal, *value);
}

} // namespace

namespace {

// One post's actions and interactions, gathered and made unique here before they join a group's
// (a scratch reused from post to post).
struct PostActions {
  std::vector<Action> actions;
  std::vector<InteractionRow> interactions;
};

// The actions of one post, each key once, into `out.actions`, and the strings behind the keys.
void gather_actions(const PostView &post, std::uint64_t account, std::uint64_t index,
                    PostActions &out, KeyRecorder &keys) {
  const auto &head = post.head;
  auto &actions = out.actions;
  actions.clear();
  add_action(actions, keys, account, post, index, Signal::retweet, head.retweet_of, nullptr);
  add_action(actions, keys, account, post, index, Signal::reply, head.reply_to, nullptr);
  add_action(actions, keys, account, post, index, Signal::quote, head.quote_of, nullptr);
  for (const auto &tag : post.hashtags)
    add_action(actions, keys, account, post, index, Signal::hashtag, hash64(tag), &tag);
  for (const auto &url : post.urls) {
    add_action(actions, keys, account, post, index, Signal::url, hash64(url), &url);
    const std::string_view domain = text::url_domain(url);
    add_action(actions, keys, account, post, index, Signal::domain, hash64(domain), &domain);
  }
  for (const auto &user : post.mentions)
    add_action(actions, keys, account, post, index, Signal::mention, hash64(user), &user);
  add_action(actions, keys, account, post, index, Signal::text, head.text_key, nullptr);
  for (std::size_t i = 0; i < post.objects.size(); ++i) {
    const auto &object = post.objects[i];
    add_action(actions, keys, account, post, index,
               Signal(static_cast<std::uint8_t>(post.object_signals[i])), hash64(object), &object);
  }
  // A post acts on each key once, however often the key appears in it.
  std::sort(actions.begin(), actions.end(), [](const Action &a, const Action &b) {
    return std::tie(a.signal, a.key) < std::tie(b.signal, b.key);
  });
  actions.erase(std::unique(actions.begin(), actions.end(),
                            [](const Action &a, const Action &b) {
                              return a.signal == b.signal && a.key == b.key;
                            }),
                actions.end());
}

// The interactions of one post, each (kind, user) once, into `out.interactions`.
void gather_interactions(const PostView &post, std::uint64_t account, std::uint64_t index,
                         PostActions &out, KeyRecorder &keys) {
  auto &interactions = out.interactions;
  interactions.clear();
  const auto interact = [&](Interaction kind, std::string_view user) {
    if (user.empty())
      return;
    interactions.push_back(InteractionRow{account, hash64(user), index, post.head.time_ms,
                                          static_cast<std::uint8_t>(kind)});
    keys.add(hash64(user), Signal::mention, user);
  };
  interact(Interaction::retweet_of, post.retweet_user);
  interact(Interaction::reply_to, post.reply_user);
  for (const auto &user : post.mentions)
    interact(Interaction::mention_of, user);
  std::sort(interactions.begin(), interactions.end(),
            [](const InteractionRow &a, const InteractionRow &b) {
              return std::tie(a.kind, a.target_key) < std::tie(b.kind, b.target_key);
            });
  interactions.erase(std::unique(interactions.begin(), interactions.end(),
                                 [](const InteractionRow &a, const InteractionRow &b) {
                                   return a.kind == b.kind && a.target_key == b.target_key;
                                 }),
                     interactions.end());
}

// The actions and interactions of one post appended to a group's, and the strings behind the
// keys. The group's tables grow in chunks: grown by doubling, the IRA copies' actions paged in
// about three times their final size.
void derive_post(const PostView &post, std::uint64_t account, std::uint64_t index,
                 PostActions &scratch, ChunkedRows<Action> &actions,
                 ChunkedRows<InteractionRow> &interactions, KeyRecorder &keys) {
  gather_actions(post, account, index, scratch, keys);
  for (const auto &action : scratch.actions)
    actions.push_back(action);
  gather_interactions(post, account, index, scratch, keys);
  for (const auto &interaction : scratch.interactions)
    interactions.push_back(interaction);
}

} // namespace

void OwnedRows::add_account(AccountRow &&account) {
  const auto [row, added] = account_at_.try_emplace(hash64(account.id), accounts.size());
  if (!added && accounts[row].id == account.id) {
    if (preferred_profile(account, accounts[row]))
      accounts[row] = std::move(account);
    return;
  }
  accounts.push_back(std::move(account)); // a new account, or another id with an equal hash
}

StoreWriter::StoreWriter(const mpi::Comm &comm, const std::string &path, StoreInfo info,
                         Labels labels)
    : comm_(comm), path_(path), info_(std::move(info)), labels_(std::move(labels)) {
  long pid = static_cast<long>(getpid());
  mpi::broadcast(comm_, pid);
  temporary_ = path_ + ".tmp-" + std::to_string(pid);
  file_.emplace(store::File::create(temporary_, comm_, info_.compression));
  const auto root = file_->root();
  for (const char *group : {"accounts", "posts", "actions", "interactions", "snapshots", "follows",
                            "keys", "dictionaries", "index"}) {
    root.create_group(group);
  }
}

StoreWriter::~StoreWriter() {
  if (!file_)
    return; // finished
  file_.reset();
  std::error_code ignored;
  if (comm_.is_root())
    std::filesystem::remove(temporary_, ignored);
}

namespace {

// The kept posts (indices into `posts`) in the store's order, by (account, time, post id, dedup
// key), with their dense accounts alongside in `post_account`.
std::vector<std::size_t> sort_posts(const PackedPosts &posts, const std::vector<std::size_t> &kept,
                                    const DenseAccounts &dense,
                                    std::vector<std::uint64_t> &post_account) {
  struct Order { // the sort key of a post, compact
    std::uint64_t account;
    std::int64_t time_ms;
    std::uint64_t post_id, dedup_key;
    std::size_t row;
  };
  std::vector<Order> order(kept.size());
  for (std::size_t k = 0; k < kept.size(); ++k) {
    const auto head = posts.head(kept[k]);
    order[k] = {dense.at(posts.account(kept[k]), head.account_key), head.time_ms, head.post_id,
                head.dedup_key, kept[k]};
  }
  ips4o::sort(order.begin(), order.end(), [](const Order &a, const Order &b) {
    return std::tie(a.account, a.time_ms, a.post_id, a.dedup_key) <
           std::tie(b.account, b.time_ms, b.post_id, b.dedup_key);
  });
  std::vector<std::size_t> rows(order.size());
  post_account.resize(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    rows[k] = order[k].row;
    post_account[k] = order[k].account;
  }
  return rows;
}

// Follower snapshots with dense accounts, by account and time.
std::vector<Snapshot> sorted_snapshots(const std::vector<SnapshotRow> &rows,
                                       const DenseAccounts &dense) {
  std::vector<Snapshot> snapshots;
  snapshots.reserve(rows.size());
  for (const auto &s : rows)
    snapshots.push_back(Snapshot{dense.at(s.account, hash64(s.account)), s.time_ms, s.followers});
  std::sort(snapshots.begin(), snapshots.end(), [](const Snapshot &a, const Snapshot &b) {
    return std::tie(a.account, a.time_ms, a.followers) <
           std::tie(b.account, b.time_ms, b.followers);
  });
  return snapshots;
}

// Follows with dense accounts, by (account, followed), each once: a follow seen at several
// collection times keeps the first and last known one.
std::vector<Follow> merged_follows(const std::vector<FollowRow> &rows, const DenseAccounts &dense) {
  std::vector<Follow> all;
  all.reserve(rows.size());
  for (const auto &f : rows)
    all.push_back(
        Follow{dense.at(f.account, hash64(f.account)), hash64(f.followed), f.time_ms, f.time_ms});
  std::sort(all.begin(), all.end(), [](const Follow &a, const Follow &b) {
    return std::tie(a.account, a.followed) < std::tie(b.account, b.followed);
  });
  std::vector<Follow> merged;
  for (const auto &f : all) {
    if (merged.empty() || merged.back().account != f.account ||
        merged.back().followed != f.followed) {
      merged.push_back(f);
      continue;
    }
    auto &kept = merged.back();
    if (f.first_ms == schema::kUnknownTime)
      continue;
    if (kept.first_ms == schema::kUnknownTime) {
      kept.first_ms = f.first_ms;
      kept.last_ms = f.last_ms;
    } else {
      kept.first_ms = std::min(kept.first_ms, f.first_ms);
      kept.last_ms = std::max(kept.last_ms, f.last_ms);
    }
  }
  return merged;
}

void append_accounts(const store::Group &g, const ChunkedRows<AccountRow> &accounts,
                     const std::vector<std::uint64_t> &post_count, const Labels &labels) {
  store::append_column(g, schema::accounts::key,
                       column<std::uint64_t>(accounts, [](const auto &a) { return hash64(a.id); }));
  store::append_column(g, schema::accounts::partition,
                       column<std::uint32_t>(accounts, [](const auto &a) { return a.partition; }));
  store::append_strings(g, schema::accounts::id, string_column(accounts, &AccountRow::id));
  store::append_strings(g, schema::accounts::screen_name,
                        string_column(accounts, &AccountRow::screen_name));
  store::append_strings(g, schema::accounts::display_name,
                        string_column(accounts, &AccountRow::display_name));
  store::append_strings(g, schema::accounts::description,
                        string_column(accounts, &AccountRow::description));
  store::append_strings(g, schema::accounts::location,
                        string_column(accounts, &AccountRow::location));
  store::append_strings(g, schema::accounts::label, string_column(accounts, &AccountRow::label));
  store::append_column(g, schema::accounts::language,
                       column<std::uint32_t>(accounts, [&](const auto &a) {
                         return label_id(labels.languages, a.language);
                       }));
  store::append_column(g, schema::accounts::created_day,
                       column<std::int32_t>(accounts, [](const auto &a) { return a.created_day; }));
  store::append_column(g, schema::accounts::followers,
                       column<std::int64_t>(accounts, [](const auto &a) { return a.followers; }));
  store::append_column(g, schema::accounts::following,
                       column<std::int64_t>(accounts, [](const auto &a) { return a.following; }));
  store::append_column(
      g, schema::accounts::from_users_file,
      column<std::uint8_t>(accounts, [](const auto &a) { return a.from_users_file; }));
  store::append_column(g, schema::accounts::post_count, post_count);
}

// The /posts columns of a group's posts, filled in store order; the strings view the packed posts.
struct PostColumns {
  std::vector<std::uint64_t> post_id, text_key, retweet_of, reply_to, quote_of;
  std::vector<std::int64_t> time_ms;
  std::vector<std::uint8_t> time_source, kind;
  std::vector<std::uint32_t> client, language;
  std::vector<std::string_view> text, retweet_user, reply_user, content_id;

  explicit PostColumns(std::size_t rows) {
    for (auto *c : {&post_id, &text_key, &retweet_of, &reply_to, &quote_of})
      c->reserve(rows);
    time_ms.reserve(rows);
    time_source.reserve(rows);
    kind.reserve(rows);
    client.reserve(rows);
    language.reserve(rows);
    for (auto *c : {&text, &retweet_user, &reply_user, &content_id})
      c->reserve(rows);
  }

  void add(const PostView &post, const Labels &labels) {
    const auto &head = post.head;
    post_id.push_back(head.post_id);
    time_ms.push_back(head.time_ms);
    time_source.push_back(static_cast<std::uint8_t>(head.time_source));
    kind.push_back(static_cast<std::uint8_t>(head.kind));
    client.push_back(label_id(labels.clients, post.client));
    language.push_back(label_id(labels.languages, post.language));
    text.push_back(post.text);
    text_key.push_back(head.text_key);
    retweet_of.push_back(head.retweet_of);
    reply_to.push_back(head.reply_to);
    quote_of.push_back(head.quote_of);
    retweet_user.push_back(post.retweet_user);
    reply_user.push_back(post.reply_user);
    content_id.push_back(post.post_id_text);
  }
};

// Appends a column, then frees it.
template <typename T>
void append_and_free(const store::Group &group, const schema::Column &column,
                     std::vector<T> &values) {
  if constexpr (std::is_same_v<T, std::string_view>)
    store::append_strings(group, column, values);
  else
    store::append_column(group, column, values);
  std::vector<T>().swap(values);
}

// Appends the columns, each freed once written.
void append_posts(const store::Group &p, PostColumns &c,
                  const std::vector<std::uint64_t> &post_account) {
  append_and_free(p, schema::posts::post_id, c.post_id);
  store::append_column(p, schema::posts::account, post_account);
  append_and_free(p, schema::posts::time_ms, c.time_ms);
  append_and_free(p, schema::posts::time_source, c.time_source);
  append_and_free(p, schema::posts::kind, c.kind);
  append_and_free(p, schema::posts::client, c.client);
  append_and_free(p, schema::posts::language, c.language);
  append_and_free(p, schema::posts::text, c.text);
  append_and_free(p, schema::posts::text_key, c.text_key);
  append_and_free(p, schema::posts::retweet_of, c.retweet_of);
  append_and_free(p, schema::posts::reply_to, c.reply_to);
  append_and_free(p, schema::posts::quote_of, c.quote_of);
  append_and_free(p, schema::posts::retweet_user, c.retweet_user);
  append_and_free(p, schema::posts::reply_user, c.reply_user);
  append_and_free(p, schema::posts::content_id, c.content_id);
}

void append_actions(const store::Group &a, const ChunkedRows<Action> &actions) {
  store::append_column(a, schema::actions::account,
                       column<std::uint64_t>(actions, [](const auto &r) { return r.account; }));
  store::append_column(a, schema::actions::signal,
                       column<std::uint8_t>(actions, [](const auto &r) { return r.signal; }));
  store::append_column(a, schema::actions::key,
                       column<std::uint64_t>(actions, [](const auto &r) { return r.key; }));
  store::append_column(a, schema::actions::time_ms,
                       column<std::int64_t>(actions, [](const auto &r) { return r.time_ms; }));
  store::append_column(a, schema::actions::post,
                       column<std::uint64_t>(actions, [](const auto &r) { return r.post; }));
}

void append_snapshots(const store::Group &f, const std::vector<Snapshot> &snapshots) {
  store::append_column(f, schema::snapshots::account,
                       column<std::uint64_t>(snapshots, [](const auto &r) { return r.account; }));
  store::append_column(f, schema::snapshots::time_ms,
                       column<std::int64_t>(snapshots, [](const auto &r) { return r.time_ms; }));
  store::append_column(f, schema::snapshots::followers,
                       column<std::int64_t>(snapshots, [](const auto &r) { return r.followers; }));
}

void append_follows(const store::Group &f, const std::vector<Follow> &follows) {
  store::append_column(f, schema::follows::account,
                       column<std::uint64_t>(follows, [](const auto &r) { return r.account; }));
  store::append_column(f, schema::follows::followed,
                       column<std::uint64_t>(follows, [](const auto &r) { return r.followed; }));
  store::append_column(f, schema::follows::first_ms,
                       column<std::int64_t>(follows, [](const auto &r) { return r.first_ms; }));
  store::append_column(f, schema::follows::last_ms,
                       column<std::int64_t>(follows, [](const auto &r) { return r.last_ms; }));
}

void append_interactions(const store::Group &n, const ChunkedRows<InteractionRow> &interactions) {
  store::append_column(n, schema::interactions::source,
                       column<std::uint64_t>(interactions, [](const auto &r) { return r.source; }));
  store::append_column(n, schema::interactions::kind,
                       column<std::uint8_t>(interactions, [](const auto &r) { return r.kind; }));
  store::append_column(
      n, schema::interactions::target_key,
      column<std::uint64_t>(interactions, [](const auto &r) { return r.target_key; }));
  store::append_column(n, schema::interactions::time_ms,
                       column<std::int64_t>(interactions, [](const auto &r) { return r.time_ms; }));
  store::append_column(n, schema::interactions::post,
                       column<std::uint64_t>(interactions, [](const auto &r) { return r.post; }));
}

} // namespace

void StoreWriter::add_group(OwnedRows &rows, PartitionRange owned, PhaseTimes &times) {
  std::optional<ScopedPhase> phase(std::in_place, times, "sort");
  const auto [first, last] = owned;
  const auto kept = dedup_posts(rows.posts);
  duplicates_ += kept.duplicates;
  existing_posts_ += rows.existing_posts;
  merge_accounts(rows.accounts);
  auto &accounts = rows.accounts;

  // Dense account ids: the global row of the account in /accounts.
  const auto account_layout = store::layout_slabs(comm_, accounts.size());
  const std::uint64_t account_base = accounts_written_ + account_layout.local.offset;
  const DenseAccounts dense(accounts, account_base);
  std::vector<std::uint64_t> post_account;
  const auto post_order = sort_posts(rows.posts, kept.rows, dense, post_account);
  const auto post_layout = store::layout_slabs(comm_, post_order.size());
  const std::uint64_t post_base = posts_written_ + post_layout.local.offset;
  const auto snapshots = sorted_snapshots(rows.snapshots, dense);
  const auto follows = merged_follows(rows.follows, dense);

  phase.emplace(times, "derive");
  // Actions, interactions, the strings behind their keys and the posts' columns, in post order.
  ChunkedRows<Action> actions;
  ChunkedRows<InteractionRow> interactions;
  PostActions scratch;
  std::vector<std::uint64_t> post_count(accounts.size(), 0);
  PostColumns post_columns(post_order.size());
  {
    KeyRecorder keys(keys_); // this group's keys, each once, until compact_keys
    PostView post;
    constexpr std::size_t kAhead = 8; // posts in store order lie anywhere in the chunks
    for (std::size_t i = 0; i < post_order.size(); ++i) {
      if (i + kAhead < post_order.size())
        rows.posts.prefetch(post_order[i + kAhead]);
      rows.posts.view(post_order[i], post);
      const std::uint64_t account = post_account[i], index = post_base + i;
      ++post_count[account - account_base];
      ++time_sources_[static_cast<std::size_t>(post.head.time_source)];
      derive_post(post, account, index, scratch, actions, interactions, keys);
      post_columns.add(post, labels_);
    }
    for (const auto &follow : rows.follows) // the followed accounts' ids
      keys.add(hash64(follow.followed), Signal::follows, follow.followed);
  }
  compact_keys();

  phase.emplace(times, "write");
  const auto partition_of_account = [&](std::uint64_t dense_id) {
    return accounts[dense_id - account_base].partition;
  };
  collect_counts(
      index_counts_[0],
      count_by_partition(accounts, first, last, [](const AccountRow &a) { return a.partition; }));
  collect_counts(index_counts_[1],
                 count_by_partition(post_account, first, last, partition_of_account));
  collect_counts(index_counts_[2], count_by_partition(actions, first, last, [&](const Action &a) {
                   return partition_of_account(a.account);
                 }));
  collect_counts(index_counts_[3],
                 count_by_partition(interactions, first, last, [&](const InteractionRow &r) {
                   return partition_of_account(r.source);
                 }));
  collect_counts(index_counts_[4],
                 count_by_partition(snapshots, first, last, [&](const Snapshot &r) {
                   return partition_of_account(r.account);
                 }));
  collect_counts(index_counts_[5], count_by_partition(follows, first, last, [&](const Follow &r) {
                   return partition_of_account(r.account);
                 }));

  const auto root = file_->root();
  append_accounts(root.open_group("accounts"), accounts, post_count, labels_);
  append_posts(root.open_group("posts"), post_columns, post_account);
  append_actions(root.open_group("actions"), actions);
  append_snapshots(root.open_group("snapshots"), snapshots);
  append_interactions(root.open_group("interactions"), interactions);
  append_follows(root.open_group("follows"), follows);
  accounts_written_ += account_layout.total;
  posts_written_ += post_layout.total;
}

// Keeps one copy of each key string: the keys of all groups wait here until finish().
void StoreWriter::compact_keys() {
  sort_unique(keys_);
  keys_.shrink_to_fit(); // the keys of all groups wait here: no room for a group's duplicates
}

// Appends this group's per-partition counts (rank order is partition order) on rank 0.
void StoreWriter::collect_counts(std::vector<std::uint64_t> &all,
                                 const std::vector<std::uint64_t> &owned_counts) {
  const auto counts = mpi::allgatherv(comm_, owned_counts);
  if (comm_.is_root())
    all.insert(all.end(), counts.begin(), counts.end());
}

StoreCounts StoreWriter::finish(const IngestSummary &summary, PhaseTimes &times) {
  ScopedPhase phase(times, "write");
  StoreCounts counts;
  std::uint64_t collisions = 0;
  const auto key_values = global_keys(comm_, std::move(keys_), collisions);
  if (collisions > 0 && comm_.is_root()) {
    log::warn("ingest: {} distinct strings share a 64-bit key with another; they are merged",
              collisions);
  }
  counts.duplicates = mpi::allreduce(comm_, duplicates_, mpi::Op::sum);
  counts.accounts = accounts_written_;
  counts.posts = posts_written_;
  const auto table_rows = [&](std::size_t table) {
    std::uint64_t n = 0;
    for (const auto c : index_counts_[table])
      n += c;
    return mpi::allreduce(comm_, comm_.is_root() ? n : std::uint64_t{0}, mpi::Op::sum);
  };
  counts.actions = table_rows(2);
  counts.interactions = table_rows(3);
  counts.snapshots = table_rows(4);
  counts.follows = table_rows(5);
  const auto sources =
      mpi::allreduce(comm_, std::span<const std::uint64_t>(time_sources_), mpi::Op::sum);
  counts.time_sources = {
      {"snowflake", sources[0]}, {"tweet_time", sources[1]}, {"timestamp", sources[2]}};
  {
    const auto root = file_->root();
    store::write_attribute(root, "format", std::string(store::schema::kFormat));
    store::write_attribute(root, "format_version", store::schema::kVersion);
    store::write_attribute(root, "created_by", std::string("lockstep ") + kVersion);
    store::write_attribute(root, "partitions", static_cast<std::int64_t>(info_.partitions));
    store::write_attribute(root, "input_format", info_.input_format);
    store::write_attribute(root, "input_files", store::schema::join_input_files(info_.files));
    store::write_attribute(root, "rows_read", static_cast<std::int64_t>(summary.rows_read));
    store::write_attribute(root, "rows_rejected", static_cast<std::int64_t>(summary.rows_rejected));
    store::write_attribute(root, "rows_duplicate", static_cast<std::int64_t>(counts.duplicates));
    store::write_attribute(root, "non_post_rows", static_cast<std::int64_t>(summary.non_post_rows));
    store::write_attribute(
        root, "posts_before",
        static_cast<std::int64_t>(mpi::allreduce(comm_, existing_posts_, mpi::Op::sum)));
    for (const auto &[name, n] : counts.time_sources)
      store::write_attribute(root, "time_source_" + name, static_cast<std::int64_t>(n));

    const auto k = root.open_group("keys");
    store::write_column(k, schema::keys::key,
                        column<std::uint64_t>(key_values, [](const auto &r) { return r.key; }));
    store::write_column(k, schema::keys::signal,
                        column<std::uint8_t>(key_values, [](const auto &r) { return r.signal; }));
    store::write_strings(k, schema::keys::value, string_column(key_values, &KeyValue::value));

    const auto d = root.open_group("dictionaries");
    const auto mine = [&](const std::vector<std::string> &all) {
      return comm_.is_root() ? all : std::vector<std::string>{};
    };
    store::write_strings(d, "client", mine(labels_.clients));
    store::write_strings(d, "language", mine(labels_.languages));

    const auto x = root.open_group("index");
    const char *tables[] = {"accounts", "posts", "actions", "interactions", "snapshots", "follows"};
    for (std::size_t t = 0; t < std::size(tables); ++t) {
      std::vector<std::uint64_t> offsets; // rank 0 alone writes the P+1 offsets
      if (comm_.is_root()) {
        offsets.assign(index_counts_[t].size() + 1, 0);
        for (std::size_t q = 0; q < index_counts_[t].size(); ++q)
          offsets[q + 1] = offsets[q] + index_counts_[t][q];
      }
      store::write_column(x, tables[t], offsets);
    }
  } // every group is closed before the file
  file_->close();
  file_.reset();
  comm_.barrier();
  if (comm_.is_root())
    std::filesystem::rename(temporary_, path_);
  comm_.barrier();
  return counts;
}

Labels global_labels(const mpi::Comm &comm, const Labels &local) {
  const auto gather = [&](const std::vector<std::string> &mine) {
    std::vector<char> packed;
    bytes::Writer writer(packed);
    for (const auto &label : mine)
      writer.put(std::string_view(label));
    const auto all = mpi::allgatherv(comm, packed);
    std::set<std::string> labels;
    bytes::Reader reader(all.data(), all.data() + all.size());
    while (!reader.done())
      labels.insert(reader.get_string());
    return std::vector<std::string>(labels.begin(), labels.end());
  };
  return Labels{gather(local.clients), gather(local.languages)};
}

} // namespace lockstep::ingest
