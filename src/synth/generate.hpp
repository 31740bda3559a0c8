// `lockstep generate`: writes a synthetic takedown release (IO-archive tweets and users CSVs, or
// the generic action table) with ground truth. Ranks write the numbered part files in parallel;
// the bytes depend only on the configuration, never on the rank or thread count.
#pragma once

#include "common/config.hpp"
#include "mpi/comm.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::synth {

struct GenerateSummary {
  std::uint64_t accounts = 0;
  std::uint64_t tweets = 0; // rows in the tweets (or actions) files
  std::uint64_t campaign_accounts = 0;
  double seconds = 0;
};

GenerateSummary generate(const mpi::Comm &comm, const GenerateConfig &config);

// The 31 IO-archive tweet columns and 10 user columns, in the archive's order.
const std::vector<std::string> &tweet_columns();
const std::vector<std::string> &user_columns();

} // namespace lockstep::synth
