// Label lookups: owners by dense ranges (accounts, posts) or by the sorted /keys table.
#include "report/labels.hpp"

#include "common/time.hpp"
#include "detect/coaction.hpp"
#include "detect/detect.hpp"
#include "mpi/collectives.hpp"
#include "partition/lookup.hpp"
#include "partition/ownership.hpp"
#include "store/column.hpp"
#include "store/file.hpp"
#include "store/schema.hpp"
#include "store/strings.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <functional>
#include <optional>

namespace lockstep::report {

namespace {

constexpr std::uint64_t kHashedId = std::uint64_t{1} << 63; // post keys hashed from non-numbers

// The label of a key that names itself: a post (its tweetid, or post:HEX when it was hashed from a
// non-number), a text key or a near-duplicate family's (text:HEX), a span of time (time:, its
// start); nullopt for a key whose string is in the store's /keys.
std::optional<std::string> own_label(std::uint8_t signal, std::uint64_t key) {
  switch (signals::row(signal).keys) {
  case signals::KeyKind::post:
    return (key & kHashedId) != 0 ? fmt::format("post:{:016x}", key) : std::to_string(key);
  case signals::KeyKind::text:
    return fmt::format("text:{:016x}", key);
  case signals::KeyKind::time:
    return "time:" + time::format_second(static_cast<std::int64_t>(key));
  default:
    return std::nullopt;
  }
}

} // namespace

std::vector<std::string> account_labels(const mpi::Comm &comm, const detect::PartitionData &data,
                                        const std::vector<std::uint64_t> &accounts,
                                        mpi::ExchangeOptions exchange) {
  return partition::remote_lookup(
      comm, accounts,
      [&](std::uint64_t account) { return partition::owner_of(data.account_begin, account); },
      [&](std::uint64_t account) {
        return std::string(data.accounts.id[account - data.accounts.rows.begin]);
      },
      exchange);
}

namespace {

// Answers, for each /posts row in `posts`, with answer(row on its owner rank). Collective.
std::vector<std::string> lookup_posts(const mpi::Comm &comm, const detect::PartitionData &data,
                                      const std::vector<std::uint64_t> &posts,
                                      const std::function<std::string(std::uint64_t)> &answer,
                                      mpi::ExchangeOptions exchange) {
  auto post_begin = mpi::allgather(comm, data.posts.rows.begin);
  post_begin.push_back(data.total_posts);
  return partition::remote_lookup(
      comm, posts, [&](std::uint64_t post) { return partition::owner_of(post_begin, post); },
      answer, exchange);
}

} // namespace

std::vector<std::string> post_labels(const mpi::Comm &comm, const detect::PartitionData &data,
                                     const std::vector<std::uint64_t> &posts,
                                     mpi::ExchangeOptions exchange) {
  return lookup_posts(
      comm, data, posts,
      [&](std::uint64_t post) {
        const auto row = post - data.posts.rows.begin;
        if (!data.posts.content_id.empty())
          return std::string(data.posts.content_id[row]);
        return std::to_string(data.posts.post_id[row]);
      },
      exchange);
}

std::vector<std::string> post_texts(const mpi::Comm &comm, const detect::PartitionData &data,
                                    const std::vector<std::uint64_t> &posts, std::size_t max_bytes,
                                    mpi::ExchangeOptions exchange) {
  return lookup_posts(
      comm, data, posts,
      [&](std::uint64_t post) -> std::string {
        if (data.posts.text.empty())
          return "";
        const std::string_view text = data.posts.text[post - data.posts.rows.begin];
        if (text.size() <= max_bytes)
          return std::string(text);
        std::size_t cut = max_bytes;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
          --cut; // not inside a multi-byte character
        return std::string(text.substr(0, cut)) + "...";
      },
      exchange);
}

std::vector<std::string> key_labels(const mpi::Comm &comm, const std::string &store_path,
                                    const std::vector<KeyRequest> &requests,
                                    mpi::ExchangeOptions exchange) {
  // Keys of hashtags, URLs, domains, mentions and objects are hashes of their strings, kept in
  // /keys (sorted by key): each rank reads an even share and answers for its key range.
  const auto file = store::File::open(store_path, comm, store::Access::read_only);
  const auto keys = file.root().open_group("keys");
  const auto share = store::even_share(store::column_length(keys, "key"), comm.rank(), comm.size());
  const auto key = store::read_column<std::uint64_t>(keys, "key", share);
  const auto value = store::read_strings(keys, "value", share);
  // Where each rank's share starts (ranks with an empty share start where the next one does).
  const auto first = mpi::allgather(comm, key.empty() ? ~std::uint64_t{0} : key.front());
  std::vector<std::uint64_t> share_begin(first.size());
  std::uint64_t next = ~std::uint64_t{0};
  for (std::size_t r = first.size(); r-- > 0;) {
    next = std::min(next, first[r]);
    share_begin[r] = r == 0 ? 0 : next;
  }

  std::vector<std::string> out(requests.size());
  std::vector<std::uint64_t> looked_up;
  std::vector<std::size_t> looked_up_at; // where each looked-up label goes in `out`
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (auto own = own_label(requests[i].signal, requests[i].key)) {
      out[i] = std::move(*own);
    } else {
      looked_up.push_back(requests[i].key);
      looked_up_at.push_back(i);
    }
  }
  const auto found = partition::remote_lookup(
      comm, looked_up, [&](std::uint64_t k) { return partition::owner_of(share_begin, k); },
      [&](std::uint64_t k) -> std::string {
        const auto it = std::lower_bound(key.begin(), key.end(), k);
        return it != key.end() && *it == k ? value[std::size_t(it - key.begin())] : "";
      },
      exchange);
  for (std::size_t j = 0; j < found.size(); ++j)
    out[looked_up_at[j]] = found[j];
  return out;
}

} // namespace lockstep::report
