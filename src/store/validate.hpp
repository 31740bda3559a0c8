// `lockstep validate`: checks every invariant of the store schema (data-schema/store.md) and
// lists each violation. Rank 0 does the reading; other ranks take part in the collective calls.
#pragma once

#include "mpi/comm.hpp"

#include <string>
#include <vector>

namespace lockstep::store {

struct ValidationReport {
  std::vector<std::string> violations;
  std::vector<std::pair<std::string, std::string>> digests; // dataset path, XXH3 of its bytes
  std::string summary;                                      // counts, for the user
};

ValidationReport validate_store(const mpi::Comm &comm, const std::string &path);

} // namespace lockstep::store
