// The Benjamini-Hochberg cut over p-values spread over the ranks, found without gathering them:
// a search over histograms of the values, each one small allreduce.
#pragma once

#include "mpi/comm.hpp"

#include <cstdint>
#include <vector>

namespace lockstep::detect {

// The Benjamini-Hochberg cut at `alpha` over `tests` p-values (log10), of which every rank holds
// those at most alpha (`small`, in any order): only they can pass. The same value on every rank,
// and the same as benjamini_hochberg_log10 over all of them sorted. Each rank holds only its own
// values (sorted in place) and a histogram of kFdrBuckets buckets. Collective.
double fdr_threshold(const mpi::Comm &comm, std::vector<double> small, std::uint64_t tests,
                     double alpha);

inline constexpr std::size_t kFdrBuckets = 1024;

} // namespace lockstep::detect
