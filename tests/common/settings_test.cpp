// The settings lists of common/settings.hpp against the structs they list: every member is a
// listed setting (or named as outside its section), every detect setting changes the analysis
// fingerprint, and keys are unique within a section.
#include "change_settings.hpp"
#include "common/settings.hpp"
#include "mpi_test.hpp"

#include <set>

namespace lockstep::testing {
namespace {

class Settings : public MpiTest {};

// Converts to any member type, for counting an aggregate's members (never called).
struct AnyMember {
  template <typename T>
  operator T() const;
};

// The number of direct members of aggregate T: the most initialisers T{...} accepts.
template <typename T, typename... Given>
constexpr std::size_t member_count(Given... given) {
  if constexpr (requires { T{given..., AnyMember{}}; })
    return member_count<T>(given..., AnyMember{});
  else
    return sizeof...(Given);
}

template <typename Section, typename VisitAll>
std::vector<std::string> keys(VisitAll visit_all) {
  Section section;
  std::vector<std::string> out;
  visit_all(section, [&](const char *key, auto &, auto...) { out.emplace_back(key); });
  return out;
}

#define SECTION_VISITOR(name) [](auto &c, auto &&visit) { settings::name(c, visit); }

TEST_F(Settings, EveryMemberIsListedOnce) {
  const auto unique = [](const std::vector<std::string> &k) {
    return std::set<std::string>(k.begin(), k.end()).size() == k.size();
  };
  const auto detect = keys<DetectConfig>(SECTION_VISITOR(visit_detect));
  EXPECT_EQ(detect.size() + settings::kDetectMembersOutsideSection, member_count<DetectConfig>());
  const auto signal = keys<SignalConfig>(SECTION_VISITOR(visit_signal));
  EXPECT_EQ(signal.size(), member_count<SignalConfig>());
  const auto similarity = keys<SimilarityConfig>(SECTION_VISITOR(visit_similarity));
  EXPECT_EQ(similarity.size(), member_count<SimilarityConfig>());
  const auto near_duplicate = keys<NearDuplicateConfig>(SECTION_VISITOR(visit_near_duplicate));
  EXPECT_EQ(near_duplicate.size(), member_count<NearDuplicateConfig>());
  const auto follows = keys<FollowsConfig>(SECTION_VISITOR(visit_follows));
  EXPECT_EQ(follows.size(), member_count<FollowsConfig>());
  const auto clusters = keys<ClusterConfig>(SECTION_VISITOR(visit_clusters));
  EXPECT_EQ(clusters.size(), member_count<ClusterConfig>());
  const auto run = keys<RunConfig>(SECTION_VISITOR(visit_run));
  EXPECT_EQ(run.size() + settings::kRunMembersOutsideSection, member_count<RunConfig>());
  for (const auto *k : {&detect, &signal, &similarity, &near_duplicate, &follows, &clusters, &run})
    EXPECT_TRUE(unique(*k));
}

TEST_F(Settings, MemberCountSeesEveryMember) { // the counter itself, on a known struct
  struct Three {
    std::string a;
    std::vector<std::string> b;
    SimilarityConfig c;
  };
  EXPECT_EQ(member_count<Three>(), 3u);
  EXPECT_EQ(member_count<SimilarityConfig>(), 5u);
}

TEST_F(Settings, EveryDetectSettingChangesTheFingerprint) {
  const auto base = analysis_fingerprint(DetectConfig());
  std::size_t changed = 0;
  const auto expect_change = [&](auto section_of, auto visit_all) {
    DetectConfig probe;
    visit_all(section_of(probe), [&](const char *key, auto &, auto...) {
      DetectConfig changed_config;
      std::size_t at = 0;
      visit_all(section_of(changed_config), [&](const char *k, auto &value, auto... rule) {
        if (std::string(k) == key && at++ == 0)
          ChangeSetting()(k, value, rule...);
      });
      EXPECT_NE(analysis_fingerprint(changed_config), base) << key;
      ++changed;
    });
  };
  expect_change([](DetectConfig &c) -> DetectConfig & { return c; }, SECTION_VISITOR(visit_detect));
  expect_change(
      [](DetectConfig & c) -> auto & { return c.similarity; }, SECTION_VISITOR(visit_similarity));
  expect_change(
      [](DetectConfig & c) -> auto & { return c.near_duplicate; },
      SECTION_VISITOR(visit_near_duplicate));
  expect_change(
      [](DetectConfig & c) -> auto & { return c.follows; }, SECTION_VISITOR(visit_follows));
  expect_change(
      [](DetectConfig & c) -> auto & { return c.clusters; }, SECTION_VISITOR(visit_clusters));
  expect_change(
      [](DetectConfig & c) -> auto & { return c.signals.at("url"); },
      SECTION_VISITOR(visit_signal));
  EXPECT_GT(changed, 30u);
}

} // namespace
} // namespace lockstep::testing
