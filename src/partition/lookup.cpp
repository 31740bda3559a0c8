// Requests grouped by owner and sent in one exchange; answers back in one (numbers) or two
// (string lengths, then bytes), and put back in request order.
#include "partition/lookup.hpp"

#include "common/error.hpp"
#include "mpi/alltoallv.hpp"

namespace lockstep::partition {

namespace {

// Requests grouped by their owner rank: send[offsets[r], offsets[r + 1]) go to rank r, and
// request i went to send[slot[i]].
struct ByOwner {
  std::vector<std::uint64_t> send;
  std::vector<std::size_t> offsets, slot;
};

ByOwner group_by_owner(const std::vector<std::uint64_t> &requests,
                       const std::function<int(std::uint64_t)> &owner, std::size_t ranks) {
  ByOwner out;
  std::vector<std::size_t> owners(requests.size());
  out.offsets.assign(ranks + 1, 0);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    owners[i] = static_cast<std::size_t>(owner(requests[i]));
    ++out.offsets[owners[i] + 1];
  }
  for (std::size_t r = 0; r < ranks; ++r)
    out.offsets[r + 1] += out.offsets[r];
  out.send.resize(requests.size());
  out.slot.resize(requests.size());
  auto cursor = out.offsets;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    out.slot[i] = cursor[owners[i]]++;
    out.send[out.slot[i]] = requests[i];
  }
  return out;
}

// The answers, which arrived in slot order, in request order.
template <typename T>
std::vector<T> in_request_order(std::vector<T> by_slot, const std::vector<std::size_t> &slot) {
  std::vector<T> out(slot.size());
  for (std::size_t i = 0; i < slot.size(); ++i)
    out[i] = std::move(by_slot[slot[i]]);
  return out;
}

} // namespace

std::vector<std::string> remote_lookup(const mpi::Comm &comm,
                                       const std::vector<std::uint64_t> &requests,
                                       const std::function<int(std::uint64_t)> &owner,
                                       const std::function<std::string(std::uint64_t)> &answer,
                                       mpi::ExchangeOptions exchange) {
  const auto ranks = static_cast<std::size_t>(comm.size());
  const auto grouped = group_by_owner(requests, owner, ranks);
  const auto asked = mpi::alltoallv(comm, std::span<const std::uint64_t>(grouped.send),
                                    std::span<const std::size_t>(grouped.offsets), exchange);

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
  return in_request_order(std::move(by_slot), grouped.slot);
}

std::vector<std::uint64_t> ask_owners(const mpi::Comm &comm,
                                      const std::vector<std::uint64_t> &requests,
                                      const std::function<int(std::uint64_t)> &owner,
                                      const AnswerAll &answer_all, mpi::ExchangeOptions exchange) {
  const auto grouped = group_by_owner(requests, owner, static_cast<std::size_t>(comm.size()));
  const auto asked = mpi::alltoallv(comm, std::span<const std::uint64_t>(grouped.send),
                                    std::span<const std::size_t>(grouped.offsets), exchange);
  const auto answers = answer_all(std::span<const std::uint64_t>(asked.data));
  if (answers.size() != asked.data.size())
    throw std::logic_error("ask_owners: " + std::to_string(answers.size()) + " answers to " +
                           std::to_string(asked.data.size()) + " requests");
  auto got = mpi::alltoallv(comm, std::span<const std::uint64_t>(answers),
                            std::span<const std::size_t>(asked.source_offsets), exchange);
  return in_request_order(std::move(got.data), grouped.slot);
}

} // namespace lockstep::partition
