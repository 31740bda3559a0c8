// Near-duplicate texts: shingle, MinHash into LSH buckets, pair within buckets, verify exactly,
// join into families; then the filter that lets the co-action engine count only true pairs.
#include "detect/near_duplicate.hpp"

#include "common/hash.hpp"
#include "mpi/collectives.hpp"
#include "partition/key_components.hpp"
#include "partition/lookup.hpp"
#include "partition/ownership.hpp"
#include "text/normalize.hpp"

#include <algorithm>
#include <cmath>
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

// Every local text's bucket keys in bands [first, last): text i's are at
// keys[i (last - first), (i + 1) (last - first)).
void band_keys_of(const LocalTexts &texts, const text::LshRule &lsh, std::uint32_t first,
                  std::uint32_t last, std::vector<std::uint64_t> &keys) {
  const std::size_t bands = last - first;
  keys.resize(texts.key.size() * bands);
  tbb::enumerable_thread_specific<std::pair<text::MinHasher, std::vector<std::uint64_t>>> hashers(
      text::MinHasher(lsh), std::vector<std::uint64_t>{});
  tbb::parallel_for(std::size_t{0}, texts.key.size(), [&](std::size_t i) {
    auto &[hasher, band] = hashers.local();
    hasher.band_keys(texts.shingles(i), first, last, band);
    std::copy(band.begin(), band.end(), keys.begin() + static_cast<std::ptrdiff_t>(i * bands));
  });
}

// Which of `slices` a bucket key falls in: its low half scaled, independent of the key's owner
// (partition::key_owner mixes the whole key), so every slice spreads over all ranks.
std::uint32_t slice_of(std::uint64_t bucket, std::uint32_t slices) {
  return static_cast<std::uint32_t>((bucket & 0xffffffffU) * slices >> 32);
}

// The positions of `keys` grouped by slice: slice s's are at[begin[s], begin[s + 1]).
struct SliceOrder {
  std::vector<std::uint32_t> at;
  std::vector<std::size_t> begin;
};

SliceOrder slice_order(const std::vector<std::uint64_t> &keys, std::uint32_t slices) {
  SliceOrder out;
  out.begin.assign(slices + 1, 0);
  for (const auto key : keys)
    ++out.begin[slice_of(key, slices) + 1];
  std::inclusive_scan(out.begin.begin(), out.begin.end(), out.begin.begin());
  out.at.resize(keys.size());
  auto cursor = out.begin;
  for (std::size_t i = 0; i < keys.size(); ++i)
    out.at[cursor[slice_of(keys[i], slices)]++] = static_cast<std::uint32_t>(i);
  return out;
}

