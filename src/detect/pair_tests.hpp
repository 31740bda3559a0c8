// One signal's candidate pairs tested against the null models round by round, as the engine hands
// them over (EngineOptions::on_round): a round's pairs are tested and join the tested parts, so a
// signal's pairs are never all in memory at once. The pairs the engagement null may price (their
// audience p above their popularity p, which passes alpha) wait with their groups until the
// signal's own Benjamini-Hochberg cut over all its pairs is known; they are a few percent.
#pragma once

#include "common/config.hpp"
#include "detect/coaction.hpp"
#include "detect/detect.hpp"
#include "detect/partition_data.hpp"
#include "detect/significance.hpp"
#include "detect/tested_parts.hpp"
#include "mpi/collectives.hpp"
#include "mpi/comm.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace lockstep::detect {

// This rank's actions of one store signal.
std::vector<Action> actions_of(const ActionTable &table, std::uint8_t signal);

class PairTester {
public:
  struct Signal {
    std::uint8_t id = 0;
    std::int64_t window_ms = 0;
    const std::vector<KeyGroup> *groups = nullptr; // the audience null's, or none
  };
  // `profiles` are the activity profiles of the signal's actions at this rank's accounts. Tested
  // pairs wait in memory up to `held_bytes`, then join `tested` as one part.
  PairTester(const DetectConfig &config, const PartitionData &data, Signal signal,
             ActivityProfiles profiles, TestedParts &tested, std::size_t held_bytes);

  // Tests one round's pairs (the engine's result holds that round's alone). Collective.
  void test_round(const mpi::Comm &comm, const CoactionResult &round);

  struct Totals {
    std::uint64_t candidates = 0;        // all ranks
    std::uint64_t engagement_priced = 0; // all ranks
  };
  // Prices the waiting pairs that pass the signal's cut by the two accounts' engagement with each
  // author (detect/engagement.hpp), tests them again, and adds what is left. Collective.
  Totals finish(const mpi::Comm &comm, const CoactionResult &engine);

private:
  void keep(std::vector<EdgeSignal> tested_round);

  const DetectConfig &config_;
  const PartitionData &data_;
  Signal signal_;
  ActivityProfiles profiles_;
  TestedParts &tested_;
  std::size_t held_bytes_;
  std::vector<EdgeSignal> held_; // tested, not yet in tested_
  std::size_t held_in_bytes_ = 0;
  std::uint64_t candidates_ = 0;           // this rank's
  std::vector<double> small_popularity_p_; // log10 popularity p at most alpha: the signal's cut
  CoactionResult waiting_; // pairs and groups of those the engagement null may price
  std::vector<EdgeSignal> waiting_tested_; // and their tests, in the same order
};

} // namespace lockstep::detect
