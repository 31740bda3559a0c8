// The ingest pipeline: plan, then rounds of (read a block, parse in parallel, route rows to their
// partition's owner), then the owners build and write the store, and rank 0 writes the rejects.
#include "ingest/ingest.hpp"

#include "common/atomic_file.hpp"
#include "common/csv.hpp"
#include "common/error.hpp"
#include "common/json.hpp"
#include "common/log.hpp"
#include "common/memory.hpp"
#include "common/phase_times.hpp"
#include "common/progress.hpp"
#include "common/version.hpp"
#include "ingest/passes.hpp"
#include "ingest/plan.hpp"
#include "ingest/tables.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/collectives.hpp"
#include "mpi/serialize.hpp"
#include "store/schema.hpp"

#include <algorithm>
#include <boost/serialization/map.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <optional>
#include <span>
#include <string_view>
#include <unistd.h>
#include <unordered_set>

namespace boost::serialization {
template <class Archive>
void serialize(Archive &archive, lockstep::ingest::Reject &reject, unsigned /*version*/) {
  archive &reject.file &reject.line &reject.reason &reject.detail;
}
} // namespace boost::serialization

namespace lockstep::ingest {
namespace {

constexpr char kPostTag = 'P', kAccountTag = 'A', kSnapshotTag = 'S', kFollowTag = 'F';

// Within a group of partitions, rank r owns a contiguous share, in rank order.
int owner_of(std::uint32_t partition, PartitionRange group, int ranks) {
  return static_cast<int>(static_cast<std::uint64_t>(partition - group.first) *
                          static_cast<std::uint64_t>(ranks) / (group.last - group.first));
}

// This rank's pieces, read one block at a time.
class LocalReader {
public:
  LocalReader(const std::vector<InputFile> &inputs, const std::vector<Piece> &pieces, int rank,
              int ranks, std::size_t block_bytes)
      : inputs_(inputs), block_bytes_(block_bytes) {
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      if (piece_owner(i, ranks) == rank)
        mine_.push_back(pieces[i]);
    }
  }

  // The next block of records and the file they come from; nullopt when this rank is done.
  std::optional<std::uint32_t> next(std::vector<Record> &records) {
    while (true) {
      if (!blocks_) {
        if (next_piece_ == mine_.size())
          return std::nullopt;
        const Piece &piece = mine_[next_piece_++];
        const auto &input = inputs_[piece.file];
        blocks_.emplace(
            open_source(input.path, input.compression, piece.begin > 0 ? piece.begin - 1 : 0),
            piece.start, piece.end, block_bytes_, syntax_of(input.kind), std::move(buffer_));
        file_ = piece.file;
        skip_header_ = piece.begin == 0 && syntax_of(input.kind) == RecordSyntax::csv;
      }
      if (!blocks_->next(records)) {
        buffer_ = std::move(*blocks_).take_buffer(); // the next piece's reader reuses it
        blocks_.reset();
        continue;
      }
      if (skip_header_ && !records.empty()) {
        records.erase(records.begin());
        skip_header_ = false;
      }
      return file_;
    }
  }

private:
  const std::vector<InputFile> &inputs_;
  std::size_t block_bytes_;
  std::vector<Piece> mine_;
  std::size_t next_piece_ = 0;
  std::optional<RecordBlocks> blocks_;
  std::string buffer_; // the readers' buffer, passed from piece to piece
  std::uint32_t file_ = 0;
  bool skip_header_ = false;
};

struct RoundOutput {
  std::vector<std::vector<char>> buckets; // packed rows per other destination rank
  std::vector<Reject> rejects;
  std::uint64_t rows = 0, non_post_rows = 0, bytes = 0;
  std::uint64_t empty_list_elements = 0, retweets_keyed_by_text = 0; // Repairs, summed
};

// A low-cardinality label's distinct values. Rows in a row mostly repeat a label (one account's
// tweets, one language), so each set skips the value it took last without hashing it: hashing
// every row's client and languages into the sets was 3% of ingesting the IRA copies.
class LabelSet {
public:
  void add(std::string_view value) {
    if (!values_.empty() && value == last_)
      return;
    last_ = *values_.emplace(value).first; // the set's own copy: views stay valid as it grows
  }
  auto begin() const { return values_.begin(); }
  auto end() const { return values_.end(); }

private:
  std::unordered_set<std::string> values_;
  std::string_view last_;
};

// Labels seen while reading (the first pass reads every row).
struct LabelSets {
  LabelSet clients, languages;
};

// A parsed slice of a block: the rows parsed, and which of them carry the profile kept for their
// account (the first of the account's rows in the slice, in the current group of partitions).
struct ParsedBlock {
  std::vector<std::size_t> record; // the records parsed, in order
  std::vector<ParsedRecord> rows;  // one per parsed record (more kept from earlier slices)
  std::vector<char> keeps_profile;
};

// A block's records are parsed and routed a slice at a time: a parsed row takes 912 bytes before
// it is filled, several times its CSV bytes, and a whole block of them was the largest allocation
// of a round (240 MB for a 32 MB block of a four-column action table).
constexpr std::size_t kSliceRecords = std::size_t{1} << 14;

// The records of a block to parse: every one in the first pass (`every_row`); later, those of
// partitions in `group`, and those whose partition only a full parse can tell (it rejects them).
std::vector<std::size_t> records_to_parse(const std::vector<Record> &records,
                                          const TableLayout &layout, std::uint32_t partitions,
                                          PartitionRange group, bool every_row) {
  std::vector<char> wanted(records.size(), 1);
  if (!every_row) {
    oneapi::tbb::parallel_for(std::size_t{0}, records.size(), [&](std::size_t i) {
      const auto partition = record_partition(layout, records[i], partitions);
      wanted[i] = !partition || group.contains(*partition);
    });
  }
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (wanted[i] != 0)
      out.push_back(i);
  }
  return out;
}

