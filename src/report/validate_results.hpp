// `lockstep validate` on a results file: the invariants of data-schema/results.md between
// /accounts, /clusters and /edges (shapes, types, ranges, sort orders, cluster sizes and roles).
#pragma once

#include "mpi/comm.hpp"
#include "store/validate.hpp"

#include <string>

namespace lockstep::report {

store::ValidationReport validate_results(const mpi::Comm &comm, const std::string &path);

} // namespace lockstep::report
