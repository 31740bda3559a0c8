// The strings researchers read in the results, fetched from the ranks that hold them: account
// ids, post ids (tweetids, or the action table's content ids) and key values (hashtags, URLs,
// mentioned users, objects; retweeted/replied/quoted tweetids).
#pragma once

#include "detect/partition_data.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/comm.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::report {

// Each lookup exchanges within `exchange` (the job's budget, detect::exchange_options).

// Original id strings of dense account ids. Collective.
std::vector<std::string> account_labels(const mpi::Comm &comm, const detect::PartitionData &data,
                                        const std::vector<std::uint64_t> &accounts,
                                        mpi::ExchangeOptions exchange);

// Post ids of /posts rows. Collective.
std::vector<std::string> post_labels(const mpi::Comm &comm, const detect::PartitionData &data,
                                     const std::vector<std::uint64_t> &posts,
                                     mpi::ExchangeOptions exchange);

// The texts of /posts rows, cut to `max_bytes` (at a UTF-8 boundary, with "..." added); empty
// strings when the texts were not read (detect reads them for near-duplicate detection).
// Collective.
std::vector<std::string> post_texts(const mpi::Comm &comm, const detect::PartitionData &data,
                                    const std::vector<std::uint64_t> &posts, std::size_t max_bytes,
                                    mpi::ExchangeOptions exchange);

// What a key of `signal` stands for. Collective (reads /keys of the store).
struct KeyRequest {
  std::uint8_t signal = 0;
  std::uint64_t key = 0;
};
std::vector<std::string> key_labels(const mpi::Comm &comm, const std::string &store_path,
                                    const std::vector<KeyRequest> &requests,
                                    mpi::ExchangeOptions exchange);

} // namespace lockstep::report
