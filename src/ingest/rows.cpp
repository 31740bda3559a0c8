// Row packing and post keys.
#include "ingest/rows.hpp"

#include "common/hash.hpp"
#include "ingest/fields.hpp"

namespace lockstep::ingest {

std::uint64_t post_key(std::string_view id_text) {
  if (id_text.empty())
    return 0;
  if (const auto id = parse_id(id_text); id && *id < (std::uint64_t{1} << 63) && *id != 0)
    return *id;
  return hash64(id_text) | (std::uint64_t{1} << 63);
}

namespace {

// Empties each of `fields`, keeping its memory.
template <typename... Fields>
void empty_keeping_memory(Fields &...fields) {
  (fields.clear(), ...);
}

} // namespace

// A field added to a row must be cleared here too: the sizes below (for libstdc++ on 64 bits) say
// when a row changed.
#if defined(__GLIBCXX__) && __SIZEOF_POINTER__ == 8
static_assert(sizeof(PostRow) == 448, "PostRow changed: clear its new fields in PostRow::clear");
static_assert(sizeof(AccountRow) == 272, "AccountRow changed: clear its new fields in its clear");
#endif

void PostRow::clear() {
  empty_keeping_memory(account, post_id_text, client, language, text, retweet_user, reply_user,
                       hashtags, urls, mentions, objects, object_signals);
  partition = 0;
  account_key = post_id = dedup_key = text_key = 0;
  names_its_post = false;
  time_ms = 0;
  time_source = TimeSource::snowflake;
  kind = PostKind::original;
  retweet_of = reply_to = quote_of = 0;
  file = 0;
  line = 0;
}

void AccountRow::clear() {
  empty_keeping_memory(id, screen_name, display_name, language, description, location, label);
  partition = 0;
  created_day = kUnknownDay;
  followers = following = -1;
  from_users_file = 0;
  file = 0;
  line = 0;
}

void AccountRow::pack(bytes::Writer &out) const {
  out.put(partition);
  for (const auto *s :
       {&id, &screen_name, &display_name, &language, &description, &location, &label}) {
    out.put(std::string_view(*s));
  }
  out.put(created_day);
  out.put(followers);
  out.put(following);
  out.put(from_users_file);
  out.put(file);
  out.put(line);
}

AccountRow AccountRow::unpack(bytes::Reader &in) {
  AccountRow row;
  row.partition = in.get<std::uint32_t>();
  for (auto *s : {&row.id, &row.screen_name, &row.display_name, &row.language, &row.description,
                  &row.location, &row.label}) {
    *s = in.get_string();
  }
  row.created_day = in.get<std::int64_t>();
  row.followers = in.get<std::int64_t>();
  row.following = in.get<std::int64_t>();
  row.from_users_file = in.get<std::uint8_t>();
  row.file = in.get<std::uint32_t>();
  row.line = in.get<std::int64_t>();
  return row;
}

void SnapshotRow::pack(bytes::Writer &out) const {
  out.put(partition);
  out.put(std::string_view(account));
  out.put(time_ms);
  out.put(followers);
  out.put(file);
  out.put(line);
}

SnapshotRow SnapshotRow::unpack(bytes::Reader &in) {
  SnapshotRow row;
  row.partition = in.get<std::uint32_t>();
  row.account = in.get_string();
  row.time_ms = in.get<std::int64_t>();
  row.followers = in.get<std::int64_t>();
  row.file = in.get<std::uint32_t>();
  row.line = in.get<std::int64_t>();
  return row;
}

void FollowRow::pack(bytes::Writer &out) const {
  out.put(partition);
  out.put(std::string_view(account));
  out.put(std::string_view(followed));
  out.put(time_ms);
  out.put(file);
  out.put(line);
}

FollowRow FollowRow::unpack(bytes::Reader &in) {
  FollowRow row;
  row.partition = in.get<std::uint32_t>();
  row.account = in.get_string();
  row.followed = in.get_string();
  row.time_ms = in.get<std::int64_t>();
  row.file = in.get<std::uint32_t>();
  row.line = in.get<std::int64_t>();
  return row;
}

std::uint64_t action_dedup_key(const PostRow &post) {
  // A sum over the objects, so their order (a file's columns, the store's key order) is no part.
  // Each hashes the post id, the signal and the value as one string: XXH3 of a short value with the
  // post id as its seed collides for nearby ids and values ("187" in post 159309, "185" in 159311).
  if (post.objects.empty())
    return post.post_id;
  std::uint64_t key = 0;
  std::string bytes;
  for (std::size_t i = 0; i < post.objects.size(); ++i) {
    bytes.assign(reinterpret_cast<const char *>(&post.post_id), sizeof post.post_id);
    bytes += static_cast<char>(post.object_signals[i]);
    bytes += post.objects[i];
    key += hash64(bytes);
  }
  return key;
}

} // namespace lockstep::ingest
