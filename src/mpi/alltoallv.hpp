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
  // The largest element displacement a round may send from or receive at in place: MPI's counts
  // and displacements are ints. Past it a round goes through staging copies. Tests lower it.
  std::size_t max_displacement = static_cast<std::size_t>(INT_MAX);
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

// Where one exchange's data lies on this rank, and how much of it goes in each round.
template <Transferable T>
struct ExchangeLayout {
  const T *send = nullptr;
  std::span<const std::size_t> send_offsets;
  std::vector<unsigned long long> send_counts;
  T *received = nullptr;
  std::vector<std::size_t> recv_offsets;
  std::vector<unsigned long long> recv_counts;
  std::size_t chunk = 1; // at most this many elements per destination per round

  int send_count(std::size_t rank, std::size_t round) const {
    return static_cast<int>(slice_length(send_counts[rank], round, chunk));
  }
  int recv_count(std::size_t rank, std::size_t round) const {
    return static_cast<int>(slice_length(recv_counts[rank], round, chunk));
  }
};

// One round whose displacements fit an int: every rank sends straight from the send buffer and
// receives straight into the received one.
template <Transferable T>
void exchange_round_in_place(const Comm &comm, const ExchangeLayout<T> &layout, std::size_t round) {
  const auto p = layout.send_counts.size();
  std::vector<int> sc(p), sd(p), rc(p), rd(p);
  for (std::size_t r = 0; r < p; ++r) {
    sc[r] = layout.send_count(r, round);
    rc[r] = layout.recv_count(r, round);
    sd[r] = sc[r] == 0 ? 0 : static_cast<int>(layout.send_offsets[r] + round * layout.chunk);
    rd[r] = rc[r] == 0 ? 0 : static_cast<int>(layout.recv_offsets[r] + round * layout.chunk);
  }
  check(MPI_Alltoallv(layout.send, sc.data(), sd.data(), datatype<T>(), layout.received, rc.data(),
                      rd.data(), datatype<T>(), comm.raw()),
        "MPI_Alltoallv");
}

