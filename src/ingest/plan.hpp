// Planning the reading: input files, their headers, and pieces (byte ranges of plain files,
// whole compressed files) with the quote and line state at each piece's start.
#pragma once

#include "common/config.hpp"
#include "ingest/parse.hpp"
#include "ingest/records.hpp"
#include "ingest/source.hpp"
#include "mpi/comm.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::ingest {

struct InputFile {
  std::string path;
  TableKind kind = TableKind::tweets;
  Compression compression = Compression::none;
  std::uint64_t size = 0;
  TableLayout layout;
};

struct Piece {
  std::uint32_t file = 0;
  std::uint64_t begin = 0;
  std::uint64_t end = 0; // records that begin before `end` belong to this piece
  StreamState start;
};

// How an input's records end: JSON lines at every line feed, the CSV tables outside quotes.
inline RecordSyntax syntax_of(TableKind kind) {
  return kind == TableKind::json_tweets || kind == TableKind::json_follows ? RecordSyntax::lines
                                                                           : RecordSyntax::csv;
}

// Every input with its header checked (all ranks; a missing column stops before any work).
std::vector<InputFile> plan_inputs(const IngestConfig &config);

// The piece size for `ranks` ranks reading `splittable_bytes` of uncompressed input: about 16
// pieces per rank, but at most 256 MB (a piece is read in blocks, so its size bounds no memory)
// and at least 1 MB. Pieces are dealt round-robin, so each rank reads pieces from all along every
// file: the work per byte follows the rows (archives are grouped by account, and an original tweet
// costs more than a retweet), and with 4 pieces per rank 2 ranks read the first and the second
// halves of four files, 15-25% apart in parse time on a generated release.
std::uint64_t piece_bytes(std::uint64_t splittable_bytes, int ranks);

// Splits each input into equal pieces of at most `piece_bytes` (a compressed one stays whole);
// their start states are left for plan_pieces.
std::vector<Piece> split_into_pieces(const std::vector<InputFile> &inputs,
                                     std::uint64_t piece_bytes);

// split_into_pieces, with each piece's start state: every rank counts the quotes and line feeds
// of the pieces it will read, and a sum over ranks gives the prefix. Collective.
std::vector<Piece> plan_pieces(const mpi::Comm &comm, const std::vector<InputFile> &inputs,
                               std::uint64_t piece_bytes);

inline int piece_owner(std::size_t piece, int ranks) {
  return static_cast<int>(piece % static_cast<std::size_t>(ranks));
}

} // namespace lockstep::ingest
