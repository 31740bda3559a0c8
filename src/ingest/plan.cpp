// Input and piece planning.
#include "ingest/plan.hpp"

#include "common/csv.hpp"
#include "common/error.hpp"
#include "mpi/collectives.hpp"

#include <algorithm>
#include <limits>

namespace lockstep::ingest {
namespace {

TableLayout read_layout(const InputFile &input, const ColumnMapping &mapping) {
  if (syntax_of(input.kind) == RecordSyntax::lines) // JSON lines have no header
    return map_header(input.kind, {}, input.path, mapping);
  RecordBlocks blocks(open_source(input.path, input.compression, 0), StreamState{}, 1, 1);
  std::vector<Record> records;
  if (!blocks.next(records) || records.empty()) {
    throw InputError(input.path, 1, "empty file: expected a header");
  }
  std::vector<std::string_view> header;
  std::string scratch;
  if (!csv::split_record(records.front().text, header, scratch)) {
    throw InputError(input.path, 1, "malformed header");
  }
  return map_header(input.kind, header, input.path, mapping);
}

// A follows file's layout from its first byte that is no white space: '{' for twarc2's JSON
// lines, anything else for an edge list CSV.
TableKind follows_kind(const std::string &path, Compression compression) {
  const auto source = open_source(path, compression, 0);
  char buffer[4096];
  while (const auto n = source->read(buffer, sizeof buffer)) {
    for (std::size_t i = 0; i < n; ++i) {
      if (buffer[i] != ' ' && buffer[i] != '\t' && buffer[i] != '\r' && buffer[i] != '\n')
        return buffer[i] == '{' ? TableKind::json_follows : TableKind::follows;
    }
  }
  return TableKind::follows; // empty: the header check says so
}

} // namespace

std::vector<InputFile> plan_inputs(const IngestConfig &config) {
  std::vector<InputFile> inputs;
  const auto add = [&](const std::vector<std::string> &paths, TableKind kind) {
    for (const auto &path : paths) {
      InputFile input;
      input.path = path;
      input.kind = kind;
      input.compression = detect_compression(path);
      input.size = file_size(path);
      if (kind == TableKind::follows)
        input.kind = follows_kind(path, input.compression);
      inputs.push_back(std::move(input));
    }
  };
  if (config.format == "actions") {
    const bool more_of_a_store =
        config.append && (!config.snapshots.empty() || !config.follows.empty());
    if (config.actions.empty() && !more_of_a_store)
      throw UsageError("ingest --format actions needs --actions FILE... (with --append, "
                       "--snapshots or --follows alone will do)");
    if (!config.tweets.empty() || !config.users.empty()) {
      throw UsageError(
          "ingest --format actions takes --actions (and --snapshots, --follows) files only");
    }
    add(config.actions, TableKind::actions);
    add(config.snapshots, TableKind::snapshots);
    add(config.follows, TableKind::follows);
  } else if (config.format == "ioarchive") {
    if (config.tweets.empty() && config.users.empty() && config.snapshots.empty() &&
        config.actions.empty() && config.follows.empty()) {
      throw UsageError("ingest needs --tweets, --users, --actions, --snapshots or --follows files");
    }
    if (!config.actions.empty() && config.action_columns.empty()) {
      throw UsageError("--actions with --format ioarchive are media tables joined to the tweets: "
                       "name their columns with --action-columns (or use --format actions)");
    }
    add(config.tweets, TableKind::tweets);
    add(config.users, TableKind::users);
    add(config.actions, TableKind::actions);
    add(config.snapshots, TableKind::snapshots);
    add(config.follows, TableKind::follows);
  } else if (config.format == "jsonl") {
    if (config.tweets.empty())
      throw UsageError("ingest --format jsonl needs --tweets FILE... (one JSON tweet per line)");
    if (!config.users.empty() || !config.actions.empty())
      throw UsageError(
          "ingest --format jsonl takes --tweets (and --snapshots, --follows) files only");
    add(config.tweets, TableKind::json_tweets);
    add(config.snapshots, TableKind::snapshots);
    add(config.follows, TableKind::follows);
  } else {
    throw UsageError("ingest --format must be 'ioarchive', 'actions' or 'jsonl'");
  }
  if (inputs.size() > std::numeric_limits<std::uint32_t>::max() / 2)
    throw UsageError("too many input files");
  if (!config.action_columns.empty() && config.format != "ioarchive")
    throw UsageError("--action-columns applies to --format ioarchive (--columns names an action "
                     "table's columns with --format actions)");
  auto mapping = parse_column_mapping(config.columns, config.format, config.time_format);
  if (!config.action_columns.empty())
    mapping.actions = parse_joined_action_columns(config.action_columns);
  if (!config.label_column.empty() && config.format != "ioarchive")
    throw UsageError("--label-column applies to --format ioarchive tweets and users files");
  mapping.label_column = config.label_column;
  mapping.follows = parse_follow_columns(config.follow_columns);
  for (auto &input : inputs)
    input.layout = read_layout(input, mapping);
  return inputs;
}

std::uint64_t piece_bytes(std::uint64_t splittable_bytes, int ranks) {
  constexpr std::uint64_t kLargest = std::uint64_t{256} << 20, kSmallest = std::uint64_t{1} << 20;
  constexpr std::uint64_t kPiecesPerRank = 16;
  const auto share = splittable_bytes / (kPiecesPerRank * static_cast<std::uint64_t>(ranks)) + 1;
  return std::clamp(share, kSmallest, kLargest);
}

std::vector<Piece> split_into_pieces(const std::vector<InputFile> &inputs,
                                     std::uint64_t piece_bytes) {
  std::vector<Piece> pieces;
  for (std::uint32_t f = 0; f < inputs.size(); ++f) {
    const auto &input = inputs[f];
    if (input.compression != Compression::none) { // streams cannot be entered in the middle
      pieces.push_back(Piece{f, 0, std::numeric_limits<std::uint64_t>::max(), StreamState{}});
      continue;
    }
    // Equal pieces of at most piece_bytes (no short tail piece to unbalance the ranks).
    const auto count = std::max<std::uint64_t>(1, (input.size + piece_bytes - 1) / piece_bytes);
    for (std::uint64_t k = 0; k < count; ++k) {
      pieces.push_back(
          Piece{f, input.size * k / count, input.size * (k + 1) / count, StreamState{}});
    }
  }
  return pieces;
}

std::vector<Piece> plan_pieces(const mpi::Comm &comm, const std::vector<InputFile> &inputs,
                               std::uint64_t piece_bytes) {
  auto pieces = split_into_pieces(inputs, piece_bytes);
  // Each rank counts its own pieces; the sum over ranks fills in everyone's counts.
  std::vector<std::uint64_t> counts(2 * pieces.size(), 0);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const auto &input = inputs[pieces[i].file];
    if (piece_owner(i, comm.size()) != comm.rank() || input.compression != Compression::none)
      continue;
    const RangeCounts c =
        count_range(input.path, pieces[i].begin, pieces[i].end, syntax_of(input.kind));
    counts[2 * i] = c.quotes;
    counts[2 * i + 1] = c.newlines;
  }
  counts = mpi::allreduce(comm, std::span<const std::uint64_t>(counts), mpi::Op::sum);
  std::uint64_t quotes = 0, newlines = 0;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (i == 0 || pieces[i].file != pieces[i - 1].file)
      quotes = newlines = 0;
    pieces[i].start =
        StreamState{pieces[i].begin, quotes % 2 == 1, static_cast<std::int64_t>(newlines) + 1};
    quotes += counts[2 * i];
    newlines += counts[2 * i + 1];
  }
  return pieces;
}

} // namespace lockstep::ingest
