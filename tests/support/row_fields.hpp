// Every field of an ingest row as one comparable tuple, for tests that compare rows whole.
#pragma once

#include "ingest/rows.hpp"

#include <tuple>

namespace lockstep::testing {

inline auto post_fields(const ingest::PostRow &r) {
  return std::tie(r.partition, r.account, r.account_key, r.post_id, r.dedup_key, r.post_id_text,
                  r.names_its_post, r.time_ms, r.time_source, r.kind, r.client, r.language, r.text,
                  r.text_key, r.retweet_of, r.reply_to, r.quote_of, r.retweet_user, r.reply_user,
                  r.hashtags, r.urls, r.mentions, r.objects, r.object_signals, r.file, r.line);
}

inline auto profile_fields(const ingest::AccountRow &a) {
  return std::tie(a.partition, a.id, a.screen_name, a.display_name, a.language, a.description,
                  a.location, a.label, a.created_day, a.followers, a.following, a.from_users_file,
                  a.file, a.line);
}

} // namespace lockstep::testing
