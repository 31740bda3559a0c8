// Detect under a memory bound: tested parts spilled to scratch read back exactly as held, a run
// whose engine and follows signal go through many rounds and whose tested pairs all spill finds
// the same edges, signals and evidence as an unbounded run at any rank count, and a bound too small
// to run is an error at the start that names the smallest bound that would do.
#include "common/error.hpp"
#include "detect/checkpoint.hpp"
#include "detect/detect.hpp"
#include "detect/memory_plan.hpp"
#include "detect/tested_parts.hpp"
#include "generated_store.hpp"
#include "mpi/collectives.hpp"
#include "mpi_test.hpp"

#include <algorithm>
#include <filesystem>
#include <random>
#include <tuple>

namespace lockstep::testing {
namespace {

namespace fs = std::filesystem;

class Memory : public SharedFolderTest {
protected:
  // A store of a small world (600 accounts over 3 days) in a new shared folder.
  std::string small_store(const std::string &folder) {
    make_folder(folder);
    GenerateConfig world;
    world.accounts = 600;
    world.days = 3;
    return generate_and_ingest(comm, dir, world);
  }
};

// A part of one signal over random pairs, some with evidence, unsorted.
std::vector<detect::EdgeSignal> random_part(std::mt19937_64 &random, std::uint8_t signal,
                                            std::size_t pairs) {
  std::vector<detect::EdgeSignal> part;
  std::uniform_int_distribution<std::uint64_t> account(0, 200);
  for (std::size_t i = 0; i < pairs; ++i) {
    detect::EdgeSignal s;
    s.signal = signal;
    s.stats.a = account(random);
    s.stats.b = s.stats.a + 1 + account(random);
    s.stats.keys = random() % 9;
    s.stats.mean_dt_ms = static_cast<double>(random() % 1000) / 7;
    s.log10_p = -static_cast<double>(random() % 100) / 3;
    s.engagement_gain = static_cast<float>(random() % 5) / 3;
    for (std::uint64_t k = 0; k < random() % 4; ++k)
      s.evidence.push_back({random(), random(), random(), std::int64_t(random() % 99), 1});
    part.push_back(std::move(s));
  }
  // one record per pair and signal, as the engine gives
  std::sort(part.begin(), part.end(), detect::by_pair_and_signal);
  part.erase(std::unique(part.begin(), part.end(),
                         [](const auto &x, const auto &y) {
                           return x.stats.a == y.stats.a && x.stats.b == y.stats.b;
                         }),
             part.end());
  std::shuffle(part.begin(), part.end(), random);
  return part;
}

using Visited = std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint8_t, double, double,
                                       float, std::size_t, std::int64_t, bool>>;

Visited visit_all(const detect::TestedParts &parts, std::span<const detect::SimilarPair> similar) {
  Visited out;
  parts.for_each_pair(similar, [&](auto pair, auto signals, const detect::SimilarPair *s) {
    if (signals.empty())
      out.emplace_back(pair.first, pair.second, 0, 0, 0, 0, 0, 0, s != nullptr);
    for (const auto *signal : signals) {
      const auto last_time = signal->evidence.empty() ? -1 : signal->evidence.back().time_a;
      out.emplace_back(pair.first, pair.second, signal->signal, signal->stats.mean_dt_ms,
                       signal->log10_p, signal->engagement_gain, signal->evidence.size(), last_time,
                       s != nullptr);
    }
  });
  return out;
}

TEST_F(Memory, SpilledPartsReadBackAsHeld) {
  make_folder("memory-parts");
  const auto scratch = dir + "/scratch-" + std::to_string(comm.rank());
  std::mt19937_64 random(7 + static_cast<unsigned>(comm.rank()));
  detect::TestedParts held, spilled(0, scratch, comm.rank());
  std::vector<std::vector<detect::EdgeSignal>> parts;
  for (std::uint8_t signal = 1; signal <= 4; ++signal) {
    // large enough that a file cursor reads several blocks and refills inside runs
    parts.push_back(random_part(random, signal, signal == 2 ? 40'000 : 3'000));
    held.add(parts.back());
    spilled.add(parts.back());
  }
  std::vector<detect::SimilarPair> similar{{0, 5, 3, 0.5}, {3, 400, 1, 0.25}, {150, 151, 2, 1}};
  EXPECT_EQ(spilled.spilled_parts(), 4U);
  EXPECT_GT(spilled.spilled_bytes(), 0U);
  EXPECT_EQ(held.spilled_parts(), 0U);
  EXPECT_FALSE(fs::is_empty(scratch));
  const auto from_memory = visit_all(held, similar);
  EXPECT_EQ(visit_all(spilled, similar), from_memory);
  EXPECT_TRUE(std::is_sorted(from_memory.begin(), from_memory.end()));
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto back = spilled.read(i), in_memory = held.read(i);
    ASSERT_EQ(back.size(), parts[i].size());
    EXPECT_TRUE(std::is_sorted(back.begin(), back.end(), detect::by_pair_and_signal));
    for (std::size_t j = 0; j < back.size(); ++j)
      EXPECT_EQ(back[j].evidence.size(), in_memory[j].evidence.size());
  }
  spilled = detect::TestedParts();
  EXPECT_TRUE(fs::is_empty(scratch)) << "the scratch files outlive their parts";
}

TEST_F(Memory, AnUnwritableScratchFolderIsAClearError) {
  detect::TestedParts parts(0, "/proc/lockstep-cannot-be-here", comm.rank());
  std::mt19937_64 random(1);
  try {
    parts.add(random_part(random, 1, 10));
    FAIL() << "spilling to /proc did not fail";
  } catch (const UsageError &error) {
    EXPECT_NE(std::string(error.what()).find("--scratch"), std::string::npos) << error.what();
  }
}

// What a run found, in full, for comparison.
struct Found {
  std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t, double, double,
                         bool, bool, bool, std::uint64_t, double>>
      edges;
  std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint8_t, std::uint64_t, double, double,
                         double, float, std::size_t>>
      signals;
  std::vector<std::uint64_t> evidence_posts;
  std::vector<std::tuple<std::uint64_t, std::uint64_t, double, std::uint64_t, double>> recruitable;
  bool operator==(const Found &) const = default;
};

Found found_by(const detect::DetectResult &result) {
  Found out;
  for (const auto &e : result.edges) {
    out.edges.emplace_back(e.a, e.b, e.weight, e.coactions, e.log10_p, e.log10_p_popularity,
                           e.significant, e.provisional, e.recruitable, e.shared_targets, e.cosine);
  }
  for (const auto &s : result.edge_signals) {
    out.signals.emplace_back(s.stats.a, s.stats.b, s.signal, s.stats.coactions, s.expected,
                             s.log10_p, s.log10_p_popularity, s.engagement_gain, s.evidence.size());
    for (const auto &item : s.evidence)
      out.evidence_posts.push_back(item.post_a * 31 + item.post_b);
  }
  for (const auto &r : result.recruitable)
    out.recruitable.emplace_back(r.a, r.b, r.log10_p_popularity, r.shared_targets, r.cosine);
  return out;
}

TEST_F(Memory, ABoundedRunFindsWhatAnUnboundedOneDoes) {
  make_folder("memory-run");
  GenerateConfig world;
  world.accounts = 1500;
  world.days = 7;
  world.campaigns = 8;
  world.campaign_size = 12;
  world.follows = true; // the follows signal's pairs go through rounds too
  DetectConfig config;
  config.store_path = generate_and_ingest(comm, dir, world);
  const auto data = detect::read_partitions(comm, config.store_path, true);
  auto unbounded = detect::detect(comm, config, data);

  auto plan = detect::unbounded_plan(config);
  plan.pair_budget_bytes = 1 << 16; // every signal with pairs goes through in rounds
  plan.tested_bytes = 0;            // and every tested part spills
  plan.scratch = dir + "/scratch-" + std::to_string(comm.rank());
  auto bounded = detect::detect(comm, config, data, detect::Checkpoint(), plan);

  EXPECT_GT(bounded.spilled_parts, 0U);
  std::uint64_t rounds = 0;
  for (const auto &s : bounded.signals)
    rounds = std::max(rounds, s.pair_rounds);
  EXPECT_GT(rounds, 2U) << "the small budget did not make the engine go through rounds";
  const auto follows =
      std::find_if(bounded.signals.begin(), bounded.signals.end(),
                   [](const auto &s) { return s.signal == detect::kFollowsSignal; });
  ASSERT_NE(follows, bounded.signals.end());
  EXPECT_GT(follows->pair_rounds, 2U) << "the follows signal's pairs did not go through rounds";
  EXPECT_GT(bounded.near_duplicate.band_rounds, unbounded.near_duplicate.band_rounds);
  EXPECT_GT(unbounded.significant_edges, 100U);
  EXPECT_EQ(bounded.significant_edges, unbounded.significant_edges);
  EXPECT_EQ(bounded.candidate_edges, unbounded.candidate_edges);
  EXPECT_EQ(bounded.log10_p_threshold, unbounded.log10_p_threshold);
  EXPECT_EQ(bounded.near_duplicate.verified, unbounded.near_duplicate.verified);
  EXPECT_TRUE(found_by(bounded) == found_by(unbounded));

  // Recruiting every recruitable edge brings each whole from its home: from scratch files when
  // bounded, from memory when not. Then nothing is left in scratch.
  EXPECT_GT(unbounded.recruitable_edges, 50U);
  EXPECT_TRUE(fs::exists(plan.scratch) && !fs::is_empty(plan.scratch));
  std::vector<std::uint64_t> flat;
  for (const auto &r : unbounded.recruitable)
    flat.insert(flat.end(), {r.a, r.b});
  flat = mpi::allgatherv(comm, flat);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> every;
  for (std::size_t i = 0; i + 1 < flat.size(); i += 2)
    every.emplace_back(flat[i], flat[i + 1]);
  std::sort(every.begin(), every.end());
  const auto recruited = detect::recruit_edges(comm, config, data, every, unbounded);
  EXPECT_EQ(mpi::allreduce(comm, recruited, mpi::Op::sum), unbounded.recruitable_edges);
  EXPECT_EQ(detect::recruit_edges(comm, config, data, every, bounded), recruited);
  EXPECT_TRUE(found_by(bounded) == found_by(unbounded));
  std::uint64_t whole = 0;
  for (const auto &e : bounded.edges)
    whole += e.recruited && !e.signals.empty() && e.signals.front().stats.a == e.a;
  EXPECT_EQ(whole, recruited);
  EXPECT_FALSE(fs::exists(plan.scratch) && !fs::is_empty(plan.scratch));
}

// The bound a UsageError's "Give --memory-mb N" names.
std::uint64_t bound_named(const std::string &message) {
  const std::string give = "Give --memory-mb ";
  EXPECT_NE(message.find(give), std::string::npos) << message;
  return message.find(give) == std::string::npos
             ? 0
             : std::stoull(message.substr(message.find(give) + give.size()));
}

// A firm bound that holds the partitions but not the shingle sets stops near-duplicate texts
// with the bound that would do, on every rank; a bound just that large runs.
TEST_F(Memory, ABoundTooSmallForTheShingleSetsNamesTheSmallestThatWould) {
  DetectConfig config;
  config.store_path = small_store("memory-shingles");
  config.exchange_megabytes = 1;
  const auto data = detect::read_partitions(comm, config.store_path, true);
  auto plan = detect::unbounded_plan(config);
  plan.bound_mb = 100;
  plan.source = "a test";
  plan.firm = true;
  // The exchange buffers and two of the smallest 16 MB rounds: no room for the shingle sets.
  plan.working_mb = 2.0 * 1 + 2 * 16;
  plan.tested_bytes = 0;
  std::string message;
  try {
    detect::detect(comm, config, data, detect::Checkpoint(), plan);
  } catch (const UsageError &error) {
    message = error.what();
  }
  ASSERT_NE(message.find("near-duplicate texts"), std::string::npos) << message;
  const auto smallest = bound_named(message);
  EXPECT_GT(smallest, 100u);
  plan.working_mb += static_cast<double>(smallest - plan.bound_mb);
  plan.bound_mb = smallest;
  const auto result = detect::detect(comm, config, data, detect::Checkpoint(), plan);
  EXPECT_GT(result.near_duplicate.texts, 0u);
}

TEST_F(Memory, ABoundTooSmallNamesTheSmallestThatWould) {
  DetectConfig config;
  config.store_path = small_store("memory-plan");
  const auto data = detect::read_partitions(comm, config.store_path);
  config.exchange_megabytes = 8;
  config.memory_megabytes = 50; // a runtime, the partitions and 2 x 8 + 64 MB do not fit
  std::string message;
  try {
    detect::plan_memory(comm, config, data, 20);
  } catch (const UsageError &error) {
    message = error.what();
  }
  const auto smallest = bound_named(message);
  EXPECT_GE(smallest, 20U + 80U);
  config.memory_megabytes = smallest;
  const auto plan = detect::plan_memory(comm, config, data, 20);
  EXPECT_EQ(plan.bound_mb, smallest);
  EXPECT_GE(plan.working_mb, detect::smallest_working_mb(config));
  EXPECT_GT(plan.data_mb, 0);
  EXPECT_LE(plan.pair_budget_bytes, std::size_t{4} * (8 << 20));
}

} // namespace
} // namespace lockstep::testing