// Parses the records `slice` names into `block`, whose vectors keep their memory from slice to
// slice; a tweets row's copy of its author's profile is read in full only where it is kept. Later
// passes parse only the rows of `group` (records_to_parse): allocating parsed rows for every row
// of every block (paged in afresh each time) was most of a later pass's time.
void parse_slice(const std::vector<Record> &records, std::span<const std::size_t> slice,
                 const InputFile &input, std::uint32_t file, std::uint32_t partitions,
                 PartitionRange group, ParsedBlock &block) {
  // Tweets rows carry their author's profile: one per account and slice is read in full.
  const bool tweets =
      input.layout.kind == TableKind::tweets || input.layout.kind == TableKind::json_tweets;
  block.record.assign(slice.begin(), slice.end());
  if (block.rows.size() < block.record.size())
    block.rows.resize(block.record.size());
  block.keeps_profile.assign(block.record.size(), 0);
  oneapi::tbb::parallel_for(std::size_t{0}, block.record.size(), [&](std::size_t k) {
    parse_record(input.layout, records[block.record[k]], file, partitions,
                 tweets ? ProfileCopy::checked : ProfileCopy::full, block.rows[k]);
  });
  std::vector<std::size_t> kept;
  std::unordered_set<std::string_view> seen;
  for (std::size_t k = 0; k < block.record.size(); ++k) {
    const auto &account = block.rows[k].account;
    if (account && group.contains(account->partition) && seen.insert(account->id).second) {
      block.keeps_profile[k] = 1;
      kept.push_back(k);
    }
  }
  if (tweets) {
    oneapi::tbb::parallel_for(std::size_t{0}, kept.size(), [&](std::size_t j) {
      const std::size_t k = kept[j];
      if (!parse_tweet_profile(input.layout, records[block.record[k]], file, partitions,
                               block.rows[k].account.emplace()))
        throw std::logic_error("ingest: a kept profile no longer parses"); // its check passed
    });
  }
}

