// A generated world ingested into a store, for detect tests that need a realistic store: the
// world's files go to DIR/gen (truth.csv among them) and the store to DIR/store.h5, 8 partitions,
// with the media table joined to the tweets (and the follow lists when the world has them); and
// each account's style from the truth.
#pragma once

#include "common/config.hpp"
#include "detect/partition_data.hpp"
#include "ingest/ingest.hpp"
#include "mpi/collectives.hpp"
#include "mpi/comm.hpp"
#include "synth/generate.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace lockstep::testing {

// Generates `world` (its out_dir set here) and ingests it; returns the store's path. Collective.
inline std::string generate_and_ingest(const mpi::Comm &comm, const std::string &dir,
                                       GenerateConfig world) {
  world.out_dir = dir + "/gen";
  synth::generate(comm, world);
  comm.barrier();
  IngestConfig ingest;
  ingest.store_path = dir + "/store.h5";
  ingest.tweets = {world.out_dir + "/tweets.csv"};
  ingest.users = {world.out_dir + "/users.csv"};
  ingest.actions = {world.out_dir + "/media.csv"};
  ingest.action_columns = "content_id=tweetid,account_id=userid,timestamp=timestamp,media=media_id";
  if (world.follows)
    ingest.follows = {world.out_dir + "/follows.csv"};
  ingest.partitions = 8;
  ingest::ingest(comm, ingest);
  return ingest.store_path;
}

// Every account's style in the generator's truth file, by dense id (all ranks). Collective.
inline std::map<std::uint64_t, std::string> styles_by_account(const mpi::Comm &comm,
                                                              const detect::PartitionData &data,
                                                              const std::string &truth_path) {
  std::map<std::string, std::string> by_id;
  std::ifstream in(truth_path);
  std::string line;
  std::getline(in, line); // userid,campaign,style
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string id, campaign, style;
    std::getline(fields, id, ',');
    std::getline(fields, campaign, ',');
    std::getline(fields, style, ',');
    by_id[id] = style;
  }
  struct AccountStyle {
    std::uint64_t account = 0;
    char style[16] = {};
  };
  std::vector<AccountStyle> mine;
  for (std::size_t i = 0; i < data.accounts.id.size(); ++i) {
    AccountStyle s;
    s.account = data.accounts.rows.begin + i;
    const auto &style = by_id.at(std::string(data.accounts.id[i]));
    std::copy_n(style.begin(), std::min(style.size(), sizeof s.style - 1), s.style);
    mine.push_back(s);
  }
  std::map<std::uint64_t, std::string> out;
  for (const auto &s : mpi::allgatherv(comm, mine))
    out[s.account] = s.style;
  return out;
}

} // namespace lockstep::testing
