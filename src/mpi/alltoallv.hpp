// The personalised all-to-all exchange: each rank hands one bucket per destination and gets back
// what every rank sent it, in source-rank order. Receive counts are inferred. Exchanges larger
// than a round budget (or than MPI's int counts) are split into rounds, which all ranks agree on.
#pragma once

#include "mpi/collectives.hpp"
#include "mpi/comm.hpp"
#include "mpi/datatype.hpp"

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstring>
#include <span>
#include <stdexcept>
#include <vector>

namespace lockstep::mpi {

struct ExchangeOptions {
  // Upper bound on the bytes this rank sends (and receives) in one round.
  std::size_t max_round_bytes = std::size_t{256} << 20;
};

template <Transferable T>
struct Exchanged {
  std::vector<T> data;                     // everything received, grouped by source rank
  std::vector<std::size_t> source_offsets; // size()+1 entries: data from rank s is
                                           // [source_offsets[s], source_offsets[s+1])
  std::size_t rounds = 0;                  // how many exchange rounds were needed
};

namespace detail {

inline std::vector<std::size_t> offsets_from_counts(std::span<const unsigned long long> counts) {
  std::vector<std::size_t> offsets(counts.size() + 1, 0);
  for (std::size_t i = 0; i < counts.size(); ++i)
    offsets[i + 1] = offsets[i] + counts[i];
  return offsets;
}

inline std::size_t slice_length(std::size_t length, std::size_t round, std::size_t chunk) {
  const std::size_t begin = round * chunk;
  return begin >= length ? 0 : std::min(chunk, length - begin);
}

} // namespace detail

// `send` holds the elements for destination d at [send_offsets[d], send_offsets[d+1]).
template <Transferable T>
Exchanged<T> alltoallv(const Comm &comm, std::span<const T> send,
                       std::span<const std::size_t> send_offsets, ExchangeOptions options = {}) {
  const auto p = static_cast<std::size_t>(comm.size());
  if (send_offsets.size() != p + 1 || send_offsets[p] != send.size()) {
    throw std::logic_error("alltoallv: send_offsets must have size()+1 entries ending at the "
                           "send length");
  }
  std::vector<unsigned long long> send_counts(p), recv_counts(p);
  for (std::size_t d = 0; d < p; ++d)
    send_counts[d] = send_offsets[d + 1] - send_offsets[d];
  check(MPI_Alltoall(send_counts.data(), 1, MPI_UNSIGNED_LONG_LONG, recv_counts.data(), 1,
                     MPI_UNSIGNED_LONG_LONG, comm.raw()),
        "MPI_Alltoall");

  Exchanged<T> out;
  out.source_offsets = detail::offsets_from_counts(recv_counts);
  out.data.resize(out.source_offsets[p]);

  // Per round, at most `chunk` elements go to each destination, so a round moves at most
  // max_round_bytes and every count and displacement fits an int.
  const std::size_t by_budget = options.max_round_bytes / (sizeof(T) * p);
  const std::size_t by_int = static_cast<std::size_t>(INT_MAX) / p;
  const std::size_t chunk = std::max<std::size_t>(1, std::min(by_budget, by_int));
  const unsigned long long largest =
      std::max(*std::max_element(send_counts.begin(), send_counts.end()),
               *std::max_element(recv_counts.begin(), recv_counts.end()));
  const auto local_rounds = static_cast<unsigned long long>((largest + chunk - 1) / chunk);
  out.rounds = allreduce(comm, local_rounds, Op::max);

  std::vector<int> sc(p), sd(p), rc(p), rd(p);
  if (out.rounds == 1 && send.size() <= static_cast<std::size_t>(INT_MAX) &&
      out.data.size() <= static_cast<std::size_t>(INT_MAX)) {
    // One round whose displacements fit an int (every rank agrees: rounds is global and chunk
    // bounds each count): exchange in place, without staging copies.
    for (std::size_t r = 0; r < p; ++r) {
      sc[r] = static_cast<int>(send_counts[r]);
      sd[r] = static_cast<int>(send_offsets[r]);
      rc[r] = static_cast<int>(recv_counts[r]);
      rd[r] = static_cast<int>(out.source_offsets[r]);
    }
    check(MPI_Alltoallv(send.data(), sc.data(), sd.data(), datatype<T>(), out.data.data(),
                        rc.data(), rd.data(), datatype<T>(), comm.raw()),
          "MPI_Alltoallv");
    return out;
  }
  std::vector<T> send_stage, recv_stage;
  for (std::size_t round = 0; round < out.rounds; ++round) {
    int send_total = 0, recv_total = 0;
    for (std::size_t r = 0; r < p; ++r) {
      sc[r] = static_cast<int>(detail::slice_length(send_counts[r], round, chunk));
      rc[r] = static_cast<int>(detail::slice_length(recv_counts[r], round, chunk));
      sd[r] = send_total;
      rd[r] = recv_total;
      send_total += sc[r];
      recv_total += rc[r];
    }
    send_stage.resize(static_cast<std::size_t>(send_total));
    recv_stage.resize(static_cast<std::size_t>(recv_total));
    for (std::size_t d = 0; d < p; ++d) {
      if (sc[d] == 0)
        continue;
      std::copy_n(send.data() + send_offsets[d] + round * chunk, sc[d], send_stage.data() + sd[d]);
    }
    check(MPI_Alltoallv(send_stage.data(), sc.data(), sd.data(), datatype<T>(), recv_stage.data(),
                        rc.data(), rd.data(), datatype<T>(), comm.raw()),
          "MPI_Alltoallv");
    for (std::size_t s = 0; s < p; ++s) {
      if (rc[s] == 0)
        continue;
      std::copy_n(recv_stage.data() + rd[s], rc[s],
                  out.data.data() + out.source_offsets[s] + round * chunk);
    }
  }
  return out;
}

// One bucket per destination rank; returns the received elements in source-rank order.
template <Transferable T>
std::vector<T> alltoallv(const Comm &comm, const std::vector<std::vector<T>> &buckets,
                         ExchangeOptions options = {}) {
  if (buckets.size() != static_cast<std::size_t>(comm.size())) {
    throw std::logic_error("alltoallv: need one bucket per rank (" + std::to_string(comm.size()) +
                           "), got " + std::to_string(buckets.size()));
  }
  std::vector<std::size_t> offsets(buckets.size() + 1, 0);
  for (std::size_t d = 0; d < buckets.size(); ++d)
    offsets[d + 1] = offsets[d] + buckets[d].size();
  std::vector<T> flat;
  flat.reserve(offsets.back());
  for (const auto &bucket : buckets)
    flat.insert(flat.end(), bucket.begin(), bucket.end());
  return alltoallv<T>(comm, std::span<const T>(flat), std::span<const std::size_t>(offsets),
                      options)
      .data;
}

// Sends each item to rank destination(item) and returns what this rank received, in source-rank
// order (each source's items in their original order). Items are placed by a counting pass, so
// they are copied once; on one rank nothing is copied at all.
template <Transferable T, typename Destination>
std::vector<T> route(const Comm &comm, std::vector<T> items, Destination destination,
                     ExchangeOptions options = {}) {
  if (comm.size() == 1)
    return items;
  const auto p = static_cast<std::size_t>(comm.size());
  std::vector<int> target(items.size());
  std::vector<std::size_t> offsets(p + 1, 0);
  for (std::size_t i = 0; i < items.size(); ++i) {
    target[i] = destination(items[i]);
    ++offsets[static_cast<std::size_t>(target[i]) + 1];
  }
  for (std::size_t d = 0; d < p; ++d)
    offsets[d + 1] += offsets[d];
  std::vector<T> send(items.size());
  auto cursor = offsets;
  for (std::size_t i = 0; i < items.size(); ++i)
    send[cursor[static_cast<std::size_t>(target[i])]++] = items[i];
  std::vector<T>().swap(items);
  return alltoallv<T>(comm, std::span<const T>(send), std::span<const std::size_t>(offsets),
                      options)
      .data;
}

} // namespace lockstep::mpi