// Routes a parsed slice's rows of partitions in `group` to their owners (rank `rank` keeps its
// own rows). The first pass (`count`) also counts rows, keeps rejects and collects labels; later
// passes only route.
void route_slice(const std::vector<Record> &records, PartitionRange group, int rank, int ranks,
                 bool count, ParsedBlock &block, RoundOutput &out, OwnedRows &own,
                 LabelSets &labels) {
  const auto &parsed_record = block.record;
  auto &parsed = block.rows;
  const auto &keeps_profile = block.keeps_profile;
  // True when the row was packed for another rank; false when it stays here.
  const auto send = [&](std::uint32_t partition, char tag, const auto &row) {
    const int owner = owner_of(partition, group, ranks);
    if (owner == rank)
      return false;
    auto &bucket = out.buckets[static_cast<std::size_t>(owner)];
    bucket.push_back(tag);
    if constexpr (std::is_same_v<std::decay_t<decltype(row)>, PostRow>) {
      pack_post(row, bucket);
    } else {
      bytes::Writer writer(bucket);
      row.pack(writer);
    }
    return true;
  };
  for (std::size_t k = 0; k < parsed_record.size(); ++k) {
    auto &record = parsed[k];
    if (count) {
      out.bytes += records[parsed_record[k]].text.size() + 1;
      ++out.rows;
      if (record.reject) {
        out.rejects.push_back(std::move(*record.reject));
        continue;
      }
      if (!record.post)
        ++out.non_post_rows; // a profile or a snapshot: read, but no post
      out.empty_list_elements += record.repairs.empty_list_elements;
      out.retweets_keyed_by_text += record.repairs.retweet_keyed_by_text;
      if (record.post) {
        labels.clients.add(record.post->client);
        labels.languages.add(record.post->language);
      }
      if (record.account)
        labels.languages.add(record.account->language);
    }
    if (record.reject)
      continue;
    if (record.post && group.contains(record.post->partition) &&
        !send(record.post->partition, kPostTag, *record.post))
      own.posts.add(*record.post);
    if (record.snapshot && group.contains(record.snapshot->partition) &&
        !send(record.snapshot->partition, kSnapshotTag, *record.snapshot))
      own.snapshots.push_back(std::move(*record.snapshot));
    if (record.follow && group.contains(record.follow->partition) &&
        !send(record.follow->partition, kFollowTag, *record.follow))
      own.follows.push_back(std::move(*record.follow));
    if (keeps_profile[k] != 0 && !send(record.account->partition, kAccountTag, *record.account))
      own.add_account(std::move(*record.account));
  }
}

// Parses a block and routes its rows, a slice of records at a time.
void route_block(const std::vector<Record> &records, const InputFile &input, std::uint32_t file,
                 std::uint32_t partitions, PartitionRange group, int rank, int ranks, bool count,
                 ParsedBlock &block, RoundOutput &out, OwnedRows &own, LabelSets &labels) {
  const auto wanted = records_to_parse(records, input.layout, partitions, group, count);
  for (std::size_t begin = 0; begin < wanted.size(); begin += kSliceRecords) {
    const auto slice =
        std::span(wanted).subspan(begin, std::min(kSliceRecords, wanted.size() - begin));
    parse_slice(records, slice, input, file, partitions, group, block);
    route_slice(records, group, rank, ranks, count, block, out, own, labels);
  }
}

void receive_rows(const std::vector<char> &received, OwnedRows &owned) {
  bytes::Reader reader(received.data(), received.data() + received.size());
  while (!reader.done()) {
    const char tag = reader.get<char>();
    if (tag == kPostTag)
      owned.posts.add_packed(reader.get_bytes(reader.get<std::uint32_t>()));
    else if (tag == kSnapshotTag)
      owned.snapshots.push_back(SnapshotRow::unpack(reader));
    else if (tag == kFollowTag)
      owned.follows.push_back(FollowRow::unpack(reader));
    else if (tag == kAccountTag)
      owned.add_account(AccountRow::unpack(reader));
    else
      throw std::runtime_error("ingest: corrupt row exchange");
  }
}

void write_rejects(const mpi::Comm &comm, std::vector<Reject> &local,
                   const std::vector<InputFile> &inputs, const std::string &path) {
  auto all = mpi::gather_objects(comm, local);
  if (!comm.is_root())
    return;
  std::vector<Reject> rejects;
  for (auto &part : all)
    rejects.insert(rejects.end(), part.begin(), part.end());
  std::sort(rejects.begin(), rejects.end(), [](const Reject &a, const Reject &b) {
    return std::tie(a.file, a.line) < std::tie(b.file, b.line);
  });
  AtomicFile file(path);
  std::string out;
  csv::append_record(out, {"file", "line", "reason", "detail"});
  for (const auto &r : rejects) {
    csv::append_record(out, {inputs[r.file].path, std::to_string(r.line), r.reason, r.detail});
  }
  file.write(out);
  file.commit();
}

