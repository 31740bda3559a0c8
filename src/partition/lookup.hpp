// Strings held by other ranks (account ids, post ids, key values), fetched for the rows this rank
// writes: requests go to their owners and the answers come back in request order.
#pragma once

#include "mpi/alltoallv.hpp"
#include "mpi/comm.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace lockstep::partition {

// For each request, the string `answer(request)` computed on rank `owner(request)`, exchanged
// within the job's budget. Collective.
std::vector<std::string> remote_lookup(const mpi::Comm &comm,
                                       const std::vector<std::uint64_t> &requests,
                                       const std::function<int(std::uint64_t)> &owner,
                                       const std::function<std::string(std::uint64_t)> &answer,
                                       mpi::ExchangeOptions exchange);

} // namespace lockstep::partition
