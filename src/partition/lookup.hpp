// Questions to the ranks that own the answers: requests go to their owners, and the answers come
// back in request order. Strings held by other ranks (account ids, post ids, key values), fetched
// for the rows this rank writes, and counts kept where the counted values are owned.
#pragma once

#include "mpi/alltoallv.hpp"
#include "mpi/comm.hpp"

#include <cstdint>
#include <functional>
#include <span>
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

// Every request one rank receives, grouped by the asking rank, to be answered one number each in
// the same order.
using AnswerAll = std::function<std::vector<std::uint64_t>(std::span<const std::uint64_t> asked)>;

// For each request, the number `answer_all` gives it on rank `owner(request)`, which sees all the
// requests it owns at once (to count them, say), exchanged within the job's budget. Collective.
std::vector<std::uint64_t> ask_owners(const mpi::Comm &comm,
                                      const std::vector<std::uint64_t> &requests,
                                      const std::function<int(std::uint64_t)> &owner,
                                      const AnswerAll &answer_all, mpi::ExchangeOptions exchange);

} // namespace lockstep::partition