void check_options(const IngestConfig &config) {
  if (config.store_path.empty())
    throw UsageError("ingest: --store is required");
  if (config.partitions < 1 || config.partitions > (1u << 20))
    throw UsageError("ingest: --partitions must be in 1..1048576");
  if (config.store_compression != "none" && config.store_compression != "deflate")
    throw UsageError("ingest: --store-compression must be none or deflate, not '" +
                     config.store_compression + "'");
}

// The bytes of the inputs that ranks read in pieces: compressed ones are read whole, each by one
// rank.
std::uint64_t splittable_bytes(const std::vector<InputFile> &inputs) {
  std::uint64_t bytes = 0;
  for (const auto &input : inputs)
    bytes += input.compression == Compression::none ? input.size : 0;
  return bytes;
}

// The largest peak of any phase so far, in MB.
double largest_peak_mb(const PhaseTimes &times) {
  double peak = 0;
  for (const auto &phase : times.phases())
    peak = std::max(peak, phase.peak_mb);
  return peak;
}

// The pass plan, for the manifest.
void keep_plan(const PassPlan &plan, IngestSummary &summary) {
  summary.memory_bound_mb = plan.bound.megabytes;
  summary.memory_source = plan.bound.source;
  summary.input_mb = plan.input_mb;
  summary.reserve_mb = plan.reserve_mb;
  summary.bytes_per_input_byte = plan.bytes_per_input_byte;
}

std::string sibling_path(const std::string &store, const std::string &suffix) {
  std::filesystem::path path(store);
  return (path.parent_path() / (path.stem().string() + suffix)).string();
}

const char *compression_name(Compression c) {
  return c == Compression::gzip ? "gzip" : c == Compression::zstd ? "zstd" : "none";
}

// What to do about a reject reason that took every row, when there is more to say than the reason.
std::string advice(const std::string &reason) {
  if (reason == "bad tweetid") {
    return "tweetids must be decimal tweet ids, as in every IO-archive release; for a layout "
           "with other column names map them with --columns (tweetid=COLUMN,...), and for "
           "derived ids ingest the data as an action table (--format actions)";
  }
  if (reason == "bad tweet_time" || reason == "no time")
    return "give tweet_time's format with --time-format (for example '%m/%d/%Y %H:%M')";
  if (reason == "wrong field count" || reason == "malformed quoting")
    return "the file is not comma-separated CSV with a header row and RFC 4180 quoting";
  return "";
}

// The error of an ingest that stored nothing: every row read was rejected.
std::string nothing_stored(const IngestSummary &s) {
  std::vector<std::pair<std::uint64_t, std::string>> top;
  for (const auto &[reason, n] : s.rejects_by_reason)
    top.emplace_back(n, reason);
  std::sort(top.rbegin(), top.rend());
  std::string reasons;
  for (std::size_t i = 0; i < std::min<std::size_t>(3, top.size()); ++i)
    reasons += fmt::format("{}{} ({})", i == 0 ? "" : ", ", top[i].second, top[i].first);
  const auto what_to_do = advice(top.front().second);
  return fmt::format("ingest: all {} rows read were rejected ({}), so no store was written; the "
                     "rows and reasons are in {}{}",
                     s.rows_read, reasons, s.rejects_path,
                     what_to_do.empty() ? "" : ". To read them: " + what_to_do);
}