// One round through staging copies, for exchanges whose displacements do not fit an int.
template <Transferable T>
void exchange_round_staged(const Comm &comm, const ExchangeLayout<T> &layout, std::size_t round,
                           std::vector<T> &send_stage, std::vector<T> &recv_stage) {
  const auto p = layout.send_counts.size();
  const auto skip = round * layout.chunk;
  std::vector<int> sc(p), sd(p), rc(p), rd(p);
  int send_total = 0, recv_total = 0;
  for (std::size_t r = 0; r < p; ++r) {
    sc[r] = layout.send_count(r, round);
    rc[r] = layout.recv_count(r, round);
    sd[r] = send_total;
    rd[r] = recv_total;
    send_total += sc[r];
    recv_total += rc[r];
  }
  send_stage.resize(static_cast<std::size_t>(send_total));
  recv_stage.resize(static_cast<std::size_t>(recv_total));
  for (std::size_t d = 0; d < p; ++d) {
    if (sc[d] > 0) // past a short bucket's end, offset + skip points beyond the buffer
      std::copy_n(layout.send + layout.send_offsets[d] + skip, sc[d], send_stage.data() + sd[d]);
  }
  check(MPI_Alltoallv(send_stage.data(), sc.data(), sd.data(), datatype<T>(), recv_stage.data(),
                      rc.data(), rd.data(), datatype<T>(), comm.raw()),
        "MPI_Alltoallv");
  for (std::size_t s = 0; s < p; ++s) {
    if (rc[s] > 0)
      std::copy_n(recv_stage.data() + rd[s], rc[s],
                  layout.received + layout.recv_offsets[s] + skip);
  }
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
  detail::ExchangeLayout<T> layout;
  layout.send = send.data();
  layout.send_offsets = send_offsets;
  layout.send_counts.resize(p);
  layout.recv_counts.resize(p);
  for (std::size_t d = 0; d < p; ++d)
    layout.send_counts[d] = send_offsets[d + 1] - send_offsets[d];
  check(MPI_Alltoall(layout.send_counts.data(), 1, MPI_UNSIGNED_LONG_LONG,
                     layout.recv_counts.data(), 1, MPI_UNSIGNED_LONG_LONG, comm.raw()),
        "MPI_Alltoall");

  Exchanged<T> out;
  out.source_offsets = detail::offsets_from_counts(layout.recv_counts);
  out.data.resize(out.source_offsets[p]);
  layout.received = out.data.data();
  layout.recv_offsets = out.source_offsets;

  // Per round, at most `chunk` elements go to each destination, so a round moves at most
  // max_round_bytes and every count fits an int.
  const std::size_t by_budget = options.max_round_bytes / (sizeof(T) * p);
  const std::size_t by_int = static_cast<std::size_t>(INT_MAX) / p;
  layout.chunk = std::max<std::size_t>(1, std::min(by_budget, by_int));
  const unsigned long long largest =
      std::max(*std::max_element(layout.send_counts.begin(), layout.send_counts.end()),
               *std::max_element(layout.recv_counts.begin(), layout.recv_counts.end()));
  // Rounds go in place while every displacement fits MPI's int; past it, on any rank, every
  // rank's rounds go through staging copies. One reduction agrees on both.
  const unsigned long long local[2] = {
      (largest + layout.chunk - 1) / layout.chunk,
      std::max(send.size(), out.data.size()) > options.max_displacement ? 1ull : 0ull};
  const auto agreed = allreduce(comm, std::span<const unsigned long long>(local), Op::max);
  out.rounds = agreed[0];
  std::vector<T> send_stage, recv_stage;
  for (std::size_t round = 0; round < out.rounds; ++round) {
    if (agreed[1] == 0)
      detail::exchange_round_in_place(comm, layout, round);
    else
      detail::exchange_round_staged(comm, layout, round, send_stage, recv_stage);
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

// Sends each item of several parts (one per thread, say) to rank destination(item) and returns
// what this rank received, in source-rank order (each source's items in part order). Each part is
// freed as soon as its items are placed, so at most the parts, one grouped copy and what arrives
// are held; on one rank the parts are joined (a single part is returned as it is).
template <Transferable T, typename Destination>
std::vector<T> route_parts(const Comm &comm, std::vector<std::vector<T>> parts,
                           Destination destination, ExchangeOptions options = {}) {
  std::size_t total = 0;
  for (const auto &part : parts)
    total += part.size();
  if (comm.size() == 1) {
    if (parts.size() == 1)
      return std::move(parts.front());
    std::vector<T> joined;
    joined.reserve(total);
    for (auto &part : parts) {
      joined.insert(joined.end(), part.begin(), part.end());
      std::vector<T>().swap(part);
    }
    return joined;
  }
  const auto p = static_cast<std::size_t>(comm.size());
  std::vector<int> target(total);
  std::vector<std::size_t> offsets(p + 1, 0);
  std::size_t i = 0;
  for (const auto &part : parts) {
    for (const auto &item : part) {
      target[i] = destination(item);
      ++offsets[static_cast<std::size_t>(target[i++]) + 1];
    }
  }
  for (std::size_t d = 0; d < p; ++d)
    offsets[d + 1] += offsets[d];
  std::vector<T> send(total);
  auto cursor = offsets;
  i = 0;
  for (auto &part : parts) {
    for (const auto &item : part)
      send[cursor[static_cast<std::size_t>(target[i++])]++] = item;
    std::vector<T>().swap(part);
  }
  std::vector<int>().swap(target);
  return alltoallv<T>(comm, std::span<const T>(send), std::span<const std::size_t>(offsets),
                      options)
      .data;
}

// Sends each item to rank destination(item) and returns what this rank received, in source-rank
// order (each source's items in their original order). Items are placed by a counting pass, so
// they are copied once; on one rank nothing is copied at all.
template <Transferable T, typename Destination>
std::vector<T> route(const Comm &comm, std::vector<T> items, Destination destination,
                     ExchangeOptions options = {}) {
  std::vector<std::vector<T>> one_part;
  one_part.push_back(std::move(items));
  return route_parts(comm, std::move(one_part), destination, options);
}

} // namespace lockstep::mpi
