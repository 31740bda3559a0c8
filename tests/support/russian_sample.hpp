// The real-data fixture shared by tests that run the pipeline on CooRTweet's Russian sample
// (tests/data/PROVENANCE.md): a fresh shared folder holding the sample ingested as an action table.
// Tests that include it link Lockstep::ingest and define LOCKSTEP_TEST_DATA.
#pragma once

#include "ingest/ingest.hpp"
#include "mpi_test.hpp"

#include <cstdint>
#include <string>

namespace lockstep::testing {

class RussianSample : public SharedFolderTest {
protected:
  // Ingests the sample into STEM's shared temporary folder with `partitions` partitions.
  void ingest_sample(const std::string &stem, std::uint32_t partitions) {
    make_folder(stem);
    IngestConfig ingest;
    ingest.store_path = store = dir + "/russian.h5";
    ingest.format = "actions";
    ingest.actions = {LOCKSTEP_TEST_DATA "/coortweet_russian_coord_tweets.csv"};
    ingest.partitions = partitions;
    ingest::ingest(comm, ingest);
  }

  std::string store;
};

} // namespace lockstep::testing