// STORE-manifest.json: what went in, what came out, and how long each phase took.
void write_manifest(const mpi::Comm &comm, const IngestConfig &config,
                    const std::vector<InputFile> &inputs, const IngestSummary &s) {
  if (!comm.is_root())
    return;
  std::string out = "{\n";
  out += fmt::format("  \"lockstep_version\": {},\n  \"store\": {},\n", json::quote(kVersion),
                     json::quote(config.store_path));
  out += fmt::format("  \"ranks\": {},\n  \"threads_per_rank\": {},\n  \"append\": {},\n",
                     comm.size(), oneapi::tbb::info::default_concurrency(), config.append);
  out += "  \"inputs\": [";
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    out += fmt::format("{}\n    {{\"path\": {}, \"bytes\": {}, \"compression\": \"{}\"}}",
                       i == 0 ? "" : ",", json::quote(inputs[i].path), inputs[i].size,
                       compression_name(inputs[i].compression));
  }
  out += "\n  ],\n";
  out += fmt::format("  \"rows_read\": {},\n  \"rows_rejected\": {},\n  \"rows_duplicate\": {},\n"
                     "  \"non_post_rows\": {},\n",
                     s.rows_read, s.rows_rejected, s.duplicates, s.non_post_rows);
  out +=
      fmt::format("  \"posts\": {},\n  \"accounts\": {},\n  \"actions\": {},\n"
                  "  \"interactions\": {},\n  \"snapshots\": {},\n  \"follows\": {},\n"
                  "  \"passes\": {},\n",
                  s.posts, s.accounts, s.actions, s.interactions, s.snapshots, s.follows, s.groups);
  out += fmt::format("  \"store_compression\": {},\n", json::quote(config.store_compression));
  const auto object = [](const std::map<std::string, std::uint64_t> &m) {
    std::string o = "{";
    for (const auto &[k, v] : m)
      o += fmt::format("{}{}: {}", o.size() > 1 ? ", " : "", json::quote(k), v);
    return o + "}";
  };
  out += fmt::format("  \"memory\": {{\"bound_mb\": {}, \"source\": {}, \"input_mb\": {:.0f}, "
                     "\"reserve_mb\": {:.0f}, \"bytes_per_input_byte\": {:.2f}}},\n",
                     s.memory_bound_mb, json::quote(s.memory_source), s.input_mb, s.reserve_mb,
                     s.bytes_per_input_byte);
  out += fmt::format("  \"rejects_by_reason\": {},\n  \"rejects_file\": {},\n",
                     object(s.rejects_by_reason), json::quote(s.rejects_path));
  out += fmt::format("  \"repairs_by_reason\": {},\n", object(s.repairs_by_reason));
  out += fmt::format("  \"time_sources\": {},\n", object(s.time_sources));
  std::string phases = "{";
  std::string peaks = "{";
  for (const auto &phase : s.times.phases()) {
    phases += fmt::format("{}{}: {:.3f}", phases.size() > 1 ? ", " : "", json::quote(phase.name),
                          phase.seconds);
    peaks += fmt::format("{}{}: {:.0f}", peaks.size() > 1 ? ", " : "", json::quote(phase.name),
                         phase.peak_mb);
  }
  out += fmt::format("  \"peak_mb_per_phase_rank0\": {}}},\n", peaks);
  out += fmt::format("  \"seconds_per_phase_rank0\": {}}},\n  \"seconds\": {:.3f}\n}}\n", phases,
                     s.seconds);
  AtomicFile file(sibling_path(config.store_path, "-manifest.json"));
  file.write(out);
  file.commit();
}

} // namespace

PartitionRange owned_partitions(PartitionRange group, int rank, int ranks) {
  // The inverse of owner_of: partition p of the group belongs to rank
  // floor((p - first) * ranks / size).
  const std::uint64_t size = group.last - group.first;
  const auto start = [&](int r) {
    return group.first + static_cast<std::uint32_t>((static_cast<std::uint64_t>(r) * size +
                                                     static_cast<std::uint64_t>(ranks) - 1) /
                                                    static_cast<std::uint64_t>(ranks));
  };
  return {start(rank), start(rank + 1)};
}

