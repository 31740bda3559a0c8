// results.h5's column compression ([detect] results_compression): "deflate" deflates every column
// and changes no value; "none", the default, stores them as they are. The results of the whole
// pipeline on CooRTweet's Russian sample, written both ways at any rank count.
#include "app/job_file.hpp"
#include "cluster/clusters.hpp"
#include "detect/detect.hpp"
#include "report/results.hpp"
#include "russian_sample.hpp"

#include <hdf5.h>
#include <map>

namespace lockstep::testing {
namespace {

// A dataset's filters and its values as the file holds them (every results column is numeric).
struct StoredColumn {
  int filters = 0;
  std::vector<unsigned char> bytes;
};

herr_t collect_dataset(hid_t root, const char *name, const H5O_info_t *info, void *out) {
  if (info->type != H5O_TYPE_DATASET)
    return 0;
  const hid_t dataset = H5Dopen2(root, name, H5P_DEFAULT);
  const hid_t type = H5Dget_type(dataset), space = H5Dget_space(dataset);
  const hid_t dcpl = H5Dget_create_plist(dataset);
  StoredColumn column;
  column.filters = H5Pget_nfilters(dcpl);
  column.bytes.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)) *
                      H5Tget_size(type));
  if (!column.bytes.empty()) {
    EXPECT_GE(H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, column.bytes.data()), 0)
        << name;
  }
  static_cast<std::map<std::string, StoredColumn> *>(out)->emplace(name, std::move(column));
  H5Pclose(dcpl);
  H5Sclose(space);
  H5Tclose(type);
  H5Dclose(dataset);
  return 0;
}

// Every dataset of a results file, by path, read outside MPI-IO.
std::map<std::string, StoredColumn> stored_columns(const std::string &path) {
  std::map<std::string, StoredColumn> out;
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, collect_dataset, &out, H5O_INFO_BASIC);
  H5Fclose(file);
  return out;
}

class ResultsCompression : public RussianSample {
protected:
  void SetUp() override {
    ingest_sample("results-compression", 5);
    app::apply_job_file(LOCKSTEP_JOBS "/coortweet.toml", config);
    config.store_path = store;
    config.keep_candidates = true; // edges that are not significant too: more columns filled
  }

  // results.h5 written with `compression`, in its own folder.
  std::string results_with(const std::string &compression) {
    config.results_compression = compression;
    config.out_dir = dir + "/" + compression;
    const auto data = detect::read_partitions(comm, config.store_path);
    auto result = detect::detect(comm, config, data);
    const auto clusters = cluster::find_clusters(comm, config, data, result);
    report::write_results(comm, config, data, result, clusters, {"", comm.size(), 1, 0, {}, {}});
    return config.out_dir + "/results.h5";
  }

  DetectConfig config;
};

TEST_F(ResultsCompression, DeflateChangesTheBytesOnDiskNotTheValues) {
  const DetectConfig defaults;
  EXPECT_EQ(defaults.results_compression, "none");
  const auto plain_path = results_with("none");
  const auto deflated_path = results_with("deflate");
  if (!comm.is_root())
    return;
  const auto plain = stored_columns(plain_path);
  const auto deflated = stored_columns(deflated_path);
  ASSERT_GT(plain.size(), 50u);
  ASSERT_EQ(plain.size(), deflated.size());
  std::size_t filled = 0;
  for (const auto &[name, column] : plain) {
    ASSERT_TRUE(deflated.count(name)) << name;
    EXPECT_EQ(column.filters, 0) << name;
    EXPECT_EQ(deflated.at(name).filters, 1) << name;
    EXPECT_EQ(column.bytes, deflated.at(name).bytes) << name;
    filled += !column.bytes.empty();
  }
  EXPECT_GT(filled, 40u); // the sample's accounts, edges and clusters, not empty tables
}

} // namespace
} // namespace lockstep::testing
