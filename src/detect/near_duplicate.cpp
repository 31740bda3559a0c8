// Near-duplicate texts: shingle, MinHash into LSH buckets, pair within buckets, verify exactly,
// join into families; then the filter that lets the co-action engine count only true pairs.
#include "detect/near_duplicate.hpp"

#include "common/dense_index.hpp"
#include "common/hash.hpp"
#include "common/union_find.hpp"
#include "mpi/collectives.hpp"
#include "partition/lookup.hpp"
#include "text/normalize.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <tbb/combinable.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>
#include <tuple>

namespace lockstep::detect {

namespace {

// One text in one LSH bucket, sent by a rank holding the text's shingles (at `index` of its
// LocalTexts).
struct BucketEntry {
  std::uint64_t bucket = 0;
  std::uint64_t text = 0;
  std::int32_t holder = 0;
  std::uint32_t index = 0;
  text::MinHasher::Sketch sketch{}; // for the prefilter
};

// Two texts that share a bucket, x < y, with where their shingles are held.
struct Candidate {
  std::uint64_t x = 0, y = 0;
  std::int32_t holder_x = 0, holder_y = 0;
  std::uint32_t index_x = 0, index_y = 0;
};

// A request for the shingles at `index` on rank `holder`, as one number.
std::uint64_t shingle_request(std::int32_t holder, std::uint32_t index) {
  return static_cast<std::uint64_t>(holder) << 32 | index;
}

// This rank's texts in the buckets of bands [first, last).
// `out` keeps its memory from round to round: at one rank, where the exchange hands it back,
// later rounds touch no fresh pages.
void bucket_entries(const LocalTexts &texts, const std::vector<text::MinHasher::Sketch> &sketches,
                    const text::LshRule &lsh, std::uint32_t first, std::uint32_t last, int rank,
                    std::vector<BucketEntry> &out) {
  const std::size_t bands = last - first;
  out.resize(texts.key.size() * bands);
  tbb::enumerable_thread_specific<std::pair<text::MinHasher, std::vector<std::uint64_t>>> hashers(
      text::MinHasher(lsh), std::vector<std::uint64_t>{});
  tbb::parallel_for(std::size_t{0}, texts.key.size(), [&](std::size_t i) {
    auto &[hasher, keys] = hashers.local();
    hasher.band_keys(texts.shingles(i), first, last, keys);
    for (std::size_t band = 0; band < bands; ++band)
      out[i * bands + band] = {keys[band], texts.key[i], rank, static_cast<std::uint32_t>(i),
                               sketches[i]};
  });
}

// Every local text's prefilter sketch.
std::vector<text::MinHasher::Sketch> sketch_texts(const LocalTexts &texts,
                                                  const text::LshRule &lsh) {
  std::vector<text::MinHasher::Sketch> out(texts.key.size());
  tbb::enumerable_thread_specific<text::MinHasher> hashers(lsh);
  tbb::parallel_for(std::size_t{0}, texts.key.size(),
                    [&](std::size_t i) { out[i] = hashers.local().sketch(texts.shingles(i)); });
  return out;
}

struct BucketTotals {
  std::uint64_t capped_buckets = 0, capped_pairs = 0;
  std::uint64_t prefiltered = 0; // bucket pairs whose sketches rule the threshold out
};

// Where the entries of the buckets holding two texts or more lie in `entries`: bucket i's are
// positions[begin[i], end[i]), ordered by (text, holder) with one position per text (the lowest
// holder, which every bucket owner agrees on).
struct SharedBuckets {
  std::vector<std::size_t> positions, begin, end;
};

// An entry's bucket and position.
struct BucketRef {
  std::uint64_t bucket;
  std::size_t position;
};

// The entries' (bucket, position) refs ordered by bucket: one radix pass on the buckets' top bits
// (bucket keys are hashes, so the parts come out even and small), then each part sorted on its
// own. The pass runs over fixed chunks of entries in parallel, each counting, then placing, its
// own entries. Equal buckets end up together, their positions in any order.
void refs_by_bucket(const std::vector<BucketEntry> &entries, std::vector<BucketRef> &refs) {
  constexpr int kBits = 12;
  constexpr std::size_t kDigits = std::size_t{1} << kBits, kChunks = 64;
  const auto digit = [](std::uint64_t bucket) {
    return static_cast<std::size_t>(bucket >> (64 - kBits));
  };
  const auto chunk_begin = [&](std::size_t c) { return entries.size() * c / kChunks; };
  std::vector<std::size_t> count(kChunks * kDigits, 0); // digit-major: count[d * kChunks + c]
  tbb::parallel_for(std::size_t{0}, kChunks, [&](std::size_t c) {
    for (auto i = chunk_begin(c); i < chunk_begin(c + 1); ++i)
      ++count[digit(entries[i].bucket) * kChunks + c];
  });
  std::exclusive_scan(count.begin(), count.end(), count.begin(), std::size_t{0});
  refs.resize(entries.size());
  tbb::parallel_for(std::size_t{0}, kChunks, [&](std::size_t c) {
    for (auto i = chunk_begin(c); i < chunk_begin(c + 1); ++i)
      refs[count[digit(entries[i].bucket) * kChunks + c]++] = {entries[i].bucket, i};
  });
  // After placing, count[d * kChunks + kChunks - 1] is where digit d ends.
  tbb::parallel_for(std::size_t{0}, kDigits, [&](std::size_t d) {
    const auto first = d == 0 ? 0 : count[d * kChunks - 1], last = count[d * kChunks + kChunks - 1];
    std::sort(refs.begin() + static_cast<std::ptrdiff_t>(first),
              refs.begin() + static_cast<std::ptrdiff_t>(last),
              [](const BucketRef &p, const BucketRef &q) { return p.bucket < q.bucket; });
  });
}

// Positions are sorted, not the 40-byte entries: most buckets hold one text, and only the others
// need the (text, holder) order.
SharedBuckets shared_buckets(const std::vector<BucketEntry> &entries,
                             std::vector<BucketRef> &refs) {
  refs_by_bucket(entries, refs);
  SharedBuckets out;
  for (std::size_t first = 0, last = 0; first < refs.size(); first = last) {
    last = first + 1;
    while (last < refs.size() && refs[last].bucket == refs[first].bucket)
      ++last;
    if (last - first < 2)
      continue;
    out.begin.push_back(out.positions.size());
    for (auto i = first; i < last; ++i)
      out.positions.push_back(refs[i].position);
    out.end.push_back(out.positions.size());
  }
  tbb::parallel_for(std::size_t{0}, out.begin.size(), [&](std::size_t b) {
    const auto first = out.positions.begin() + static_cast<std::ptrdiff_t>(out.begin[b]);
    const auto last = out.positions.begin() + static_cast<std::ptrdiff_t>(out.end[b]);
    std::sort(first, last, [&](std::size_t p, std::size_t q) {
      return std::tie(entries[p].text, entries[p].holder) <
             std::tie(entries[q].text, entries[q].holder);
    });
    const auto kept = std::unique(first, last, [&](std::size_t p, std::size_t q) {
      return entries[p].text == entries[q].text;
    });
    out.end[b] = out.begin[b] + static_cast<std::size_t>(kept - first);
  });
  return out;
}

// Pairs the texts of every bucket, each with its next bucket_cap texts, skipping the pairs the
// sketches rule out (the same pair from several bands is merged later, by sort_unique).
std::vector<Candidate> pair_buckets(const std::vector<BucketEntry> &entries,
                                    std::vector<BucketRef> &refs, std::uint32_t bucket_cap,
                                    int min_agreement, BucketTotals &totals) {
  std::vector<Candidate> out;
  const auto buckets = shared_buckets(entries, refs);
  for (std::size_t b = 0; b < buckets.begin.size(); ++b) {
    const auto bucket =
        std::span(buckets.positions).subspan(buckets.begin[b], buckets.end[b] - buckets.begin[b]);
    const std::size_t size = bucket.size();
    if (size > std::size_t{bucket_cap} + 1) {
      ++totals.capped_buckets;
      // pairs past each text's cap: all pairs minus those kept
      const std::size_t kept =
          bucket_cap * (size - bucket_cap) + std::size_t{bucket_cap} * (bucket_cap - 1) / 2;
      totals.capped_pairs += size * (size - 1) / 2 - kept;
    }
    for (std::size_t i = 0; i < size; ++i) {
      for (std::size_t j = i + 1; j < std::min(size, i + 1 + bucket_cap); ++j) {
        const auto &x = entries[bucket[i]], &y = entries[bucket[j]];
        if (text::sketch_agreement(x.sketch, y.sketch) < min_agreement) {
          ++totals.prefiltered;
          continue;
        }
        out.push_back({x.text, y.text, x.holder, y.holder, x.index, y.index});
      }
    }
  }
  return out;
}

void sort_unique(std::vector<Candidate> &candidates) {
  tbb::parallel_sort(candidates.begin(), candidates.end(), [](const auto &p, const auto &q) {
    return std::tie(p.x, p.y) < std::tie(q.x, q.y);
  });
  candidates.erase(
      std::unique(candidates.begin(), candidates.end(),
                  [](const auto &p, const auto &q) { return p.x == q.x && p.y == q.y; }),
      candidates.end());
}

// Drops the candidates (sorted by (x, y)) verified in an earlier round: a similar pair shares a
// bucket in many bands (40 s^5 of 40 on average), and comes to the same rank each time.
void drop_verified(std::vector<Candidate> &candidates, const std::vector<TextPair> &verified) {
  auto known = verified.begin();
  std::size_t kept = 0;
  for (const auto &c : candidates) {
    while (known != verified.end() && std::tie(known->a, known->b) < std::tie(c.x, c.y))
      ++known;
    if (known == verified.end() || known->a != c.x || known->b != c.y)
      candidates[kept++] = c;
  }
  candidates.resize(kept);
}

std::string encode_ids(std::span<const std::uint32_t> ids) {
  std::string out(ids.size() * sizeof(std::uint32_t), '\0');
  std::memcpy(out.data(), ids.data(), out.size());
  return out;
}

std::vector<std::uint32_t> decode_ids(const std::string &bytes) {
  std::vector<std::uint32_t> out(bytes.size() / sizeof(std::uint32_t));
  std::memcpy(out.data(), bytes.data(), out.size() * sizeof(std::uint32_t));
  return out;
}

// Jaccard of two sorted id lists when it can reach `min`, else 0: sets whose sizes differ by more
// than that ratio cannot (|a & b| / |a | b| <= min size / max size).
double jaccard_at_least(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b,
                        double min) {
  const auto small = std::min(a.size(), b.size()), large = std::max(a.size(), b.size());
  if (static_cast<double>(small) < min * static_cast<double>(large))
    return 0;
  return text::jaccard(a, b);
}

// Verifies the candidates this rank holds y of, fetching each remote x's shingles once.
// Collective.
std::vector<TextPair> verify(const mpi::Comm &comm, const LocalTexts &texts,
                             const std::vector<Candidate> &candidates, double min_jaccard,
                             mpi::ExchangeOptions exchange) {
  std::vector<std::uint64_t> remote;
  for (const auto &c : candidates) {
    if (c.holder_x != comm.rank())
      remote.push_back(shingle_request(c.holder_x, c.index_x));
  }
  tbb::parallel_sort(remote.begin(), remote.end());
  remote.erase(std::unique(remote.begin(), remote.end()), remote.end());
  const auto fetched = partition::remote_lookup(
      comm, remote, [](std::uint64_t request) { return static_cast<int>(request >> 32); },
      [&](std::uint64_t request) {
        return encode_ids(texts.shingles(static_cast<std::uint32_t>(request)));
      },
      exchange);
  std::vector<std::vector<std::uint32_t>> remote_ids(fetched.size());
  tbb::parallel_for(std::size_t{0}, fetched.size(),
                    [&](std::size_t i) { remote_ids[i] = decode_ids(fetched[i]); });
  const auto shingles_of_x = [&](const Candidate &c) -> std::span<const std::uint32_t> {
    if (c.holder_x == comm.rank())
      return texts.shingles(c.index_x);
    const auto request = shingle_request(c.holder_x, c.index_x);
    const auto i = std::lower_bound(remote.begin(), remote.end(), request) - remote.begin();
    return remote_ids[static_cast<std::size_t>(i)];
  };
  std::vector<double> similarity(candidates.size());
  tbb::parallel_for(std::size_t{0}, candidates.size(), [&](std::size_t i) {
    const auto &c = candidates[i];
    similarity[i] = jaccard_at_least(shingles_of_x(c), texts.shingles(c.index_y), min_jaccard);
  });
  std::vector<TextPair> out;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (similarity[i] >= min_jaccard)
      out.push_back({candidates[i].x, candidates[i].y, similarity[i]});
  }
  return out;
}

// Union-find over text keys: every text in a verified pair gets its component's smallest key.
std::unordered_map<std::uint64_t, std::uint64_t> families(const std::vector<TextPair> &pairs) {
  const DenseIndex nodes(
      pairs, [](const TextPair &p) { return p.a; }, [](const TextPair &p) { return p.b; });
  UnionFind components(nodes.size()); // the smaller index (and key) is the root
  for (const auto &p : pairs)
    components.unite(nodes.index(p.a), nodes.index(p.b));
  std::unordered_map<std::uint64_t, std::uint64_t> out;
  out.reserve(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i)
    out.emplace(nodes.id(i), nodes.id(components.find(i)));
  return out;
}

} // namespace

