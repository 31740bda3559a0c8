// The pair-signals tested so far, one part per signal, each sorted by account pair. Parts are held
// in memory up to a budget; past it they are written to node-local scratch files and read back as
// streams, so what a rank holds does not grow with its candidate pairs. Fusion walks the parts in
// step (for_each_pair) and never joins them; spilling changes no result.
#pragma once

#include "detect/coaction.hpp"
#include "detect/detect.hpp"
#include "detect/similarity.hpp"

#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace lockstep::detect {

// An EdgeSignal as plain data, for exchanges and scratch files; its evidence items follow apart.
struct TestedRecord {
  PairSignal stats;
  double expected = 0, log10_p = 0, log10_p_popularity = 0;
  std::uint64_t evidence = 0; // items of it
  std::uint8_t signal = 0;
  float engagement_gain = 0;
};
TestedRecord record_of(const EdgeSignal &signal);
EdgeSignal signal_of(const TestedRecord &record); // without its evidence

// The bytes a part holds: its records' and their evidence's capacities.
std::size_t held_bytes(const std::vector<EdgeSignal> &part);

// Orders pair-signals by account pair, then signal.
bool by_pair_and_signal(const EdgeSignal &x, const EdgeSignal &y);

// Reads one part in (a, b) order, one pair's records at a time, from memory or a scratch file.
class PartCursor {
public:
  using Pair = std::pair<std::uint64_t, std::uint64_t>;
  explicit PartCursor(std::span<const EdgeSignal> held);
  explicit PartCursor(const std::string &scratch_file);
  ~PartCursor();
  PartCursor(PartCursor &&) noexcept;
  PartCursor(const PartCursor &) = delete;
  PartCursor &operator=(const PartCursor &) = delete;
  PartCursor &operator=(PartCursor &&) = delete;

  bool done() const { return at_ == window_.size(); }
  Pair pair() const { return {window_[at_].stats.a, window_[at_].stats.b}; }
  std::span<const EdgeSignal> run() const { return window_.subspan(at_, run_end_ - at_); }
  void next(); // past the run

private:
  void find_run_end(); // reading on while the run may go on in the file
  bool read_more();    // appends a block of the file to buffer_; false at its end

  std::span<const EdgeSignal> window_; // the part, or buffer_
  std::size_t at_ = 0, run_end_ = 0;
  std::FILE *file_ = nullptr;
  std::string path_;
  std::vector<EdgeSignal> buffer_;
};

class TestedParts {
public:
  using Pair = PartCursor::Pair;
  // Without a budget everything stays in memory.
  TestedParts() = default;
  // Parts beyond `memory_bytes` held go to files in `scratch_folder`/lockstep-PID-rRANK-NAME.
  TestedParts(std::size_t memory_bytes, const std::string &scratch_folder, int rank,
              std::string name = "tested");
  TestedParts(TestedParts &&) noexcept = default;
  TestedParts &operator=(TestedParts &&) noexcept = default;
  TestedParts(const TestedParts &) = delete;
  TestedParts &operator=(const TestedParts &) = delete;

  // Sorts `part` by pair and signal and keeps it; past the budget, every part held is spilled.
  void add(std::vector<EdgeSignal> part);
  std::size_t size() const { return parts_.size(); }
  std::vector<EdgeSignal> read(std::size_t part) const; // a whole part, wherever it is
  // Writes a part to `path` in the scratch files' layout (written, then renamed), streaming it.
  void save(std::size_t part, const std::string &path) const;
  // Takes a file `save` wrote as a part (read in place, left where it is).
  void adopt(const std::string &path);

  // Calls visit(pair, its signals, its similar pair or null) for every account pair of the parts
  // and of `similar` (sorted by (a, b)), in (a, b) order.
  template <typename Visit>
  void for_each_pair(std::span<const SimilarPair> similar, Visit visit) const;

  std::uint64_t spilled_parts() const { return spilled_parts_; }
  std::uint64_t spilled_bytes() const { return spilled_bytes_; }

private:
  struct Part {
    std::vector<EdgeSignal> held; // empty once spilled
    std::string file;             // where it went, or empty
  };
  // Writes `records` to a new file at `path`; returns the bytes written.
  static std::uint64_t write_file(std::span<const EdgeSignal> records, const std::string &path);
  // This rank's scratch folder, made on the first spill and removed with its files at the end.
  struct Folder {
    std::string path;
    ~Folder();
  };
  void spill_held();
  std::vector<PartCursor> cursors() const;

  std::vector<Part> parts_;
  std::size_t memory_bytes_ = std::numeric_limits<std::size_t>::max();
  std::size_t held_bytes_ = 0;
  std::string scratch_folder_;
  int rank_ = 0;
  std::string name_ = "tested";
  std::unique_ptr<Folder> folder_;
  std::uint64_t spilled_parts_ = 0, spilled_bytes_ = 0;
};

// Calls visit(pair, its signals, its similar pair or null) for every account pair of the cursors
// and of `similar` (sorted by (a, b)), in (a, b) order: a merge of sorted streams.
template <typename Visit>
void walk_pairs(std::vector<PartCursor> &open, std::span<const SimilarPair> similar, Visit visit) {
  using Pair = PartCursor::Pair;
  std::size_t next_similar = 0;
  std::vector<const EdgeSignal *> signals;
  std::vector<std::size_t> at_lowest;
  while (true) {
    std::optional<Pair> lowest;
    if (next_similar < similar.size())
      lowest = Pair(similar[next_similar].a, similar[next_similar].b);
    for (const auto &cursor : open) {
      if (!cursor.done() && (!lowest || cursor.pair() < *lowest))
        lowest = cursor.pair();
    }
    if (!lowest)
      return;
    signals.clear();
    at_lowest.clear();
    for (std::size_t i = 0; i < open.size(); ++i) {
      if (open[i].done() || open[i].pair() != *lowest)
        continue;
      at_lowest.push_back(i);
      for (const auto &signal : open[i].run())
        signals.push_back(&signal);
    }
    const SimilarPair *similarity = nullptr;
    if (next_similar < similar.size() &&
        Pair(similar[next_similar].a, similar[next_similar].b) == *lowest)
      similarity = &similar[next_similar++];
    visit(*lowest, std::span<const EdgeSignal *const>(signals), similarity);
    for (const auto i : at_lowest) // only now: a file cursor's next read moves its records
      open[i].next();
  }
}

template <typename Visit>
void TestedParts::for_each_pair(std::span<const SimilarPair> similar, Visit visit) const {
  auto open = cursors();
  walk_pairs(open, similar, visit);
}

} // namespace lockstep::detect
