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
