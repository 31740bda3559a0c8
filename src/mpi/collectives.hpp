// Typed collectives for trivially copyable types: allreduce, allgather(v), broadcast.
#pragma once

#include "mpi/comm.hpp"
#include "mpi/datatype.hpp"

#include <algorithm>
#include <climits>
#include <cstddef>
#include <numeric>
#include <span>
#include <stdexcept>
#include <vector>

namespace lockstep::mpi {

enum class Op { sum, min, max, logical_or, logical_and };

inline MPI_Op to_mpi(Op op) {
  switch (op) {
  case Op::sum:
    return MPI_SUM;
  case Op::min:
    return MPI_MIN;
  case Op::max:
    return MPI_MAX;
  case Op::logical_or:
    return MPI_LOR;
  case Op::logical_and:
    return MPI_LAND;
  }
  return MPI_OP_NULL;
}

// Largest number of elements a single MPI call moves at once in the chunked helpers below.
inline constexpr std::size_t kMaxElementsPerCall = std::size_t{1} << 28;

template <Builtin T>
T allreduce(const Comm &comm, T value, Op op) {
  T result{};
  check(MPI_Allreduce(&value, &result, 1, datatype<T>(), to_mpi(op), comm.raw()), "MPI_Allreduce");
  return result;
}

// Element-wise reduction of equally long vectors.
template <Builtin T>
std::vector<T> allreduce(const Comm &comm, std::span<const T> values, Op op) {
  std::vector<T> result(values.size());
  for (std::size_t begin = 0; begin < values.size(); begin += kMaxElementsPerCall) {
    const auto count = static_cast<int>(std::min(kMaxElementsPerCall, values.size() - begin));
    check(MPI_Allreduce(values.data() + begin, result.data() + begin, count, datatype<T>(),
                        to_mpi(op), comm.raw()),
          "MPI_Allreduce");
  }
  return result;
}

// One value from every rank, in rank order.
template <Transferable T>
std::vector<T> allgather(const Comm &comm, const T &value) {
  std::vector<T> result(static_cast<std::size_t>(comm.size()));
  check(MPI_Allgather(&value, 1, datatype<T>(), result.data(), 1, datatype<T>(), comm.raw()),
        "MPI_Allgather");
  return result;
}

// Every rank's values concatenated in rank order. The total must fit MPI's int counts.
template <Transferable T>
std::vector<T> allgatherv(const Comm &comm, std::span<const T> values) {
  const auto counts64 = allgather<unsigned long long>(comm, values.size());
  const unsigned long long total = std::accumulate(counts64.begin(), counts64.end(), 0ULL);
  if (total > static_cast<unsigned long long>(INT_MAX)) {
    throw std::length_error("allgatherv: " + std::to_string(total) +
                            " elements exceed one MPI call; exchange in rounds instead");
  }
  std::vector<int> counts(counts64.begin(), counts64.end());
  std::vector<int> displacements(counts.size(), 0);
  std::exclusive_scan(counts.begin(), counts.end(), displacements.begin(), 0);
  std::vector<T> result(total);
  check(MPI_Allgatherv(values.data(), static_cast<int>(values.size()), datatype<T>(), result.data(),
                       counts.data(), displacements.data(), datatype<T>(), comm.raw()),
        "MPI_Allgatherv");
  return result;
}

template <Transferable T>
std::vector<T> allgatherv(const Comm &comm, const std::vector<T> &values) {
  return allgatherv(comm, std::span<const T>(values));
}

template <Transferable T>
void broadcast(const Comm &comm, T &value, int root = 0) {
  check(MPI_Bcast(&value, 1, datatype<T>(), root, comm.raw()), "MPI_Bcast");
}

// Broadcasts a vector of any length; receivers are resized to the root's length.
template <Transferable T>
void broadcast(const Comm &comm, std::vector<T> &values, int root = 0) {
  unsigned long long size = values.size();
  broadcast(comm, size, root);
  values.resize(size);
  for (std::size_t begin = 0; begin < size; begin += kMaxElementsPerCall) {
    const auto count = static_cast<int>(std::min<std::size_t>(kMaxElementsPerCall, size - begin));
    check(MPI_Bcast(values.data() + begin, count, datatype<T>(), root, comm.raw()), "MPI_Bcast");
  }
}

} // namespace lockstep::mpi
