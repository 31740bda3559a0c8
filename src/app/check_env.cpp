// `lockstep check-env`: checks, before a long job, that the ranks can talk to each other and that
// parallel HDF5 works on the target file system, and prints what each rank sees.
#include "app/commands.hpp"
#include "app/huge_pages.hpp"
#include "common/error.hpp"
#include "common/log.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/collectives.hpp"
#include "mpi/serialize.hpp"
#include "store/column.hpp"
#include "store/file.hpp"

#include <boost/serialization/string.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fmt/format.h>
#include <oneapi/tbb/info.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace lockstep::app {
namespace {

struct RankInfo {
  std::string host;
  long pid = 0;
  int threads = 0;

  template <class Archive>
  void serialize(Archive &archive, unsigned /*version*/) {
    archive &host &pid &threads;
  }
};

RankInfo describe_this_rank() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return RankInfo{host, static_cast<long>(getpid()), oneapi::tbb::info::default_concurrency()};
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Every rank sends d+1 tagged values to rank d; each receiver checks what arrived.
bool check_exchange(const mpi::Comm &comm) {
  const auto p = static_cast<std::uint64_t>(comm.size());
  const auto me = static_cast<std::uint64_t>(comm.rank());
  std::vector<std::vector<std::uint64_t>> buckets(p);
  for (std::uint64_t d = 0; d < p; ++d)
    buckets[d].assign(d + 1, (me << 32) | d);
  const auto received = mpi::alltoallv(comm, buckets);
  std::uint64_t wrong = received.size() == p * (me + 1) ? 0 : 1;
  for (std::uint64_t i = 0; i < received.size() && wrong == 0; ++i) {
    const std::uint64_t source = i / (me + 1);
    if (received[i] != ((source << 32) | me))
      wrong = 1;
  }
  return mpi::allreduce(comm, wrong, mpi::Op::sum) == 0;
}

struct IoResult {
  bool ok = false;
  double write_mb_per_s = 0;
  double read_mb_per_s = 0;
};

// Writes a column collectively, then each rank reads back its neighbour's slab and checks it.
IoResult check_parallel_hdf5(const mpi::Comm &comm, const CheckEnvConfig &config,
                             const std::string &path) {
  const auto p = static_cast<std::uint64_t>(comm.size());
  const std::uint64_t per_rank = std::max<std::uint64_t>(1, (config.megabytes << 20) / 8 / p);
  const std::uint64_t first = per_rank * static_cast<std::uint64_t>(comm.rank());
  std::vector<std::uint64_t> values(per_rank);
  for (std::uint64_t i = 0; i < per_rank; ++i)
    values[i] = first + i;
  const double megabytes = static_cast<double>(per_rank * p * 8) / (1 << 20);

  IoResult result;
  comm.barrier();
  auto start = std::chrono::steady_clock::now();
  {
    auto file = store::File::create(path, comm);
    store::write_column(file.root(), "probe", values);
    file.close();
  }
  comm.barrier();
  result.write_mb_per_s = megabytes / seconds_since(start);

  start = std::chrono::steady_clock::now();
  const auto neighbour = (static_cast<std::uint64_t>(comm.rank()) + 1) % p;
  std::vector<std::uint64_t> read_back;
  {
    const auto file = store::File::open(path, comm, store::Access::read_only);
    read_back = store::read_column<std::uint64_t>(file.root(), "probe",
                                                  store::Slab{neighbour * per_rank, per_rank});
  }
  comm.barrier();
  result.read_mb_per_s = megabytes / seconds_since(start);

  std::uint64_t wrong = 0;
  for (std::uint64_t i = 0; i < read_back.size(); ++i) {
    wrong += read_back[i] != neighbour * per_rank + i ? 1 : 0;
  }
  result.ok = mpi::allreduce(comm, wrong, mpi::Op::sum) == 0;
  return result;
}

std::string probe_path(const mpi::Comm &comm, const CheckEnvConfig &config) {
  if (!std::filesystem::is_directory(config.dir)) {
    throw UsageError("check-env: --dir '" + config.dir + "' is not a directory");
  }
  long pid = static_cast<long>(getpid());
  mpi::broadcast(comm, pid);
  return (std::filesystem::path(config.dir) / fmt::format("lockstep-check-env-{}.h5", pid))
      .string();
}

} // namespace

CLI::App *add_check_env_command(CLI::App &app, Config &config) {
  auto *command = app.add_subcommand(
      "check-env", "Check that MPI and parallel HDF5 work here, and print what each rank sees");
  command->add_option("--dir", config.check_env.dir, "Directory for the probe file")
      ->capture_default_str();
  command->add_option("--megabytes", config.check_env.megabytes, "Size of the probe file")
      ->check(CLI::Range(1, 65536))
      ->capture_default_str();
  command->add_flag("--keep", config.check_env.keep_file, "Keep the probe file");
  return command;
}

int run_check_env(const mpi::Comm &comm, const Config &config) {
  const auto ranks = mpi::gather_objects(comm, describe_this_rank());
  const std::string path = probe_path(comm, config.check_env);
  const bool exchange_ok = check_exchange(comm);
  const IoResult io = check_parallel_hdf5(comm, config.check_env, path);
  if (comm.is_root() && !config.check_env.keep_file)
    std::filesystem::remove(path);

  if (comm.is_root()) {
    fmt::print("{:>5}  {:<24} {:>8} {:>8}\n", "rank", "host", "pid", "threads");
    for (std::size_t r = 0; r < ranks.size(); ++r) {
      fmt::print("{:>5}  {:<24} {:>8} {:>8}\n", r, ranks[r].host, ranks[r].pid, ranks[r].threads);
    }
    fmt::print("heap on rank 0: {}\n", heap_pages());
    fmt::print("MPI exchange across {} ranks: {}\n", comm.size(), exchange_ok ? "ok" : "FAILED");
    fmt::print("parallel HDF5 in {}: {} (write {:.0f} MB/s, read {:.0f} MB/s, {} MB)\n",
               config.check_env.dir, io.ok ? "ok" : "FAILED", io.write_mb_per_s, io.read_mb_per_s,
               config.check_env.megabytes);
    if (config.check_env.keep_file)
      fmt::print("probe file kept: {}\n", path);
  }
  return exchange_ok && io.ok ? 0 : 1;
}

} // namespace lockstep::app
