// Detect checkpoints: what each step (one co-action signal, near-duplicate texts, behavioural
// similarity) added to the result, saved per rank when the step ends, so an interrupted run
// resumes after its last finished step with the same final results. A fingerprint of the job,
// the store and the rank count guards against resuming a different run.
#pragma once

#include "detect/detect.hpp"
#include "detect/tested_parts.hpp"
#include "mpi/comm.hpp"

#include <string>
#include <vector>

namespace lockstep::detect {

// What one step adds to a DetectResult; its tested parts are files of their own beside it.
struct StepOutput {
  std::vector<SignalSummary> signals;
  std::uint64_t tested_parts = 0;
  NearDuplicateSummary near_duplicate;
  std::vector<Action> family_posts;
  SimilaritySummary similarity;
  std::vector<SimilarPair> similar_pairs;
};

class Checkpoint {
public:
  // No checkpoints: every step runs.
  Checkpoint() = default;
  // Checkpoints in `dir` for a run identified by `fingerprint`; saved steps of another run are
  // removed. Collective.
  Checkpoint(const mpi::Comm &comm, std::string dir, const std::string &fingerprint);

  bool enabled() const { return !dir_.empty(); }
  // Loads `step` when every rank has it saved, its tested parts into `tested` (read from the
  // checkpoint in place). Collective.
  bool load(const mpi::Comm &comm, const std::string &step, StepOutput &out,
            TestedParts &tested) const;
  // Saves this rank's output of `step` and the tested parts it added (`tested` from part
  // `first_part` on), streamed one at a time: the parts first, then the output (each written,
  // then renamed), which makes the step count as saved. Collective.
  void save(const mpi::Comm &comm, const std::string &step, StepOutput output,
            const TestedParts &tested, std::size_t first_part) const;
  // Removes the checkpoints once the results are written. Collective.
  void clear(const mpi::Comm &comm) const;
  // Steps loaded instead of run.
  const std::vector<std::string> &resumed() const { return resumed_; }

private:
  std::string path(const mpi::Comm &comm, const std::string &step) const;
  std::string part_path(const mpi::Comm &comm, const std::string &step, std::size_t part) const;
  std::string dir_;
  mutable std::vector<std::string> resumed_;
};

// The fingerprint of a detect run: Lockstep's version and the checkpoint format (checkpoints are
// its structs), the effective job, the store's size and modification time, and the rank count.
std::string detect_fingerprint(const DetectConfig &config, int ranks);

} // namespace lockstep::detect