NearDuplicateRule near_duplicate_rule(const NearDuplicateConfig &c) {
  NearDuplicateRule rule;
  rule.shingles.unit =
      c.shingle == "chars" ? text::ShingleRule::Unit::chars : text::ShingleRule::Unit::words;
  rule.shingles.word_ngram = c.word_ngram;
  rule.shingles.char_ngram = c.char_ngram;
  rule.lsh.bands = c.bands;
  rule.lsh.rows = c.rows;
  rule.min_jaccard = c.min_jaccard;
  rule.min_shingles = c.min_shingles;
  rule.bucket_cap = c.bucket_cap;
  rule.prefilter = c.prefilter;
  return rule;
}

bool NearDuplicateTexts::similar(std::uint64_t a, std::uint64_t b) const {
  if (a == b)
    return true;
  if (a > b)
    std::swap(a, b);
  return std::binary_search(
      pairs.begin(), pairs.end(), TextPair{a, b, 0},
      [](const TextPair &p, const TextPair &q) { return std::tie(p.a, p.b) < std::tie(q.a, q.b); });
}

std::uint64_t NearDuplicateTexts::family_of(std::uint64_t text) const {
  const auto it = family.find(text);
  return it == family.end() ? text : it->second;
}

std::span<const std::uint32_t> LocalTexts::shingles(std::size_t i) const {
  return std::span<const std::uint32_t>(ids).subspan(begin[i], begin[i + 1] - begin[i]);
}

