// The media signal on a generated world whose media table is joined to its tweets: the
// image-sharing network (the generator's eighth campaign) is found, and the accounts that post
// the same viral images within minutes of each other are spared, at any rank count.
#include "detect/detect.hpp"
#include "generated_store.hpp"
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"

#include <cmath>

namespace lockstep::testing {
namespace {

class Media : public SharedFolderTest {};

TEST_F(Media, FindsTheImageSharingNetworkAndSparesViralImages) {
  make_folder("media");
  GenerateConfig world;
  world.accounts = 5000; // enough images of others that the network's do not fill whole bins
  world.days = 10;
  world.campaigns = 8; // the eighth shares images
  world.campaign_size = 12;
  DetectConfig config;
  config.store_path = generate_and_ingest(comm, dir, world);
  for (auto &[name, signal] : config.signals)
    signal.enabled = name == "media";
  config.near_duplicate.enabled = false;
  config.similarity.enabled = false;
  config.keep_candidates = true; // every tested pair: the viral images' posters were tested too
  const auto data = detect::read_partitions(comm, config.store_path);
  const auto result = detect::detect(comm, config, data);
  const auto style = styles_by_account(comm, data, dir + "/gen/truth.csv");
  const auto organic = [&](std::uint64_t account) {
    const auto &s = style.at(account);
    return s == "organic" || s == "fan" || s == "news_feed" || s == "celebrity";
  };

  // Own photos are each posted once, so organic pairs meet on viral images only; a p far below
  // 1/tests would mean the null model does not expect a hot image's reposts.
  const double bonferroni = std::log10(config.alpha / static_cast<double>(result.tests));
  struct Counts {
    std::uint64_t network = 0, organic = 0, viral_tested = 0, viral_below_bonferroni = 0;
  } mine;
  for (const auto &edge : result.edges) {
    const bool both_organic = organic(edge.a) && organic(edge.b);
    mine.viral_tested += both_organic;
    mine.viral_below_bonferroni += both_organic && edge.log10_p <= bonferroni;
    if (!edge.significant)
      continue;
    if (style.at(edge.a) == "image_sharing" && style.at(edge.b) == "image_sharing")
      ++mine.network;
    else if (organic(edge.a) || organic(edge.b))
      ++mine.organic;
  }
  Counts total;
  for (const auto &c : mpi::allgatherv(comm, std::vector<Counts>{mine})) {
    total.network += c.network;
    total.organic += c.organic;
    total.viral_tested += c.viral_tested;
    total.viral_below_bonferroni += c.viral_below_bonferroni;
  }
  EXPECT_GE(total.network, 12u * 11 / 2 * 9 / 10) << "most of the network's pairs are significant";
  EXPECT_GT(total.viral_tested, 300u);
  EXPECT_EQ(total.viral_below_bonferroni, 0u) << "viral images are expected, not evidence";
  EXPECT_LE(total.organic, 1u);
}

} // namespace
} // namespace lockstep::testing
