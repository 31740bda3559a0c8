// A generated world ingested into a store, for detect tests that need a realistic store: the
// world's files go to DIR/gen (truth.csv among them) and the store to DIR/store.h5, 8 partitions.
#pragma once

#include "common/config.hpp"
#include "ingest/ingest.hpp"
#include "mpi/comm.hpp"
#include "synth/generate.hpp"

#include <string>

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
  ingest.partitions = 8;
  ingest::ingest(comm, ingest);
  return ingest.store_path;
}

} // namespace lockstep::testing