std::size_t LocalTexts::find(std::uint64_t text_key) const {
  const auto it = std::lower_bound(key.begin(), key.end(), text_key);
  return it != key.end() && *it == text_key ? static_cast<std::size_t>(it - key.begin())
                                            : key.size();
}

LocalTexts shingle_local_texts(const PostTable &posts, const text::ShingleRule &rule,
                               std::uint32_t min_shingles) {
  // One post per distinct text (text_key 0: retweets and empty texts).
  std::vector<std::pair<std::uint64_t, std::size_t>> first; // (text key, row)
  for (std::size_t row = 0; row < posts.text_key.size(); ++row) {
    if (posts.text_key[row] != 0)
      first.emplace_back(posts.text_key[row], row);
  }
  tbb::parallel_sort(first.begin(), first.end());
  first.erase(std::unique(first.begin(), first.end(),
                          [](const auto &p, const auto &q) { return p.first == q.first; }),
              first.end());
  std::vector<std::vector<std::uint32_t>> shingles(first.size());
  tbb::parallel_for(std::size_t{0}, first.size(), [&](std::size_t i) {
    const auto normalized = text::normalize_text(posts.text[first[i].second]);
    if (normalized)
      shingles[i] = text::shingle_ids(*normalized, rule);
  });
  LocalTexts out;
  out.begin.push_back(0);
  for (std::size_t i = 0; i < first.size(); ++i) {
    if (shingles[i].size() < min_shingles) {
      ++out.short_texts;
      continue;
    }
    out.key.push_back(first[i].first);
    out.ids.insert(out.ids.end(), shingles[i].begin(), shingles[i].end());
    out.begin.push_back(out.ids.size());
  }
  return out;
}