// This rank's bucket entries at `positions` of `keys` (position p: text p / bands).
void bucket_entries(const LocalTexts &texts, const std::vector<text::MinHasher::Sketch> &sketches,
                    const std::vector<std::uint64_t> &keys, std::size_t bands,
                    std::span<const std::uint32_t> positions, int rank,
                    std::vector<BucketEntry> &out) {
  out.resize(positions.size());
  tbb::parallel_for(std::size_t{0}, out.size(), [&](std::size_t j) {
    const std::size_t p = positions[j], i = p / bands;
    out[j] = {keys[p], texts.key[i], rank, static_cast<std::uint32_t>(i), sketches[i]};
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

struct RoundTotals {
  std::uint64_t capped_buckets = 0, capped_pairs = 0;
  std::uint64_t prefiltered = 0; // bucket pairs whose sketches rule the threshold out
  std::uint64_t candidates = 0;  // distinct candidate pairs per round, summed
  std::uint64_t rounds = 0;
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
                                    int min_agreement, RoundTotals &totals) {
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
                             std::span<const Candidate> candidates, double min_jaccard,
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

// The memory verifying one candidate may take beyond the candidate itself, with shingle sets of
// `set_bytes` on average: its request, the set encoded at its holder, sent, received, kept as
// received and decoded (five copies), and its similarity.
std::size_t verify_bytes_per_candidate(double set_bytes) {
  constexpr std::size_t kFixed = 2 * sizeof(std::uint64_t) + 2 * sizeof(std::string) +
                                 sizeof(std::vector<std::uint32_t>) + sizeof(double);
  return kFixed + static_cast<std::size_t>(5 * set_bytes);
}

// Verifies the candidates in as many chunks as every rank needs to keep a chunk's fetched
// shingle sets within `round_bytes`. Collective.
std::vector<TextPair> verify_in_chunks(const mpi::Comm &comm, const LocalTexts &texts,
                                       std::span<const Candidate> candidates,
                                       const NearDuplicateRule &rule, double set_bytes,
                                       std::size_t round_bytes, mpi::ExchangeOptions exchange) {
  const auto bytes = static_cast<double>(candidates.size()) *
                     static_cast<double>(verify_bytes_per_candidate(set_bytes));
  const auto chunks = mpi::allreduce(
      comm,
      std::max<std::uint64_t>(
          1, static_cast<std::uint64_t>(std::ceil(bytes / static_cast<double>(round_bytes)))),
      mpi::Op::max);
  std::vector<TextPair> out;
  for (std::uint64_t k = 0; k < chunks; ++k) {
    const auto first = candidates.size() * k / chunks, last = candidates.size() * (k + 1) / chunks;
    const auto chunk =
        verify(comm, texts, candidates.subspan(first, last - first), rule.min_jaccard, exchange);
    out.insert(out.end(), chunk.begin(), chunk.end());
  }
  return out;
}

bool by_texts(const TextPair &p, const TextPair &q) {
  return std::tie(p.a, p.b) < std::tie(q.a, q.b);
}

// The family of each verified pair's first text, asked of the labels' owners. Collective.
std::vector<std::uint64_t> families_of_pairs(const mpi::Comm &comm,
                                             const std::vector<partition::KeyLabel> &labels,
                                             const std::vector<TextPair> &verified,
                                             mpi::ExchangeOptions exchange) {
  std::vector<std::uint64_t> firsts(verified.size());
  std::transform(verified.begin(), verified.end(), firsts.begin(),
                 [](const TextPair &p) { return p.a; });
  return partition::component_of(comm, labels, firsts, exchange);
}

// Families from the verified pairs, held where they were verified: labels at the texts' owners,
// each local text's family asked of them, and each pair sent to its family's owner. What each
// step built is freed before the next, and the pairs before they travel: at 4.4*10^7 posts on 2
// ranks (1.8*10^7 pairs a rank) the steps held at once took 2 GB. Collective.
NearDuplicateTexts join_families(const mpi::Comm &comm, const LocalTexts &texts,
                                 std::vector<TextPair> verified, mpi::ExchangeOptions exchange) {
  auto labels = [&] {
    std::vector<partition::KeyLink> links(verified.size());
    std::transform(verified.begin(), verified.end(), links.begin(), [](const TextPair &p) {
      return partition::KeyLink{p.a, p.b};
    });
    return partition::key_components(comm, links, exchange);
  }();
  NearDuplicateTexts found;
  const auto local = partition::component_of(comm, labels, texts.key, exchange);
  for (std::size_t i = 0; i < local.size(); ++i) {
    if (local[i] != 0)
      found.text_family.emplace_back(texts.key[i], local[i]); // texts.key is sorted
  }
  struct FamilyPair {
    std::uint64_t family = 0;
    TextPair pair;
  };
  std::vector<FamilyPair> sent(verified.size());
  {
    const auto family = families_of_pairs(comm, labels, verified, exchange);
    std::vector<partition::KeyLabel>().swap(labels);
    for (std::size_t i = 0; i < verified.size(); ++i)
      sent[i] = {family[i], verified[i]};
    std::vector<TextPair>().swap(verified);
  }
  auto received = mpi::route(
      comm, std::move(sent),
      [&](const FamilyPair &p) { return partition::key_owner(p.family, comm.size()); }, exchange);
  found.pairs.reserve(received.size());
  found.owned_families.reserve(received.size());
  for (const auto &p : received) {
    found.pairs.push_back(p.pair);
    found.owned_families.push_back(p.family);
  }
  std::vector<FamilyPair>().swap(received);
  std::sort(found.pairs.begin(), found.pairs.end(), by_texts);
  std::sort(found.owned_families.begin(), found.owned_families.end());
  found.owned_families.erase(std::unique(found.owned_families.begin(), found.owned_families.end()),
                             found.owned_families.end());
  found.owned_families.shrink_to_fit();
  return found;
}

// What a round holds on a rank at its peak per bucket entry: the entries sent and received at
// once, then the received ones with their refs; and the entry's band key and slice position.
constexpr std::size_t kBytesPerEntry =
    2 * sizeof(BucketEntry) + sizeof(BucketRef) + sizeof(std::uint64_t) + sizeof(std::uint32_t);
// Per candidate pair: made, sent and received at once, with its destination.
constexpr std::size_t kBytesPerCandidate = 2 * sizeof(Candidate) + sizeof(int);

// How a group of bands goes: `bands` at once, in `slices` of their bucket keys.
struct RoundShape {
  std::uint32_t bands = 1, slices = 1;
};

// All bands at once when their entries fit `round_bytes`, else as many as fit, else one band in as
// many slices as its entries need.
RoundShape first_shape(std::uint64_t most_texts, std::uint32_t bands, std::size_t round_bytes) {
  const auto texts = std::max<std::uint64_t>(1, most_texts);
  const auto per_band = texts * kBytesPerEntry;
  if (per_band <= round_bytes) {
    // and a group's key positions within 32 bits (SliceOrder)
    const auto fit = std::min<std::uint64_t>(round_bytes / per_band, UINT32_MAX / texts);
    return {static_cast<std::uint32_t>(std::clamp<std::uint64_t>(fit, 1, bands)), 1};
  }
  return {1, static_cast<std::uint32_t>((per_band + round_bytes - 1) / round_bytes)};
}

// The LSH band rounds of one rank, with what they found so far.
class BandRounds {
public:
  BandRounds(const mpi::Comm &comm, const LocalTexts &texts, const NearDuplicateRule &rule,
             mpi::ExchangeOptions exchange, std::size_t round_bytes)
      : comm_(comm), texts_(texts), rule_(rule), exchange_(exchange), round_bytes_(round_bytes),
        sketches_(sketch_texts(texts, rule.lsh)),
        min_agreement_(rule.prefilter ? text::sketch_threshold(rule.min_jaccard) : 0) {
    std::uint64_t ids = 0;
    for (std::size_t b = 0; b < texts.blocks.size(); ++b)
      ids += texts.blocks[b].size();
    const std::vector<std::uint64_t> mine{texts.key.size(), ids};
    const auto sums = mpi::allreduce(comm, std::span<const std::uint64_t>(mine), mpi::Op::sum);
    set_bytes_ = sums[0] == 0 ? 0
                              : static_cast<double>(sums[1] * sizeof(std::uint32_t)) /
                                    static_cast<double>(sums[0]);
    const auto most_texts =
        mpi::allreduce(comm, static_cast<std::uint64_t>(texts.key.size()), mpi::Op::max);
    shape_ = first_shape(most_texts, rule.lsh.bands, round_bytes);
  }

  // Runs the rounds of the group of bands that starts at band `first`; returns where the next
  // group starts. Collective.
  std::uint32_t run_group(std::uint32_t first) {
    const auto last = std::min(rule_.lsh.bands, first + shape_.bands);
    band_keys_of(texts_, rule_.lsh, first, last, keys_);
    const auto order = slice_order(keys_, shape_.slices);
    std::uint64_t candidate_bytes = 0;
    for (std::uint32_t s = 0; s < shape_.slices; ++s) {
      const auto positions =
          std::span(order.at).subspan(order.begin[s], order.begin[s + 1] - order.begin[s]);
      candidate_bytes += run_round(last - first, positions);
    }
    totals.rounds += shape_.slices;
    reshape(mpi::allreduce(comm_, candidate_bytes, mpi::Op::max), last - first);
    return last;
  }

  std::vector<TextPair> verified; // sorted by (a, b): a pair always comes to the same rank
  RoundTotals totals;

private:
  // One round: the entries at `positions` of the group's keys to their buckets' owners, the
  // pairs of each bucket to the holder of their y, verified there. Returns the bytes its
  // candidates took at the most. Collective.
  std::uint64_t run_round(std::size_t bands, std::span<const std::uint32_t> positions) {
    std::vector<BucketEntry> entries;
    bucket_entries(texts_, sketches_, keys_, bands, positions, comm_.rank(), entries);
    entries = mpi::route(
        comm_, std::move(entries),
        [&](const BucketEntry &e) { return partition::key_owner(e.bucket, comm_.size()); },
        exchange_);
    std::vector<BucketRef> refs;
    auto candidates = pair_buckets(entries, refs, rule_.bucket_cap, min_agreement_, totals);
    std::vector<BucketEntry>().swap(entries);
    std::vector<BucketRef>().swap(refs);
    const auto made = candidates.size();
    candidates = mpi::route(
        comm_, std::move(candidates), [](const Candidate &c) { return c.holder_y; }, exchange_);
    const auto received = candidates.size();
    sort_unique(candidates);
    totals.candidates += candidates.size();
    drop_verified(candidates, verified);
    const auto held = candidates.size() * sizeof(Candidate);
    const auto round = verify_in_chunks(
        comm_, texts_, candidates, rule_, set_bytes_,
        std::max(round_bytes_ / 4, round_bytes_ - std::min(round_bytes_, held)), exchange_);
    const auto before = static_cast<std::ptrdiff_t>(verified.size());
    verified.insert(verified.end(), round.begin(), round.end()); // in candidate order: (x, y)
    std::inplace_merge(verified.begin(), verified.begin() + before, verified.end(), by_texts);
    return std::max(made, received) * kBytesPerCandidate;
  }

  // Enough slices (or few enough bands at once) for the next group to hold its candidates in
  // rounds of round_bytes_, judging by this group's: `group_bytes` is the bytes its candidates
  // took over all its rounds, on the rank where they took the most. A bucket's candidates stay in
  // one round, so a few large buckets can keep a round over whatever the slices.
  void reshape(std::uint64_t group_bytes, std::uint32_t group_bands) {
    const auto rounds = group_bytes / round_bytes_ + (group_bytes % round_bytes_ != 0);
    if (shape_.bands > 1 && rounds > 1)
      shape_.bands = static_cast<std::uint32_t>(std::max<std::uint64_t>(1, group_bands / rounds));
    else if (shape_.bands == 1 && rounds > shape_.slices)
      shape_.slices = static_cast<std::uint32_t>(std::min(rounds, kMostSlices));
  }

  static constexpr std::uint64_t kMostSlices = 4096;
  const mpi::Comm &comm_;
  const LocalTexts &texts_;
  const NearDuplicateRule &rule_;
  mpi::ExchangeOptions exchange_;
  std::size_t round_bytes_;
  std::vector<text::MinHasher::Sketch> sketches_;
  int min_agreement_;
  double set_bytes_ = 0; // a shingle set's bytes on average over all ranks
  RoundShape shape_;
  std::vector<std::uint64_t> keys_; // the group's band keys
};

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
  const auto it = std::lower_bound(text_family.begin(), text_family.end(),
                                   std::pair<std::uint64_t, std::uint64_t>{text, 0});
  return it != text_family.end() && it->first == text ? it->second : text;
}

bool NearDuplicateTexts::in_family(std::uint64_t text) const {
  const auto it = std::lower_bound(text_family.begin(), text_family.end(),
                                   std::pair<std::uint64_t, std::uint64_t>{text, 0});
  return it != text_family.end() && it->first == text;
}

bool NearDuplicateTexts::owns_family(std::uint64_t family) const {
  return std::binary_search(owned_families.begin(), owned_families.end(), family);
}

std::span<const std::uint32_t> LocalTexts::shingles(std::size_t i) const {
  const auto &block = blocks[i / kBlockTexts];
  const std::size_t end =
      (i + 1) % kBlockTexts == 0 || i + 1 == key.size() ? block.size() : offset[i + 1];
  return std::span<const std::uint32_t>(block).subspan(offset[i], end - offset[i]);
}

std::size_t LocalTexts::find(std::uint64_t text_key) const {
  const auto it = std::lower_bound(key.begin(), key.end(), text_key);
  return it != key.end() && *it == text_key ? static_cast<std::size_t>(it - key.begin())
                                            : key.size();
}

std::uint64_t LocalTexts::held_bytes() const {
  std::uint64_t bytes = key.capacity() * sizeof(std::uint64_t) +
                        offset.capacity() * sizeof(std::uint32_t) +
                        blocks.capacity() * sizeof(std::vector<std::uint32_t>);
  for (const auto &block : blocks)
    bytes += block.capacity() * sizeof(std::uint32_t);
  return bytes;
}

namespace {

// One post's row per distinct text (text_key 0: retweets and empty texts), by text key.
std::vector<std::pair<std::uint64_t, std::size_t>> distinct_texts(const PostTable &posts) {
  std::vector<std::pair<std::uint64_t, std::size_t>> first; // (text key, row)
  for (std::size_t row = 0; row < posts.text_key.size(); ++row) {
    if (posts.text_key[row] != 0)
      first.emplace_back(posts.text_key[row], row);
  }
  tbb::parallel_sort(first.begin(), first.end());
  first.erase(std::unique(first.begin(), first.end(),
                          [](const auto &p, const auto &q) { return p.first == q.first; }),
              first.end());
  return first;
}

// Appends a text's shingle ids, starting a new block every kBlockTexts texts; a full block gives
// back the room its growth left over.
void add_text(LocalTexts &texts, std::uint64_t key, std::span<const std::uint32_t> ids) {
  if (texts.key.size() % LocalTexts::kBlockTexts == 0) {
    if (!texts.blocks.empty())
      texts.blocks.back().shrink_to_fit();
    texts.blocks.emplace_back();
  }
  auto &block = texts.blocks.back();
  texts.key.push_back(key);
  texts.offset.push_back(static_cast<std::uint32_t>(block.size()));
  block.insert(block.end(), ids.begin(), ids.end());
}

} // namespace

LocalTexts shingle_local_texts(const PostTable &posts, const text::ShingleRule &rule,
                               std::uint32_t min_shingles) {
  const auto first = distinct_texts(posts);
  LocalTexts out;
  out.key.reserve(first.size());
  out.offset.reserve(first.size());
  // Texts are shingled a block at a time: the sets in flight are one block's.
  std::vector<std::vector<std::uint32_t>> shingles(LocalTexts::kBlockTexts);
  for (std::size_t begin = 0; begin < first.size(); begin += LocalTexts::kBlockTexts) {
    const auto end = std::min(first.size(), begin + LocalTexts::kBlockTexts);
    tbb::parallel_for(begin, end, [&](std::size_t i) {
      auto &ids = shingles[i - begin];
      ids.clear();
      const auto normalized = text::normalize_text(posts.text[first[i].second]);
      if (normalized)
        ids = text::shingle_ids(*normalized, rule);
    });
    for (auto i = begin; i < end; ++i) {
      if (shingles[i - begin].size() < min_shingles)
        ++out.short_texts;
      else
        add_text(out, first[i].first, shingles[i - begin]);
    }
  }
  if (!out.blocks.empty())
    out.blocks.back().shrink_to_fit();
  out.key.shrink_to_fit();
  out.offset.shrink_to_fit();
  return out;
}

NearDuplicateTexts find_near_duplicate_texts(const mpi::Comm &comm, const LocalTexts &texts,
                                             const NearDuplicateRule &rule,
                                             const mpi::ExchangeOptions &exchange,
                                             std::size_t round_bytes) {
  std::vector<TextPair> verified;
  RoundTotals totals;
  { // the rounds' sketches and band keys go before the families are joined
    BandRounds rounds(comm, texts, rule, exchange, round_bytes);
    for (std::uint32_t first = 0; first < rule.lsh.bands;)
      first = rounds.run_group(first);
    verified = std::move(rounds.verified);
    totals = rounds.totals;
  }
  const auto verified_pairs = verified.size();
  auto found = join_families(comm, texts, std::move(verified), exchange);
  const std::vector<std::uint64_t> counts{
      texts.key.size(),    texts.short_texts,  totals.candidates, totals.capped_buckets,
      totals.capped_pairs, totals.prefiltered, verified_pairs,    found.owned_families.size()};
  const auto sums = mpi::allreduce(comm, std::span<const std::uint64_t>(counts), mpi::Op::sum);
  found.texts = sums[0];
  found.short_texts = sums[1];
  found.candidates = sums[2];
  found.capped_buckets = sums[3];
  found.capped_pairs = sums[4];
  found.prefiltered_pairs = sums[5];
  found.verified = sums[6];
  found.families = sums[7];
  found.band_rounds = totals.rounds;
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
    const auto text = posts.text_key[action.post - posts.rows.begin];
    if (found.in_family(text))
      mine.push_back({action.key, action.post, text});
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
  if (!found_.owns_family(x.key))
    return true; // a family of one text: the posts' texts are equal
  return found_.similar(text_of(x.post), text_of(y.post));
}

} // namespace lockstep::detect
