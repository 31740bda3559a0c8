// Packing posts into chunks, and reading them back as heads, views or rows.
#include "ingest/packed_posts.hpp"

#include "store/schema.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <stdexcept>

namespace lockstep::ingest {
namespace {

// A packed post: the head's fixed fields, a flags byte, the nonzero ones of its four optional keys,
// then its strings and lists with LEB128 lengths (a post of the action table is mostly short ids,
// and fixed 4-byte lengths and zero keys were a third of it).
constexpr std::size_t kFixedBytes = 5 * 8 + 2 * 4 + 2 + 1; // u64 x5, u32 x2, two enums, flags
enum Flag : std::uint8_t {
  kNamesItsPost = 1,
  kTyped = 2,
  kTweet = 4,
  kTextKey = 8, // then the optional keys present, in this order
  kRetweetOf = 16,
  kReplyTo = 32,
  kQuoteOf = 64,
};

template <typename T>
void put(char *&out, T value) {
  std::memcpy(out, &value, sizeof value);
  out += sizeof value;
}

template <typename T>
T get(const char *&in) {
  T value;
  std::memcpy(&value, in, sizeof value);
  in += sizeof value;
  return value;
}

std::size_t varint_size(std::size_t value) {
  std::size_t size = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++size;
  }
  return size;
}

void put_varint(char *&out, std::size_t value) {
  while (value >= 0x80) {
    *out++ = static_cast<char>(0x80 | (value & 0x7F));
    value >>= 7;
  }
  *out++ = static_cast<char>(value);
}

std::size_t get_varint(const char *&in) {
  std::size_t value = 0;
  for (int shift = 0;; shift += 7) {
    const auto byte = static_cast<unsigned char>(*in++);
    value |= static_cast<std::size_t>(byte & 0x7F) << shift;
    if (byte < 0x80)
      return value;
  }
}

// The optional keys of a head, in their packed order, with their flags.
std::array<std::pair<Flag, std::uint64_t PostHead::*>, 4> optional_keys() {
  return {{{kTextKey, &PostHead::text_key},
           {kRetweetOf, &PostHead::retweet_of},
           {kReplyTo, &PostHead::reply_to},
           {kQuoteOf, &PostHead::quote_of}}};
}

PostHead head_of(const PostRow &row) {
  PostHead head;
  head.account_key = row.account_key;
  head.post_id = row.post_id;
  head.dedup_key = row.dedup_key;
  head.text_key = row.text_key;
  head.retweet_of = row.retweet_of;
  head.reply_to = row.reply_to;
  head.quote_of = row.quote_of;
  head.time_ms = row.time_ms;
  head.line = row.line;
  head.partition = row.partition;
  head.file = row.file;
  head.time_source = row.time_source;
  head.kind = row.kind;
  head.names_its_post = row.names_its_post;
  head.typed = row.names_its_post &&
               std::none_of(row.object_signals.begin(), row.object_signals.end(), [](auto s) {
                 return s == static_cast<std::uint8_t>(store::schema::Signal::object);
               });
  head.tweet = row.post_id_text.empty() && row.post_id != 0;
  return head;
}

std::size_t head_size(const PostHead &head) {
  std::size_t size = kFixedBytes;
  for (const auto &[flag, key] : optional_keys())
    size += head.*key != 0 ? sizeof(std::uint64_t) : 0;
  return size;
}

void put_head(char *&out, const PostHead &head) {
  put(out, head.account_key);
  put(out, head.post_id);
  put(out, head.dedup_key);
  put(out, head.time_ms);
  put(out, head.line);
  put(out, head.partition);
  put(out, head.file);
  put(out, static_cast<std::uint8_t>(head.time_source));
  put(out, static_cast<std::uint8_t>(head.kind));
  std::uint8_t flags = (head.names_its_post ? kNamesItsPost : 0) | (head.typed ? kTyped : 0) |
                       (head.tweet ? kTweet : 0);
  for (const auto &[flag, key] : optional_keys())
    flags |= head.*key != 0 ? flag : 0;
  put(out, flags);
  for (const auto &[flag, key] : optional_keys()) {
    if (head.*key != 0)
      put(out, head.*key);
  }
}

// Reads a packed head at `in`, leaving `in` at the post's strings.
PostHead get_head(const char *&in) {
  PostHead head;
  head.account_key = get<std::uint64_t>(in);
  head.post_id = get<std::uint64_t>(in);
  head.dedup_key = get<std::uint64_t>(in);
  head.time_ms = get<std::int64_t>(in);
  head.line = get<std::int64_t>(in);
  head.partition = get<std::uint32_t>(in);
  head.file = get<std::uint32_t>(in);
  head.time_source = static_cast<TimeSource>(get<std::uint8_t>(in));
  head.kind = static_cast<PostKind>(get<std::uint8_t>(in));
  const auto flags = get<std::uint8_t>(in);
  head.names_its_post = (flags & kNamesItsPost) != 0;
  head.typed = (flags & kTyped) != 0;
  head.tweet = (flags & kTweet) != 0;
  for (const auto &[flag, key] : optional_keys())
    head.*key = (flags & flag) != 0 ? get<std::uint64_t>(in) : 0;
  return head;
}

// Where a packed post's strings start.
const char *strings_of(const char *at) {
  constexpr unsigned kOptional = kTextKey | kRetweetOf | kReplyTo | kQuoteOf;
  const unsigned flags = static_cast<unsigned char>(at[kFixedBytes - 1]);
  return at + kFixedBytes +
         sizeof(std::uint64_t) * static_cast<std::size_t>(std::popcount(flags & kOptional));
}

std::string_view signals_of(const PostRow &row) {
  return {reinterpret_cast<const char *>(row.object_signals.data()), row.object_signals.size()};
}

// The strings of a post in their packed order, then its lists.
template <typename Visit, typename VisitList>
void for_each_string(const PostRow &row, Visit visit, VisitList visit_list) {
  for (const std::string_view s :
       {std::string_view(row.account), std::string_view(row.post_id_text),
        std::string_view(row.client), std::string_view(row.language), std::string_view(row.text),
        std::string_view(row.retweet_user), std::string_view(row.reply_user), signals_of(row)})
    visit(s);
  for (const auto *list : {&row.hashtags, &row.urls, &row.mentions, &row.objects})
    visit_list(*list);
}

std::size_t packed_size(const PostRow &row) {
  std::size_t size = head_size(head_of(row));
  const auto string_size = [&](std::string_view s) { size += varint_size(s.size()) + s.size(); };
  for_each_string(row, string_size, [&](const std::vector<std::string> &list) {
    size += varint_size(list.size());
    for (const auto &s : list)
      string_size(s);
  });
  return size;
}

// Writes `row` packed (packed_size(row) bytes) at `out`.
void pack_body(const PostRow &row, char *out) {
  put_head(out, head_of(row));
  const auto put_string = [&](std::string_view s) {
    put_varint(out, s.size());
    if (!s.empty())
      std::memcpy(out, s.data(), s.size());
    out += s.size();
  };
  for_each_string(row, put_string, [&](const std::vector<std::string> &list) {
    put_varint(out, list.size());
    for (const auto &s : list)
      put_string(s);
  });
}

// Reads a packed post's strings in order.
class Cursor {
public:
  explicit Cursor(const char *at) : at_(strings_of(at)) {}
  std::string_view string() {
    const auto n = get_varint(at_);
    const std::string_view s(at_, n);
    at_ += n;
    return s;
  }
  void list(std::vector<std::string_view> &out) {
    out.clear();
    for (auto n = get_varint(at_); n > 0; --n)
      out.push_back(string());
  }

private:
  const char *at_;
};

} // namespace

