// Two exchanges: requests to owners, then answer lengths and bytes back in the same order.
#include "partition/lookup.hpp"

#include "mpi/alltoallv.hpp"

namespace lockstep::partition {

std::vector<std::string> remote_lookup(const mpi::Comm &comm,
                                       const std::vector<std::uint64_t> &requests,
                                       const std::function<int(std::uint64_t)> &owner,
                                       const std::function<std::string(std::uint64_t)> &answer,
                                       mpi::ExchangeOptions exchange) {
  const auto ranks = static_cast<std::size_t>(comm.size());
  std::vector<std::size_t> offsets(ranks + 1, 0);
  for (const auto r : requests)
    ++offsets[static_cast<std::size_t>(owner(r)) + 1];
  for (std::size_t d = 0; d < ranks; ++d)
    offsets[d + 1] += offsets[d];
  std::vector<std::uint64_t> send(requests.size());
  std::vector<std::size_t> slot(requests.size());
  auto cursor = offsets;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    slot[i] = cursor[static_cast<std::size_t>(owner(requests[i]))]++;
    send[slot[i]] = requests[i];
  }
  const auto asked = mpi::alltoallv(comm, std::span<const std::uint64_t>(send),
                                    std::span<const std::size_t>(offsets), exchange);

  // Answers: one length per request, and the bytes, both grouped by the asking rank.
  std::vector<std::uint64_t> lengths(asked.data.size());
  std::vector<char> bytes;
  std::vector<std::size_t> byte_offsets(ranks + 1, 0);
  for (std::size_t s = 0; s < ranks; ++s) {
    for (std::size_t i = asked.source_offsets[s]; i < asked.source_offsets[s + 1]; ++i) {
      const auto text = answer(asked.data[i]);
      lengths[i] = text.size();
      bytes.insert(bytes.end(), text.begin(), text.end());
    }
    byte_offsets[s + 1] = bytes.size();
  }
  const auto got_lengths =
      mpi::alltoallv(comm, std::span<const std::uint64_t>(lengths),
                     std::span<const std::size_t>(asked.source_offsets), exchange);
  const auto got_bytes = mpi::alltoallv(comm, std::span<const char>(bytes),
                                        std::span<const std::size_t>(byte_offsets), exchange);

  std::vector<std::string> by_slot(requests.size());
  std::size_t at = 0;
  for (std::size_t i = 0; i < by_slot.size(); ++i) {
    by_slot[i].assign(got_bytes.data.data() + at, got_lengths.data[i]);
    at += got_lengths.data[i];
  }
  std::vector<std::string> out(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i)
    out[i] = std::move(by_slot[slot[i]]);
  return out;
}

} // namespace lockstep::partition
