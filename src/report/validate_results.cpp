// Results validation: rank 0 reads the columns and checks them; the other ranks take part in the
// collective reads. Checks stop early when a column is missing or misshapen.
#include "report/validate_results.hpp"

#include "detect/detect.hpp"
#include "detect/features.hpp"
#include "mpi/collectives.hpp"
#include "mpi/serialize.hpp"
#include "report/results.hpp"
#include "store/attribute.hpp"
#include "store/validator.hpp"

#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <map>
#include <tuple>

namespace lockstep::report {

namespace {

using store::Validator;

template <typename T>
void expect_rows(Validator &v, const std::vector<T> &column, std::uint64_t rows,
                 const std::string &path) {
  v.expect(column.size() == rows,
           [&] { return fmt::format("{} has {} rows, expected {}", path, column.size(), rows); });
}

struct Accounts {
  std::vector<std::uint64_t> cluster, edges;
  std::vector<std::uint8_t> role;
  std::uint64_t count = 0;
};

Accounts check_accounts(Validator &v, bool root) {
  Accounts a;
  const auto ids = v.column<std::uint64_t>("accounts/id", "offsets");
  a.count = ids.size();
  a.cluster = v.column<std::uint64_t>("accounts", "cluster_id");
  a.role = v.column<std::uint8_t>("accounts", "role");
  a.edges = v.column<std::uint64_t>("accounts", "coordination_edges");
  const auto score = v.column<double>("accounts", "account_score");
  const auto weight = v.column<std::uint64_t>("accounts", "coordination_weight");
  std::vector<std::vector<double>> features;
  for (const auto &f : detect::kFeatures)
    features.push_back(v.column<double>("accounts/features", f.name));
  if (!root)
    return a;
  expect_rows(v, a.cluster, a.count, "/accounts/cluster_id");
  expect_rows(v, a.role, a.count, "/accounts/role");
  expect_rows(v, a.edges, a.count, "/accounts/coordination_edges");
  expect_rows(v, score, a.count, "/accounts/account_score");
  expect_rows(v, weight, a.count, "/accounts/coordination_weight");
  for (std::size_t f = 0; f < features.size(); ++f)
    expect_rows(v, features[f], a.count,
                std::string("/accounts/features/") + detect::kFeatures[f].name);
  return a;
}

// Returns the number of clusters (on rank 0).
std::uint64_t check_clusters(Validator &v, const Accounts &a) {
  const auto id = v.column<std::uint64_t>("clusters", "id");
  const auto size = v.column<std::uint64_t>("clusters", "size");
  const auto edges = v.column<std::uint64_t>("clusters", "edges");
  const auto density = v.column<double>("clusters", "density");
  const auto principals = v.column<std::uint64_t>("clusters", "principals");
  const auto initiators = v.column<std::uint64_t>("clusters", "initiators");
  const auto amplifiers = v.column<std::uint64_t>("clusters", "amplifiers");
  const auto k = id.size();
  if (!v.violations_.empty() || a.cluster.size() != a.count || a.role.size() != a.count)
    return k;
  for (const auto *column : {&size, &edges, &principals, &initiators, &amplifiers})
    expect_rows(v, *column, k, "a /clusters column");
  expect_rows(v, density, k, "/clusters/density");
  if (!v.violations_.empty())
    return k;
  v.each(k, "/clusters/id is not 1, 2, ...", [&](auto i) { return id[i] == i + 1; });
  v.each(k, "/clusters/size is below 2 or not in descending order",
         [&](auto i) { return size[i] >= 2 && (i == 0 || size[i - 1] >= size[i]); });
  v.each(k, "/clusters/edges exceeds the account pairs or density disagrees", [&](auto i) {
    const double pairs = 0.5 * double(size[i]) * double(size[i] - 1);
    return double(edges[i]) <= pairs && std::abs(density[i] - double(edges[i]) / pairs) < 1e-9;
  });
  v.each(k, "/clusters principals + initiators + amplifiers is not the size",
         [&](auto i) { return principals[i] + initiators[i] + amplifiers[i] == size[i]; });
  std::vector<std::uint64_t> members(k + 1, 0);
  v.each(a.count, "/accounts/cluster_id names no cluster",
         [&](auto i) { return a.cluster[i] <= k && (++members[a.cluster[i]], true); });
  v.each(a.count, "/accounts/role is not 1..3 exactly for clustered accounts", [&](auto i) {
    return a.cluster[i] == 0 ? a.role[i] == 0 : a.role[i] >= 1 && a.role[i] <= 3;
  });
  v.each(k, "/clusters/size is not the number of accounts with its id",
         [&](auto i) { return members[i + 1] == size[i]; });
  return k;
}

void check_edges(Validator &v, const Accounts &a, const std::vector<std::string> &signals) {
  const auto from = v.column<std::uint64_t>("edges", "a");
  const auto to = v.column<std::uint64_t>("edges", "b");
  const auto significant = v.column<std::uint8_t>("edges", "significant");
  const auto provisional = v.column<std::uint8_t>("edges", "provisional");
  const auto recruited = v.column<std::uint8_t>("edges", "recruited");
  std::vector<std::vector<std::uint64_t>> coactions;
  for (const auto &s : signals)
    coactions.push_back(v.column<std::uint64_t>("edges/signals/" + s, "coactions"));
  if (!v.violations_.empty())
    return;
  const auto e = from.size();
  expect_rows(v, to, e, "/edges/b");
  expect_rows(v, significant, e, "/edges/significant");
  expect_rows(v, provisional, e, "/edges/provisional");
  expect_rows(v, recruited, e, "/edges/recruited");
  for (std::size_t s = 0; s < signals.size(); ++s)
    expect_rows(v, coactions[s], e, "/edges/signals/" + signals[s] + "/coactions");
  if (!v.violations_.empty())
    return;
  v.each(e, "/edges a < b < accounts does not hold",
         [&](auto i) { return from[i] < to[i] && to[i] < a.count; });
  v.each(e, "/edges are not sorted by (a, b) without repeats", [&](auto i) {
    return i == 0 || std::tie(from[i - 1], to[i - 1]) < std::tie(from[i], to[i]);
  });
  v.each(e, "/edges/significant is not 0 or 1", [&](auto i) { return significant[i] <= 1; });
  v.each(e, "/edges/provisional is not 0 or 1", [&](auto i) { return provisional[i] <= 1; });
  v.each(e, "/edges/recruited is not 0 or 1, or not provisional",
         [&](auto i) { return recruited[i] <= provisional[i]; });
  if (!v.violations_.empty() || a.edges.size() != a.count)
    return;
  if (a.cluster.size() == a.count) {
    v.each(e, "/edges: a provisional edge is significant but not inside a cluster, or not but is",
           [&](auto i) {
             const bool inside = a.cluster[from[i]] != 0 && a.cluster[from[i]] == a.cluster[to[i]];
             return !provisional[i] || bool(significant[i]) == inside;
           });
  }
  std::vector<std::uint64_t> degree(a.count, 0);
  for (std::size_t i = 0; i < e; ++i) {
    if (significant[i]) {
      ++degree[from[i]];
      ++degree[to[i]];
    }
  }
  v.each(a.count, "/accounts/coordination_edges is not the account's significant edges",
         [&](auto i) { return degree[i] == a.edges[i]; });
}

} // namespace

store::ValidationReport validate_results(const mpi::Comm &comm, const std::string &path) {
  const auto file = store::File::open(path, comm, store::Access::read_only);
  const auto root = file.root();
  Validator v(comm, root);
  store::ValidationReport report;
  if (!store::has_attribute(root, "format") ||
      store::read_string_attribute(root, "format") != kResultsFormat) {
    report.violations.push_back(std::string("root attribute format is not '") + kResultsFormat +
                                "'");
    return report;
  }
  if (store::read_int_attribute(root, "format_version") != kResultsVersion) {
    report.violations.push_back(fmt::format("format_version {} is not {}",
                                            store::read_int_attribute(root, "format_version"),
                                            kResultsVersion));
    return report;
  }
  for (const char *group : {"accounts", "clusters", "edges"}) {
    if (!root.has(group))
      report.violations.push_back(std::string("group /") + group + " is missing");
  }
  if (!report.violations.empty())
    return report;
  std::vector<std::string> signal_groups; // under /edges/signals
  for (const auto &s : signals::all()) {
    if (root.open_group("edges").open_group("signals").has(std::string(s.name)))
      signal_groups.emplace_back(s.name);
  }
  const auto accounts = check_accounts(v, comm.is_root());
  const std::uint64_t clusters = check_clusters(v, accounts);
  check_edges(v, accounts, signal_groups);
  report.violations = v.violations_;
  report.digests = v.digests_;
  report.summary = fmt::format("{} accounts, {} clusters, results format {}", accounts.count,
                               mpi::allreduce(comm, clusters, mpi::Op::max), kResultsVersion);
  mpi::broadcast_object(comm, report.violations);
  return report;
}

} // namespace lockstep::report
