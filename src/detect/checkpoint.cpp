// Step outputs as Boost binary archives, one file per rank and step; plain structs travel as
// binary objects (one platform per job).
#include "detect/checkpoint.hpp"

#include "common/atomic_file.hpp"
#include "common/config.hpp"
#include "common/hash.hpp"
#include "common/version.hpp"
#include "mpi/collectives.hpp"
#include "mpi/serialize.hpp"

#include <boost/serialization/binary_object.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace boost::serialization {

template <typename Archive>
void serialize(Archive &archive, lockstep::detect::Evidence &e, unsigned) {
  archive &make_binary_object(&e, sizeof e);
}
template <typename Archive>
void serialize(Archive &archive, lockstep::detect::Action &a, unsigned) {
  archive &make_binary_object(&a, sizeof a);
}
template <typename Archive>
void serialize(Archive &archive, lockstep::detect::SimilarPair &p, unsigned) {
  archive &make_binary_object(&p, sizeof p);
}
template <typename Archive>
void serialize(Archive &archive, lockstep::detect::EdgeSignal &s, unsigned) {
  archive &s.signal &s.engagement_gain;
  archive &make_binary_object(&s.stats, sizeof s.stats);
  archive &s.expected &s.log10_p &s.log10_p_popularity &s.evidence;
}
template <typename Archive>
void serialize(Archive &archive, lockstep::detect::SignalSummary &s, unsigned) {
  archive &s.signal &s.name;
  archive &make_binary_object(&s.rule, sizeof s.rule);
  archive &make_binary_object(&s.totals, sizeof s.totals);
  archive &s.bin_ms &s.candidates &s.sparse_pairs &s.pair_rounds &s.engagement_priced &s.seconds;
  archive &s.peak_rss_mb;
}
template <typename Archive>
void serialize(Archive &archive, lockstep::detect::StepOutput &o, unsigned) {
  archive &o.signals &o.tested_parts;
  archive &make_binary_object(&o.near_duplicate, sizeof o.near_duplicate);
  archive &o.family_posts;
  archive &make_binary_object(&o.similarity, sizeof o.similarity);
  archive &o.similar_pairs;
}

} // namespace boost::serialization

namespace lockstep::detect {

namespace fs = std::filesystem;

// The layout of the saved step outputs; a checkpoint of another layout is not resumed.
// 2: EdgeSignal::log10_p_popularity; 3: StepOutput::similarity as one SimilaritySummary;
// 4: SignalSummary::engagement_priced, EdgeSignal::engagement_gain; 5: SignalSummary::sparse_pairs;
// 6: StepOutput::similar_pairs (behavioural similarity is no pseudo-signal); 7: tested parts in
// files of their own (detect/tested_parts.hpp's layout).
constexpr int kCheckpointFormat = 7;

Checkpoint::Checkpoint(const mpi::Comm &comm, std::string dir, const std::string &fingerprint)
    : dir_(std::move(dir)) {
  const auto stamp = (fs::path(dir_) / "fingerprint").string();
  if (comm.is_root()) {
    std::ifstream in(stamp);
    std::string saved((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (saved != fingerprint) { // another run's steps, or none: start afresh
      fs::remove_all(dir_);
      fs::create_directories(dir_);
      AtomicFile file(stamp);
      file.write(fingerprint);
      file.commit();
    }
  }
  comm.barrier();
}

std::string Checkpoint::path(const mpi::Comm &comm, const std::string &step) const {
  return (fs::path(dir_) / fmt::format("{}.rank{}.bin", step, comm.rank())).string();
}

std::string Checkpoint::part_path(const mpi::Comm &comm, const std::string &step,
                                  std::size_t part) const {
  return (fs::path(dir_) / fmt::format("{}.rank{}.part{}.bin", step, comm.rank(), part)).string();
}

bool Checkpoint::load(const mpi::Comm &comm, const std::string &step, StepOutput &out,
                      TestedParts &tested) const {
  if (!enabled())
    return false;
  const int here = fs::exists(path(comm, step)) ? 1 : 0;
  if (mpi::allreduce(comm, here, mpi::Op::min) == 0)
    return false;
  std::ifstream in(path(comm, step), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  out = mpi::from_bytes<StepOutput>(bytes);
  for (std::size_t part = 0; part < out.tested_parts; ++part)
    tested.adopt(part_path(comm, step, part));
  resumed_.push_back(step);
  return true;
}

void Checkpoint::save(const mpi::Comm &comm, const std::string &step, StepOutput output,
                      const TestedParts &tested, std::size_t first_part) const {
  if (!enabled())
    return;
  output.tested_parts = tested.size() - first_part;
  for (std::size_t part = first_part; part < tested.size(); ++part)
    tested.save(part, part_path(comm, step, part - first_part));
  AtomicFile file(path(comm, step));
  file.write(mpi::to_bytes(output));
  file.commit();
  comm.barrier(); // a step counts as saved once every rank has it
}

void Checkpoint::clear(const mpi::Comm &comm) const {
  if (!enabled())
    return;
  comm.barrier();
  if (comm.is_root())
    fs::remove_all(dir_);
  comm.barrier();
}

std::string detect_fingerprint(const DetectConfig &config, int ranks) {
  std::error_code error;
  const auto size = fs::file_size(config.store_path, error);
  const auto time = fs::last_write_time(config.store_path, error).time_since_epoch().count();
  return fmt::format("lockstep {}\ncheckpoint format {}\njob {}\nstore {} {} {}\nranks {}\n",
                     kVersion, kCheckpointFormat, analysis_fingerprint(config), config.store_path,
                     size, time, ranks);
}

} // namespace lockstep::detect