NearDuplicateTexts find_near_duplicate_texts(const mpi::Comm &comm, const LocalTexts &texts,
                                             const NearDuplicateRule &rule,
                                             const mpi::ExchangeOptions &exchange) {
  // Bands go in rounds so that a round's bucket entries (and the candidates they give) stay
  // near the exchange budget per rank whatever the number of texts; rounds cost no time.
  const auto most_texts =
      mpi::allreduce(comm, static_cast<std::uint64_t>(texts.key.size()), mpi::Op::max);
  const std::uint64_t budget = exchange.max_round_bytes;
  const auto bands_per_round = static_cast<std::uint32_t>(std::clamp<std::uint64_t>(
      budget / (most_texts * sizeof(BucketEntry) + 1), 1, rule.lsh.bands));
  const auto sketches = sketch_texts(texts, rule.lsh);
  const auto by_texts = [](const TextPair &p, const TextPair &q) {
    return std::tie(p.a, p.b) < std::tie(q.a, q.b);
  };
  const int min_agreement = rule.prefilter ? text::sketch_threshold(rule.min_jaccard) : 0;
  std::vector<TextPair> verified; // sorted by (a, b): a pair always comes to the same rank
  BucketTotals bucket_totals;
  std::uint64_t candidate_count = 0;
  std::vector<BucketEntry> entries;
  std::vector<BucketRef> refs;
  for (std::uint32_t first = 0; first < rule.lsh.bands; first += bands_per_round) {
    const auto last = std::min(rule.lsh.bands, first + bands_per_round);
    bucket_entries(texts, sketches, rule.lsh, first, last, comm.rank(), entries);
    entries = mpi::route(
        comm, std::move(entries),
        [&](const BucketEntry &e) { return partition::key_owner(e.bucket, comm.size()); },
        exchange);
    auto candidates = pair_buckets(entries, refs, rule.bucket_cap, min_agreement, bucket_totals);
    candidates = mpi::route(
        comm, std::move(candidates), [](const Candidate &c) { return c.holder_y; }, exchange);
    sort_unique(candidates);
    candidate_count += candidates.size(); // per round, as the manifest reports them
    drop_verified(candidates, verified);
    const auto round = verify(comm, texts, candidates, rule.min_jaccard, exchange);
    const auto before = static_cast<std::ptrdiff_t>(verified.size());
    verified.insert(verified.end(), round.begin(), round.end()); // in candidate order: (x, y)
    std::inplace_merge(verified.begin(), verified.begin() + before, verified.end(), by_texts);
  }

  NearDuplicateTexts found;
  found.pairs = mpi::allgatherv(comm, verified);
  std::sort(found.pairs.begin(), found.pairs.end(), by_texts);
  found.pairs.erase(std::unique(found.pairs.begin(), found.pairs.end(),
                                [](const TextPair &p, const TextPair &q) {
                                  // none expected: a pair always goes to holder_y's rank
                                  return p.a == q.a && p.b == q.b;
                                }),
                    found.pairs.end());
  found.family = families(found.pairs);
  const std::vector<std::uint64_t> counts{texts.key.size(),
                                          texts.short_texts,
                                          candidate_count,
                                          bucket_totals.capped_buckets,
                                          bucket_totals.capped_pairs,
                                          bucket_totals.prefiltered};
  const auto sums = mpi::allreduce(comm, std::span<const std::uint64_t>(counts), mpi::Op::sum);
  found.texts = sums[0];
  found.short_texts = sums[1];
  found.candidates = sums[2];
  found.capped_buckets = sums[3];
  found.capped_pairs = sums[4];
  found.prefiltered_pairs = sums[5];
  found.band_rounds = (rule.lsh.bands + bands_per_round - 1) / bands_per_round;
  return found;
}