namespace {

// Adds one round's counts and rejects (renumbered to name the new inputs) to this rank's.
void count_round(RoundOutput &round, std::uint32_t file_base, std::vector<Reject> &rejects,
                 IngestSummary &summary) {
  for (auto &r : round.rejects)
    r.file -= file_base;
  rejects.insert(rejects.end(), round.rejects.begin(), round.rejects.end());
  summary.rows_read += round.rows;
  summary.non_post_rows += round.non_post_rows;
  summary.repairs_by_reason["empty list element skipped"] += round.empty_list_elements;
  summary.repairs_by_reason["retweet keyed by its text"] += round.retweets_keyed_by_text;
  summary.bytes_read += round.bytes;
}

// The summary's row counts, repairs and rejects by reason, summed over ranks. Collective.
void sum_over_ranks(const mpi::Comm &comm, IngestSummary &summary) {
  summary.rows_read = mpi::allreduce(comm, summary.rows_read, mpi::Op::sum);
  summary.non_post_rows = mpi::allreduce(comm, summary.non_post_rows, mpi::Op::sum);
  summary.bytes_read = mpi::allreduce(comm, summary.bytes_read, mpi::Op::sum);
  summary.rows_rejected = mpi::allreduce(comm, summary.rows_rejected, mpi::Op::sum);
  for (auto &[reason, n] : summary.repairs_by_reason)
    n = mpi::allreduce(comm, n, mpi::Op::sum); // every rank holds both reasons
  auto reasons = mpi::gather_objects(comm, summary.rejects_by_reason);
  mpi::broadcast_object(comm, reasons);
  summary.rejects_by_reason.clear();
  for (const auto &part : reasons) {
    for (const auto &[reason, n] : part)
      summary.rejects_by_reason[reason] += n;
  }
}

// Counts the rejects by reason and writes them beside the store (or where --rejects says).
void keep_rejects(const mpi::Comm &comm, const IngestConfig &config, std::vector<Reject> &rejects,
                  const std::vector<InputFile> &inputs, IngestSummary &summary) {
  for (const auto &r : rejects)
    ++summary.rejects_by_reason[r.reason];
  summary.rows_rejected = rejects.size();
  summary.rejects_path = config.rejects_path.empty()
                             ? sibling_path(config.store_path, "-rejects.csv")
                             : config.rejects_path;
  ScopedPhase phase(summary.times, "rejects");
  write_rejects(comm, rejects, inputs, summary.rejects_path);
}

void take_counts(const StoreCounts &counts, IngestSummary &summary) {
  summary.posts = counts.posts;
  summary.accounts = counts.accounts;
  summary.actions = counts.actions;
  summary.interactions = counts.interactions;
  summary.snapshots = counts.snapshots;
  summary.follows = counts.follows;
  summary.duplicates = counts.duplicates;
  summary.time_sources = counts.time_sources;
}

// What the new store says of itself, and what it takes over from the store appended to, if any:
// its labels, and how its columns were stored (for the pass plan). Collective when appending.
struct StoreStart {
  StoreInfo info;
  Labels existing_labels;
  std::optional<store::Compression> existing_store;
};

StoreStart describe_store(const mpi::Comm &comm, const IngestConfig &config) {
  StoreStart start;
  auto &info = start.info;
  info.partitions = config.partitions;
  info.compression = config.store_compression == "deflate" ? store::Compression::deflate
                                                           : store::Compression::none;
  // Tweets with media tables joined hold action-table posts too (rows naming no tweet of theirs).
  const auto with_media = [](const std::string &format) {
    return format + std::string(store::schema::kJoinedMediaSuffix);
  };
  info.input_format = config.actions.empty() || config.format != "ioarchive"
                          ? config.format
                          : with_media(config.format);
  if (config.append && std::filesystem::exists(config.store_path)) {
    auto existing = read_existing_meta(comm, config.store_path);
    if (existing.input_format == with_media(config.format))
      info.input_format = existing.input_format;
    info.partitions = existing.partitions;
    info.files = std::move(existing.files);
    start.existing_labels = std::move(existing.labels);
    start.existing_store = existing.compression;
  }
  return start;
}

} // namespace

