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
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <functional>
#include <ips4o.hpp>
#include <limits>
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

// An action or interaction of a group's post, which names the post by its place in the rank's
// slab of the group's posts (the post's account and store row follow from it): 24 bytes rather
// than 40, and a post has several.
struct Action {
  std::uint64_t key;
  std::int64_t time_ms;
  std::uint32_t post;
  std::uint8_t signal;
};
struct InteractionRow {
  std::uint64_t target_key;
  std::int64_t time_ms;
  std::uint32_t post;
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
template <typename Profile, typename OtherProfile>
bool preferred_profile(const Profile &a, const OtherProfile &b) {
  if (a.from_users_file != b.from_users_file)
    return a.from_users_file > b.from_users_file;
  return std::tie(a.file, a.line) < std::tie(b.file, b.line);
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
// sort runs on compact keys (the id's first bytes as a number, then the id as a view); only the
// profiles' index is reordered.
void merge_accounts(PackedAccounts &accounts) {
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
    const auto a = accounts[i];
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
  // The first of each id in key order is the one kept.
  std::vector<std::size_t> kept;
  kept.reserve(keys.size());
  for (std::size_t k = 0; k < keys.size(); ++k) {
    if (k == 0 || keys[k].id != keys[k - 1].id)
      kept.push_back(keys[k].row);
  }
  accounts.keep(kept);
}

// Dense account ids by account id text, looked up by its hash (hash64, as posts carry it) and
// checked against the text; distinct ids with equal hashes fall back to a map of the texts.
class DenseAccounts {
public:
  DenseAccounts(const PackedAccounts &accounts, std::uint64_t base)
      : accounts_(accounts), base_(base), by_hash_(accounts.size()) {
    for (std::size_t i = 0; i < accounts.size(); ++i) {
      const auto id = accounts.id(i);
      if (!by_hash_.try_emplace(hash64(id), i).second)
        by_text_.emplace(id, i);
    }
  }

  std::uint64_t at(std::string_view id, std::uint64_t hash) const {
    const auto row = by_hash_.find(hash);
    if (row != HashSlots::kNone && accounts_.id(row) == id)
      return base_ + row;
    const auto text = by_text_.find(std::string(id));
    if (text == by_text_.end())
      throw std::logic_error("ingest: the account of a post has no profile row: '" +
                             std::string(id) + "'");
    return base_ + text->second;
  }

private:
  const PackedAccounts &accounts_;
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

bool same_key_value(const KeyValue &a, const KeyValue &b) {
  return a.key == b.key && a.signal == b.signal && a.value == b.value;
}

// Values of the keys used by actions and interactions, globally deduplicated and sorted by key:
// each key goes to the rank owning its range of the 64-bit key space. The values view `received`,
// this rank's share as it came. Collective.
std::vector<KeyValue> global_keys(const mpi::Comm &comm, KeyStrings local,
                                  std::vector<char> &received, std::uint64_t &collisions) {
  std::vector<std::vector<char>> buckets(static_cast<std::size_t>(comm.size()));
  for (const auto &kv : local.keys()) {
    // Contiguous, increasing key ranges, so that the ranks' slabs in order are sorted by key.
    const auto ranks = static_cast<std::uint64_t>(comm.size());
    const auto owner =
        static_cast<std::size_t>(std::min(ranks - 1, kv.key / (~std::uint64_t{0} / ranks)));
    bytes::Writer writer(buckets[owner]);
    writer.put(kv.key);
    writer.put(kv.signal);
    writer.put(kv.value);
  }
  local = KeyStrings();
  received = mpi::alltoallv(comm, buckets);
  buckets = {};
  std::vector<KeyValue> mine;
  bytes::Reader reader(received.data(), received.data() + received.size());
  while (!reader.done()) {
    KeyValue kv;
    kv.key = reader.get<std::uint64_t>();
    kv.signal = reader.get<std::uint8_t>();
    kv.value = reader.get_bytes(reader.get<std::uint32_t>());
    mine.push_back(kv);
  }
  ips4o::sort(mine.begin(), mine.end(), key_value_less);
  std::vector<KeyValue> unique;
  for (const auto &kv : mine) {
    if (!unique.empty() && unique.back().key == kv.key && unique.back().signal == kv.signal) {
      if (unique.back().value != kv.value)
        ++collisions; // two strings, one 64-bit hash
      continue;
    }
    unique.push_back(kv);
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

// Views of one string of every row, a member or what `get` returns (the rows outlive the column).
template <typename Rows, typename Get>
std::vector<std::string_view> string_column(const Rows &rows, Get get) {
  std::vector<std::string_view> out;
  out.reserve(rows.size());
  for (const auto &row : rows)
    out.emplace_back(std::invoke(get, row));
  return out;
}

// Adds the strings behind a group's keys to `keys`, each (key, signal, value) about once: a
// hashtag, link or mention recurs in many posts, and keeping every occurrence until the group's
// sort made deriving IO-archive rows a fifth of ingest. A value is skipped when the first one
// recorded under its (key, signal) is the same string; any other (a hash collision) is added,
// and what repeats goes when the keys are compacted (before the next group) or merged (finish).
class KeyRecorder {
public:
  explicit KeyRecorder(KeyStrings &keys) : keys_(keys), first_(512) {}

  void add(std::uint64_t key, Signal signal, std::string_view value) {
    const auto code = static_cast<std::uint8_t>(signal);
    // With std::unordered_map's node per key, add() was 9% of ingesting QUT's benchmark input.
    const auto [first, added] = first_.try_emplace(key ^ (std::uint64_t{code} << 56), keys_.size());
    if (!added) {
      const auto &seen = keys_[first];
      if (seen.key == key && seen.signal == code && seen.value == value)
        return;
    }
    keys_.add(key, code, value);
  }

private:
  KeyStrings &keys_;
  HashSlots first_; // (key, signal) -> its first in keys_
};

void add_action(std::vector<Action> &actions, KeyRecorder &keys, const PostView &post,
                std::uint32_t post_index, Signal signal, std::uint64_t key,
                const std::string_view *value) {
  if (key == 0)
    return;
  actions.push_back(Action{key, post.head.time_ms, post_index, static_cast<std::uint8_t>(signal)});
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
void gather_actions(const PostView &post, std::uint32_t index, PostActions &out,
                    KeyRecorder &keys) {
  const auto &head = post.head;
  auto &actions = out.actions;
  actions.clear();
  add_action(actions, keys, post, index, Signal::retweet, head.retweet_of, nullptr);
  add_action(actions, keys, post, index, Signal::reply, head.reply_to, nullptr);
  add_action(actions, keys, post, index, Signal::quote, head.quote_of, nullptr);
  for (const auto &tag : post.hashtags)
    add_action(actions, keys, post, index, Signal::hashtag, hash64(tag), &tag);
  for (const auto &url : post.urls) {
    add_action(actions, keys, post, index, Signal::url, hash64(url), &url);
    const std::string_view domain = text::url_domain(url);
    add_action(actions, keys, post, index, Signal::domain, hash64(domain), &domain);
  }
  for (const auto &user : post.mentions)
    add_action(actions, keys, post, index, Signal::mention, hash64(user), &user);
  add_action(actions, keys, post, index, Signal::text, head.text_key, nullptr);
  for (std::size_t i = 0; i < post.objects.size(); ++i) {
    const auto &object = post.objects[i];
    add_action(actions, keys, post, index,
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
void gather_interactions(const PostView &post, std::uint32_t index, PostActions &out,
                         KeyRecorder &keys) {
  auto &interactions = out.interactions;
  interactions.clear();
  const auto interact = [&](Interaction kind, std::string_view user) {
    if (user.empty())
      return;
    interactions.push_back(
        InteractionRow{hash64(user), post.head.time_ms, index, static_cast<std::uint8_t>(kind)});
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
void derive_post(const PostView &post, std::uint32_t index, PostActions &scratch,
                 ChunkedRows<Action> &actions, ChunkedRows<InteractionRow> &interactions,
                 KeyRecorder &keys) {
  gather_actions(post, index, scratch, keys);
  for (const auto &action : scratch.actions)
    actions.push_back(action);
  gather_interactions(post, index, scratch, keys);
  for (const auto &interaction : scratch.interactions)
    interactions.push_back(interaction);
}

} // namespace

void OwnedRows::stop_adding_accounts() {
  account_at_ = HashSlots();
}

void OwnedRows::add_account(AccountRow &&account) {
  const auto [row, added] = account_at_.try_emplace(hash64(account.id), accounts.size());
  if (!added && accounts.id(row) == account.id) {
    if (preferred_profile(account, accounts[row]))
      accounts.replace(row, account);
    return;
  }
  accounts.push_back(account); // a new account, or another id with an equal hash
}

StoreWriter::StoreWriter(const mpi::Comm &comm, const std::string &path, StoreInfo info,
                         Labels labels, std::uint64_t post_stage_rows)
    : comm_(comm), path_(path), info_(std::move(info)), labels_(std::move(labels)),
      post_stage_rows_(std::max<std::uint64_t>(1, post_stage_rows)) {
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

// The bytes of a group's /posts string columns: a staged column's bytes are laid out over the
// ranks before its first stage.
struct PostStringBytes {
  std::uint64_t text = 0, retweet_user = 0, reply_user = 0, content_id = 0;

  void add(const PostView &post) {
    text += post.text.size();
    retweet_user += post.retweet_user.size();
    reply_user += post.reply_user.size();
    content_id += post.post_id_text.size();
  }
};

// The kept posts (indices into `posts`) in the store's order, by (account, time, post id, dedup
// key), with their dense accounts alongside in `post_account`; the same pass over the posts (in
// arrival order, as they lie) adds up their string columns' bytes in `string_bytes`.
std::vector<std::size_t> sort_posts(const PackedPosts &posts, const std::vector<std::size_t> &kept,
                                    const DenseAccounts &dense,
                                    std::vector<std::uint64_t> &post_account,
                                    PostStringBytes &string_bytes) {
  struct Order { // the sort key of a post, compact
    std::uint64_t account;
    std::int64_t time_ms;
    std::uint64_t post_id, dedup_key;
    std::size_t row;
  };
  std::vector<Order> order(kept.size());
  PostView post;
  for (std::size_t k = 0; k < kept.size(); ++k) {
    posts.view(kept[k], post);
    const auto &head = post.head;
    order[k] = {dense.at(post.account, head.account_key), head.time_ms, head.post_id,
                head.dedup_key, kept[k]};
    string_bytes.add(post);
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

void append_accounts(const store::Group &g, const PackedAccounts &accounts,
                     const std::vector<std::uint64_t> &post_count, const Labels &labels) {
  store::append_column(g, schema::accounts::key,
                       column<std::uint64_t>(accounts, [](const auto &a) { return hash64(a.id); }));
  store::append_column(g, schema::accounts::partition,
                       column<std::uint32_t>(accounts, [](const auto &a) { return a.partition; }));
  store::append_strings(g, schema::accounts::id,
                        string_column(accounts, [](const auto &a) { return a.id; }));
  store::append_strings(g, schema::accounts::screen_name,
                        string_column(accounts, [](const auto &a) { return a.screen_name; }));
  store::append_strings(g, schema::accounts::display_name,
                        string_column(accounts, [](const auto &a) { return a.display_name; }));
  store::append_strings(g, schema::accounts::description,
                        string_column(accounts, [](const auto &a) { return a.description; }));
  store::append_strings(g, schema::accounts::location,
                        string_column(accounts, [](const auto &a) { return a.location; }));
  store::append_strings(g, schema::accounts::label,
                        string_column(accounts, [](const auto &a) { return a.label; }));
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

// A /posts column of a group, appended a stage of posts at a time: the part gathered, then
// written and cleared.
template <typename T>
struct StagedColumn {
  explicit StagedColumn(store::ColumnAppender<T> appender) : column(std::move(appender)) {}

  store::ColumnAppender<T> column;
  std::vector<T> part;

  void write() {
    column.write(part);
    part.clear();
  }
};
struct StagedStrings {
  explicit StagedStrings(store::StringAppender appender) : column(std::move(appender)) {}

  store::StringAppender column;
  std::vector<std::string_view> part; // views into the packed posts

  void write() {
    column.write(part);
    part.clear();
  }
};

// A group's /posts columns, appended in store order a stage of posts at a time as the posts are
// derived: built whole before the write, they were 86 MB of the 384 MB that ingesting QUT's
// benchmark input peaked at. Collective to construct and at each stage (write_stage). The columns
// are created and extended in the store's column order.
class PostWriter {
public:
  PostWriter(const store::Group &posts, const std::vector<std::uint64_t> &post_account,
             const PostStringBytes &bytes, const Labels &labels, std::uint64_t stage_rows)
      : labels_(labels), post_account_(post_account), rows_(post_account.size()),
        stage_rows_(stage_rows), // the columns follow in the store's order
        post_id_(column<std::uint64_t>(posts, schema::posts::post_id)),
        account_(column<std::uint64_t>(posts, schema::posts::account)),
        time_ms_(column<std::int64_t>(posts, schema::posts::time_ms)),
        time_source_(column<std::uint8_t>(posts, schema::posts::time_source)),
        kind_(column<std::uint8_t>(posts, schema::posts::kind)),
        client_(column<std::uint32_t>(posts, schema::posts::client)),
        language_(column<std::uint32_t>(posts, schema::posts::language)),
        text_(strings(posts, schema::posts::text, bytes.text)),
        text_key_(column<std::uint64_t>(posts, schema::posts::text_key)),
        retweet_of_(column<std::uint64_t>(posts, schema::posts::retweet_of)),
        reply_to_(column<std::uint64_t>(posts, schema::posts::reply_to)),
        quote_of_(column<std::uint64_t>(posts, schema::posts::quote_of)),
        retweet_user_(strings(posts, schema::posts::retweet_user, bytes.retweet_user)),
        reply_user_(strings(posts, schema::posts::reply_user, bytes.reply_user)),
        content_id_(strings(posts, schema::posts::content_id, bytes.content_id)) {}

  std::uint64_t stage_rows() const { return stage_rows_; }

  // The stages every rank takes part in: as many as the rank with most posts needs where the
  // columns are filtered (written collectively), else this rank's own. Collective.
  std::size_t stages(const mpi::Comm &comm) const {
    const std::uint64_t own = (rows_ + stage_rows_ - 1) / stage_rows_;
    return account_.collective() ? mpi::allreduce(comm, own, mpi::Op::max) : own;
  }

  // Adds the next post in store order to the current stage.
  void add(const PostView &post) {
    const auto &head = post.head;
    post_id_.part.push_back(head.post_id);
    time_ms_.part.push_back(head.time_ms);
    time_source_.part.push_back(static_cast<std::uint8_t>(head.time_source));
    kind_.part.push_back(static_cast<std::uint8_t>(head.kind));
    client_.part.push_back(label_id(labels_.clients, post.client));
    language_.part.push_back(label_id(labels_.languages, post.language));
    text_.part.push_back(post.text);
    text_key_.part.push_back(head.text_key);
    retweet_of_.part.push_back(head.retweet_of);
    reply_to_.part.push_back(head.reply_to);
    quote_of_.part.push_back(head.quote_of);
    retweet_user_.part.push_back(post.retweet_user);
    reply_user_.part.push_back(post.reply_user);
    content_id_.part.push_back(post.post_id_text);
  }

  // Whether every post and all of its strings are written: the string columns' bytes were laid
  // out from lengths counted before the stages.
  bool complete() const {
    return account_.left() == 0 &&
           std::ranges::all_of(std::array{&text_, &retweet_user_, &reply_user_, &content_id_},
                               [](const StagedStrings *s) { return s->column.complete(); });
  }

  // Writes the posts added since the last stage (none, for a rank that has written all of its
  // own while others have not). Collective where the columns are filtered.
  void write_stage() {
    const std::size_t count = post_id_.part.size();
    account_.write(std::span(post_account_).subspan(written_, count));
    written_ += count;
    post_id_.write();
    time_ms_.write();
    time_source_.write();
    kind_.write();
    client_.write();
    language_.write();
    text_.write();
    text_key_.write();
    retweet_of_.write();
    reply_to_.write();
    quote_of_.write();
    retweet_user_.write();
    reply_user_.write();
    content_id_.write();
  }

private:
  template <typename T>
  store::ColumnAppender<T> column(const store::Group &posts, const schema::Column &c) const {
    return {posts, c, rows_};
  }
  store::StringAppender strings(const store::Group &posts, const schema::Column &c,
                                std::uint64_t bytes) const {
    return {posts, c, rows_, bytes};
  }

  const Labels &labels_;
  const std::vector<std::uint64_t> &post_account_;
  std::uint64_t rows_ = 0, stage_rows_ = 0, written_ = 0;
  StagedColumn<std::uint64_t> post_id_;
  store::ColumnAppender<std::uint64_t> account_; // written from post_account_
  StagedColumn<std::int64_t> time_ms_;
  StagedColumn<std::uint8_t> time_source_, kind_;
  StagedColumn<std::uint32_t> client_, language_;
  StagedStrings text_;
  StagedColumn<std::uint64_t> text_key_, retweet_of_, reply_to_, quote_of_;
  StagedStrings retweet_user_, reply_user_, content_id_;
};

// Where a group's posts went: each one's dense account, and the /posts row of the first.
struct PostPlaces {
  const std::vector<std::uint64_t> &account;
  std::uint64_t first_row = 0;
};

void append_actions(const store::Group &a, const ChunkedRows<Action> &actions,
                    const PostPlaces &posts) {
  store::append_column(a, schema::actions::account, column<std::uint64_t>(actions, [&](auto &r) {
                         return posts.account[r.post];
                       }));
  store::append_column(a, schema::actions::signal,
                       column<std::uint8_t>(actions, [](const auto &r) { return r.signal; }));
  store::append_column(a, schema::actions::key,
                       column<std::uint64_t>(actions, [](const auto &r) { return r.key; }));
  store::append_column(a, schema::actions::time_ms,
                       column<std::int64_t>(actions, [](const auto &r) { return r.time_ms; }));
  store::append_column(a, schema::actions::post, column<std::uint64_t>(actions, [&](auto &r) {
                         return posts.first_row + r.post;
                       }));
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

void append_interactions(const store::Group &n, const ChunkedRows<InteractionRow> &interactions,
                         const PostPlaces &posts) {
  store::append_column(
      n, schema::interactions::source,
      column<std::uint64_t>(interactions, [&](const auto &r) { return posts.account[r.post]; }));
  store::append_column(n, schema::interactions::kind,
                       column<std::uint8_t>(interactions, [](const auto &r) { return r.kind; }));
  store::append_column(
      n, schema::interactions::target_key,
      column<std::uint64_t>(interactions, [](const auto &r) { return r.target_key; }));
  store::append_column(n, schema::interactions::time_ms,
                       column<std::int64_t>(interactions, [](const auto &r) { return r.time_ms; }));
  store::append_column(
      n, schema::interactions::post,
      column<std::uint64_t>(interactions, [&](const auto &r) { return posts.first_row + r.post; }));
}

// A group's posts in store order.
struct OrderedPosts {
  const PackedPosts &posts;
  const std::vector<std::size_t> &order; // indices into `posts`
};

// What deriving a group's posts yields besides their columns.
struct DerivedRows {
  ChunkedRows<Action> actions;
  ChunkedRows<InteractionRow> interactions;
  std::array<std::uint64_t, 3> time_sources{}; // posts per TimeSource
};

// Derives the actions and interactions of a group's posts, and the strings behind their keys, in
// store order, and appends the posts' columns a stage at a time as it goes ("derive" and "write"
// in `times`). Collective.
void derive_and_write_posts(const mpi::Comm &comm, const OrderedPosts &in, PostWriter &writer,
                            KeyRecorder &keys, DerivedRows &out, PhaseTimes &times) {
  PostActions scratch;
  PostView post;
  constexpr std::size_t kAhead = 8; // posts in store order lie anywhere in the chunks
  const std::size_t stages = writer.stages(comm), count = in.order.size();
  if (count > std::numeric_limits<std::uint32_t>::max()) // actions name posts by a uint32
    throw std::length_error("ingest: over 2^32 posts in one rank's group of partitions");
  for (std::size_t stage = 0; stage < stages; ++stage) {
    {
      ScopedPhase phase(times, "derive");
      const std::size_t end = std::min(count, (stage + 1) * writer.stage_rows());
      for (std::size_t i = std::min(count, stage * writer.stage_rows()); i < end; ++i) {
        if (i + kAhead < count)
          in.posts.prefetch(in.order[i + kAhead]);
        in.posts.view(in.order[i], post);
        ++out.time_sources[static_cast<std::size_t>(post.head.time_source)];
        derive_post(post, static_cast<std::uint32_t>(i), scratch, out.actions, out.interactions,
                    keys);
        writer.add(post);
      }
    }
    ScopedPhase phase(times, "write");
    writer.write_stage();
  }
  if (!writer.complete()) // the stages write what was counted, or the columns would have gaps
    throw std::logic_error("ingest: the posts' columns were not written whole");
}

} // namespace

void StoreWriter::add_group(OwnedRows &rows, PartitionRange owned, PhaseTimes &times) {
  std::optional<ScopedPhase> phase(std::in_place, times, "sort");
  keys_.compact(); // the earlier groups' keys: this group's wait for finish(), which merges them
  const auto [first, last] = owned;
  auto kept = dedup_posts(rows.posts);
  duplicates_ += kept.duplicates;
  existing_posts_ += rows.existing_posts;
  rows.stop_adding_accounts();
  merge_accounts(rows.accounts);
  auto &accounts = rows.accounts;

  // Dense account ids: the global row of the account in /accounts.
  const auto account_layout = store::layout_slabs(comm_, accounts.size());
  const std::uint64_t account_base = accounts_written_ + account_layout.local.offset;
  std::optional<DenseAccounts> dense(std::in_place, accounts, account_base);
  std::vector<std::uint64_t> post_account;
  PostStringBytes string_bytes;
  const auto post_order = sort_posts(rows.posts, kept.rows, *dense, post_account, string_bytes);
  std::vector<std::size_t>().swap(kept.rows); // post_order holds them now
  const auto post_layout = store::layout_slabs(comm_, post_order.size());
  const std::uint64_t post_base = posts_written_ + post_layout.local.offset;
  const auto snapshots = sorted_snapshots(rows.snapshots, *dense);
  const auto follows = merged_follows(rows.follows, *dense);
  dense.reset(); // every row names its dense account now
  // In their new order, in memory that the sort's keys had (the profiles are read column by
  // column).
  accounts.compact();

  // Actions, interactions, the strings behind their keys and the posts' columns, in post order.
  phase.emplace(times, "write");
  const auto root = file_->root();
  PostWriter post_writer(root.open_group("posts"), post_account, string_bytes, labels_,
                         post_stage_rows_);
  phase.reset();
  DerivedRows derived;
  {
    KeyRecorder keys(keys_); // this group's keys, each once
    derive_and_write_posts(comm_, {rows.posts, post_order}, post_writer, keys, derived, times);
    phase.emplace(times, "derive");
    for (const auto &follow : rows.follows) // the followed accounts' ids
      keys.add(hash64(follow.followed), Signal::follows, follow.followed);
  }
  const auto &actions = derived.actions;
  const auto &interactions = derived.interactions;
  for (std::size_t i = 0; i < 3; ++i)
    time_sources_[i] += derived.time_sources[i];
  std::vector<std::uint64_t> post_count(accounts.size(), 0);
  for (const auto account : post_account)
    ++post_count[account - account_base];

  phase.emplace(times, "write");
  const auto partition_of_account = [&](std::uint64_t dense_id) {
    return accounts.partition(dense_id - account_base);
  };
  collect_counts(
      index_counts_[0],
      count_by_partition(accounts, first, last, [](const AccountView &a) { return a.partition; }));
  collect_counts(index_counts_[1],
                 count_by_partition(post_account, first, last, partition_of_account));
  collect_counts(index_counts_[2], count_by_partition(actions, first, last, [&](const Action &a) {
                   return partition_of_account(post_account[a.post]);
                 }));
  collect_counts(index_counts_[3],
                 count_by_partition(interactions, first, last, [&](const InteractionRow &r) {
                   return partition_of_account(post_account[r.post]);
                 }));
  collect_counts(index_counts_[4],
                 count_by_partition(snapshots, first, last, [&](const Snapshot &r) {
                   return partition_of_account(r.account);
                 }));
  collect_counts(index_counts_[5], count_by_partition(follows, first, last, [&](const Follow &r) {
                   return partition_of_account(r.account);
                 }));

  append_accounts(root.open_group("accounts"), accounts, post_count, labels_);
  const PostPlaces places{post_account, post_base};
  append_actions(root.open_group("actions"), actions, places);
  append_snapshots(root.open_group("snapshots"), snapshots);
  append_interactions(root.open_group("interactions"), interactions, places);
  append_follows(root.open_group("follows"), follows);
  accounts_written_ += account_layout.total;
  posts_written_ += post_layout.total;
}

void KeyStrings::add(std::uint64_t key, std::uint8_t signal, std::string_view value) {
  char *at = bytes_.room(value.size());
  if (!value.empty())
    std::memcpy(at, value.data(), value.size());
  keys_.push_back(KeyString{key, std::string_view(at, value.size()), signal});
}

void KeyStrings::compact() {
  if (keys_.empty())
    return;
  std::vector<KeyString> sorted(keys_.begin(), keys_.end());
  ips4o::sort(sorted.begin(), sorted.end(), key_value_less);
  sorted.erase(std::unique(sorted.begin(), sorted.end(), same_key_value), sorted.end());
  KeyStrings kept;
  for (const auto &kv : sorted)
    kept.add(kv.key, kv.signal, kv.value);
  *this = std::move(kept);
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
  std::vector<char> key_bytes; // what key_values view
  const auto key_values = global_keys(comm_, std::move(keys_), key_bytes, collisions);
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