std::vector<Action> near_duplicate_actions(const PostTable &posts, const LocalTexts &texts,
                                           const NearDuplicateTexts &found) {
  std::vector<Action> out;
  for (std::size_t row = 0; row < posts.text_key.size(); ++row) {
    const auto text = posts.text_key[row];
    if (text == 0 || texts.find(text) == texts.key.size())
      continue; // no text, or too short
    out.push_back(
        {found.family_of(text), posts.time_ms[row], posts.account[row], posts.rows.begin + row});
  }
  return out;
}

NearDuplicateFilter::NearDuplicateFilter(const mpi::Comm &comm, const PostTable &posts,
                                         const std::vector<Action> &actions,
                                         const NearDuplicateTexts &found,
                                         const mpi::ExchangeOptions &exchange)
    : found_(found) {
  // Posts under a family of one text need no lookup: all their texts are equal.
  struct PostText {
    std::uint64_t family = 0, post = 0, text = 0;
  };
  std::vector<PostText> mine;
  for (const auto &action : actions) {
    if (found.family.contains(action.key)) {
      mine.push_back({action.key, action.post, posts.text_key[action.post - posts.rows.begin]});
    }
  }
  const auto owned = mpi::route(
      comm, std::move(mine),
      [&](const PostText &p) { return partition::key_owner(p.family, comm.size()); }, exchange);
  post_text_.reserve(owned.size());
  for (const auto &p : owned)
    post_text_.emplace_back(p.post, p.text);
  tbb::parallel_sort(post_text_.begin(), post_text_.end());
}

std::uint64_t NearDuplicateFilter::text_of(std::uint64_t post) const {
  const auto it = std::lower_bound(post_text_.begin(), post_text_.end(),
                                   std::pair<std::uint64_t, std::uint64_t>{post, 0});
  return it != post_text_.end() && it->first == post ? it->second : 0;
}

bool NearDuplicateFilter::accepts(const Action &x, const Action &y) const {
  if (!found_.family.contains(x.key))
    return true; // a family of one text: the posts' texts are equal
  return found_.similar(text_of(x.post), text_of(y.post));
}

} // namespace lockstep::detect
