// The evidence tests of cluster/networks.hpp: the binomial tail against its sum computed term by
// term (the oracle), and the names of the reasons a cluster was kept.
#include "cluster/networks.hpp"
#include "mpi_test.hpp"

#include <cmath>

namespace lockstep::testing {
namespace {

class Networks : public MpiTest {};

// sum_{j >= k} C(n, j) p^j (1 - p)^(n - j), each term in log space.
double tail_by_terms(std::uint64_t k, std::uint64_t n, double p) {
  double sum = 0;
  for (std::uint64_t j = k; j <= n; ++j) {
    const double log_term = std::lgamma(double(n) + 1) - std::lgamma(double(j) + 1) -
                            std::lgamma(double(n - j) + 1) + double(j) * std::log(p) +
                            double(n - j) * std::log1p(-p);
    sum += std::exp(log_term);
  }
  return sum;
}

TEST_F(Networks, BinomialTailEqualsItsTerms) {
  for (const std::uint64_t n : {1, 2, 7, 40, 114}) {
    for (const double p : {1e-4, 0.0017, 0.03, 0.5, 0.93}) {
      for (std::uint64_t k = 1; k <= n; k += 1 + n / 9) {
        const double expected = tail_by_terms(k, n, p);
        EXPECT_NEAR(cluster::binomial_tail(k, n, p), expected, 1e-12 + 1e-9 * expected)
            << "k " << k << " n " << n << " p " << p;
      }
    }
  }
  EXPECT_EQ(cluster::binomial_tail(0, 5, 0.1), 1.0);
  EXPECT_EQ(cluster::binomial_tail(6, 5, 0.1), 0.0);
  EXPECT_EQ(cluster::binomial_tail(3, 5, 0.0), 0.0);
  EXPECT_EQ(cluster::binomial_tail(3, 5, 1.0), 1.0);
  // 14 of 40 members created in one week of a dataset spread over 570 weeks: far from chance.
  EXPECT_LT(cluster::binomial_tail(14, 40, 1.0 / 570), 1e-25);
  // 2 of 114 fans created in one week: chance.
  EXPECT_GT(cluster::binomial_tail(2, 114, 1.0 / 570), 0.01);
}

TEST_F(Networks, KeptBecauseNamesEveryReason) {
  using namespace cluster;
  EXPECT_EQ(kept_because_text(kept_by_coactions), "co-actions");
  EXPECT_EQ(kept_because_text(kept_by_audience | kept_by_cohort | kept_by_automation),
            "principal's audience;creation cohort;automation clients");
  EXPECT_EQ(kept_because_text(kept_by_cohort | kept_by_engagement),
            "creation cohort;in step beyond habits");
  EXPECT_EQ(kept_because_text(0), "");
}

} // namespace
} // namespace lockstep::testing
