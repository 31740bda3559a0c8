// Posts at rest: each post packed once into large chunks (its head's fields, then its strings), in
// the same bytes that carry it to its owner. A PostRow takes 448 bytes before its strings and a
// heap allocation for most of them; packed, a post of QUT's action table (three 36-character ids)
// takes 175 bytes in all, and a pass's posts are freed chunk by chunk rather than string by
// string. Sorting and deduplication read the heads; the writer reads each post once, as views
// into the chunks.
#pragma once

#include "common/byte_arena.hpp"
#include "ingest/rows.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace lockstep::ingest {

// A packed post's head: every field but the strings, and two facts about them.
struct PostHead {
  std::uint64_t account_key = 0, post_id = 0, dedup_key = 0, text_key = 0;
  std::uint64_t retweet_of = 0, reply_to = 0, quote_of = 0;
  std::int64_t time_ms = 0, line = 0;
  std::uint32_t partition = 0, file = 0;
  TimeSource time_source = TimeSource::snowflake;
  PostKind kind = PostKind::original;
  bool names_its_post = false;
  bool typed = false; // an action table's row whose objects are typed (or none): see typed_post
  bool tweet = false; // a tweets file's row: no content id of its own, a numeric post id
};

// A packed post's strings, viewed where they lie; the lists' vectors are reused by each view().
struct PostView {
  PostHead head;
  std::string_view account, post_id_text, client, language, text, retweet_user, reply_user;
  std::string_view object_signals; // one byte (a store signal) per object
  std::vector<std::string_view> hashtags, urls, mentions, objects;
};

// Appends `row` packed to `out`: its length (u32), then its head and strings.
void pack_post(const PostRow &row, std::vector<char> &out);

class PackedPosts {
public:
  void add(const PostRow &row);
  // Adds a post packed by pack_post, whose bytes (after its length) are `packed`.
  void add_packed(std::string_view packed);

  std::size_t size() const { return rows_.size(); }
  std::uint64_t bytes() const { return chunks_.bytes(); } // the chunks' bytes
  PostHead head(std::size_t i) const;
  std::string_view account(std::size_t i) const;
  void view(std::size_t i, PostView &out) const; // valid while these posts live
  void prefetch(std::size_t i) const { __builtin_prefetch(rows_[i]); } // a view soon to come
  PostRow row(std::size_t i) const;                                    // a copy, unpacked
  // Packs `row` again in place of post i (its old bytes stay unused until these posts go).
  void replace(std::size_t i, const PostRow &row);

private:
  ByteArena chunks_;
  std::vector<const char *> rows_; // where each post's head starts
};

} // namespace lockstep::ingest
