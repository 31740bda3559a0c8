// The launch reading: one node or not, and when ob1 may be chosen for it.
#include "mpi/launch.hpp"

#include <gtest/gtest.h>
#include <map>

namespace lockstep::mpi {
namespace {

// A made-up environment and file system.
struct FakeLaunch {
  std::map<std::string, std::string> variables;
  std::map<std::string, std::string> files;

  EnvironmentLookup environment() const {
    return [this](const std::string &name) -> std::optional<std::string> {
      const auto it = variables.find(name);
      return it == variables.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  }
  std::optional<std::string> pml() const {
    return single_node_pml(environment(), [this](const std::string &path) {
      const auto it = files.find(path);
      return it == files.end() ? std::nullopt : std::optional<std::string>(it->second);
    });
  }
};

TEST(Launch, OneNodeAsTheLaunchersSayIt) {
  FakeLaunch singleton;
  EXPECT_TRUE(ranks_share_one_node(singleton.environment()));

  FakeLaunch mpiexec{{{"OMPI_COMM_WORLD_SIZE", "4"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "4"}}, {}};
  EXPECT_TRUE(ranks_share_one_node(mpiexec.environment()));
  mpiexec.variables["OMPI_COMM_WORLD_LOCAL_SIZE"] = "2"; // two nodes of two ranks
  EXPECT_FALSE(ranks_share_one_node(mpiexec.environment()));
  mpiexec.variables.erase("OMPI_COMM_WORLD_SIZE"); // half told: unsure
  EXPECT_FALSE(ranks_share_one_node(mpiexec.environment()));

  FakeLaunch srun{{{"SLURM_STEP_NUM_NODES", "1"}, {"PMIX_RANK", "0"}}, {}};
  EXPECT_TRUE(ranks_share_one_node(srun.environment()));
  srun.variables["SLURM_STEP_NUM_NODES"] = "3";
  EXPECT_FALSE(ranks_share_one_node(srun.environment()));

  FakeLaunch unknown{{{"PMI_RANK", "0"}}, {}};
  EXPECT_FALSE(ranks_share_one_node(unknown.environment()));
}

TEST(Launch, ReadsThePmlOfAParameterFile) {
  EXPECT_EQ(pml_setting("# pml = ucx\nbtl = ^openib\n"), std::nullopt);
  EXPECT_EQ(pml_setting("pml = ^ucx\nosc = ^ucx\n"), "^ucx");
  EXPECT_EQ(pml_setting("pml=cm  # for PSM2\npml_ob1_priority = 5\n"), "cm");
  EXPECT_EQ(pml_setting("pml = ucx\npml = ^ucx\n"), "^ucx"); // the last one wins

  EXPECT_TRUE(allows_choosing_ob1("^ucx"));
  EXPECT_TRUE(allows_choosing_ob1("^ucx,cm"));
  EXPECT_FALSE(allows_choosing_ob1("^ucx, ob1"));
  EXPECT_FALSE(allows_choosing_ob1("ucx"));
  EXPECT_FALSE(allows_choosing_ob1("ob1,ucx")); // a selection stays the site's
}

TEST(Launch, ChoosesOb1OnlyWhereNobodyElseChose) {
  const std::string site = mca_parameter_files(FakeLaunch{}.environment()).back();
  FakeLaunch launch{
      {{"OMPI_COMM_WORLD_SIZE", "2"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"}, {"HOME", "/home/r"}},
      {{site, "pml = ^ucx\n"}}}; // Debian's own file
  EXPECT_EQ(launch.pml(), "ob1");

  auto user = launch;
  user.variables["OMPI_MCA_pml"] = "ucx"; // mpiexec --mca pml ucx
  EXPECT_EQ(user.pml(), std::nullopt);

  auto site_selects = launch;
  site_selects.files[site] = "pml = ucx\n";
  EXPECT_EQ(site_selects.pml(), std::nullopt);

  auto home_excludes_ob1 = launch;
  home_excludes_ob1.files["/home/r/.openmpi/mca-params.conf"] = "pml = ^ob1\n";
  EXPECT_EQ(home_excludes_ob1.pml(), std::nullopt);

  auto listed = launch; // the list replaces the default files
  listed.variables["OMPI_MCA_mca_base_param_files"] = "/opt/a.conf:/opt/b.conf";
  listed.files["/opt/b.conf"] = "pml = cm\n";
  EXPECT_EQ(listed.pml(), std::nullopt);
  listed.files["/opt/b.conf"] = "btl = self,vader\n";
  listed.files[site] = "pml = ucx\n"; // not read any more
  EXPECT_EQ(listed.pml(), "ob1");

  auto two_nodes = launch;
  two_nodes.variables["OMPI_COMM_WORLD_LOCAL_SIZE"] = "1";
  EXPECT_EQ(two_nodes.pml(), std::nullopt);
}

} // namespace
} // namespace lockstep::mpi
