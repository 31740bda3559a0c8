// Clusters, the networks researchers report: connected components of the significant and
// provisional edges (detect::Edge), refined with Leiden on the ranks the components are spread
// over, numbered canonically, kept when they are networks and not audiences, and explained: how
// coordinated, how interconnected and how automated each is, what its members shared, when it was
// active, when its accounts were created, and each member's role.
#pragma once

#include "common/config.hpp"
#include "detect/detect.hpp"
#include "detect/partition_data.hpp"
#include "mpi/comm.hpp"
#include "store/schema.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::cluster {

// principal: members retweet, reply to or mention it more than it does them; initiator: it acts
// first in most of its closest co-actions with members; amplifier: the rest.
enum class Role : std::uint8_t { none = 0, principal = 1, initiator = 2, amplifier = 3 };
const char *role_name(Role role);

// Slots for per-signal counts, by signal number (signals/table.hpp).
inline constexpr std::size_t kSignalSlots = signals::kSlots;

struct AccountCluster {
  std::uint64_t cluster = 0; // 0: in no cluster; clusters are numbered 1.. by size
  Role role = Role::none;
  std::uint64_t degree = 0; // significant edges to members of its cluster
  double score = 0;         // summed edge scores to members / (cluster size - 1)
  std::uint64_t acted_first = 0, acted_second = 0; // in the evidence co-actions with members
  std::uint64_t interactions_sent = 0, interactions_received = 0; // among members
};

struct TopKey {
  std::uint8_t signal = 0;
  std::uint64_t key = 0;
  std::uint64_t accounts = 0;         // members that acted on it
  std::uint64_t dataset_accounts = 0; // accounts of the whole dataset that did
  std::uint64_t post = 0;             // an example: the first /posts row of a member acting on it

  template <typename Archive>
  void serialize(Archive &archive, unsigned) {
    archive &signal &key &accounts &dataset_accounts &post;
  }
};

// One count of cluster/activity.hpp's ActivityKind `kind` (hour of week, day, creation week,
// client) in `bucket`.
struct ActivityBucket {
  std::uint8_t kind = 0;
  std::int64_t bucket = 0;
  std::uint64_t count = 0;

  template <typename Archive>
  void serialize(Archive &archive, unsigned) {
    archive &kind &bucket &count;
  }
};

using store::schema::kUnknownDay;

struct ClusterProfile {
  std::uint64_t id = 0, size = 0, smallest_account = 0, component = 0;
  // how coordinated
  std::uint64_t edges = 0; // significant edges inside the cluster
  // those significant only by the engagement null (detect::Edge::by_engagement)
  std::uint64_t engagement_edges = 0;
  double density = 0;         // edges / (size (size - 1) / 2)
  double mean_edge_score = 0; // mean -log10 p of the inside edges
  double median_delay_s = 0;  // median over inside edges of the closest signal's median |dt|
  double score = 0;           // density * mean_edge_score
  std::vector<std::uint64_t> coactions = std::vector<std::uint64_t>(kSignalSlots, 0);
  // how interconnected: retweets of, replies to and mentions of members by members; follows from
  // member to member, pairs that follow each other, and the follows over size (size - 1)
  std::uint64_t retweets = 0, replies = 0, mentions = 0;
  std::uint64_t follows = 0, mutual_follows = 0;
  double follow_density = 0;
  // how automated: means over members with the feature defined
  double automation_client_share = 0, posts_per_active_day = 0, hour_of_week_share = 0;
  // when
  std::int64_t first_ms = 0, last_ms = 0;
  std::int32_t cohort_week = kUnknownDay; // first day (Monday) of the commonest creation week
  std::uint64_t cohort_accounts = 0;      // members created that week
  std::uint64_t principals = 0, initiators = 0, amplifiers = 0;
  std::vector<TopKey> top_keys;         // by signal, then members acting on it (descending)
  std::vector<ActivityBucket> activity; // sorted by (kind, bucket)
  std::uint8_t kept_because = 0;        // KeptBecause bits (cluster/networks.hpp)

  template <typename Archive>
  void serialize(Archive &archive, unsigned) {
    archive &id &size &smallest_account &component &edges &engagement_edges &density;
    archive &mean_edge_score;
    archive &median_delay_s &score &coactions &retweets &replies &mentions;
    archive &follows &mutual_follows &follow_density;
    archive &automation_client_share &posts_per_active_day &hour_of_week_share;
    archive &first_ms &last_ms &cohort_week &cohort_accounts;
    archive &principals &initiators &amplifiers &top_keys &activity &kept_because;
  }
};

// Recruitment by a principal's audience (cluster/recruit.hpp), over all ranks.
struct RecruitTotals {
  std::uint64_t families = 0;        // clusters kept by their principal's audience
  std::uint64_t candidates = 0;      // audience accounts in no kept cluster, over the families
  std::uint64_t hypotheses = 0;      // pairs in the families
  std::uint64_t recruited_edges = 0; // recruitable edges that passed (made provisional)
};

struct ClusterTotals {
  std::uint64_t components = 0;         // connected components of significant/provisional edges
  std::uint64_t refined_components = 0; // those Leiden split into more than one community
  std::uint64_t communities = 0;        // after refinement
  std::uint64_t clusters = 0;           // communities of at least min_size accounts
  std::uint64_t clustered_accounts = 0;
  std::uint64_t linked_accounts = 0; // accounts with a significant or provisional edge
  std::uint64_t confirmed_edges = 0; // provisional edges inside kept clusters, now significant
  RecruitTotals recruitment;         // of the first clustering (a second one follows a recruit)
};

struct ClusterResult {
  std::vector<AccountCluster> accounts; // per local account (dense ids data.accounts.rows)
  std::vector<ClusterProfile> profiles; // on rank 0: every cluster, in id order
  std::vector<std::uint64_t> baseline_hour_of_week; // 168 counts: every post of the dataset
  double dataset_follow_density = 0; // follows between the dataset's accounts over N (N - 1)
  ClusterTotals totals;
};

// The score of one significant edge: -log10 of its p-value (0 for similarity-only edges).
double edge_score(const detect::Edge &edge);

// Finds and explains the clusters, keeping those with evidence that they are networks and not
// audiences (cluster/networks.hpp), with the job's [clusters] settings, its alpha (the edge
// test's, for anchor_below and those tests) and its exchange budget.
// The provisional edges inside the kept clusters become significant: their cluster's evidence
// confirms them (the others stay provisional, in no output). When recruitment by a principal's
// audience (cluster/recruit.hpp) makes recruitable edges provisional, the clustering runs once
// more with them. Identical results for any rank and
// thread count. Collective.
ClusterResult find_clusters(const mpi::Comm &comm, const DetectConfig &job,
                            const detect::PartitionData &data, detect::DetectResult &detected);

} // namespace lockstep::cluster
