// A binary reduction tree over ranks with a user combiner and Boost-serialised partial results.
// combine(left, right) always receives the lower ranks' partial result as `left`, so the result
// is deterministic for a given rank count whatever the message timing.
#pragma once

#include "mpi/comm.hpp"
#include "mpi/serialize.hpp"

#include <optional>
#include <utility>

namespace lockstep::mpi {

inline constexpr int kReductionTreeTag = 7302;

// Reduces to rank 0 in ceil(log2 p) levels: at level s, rank r with bit s set sends its partial
// result to r - s and leaves; rank r with r + s < p receives and combines. Rank 0 returns the
// result; every other rank returns nullopt.
template <typename T, typename Combine>
std::optional<T> reduce_tree(const Comm &comm, T local, Combine combine) {
  for (int step = 1; step < comm.size(); step <<= 1) {
    if (comm.rank() & step) {
      send_object(comm, local, comm.rank() - step, kReductionTreeTag);
      return std::nullopt;
    }
    if (comm.rank() + step < comm.size()) {
      T right = recv_object<T>(comm, comm.rank() + step, kReductionTreeTag);
      local = combine(std::move(local), std::move(right));
    }
  }
  return local;
}

// reduce_tree, then the result broadcast to every rank.
template <typename T, typename Combine>
T allreduce_tree(const Comm &comm, T local, Combine combine) {
  std::optional<T> reduced = reduce_tree(comm, std::move(local), combine);
  T result = reduced ? std::move(*reduced) : T{};
  broadcast_object(comm, result, 0);
  return result;
}

} // namespace lockstep::mpi
