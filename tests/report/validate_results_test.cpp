// `lockstep validate` on results files: the results of the whole pipeline on real data (CooRTweet's
// Russian sample with jobs/coortweet.toml) are valid at any rank count, and each kind of damage
// to them is reported: a member moved out of its cluster, a role on an unclustered account, edges
// out of order, a missing group.
#include "app/job_file.hpp"
#include "cluster/clusters.hpp"
#include "detect/detect.hpp"
#include "report/results.hpp"
#include "report/validate_results.hpp"
#include "russian_sample.hpp"

#include <algorithm>
#include <hdf5.h>

namespace lockstep::testing {
namespace {

class ValidateResults : public RussianSample {
protected:
  void SetUp() override {
    ingest_sample("validate-results", 5);
    DetectConfig config;
    app::apply_job_file(LOCKSTEP_JOBS "/coortweet.toml", config);
    config.store_path = store;
    config.out_dir = dir + "/out";
    const auto data = detect::read_partitions(comm, config.store_path);
    auto result = detect::detect(comm, config, data);
    const auto clusters = cluster::find_clusters(comm, config, data, result);
    report::write_results(comm, config, data, result, clusters, {"", comm.size(), 1, 0, {}, {}});
    results = config.out_dir + "/results.h5";
  }
  // Rewrites one uint64 or uint8 dataset on rank 0 with change(values), outside MPI-IO.
  template <typename T>
  void damage(const char *path, hid_t type, void (*change)(std::vector<T> &)) {
    comm.barrier();
    if (comm.is_root()) {
      const hid_t file = H5Fopen(results.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
      const hid_t dataset = H5Dopen2(file, path, H5P_DEFAULT);
      const hid_t space = H5Dget_space(dataset);
      std::vector<T> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
      H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
      change(values);
      H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
      H5Sclose(space);
      H5Dclose(dataset);
      H5Fclose(file);
    }
    comm.barrier();
  }

  bool reports(const std::string &violation) {
    const auto report = report::validate_results(comm, results);
    return std::any_of(report.violations.begin(), report.violations.end(),
                       [&](const std::string &v) { return v.find(violation) == 0; });
  }

  std::string results;
};

TEST_F(ValidateResults, PipelineOutputIsValid) {
  const auto report = report::validate_results(comm, results);
  EXPECT_TRUE(report.violations.empty()) << report.violations.front();
  if (comm.is_root()) {
    EXPECT_NE(report.summary.find("9509 accounts"), std::string::npos) << report.summary;
  }
}

TEST_F(ValidateResults, MemberMovedOutOfItsCluster) {
  damage<std::uint64_t>("/accounts/cluster_id", H5T_NATIVE_UINT64, [](auto &ids) {
    *std::find_if(ids.begin(), ids.end(), [](auto id) { return id != 0; }) = 0;
  });
  EXPECT_TRUE(reports("/accounts/role is not 1..3 exactly for clustered accounts"));
  EXPECT_TRUE(reports("/clusters/size is not the number of accounts with its id"));
}

TEST_F(ValidateResults, ClusterIdBeyondTheClusters) {
  damage<std::uint64_t>("/accounts/cluster_id", H5T_NATIVE_UINT64,
                        [](auto &ids) { ids.back() = 1'000'000; });
  EXPECT_TRUE(reports("/accounts/cluster_id names no cluster"));
}

TEST_F(ValidateResults, EdgesOutOfOrder) {
  damage<std::uint64_t>("/edges/a", H5T_NATIVE_UINT64,
                        [](auto &a) { std::swap(a.front(), a.back()); });
  EXPECT_TRUE(reports("/edges are not sorted by (a, b) without repeats") ||
              reports("/edges a < b < accounts does not hold"));
}

TEST_F(ValidateResults, SignificantFlagOutOfRange) {
  damage<std::uint8_t>("/edges/significant", H5T_NATIVE_UINT8, [](auto &s) { s.front() = 7; });
  EXPECT_TRUE(reports("/edges/significant is not 0 or 1"));
}

TEST_F(ValidateResults, MissingGroup) {
  comm.barrier();
  if (comm.is_root()) {
    const hid_t file = H5Fopen(results.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    EXPECT_GE(H5Ldelete(file, "/clusters", H5P_DEFAULT), 0);
    H5Fclose(file);
  }
  comm.barrier();
  EXPECT_TRUE(reports("group /clusters is missing"));
  EXPECT_FALSE(reports("group /accounts is missing"));
}

} // namespace
} // namespace lockstep::testing