IngestSummary ingest(const mpi::Comm &comm, const IngestConfig &config,
                     const BeforeManifest &before_manifest) {
  const auto started = std::chrono::steady_clock::now();
  IngestSummary summary;
  PhaseTimes &times = summary.times;
  times.add_start_up();
  std::optional<ScopedPhase> planning(std::in_place, times, "plan");
  check_options(config);
  const auto inputs = plan_inputs(config);
  if (const auto folder = std::filesystem::path(config.store_path).parent_path();
      comm.is_root() && !folder.empty())
    std::filesystem::create_directories(folder); // a job's store/ need not exist yet
  comm.barrier();
  auto [info, existing_labels, existing_store] = describe_store(comm, config);
  // Existing rows keep file indices below the new inputs' so that, among duplicates, the
  // earlier ingest wins.
  const auto file_base = static_cast<std::uint32_t>(info.files.size());
  for (const auto &input : inputs)
    info.files.push_back(input.path);
  const auto pieces = plan_pieces(comm, inputs, piece_bytes(splittable_bytes(inputs), comm.size()));
  auto plan = plan_passes(comm, config, inputs, info.partitions, existing_store);
  const auto &groups = plan.groups; // each pass may cut the later groups finer
  log::info("ingest: {} input files, {} pieces, {} partitions in {} group(s), {} ranks",
            inputs.size(), pieces.size(), info.partitions, groups.size(), comm.size());
  planning.reset();

  std::vector<Reject> rejects;
  LabelSets seen;
  std::optional<StoreWriter> writer;
  ProgressLine progress("ingest (rank 0 rows)", 0);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const bool first_pass = g == 0;
    const double pass_start_mb = resident_mb();
    PhaseTimes pass_times; // this pass's peak alone
    std::optional<ScopedPhase> pass_phase(std::in_place, pass_times, "pass");
    if (groups.size() > 1)
      log::info("ingest: pass {} of {} (partitions {} to {}), {:.0f} MB resident on rank {}", g + 1,
                groups.size(), groups[g].first, groups[g].last - 1, resident_mb(), comm.rank());
    const auto owned = owned_partitions(groups[g], comm.rank(), comm.size());
    OwnedRows rows;     // this pass's rows on this rank, as they arrive
    if (existing_store) // appending: the store's rows of these partitions join the new ones
      read_existing_rows(comm, config.store_path, owned, rows);
    { // the reader's buffer, its records and the parsed slots go before the store is built
      LocalReader reader(inputs, pieces, comm.rank(), comm.size(),
                         static_cast<std::size_t>(config.block_megabytes) << 20);
      std::vector<Record> records;
      ParsedBlock parsed; // reused from slice to slice, so its rows are paged in once
      for (bool more = true; more;) {
        RoundOutput round;
        round.buckets.resize(static_cast<std::size_t>(comm.size()));
        std::optional<std::uint32_t> file;
        {
          ScopedPhase phase(times, "read");
          file = reader.next(records);
        }
        if (file) {
          ScopedPhase phase(times, "parse");
          route_block(records, inputs[*file], *file + file_base, info.partitions, groups[g],
                      comm.rank(), comm.size(), first_pass, parsed, round, rows, seen);
        }
        count_round(round, file_base, rejects, summary);
        {
          ScopedPhase phase(times, "exchange");
          receive_rows(mpi::alltoallv(comm, round.buckets), rows);
        }
        progress.update(summary.rows_read);
        more = mpi::allreduce(comm, file.has_value(), mpi::Op::logical_or);
      }
    }
    if (first_pass) {
      ScopedPhase phase(times, "open store");
      Labels local = existing_labels;
      local.clients.insert(local.clients.end(), seen.clients.begin(), seen.clients.end());
      local.languages.insert(local.languages.end(), seen.languages.begin(), seen.languages.end());
      writer.emplace(comm, config.store_path, info, global_labels(comm, local),
                     config.post_stage_rows);
    }
    writer->add_group(rows, owned, times);
    pass_phase.reset();
    if (groups.size() == 1) {
      // One pass: the rows fit beside everything else, so they stay until the caller is done.
      summary.last_pass_rows = std::make_shared<OwnedRows>(std::move(rows));
    } else {
      // The next pass (or the keys written at the end) starts from what this one leaves: its rows
      // freed, the heap trimmed.
      ScopedPhase phase(times, "release memory");
      rows = OwnedRows{};
      release_free_memory();
    }
    replan_after_pass(comm, plan, g, pass_start_mb, largest_peak_mb(pass_times), resident_mb());
  }
  keep_rejects(comm, config, rejects, inputs, summary);
  sum_over_ranks(comm, summary);
  summary.groups = groups.size();
  keep_plan(plan, summary);
  if (summary.rows_read > 0 && summary.rows_rejected == summary.rows_read)
    throw UsageError(nothing_stored(summary)); // the writer removes its unfinished file

  take_counts(writer->finish(summary, times), summary);
  if (before_manifest)
    before_manifest(times);
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  write_manifest(comm, config, inputs, summary);
  return summary;
}

} // namespace lockstep::ingest