void pack_post(const PostRow &row, std::vector<char> &out) {
  const std::size_t size = packed_size(row);
  if (size > UINT32_MAX)
    throw std::length_error("ingest: a post of over 4 GiB");
  const std::size_t at = out.size();
  out.resize(at + sizeof(std::uint32_t) + size);
  char *p = out.data() + at;
  put(p, static_cast<std::uint32_t>(size));
  pack_body(row, p);
}

void PackedPosts::add(const PostRow &row) {
  char *at = chunks_.room(packed_size(row));
  pack_body(row, at);
  rows_.push_back(at);
}

void PackedPosts::add_packed(std::string_view packed) {
  if (packed.size() < kFixedBytes || strings_of(packed.data()) > packed.data() + packed.size())
    throw std::runtime_error("ingest: corrupt row exchange");
  char *at = chunks_.room(packed.size());
  std::memcpy(at, packed.data(), packed.size());
  rows_.push_back(at);
}

PostHead PackedPosts::head(std::size_t i) const {
  const char *at = rows_[i];
  return get_head(at);
}

std::string_view PackedPosts::account(std::size_t i) const {
  return Cursor(rows_[i]).string();
}

void PackedPosts::view(std::size_t i, PostView &out) const {
  out.head = head(i);
  Cursor in(rows_[i]);
  for (auto *s : {&out.account, &out.post_id_text, &out.client, &out.language, &out.text,
                  &out.retweet_user, &out.reply_user, &out.object_signals})
    *s = in.string();
  for (auto *list : {&out.hashtags, &out.urls, &out.mentions, &out.objects})
    in.list(*list);
}

PostRow PackedPosts::row(std::size_t i) const {
  PostView v;
  view(i, v);
  PostRow row;
  row.partition = v.head.partition;
  row.account = v.account;
  row.account_key = v.head.account_key;
  row.post_id = v.head.post_id;
  row.dedup_key = v.head.dedup_key;
  row.post_id_text = v.post_id_text;
  row.names_its_post = v.head.names_its_post;
  row.time_ms = v.head.time_ms;
  row.time_source = v.head.time_source;
  row.kind = v.head.kind;
  row.client = v.client;
  row.language = v.language;
  row.text = v.text;
  row.text_key = v.head.text_key;
  row.retweet_of = v.head.retweet_of;
  row.reply_to = v.head.reply_to;
  row.quote_of = v.head.quote_of;
  row.retweet_user = v.retweet_user;
  row.reply_user = v.reply_user;
  for (const auto &[from, to] :
       {std::pair{&v.hashtags, &row.hashtags}, std::pair{&v.urls, &row.urls},
        std::pair{&v.mentions, &row.mentions}, std::pair{&v.objects, &row.objects}})
    to->assign(from->begin(), from->end());
  row.object_signals.assign(v.object_signals.begin(), v.object_signals.end());
  row.file = v.head.file;
  row.line = v.head.line;
  return row;
}

void PackedPosts::replace(std::size_t i, const PostRow &row) {
  char *at = chunks_.room(packed_size(row));
  pack_body(row, at);
  rows_[i] = at;
}

} // namespace lockstep::ingest
