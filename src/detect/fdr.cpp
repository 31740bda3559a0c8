// The distributed Benjamini-Hochberg cut. The values are mapped to order-preserving 64-bit keys.
// A range of keys is cut into buckets; one allreduce gives each bucket's count, smallest and
// largest key over all ranks. From the highest bucket down, a bucket whose largest value passes
// (p <= k alpha / tests with k the number of values up to it) holds the cut; a bucket whose
// smallest value could pass is searched the same way; a bucket whose smallest value cannot pass
// holds no passing value. Each level narrows a bucket's key range by kFdrBuckets, so a search ends
// within 64 / log2(kFdrBuckets) levels of a bucket, and all ranks take the same steps.
#include "detect/fdr.hpp"

#include "mpi/collectives.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <span>

namespace lockstep::detect {

namespace {

// Keys in the order of the doubles they come from (NaN excluded by the caller).
std::uint64_t order_key(double value) {
  const auto bits = std::bit_cast<std::uint64_t>(value);
  constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
  return (bits & kSign) != 0 ? ~bits : bits | kSign;
}

double from_order_key(std::uint64_t key) {
  constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
  return std::bit_cast<double>((key & kSign) != 0 ? key & ~kSign : ~key);
}

// The last key of bucket b of [low, high] cut into buckets of `width` keys.
std::uint64_t bucket_high(std::uint64_t low, std::uint64_t high, std::uint64_t width,
                          std::size_t b) {
  const auto bucket_low = low + b * width;
  return high - bucket_low < width - 1 ? high : bucket_low + (width - 1);
}

struct Histogram {
  std::vector<std::uint64_t> count, smallest, largest; // per bucket, over all ranks
};

// The BH condition of benjamini_hochberg_log10 for a value with `rank` values at or below it.
class StepUp {
public:
  StepUp(std::uint64_t tests, double alpha)
      : log10_step_(std::log10(alpha) - std::log10(double(std::max<std::uint64_t>(1, tests)))) {}
  bool passes(std::uint64_t key, std::uint64_t rank) const {
    return from_order_key(key) <= log10_step_ + std::log10(double(rank));
  }

private:
  double log10_step_;
};

class CutSearch {
public:
  // `values` in the order of their keys.
  CutSearch(const mpi::Comm &comm, std::span<const double> values, StepUp step_up)
      : comm_(comm), values_(values), step_up_(step_up) {}

  // The largest passing key in [low, high], given `below` values under low. Collective.
  std::optional<std::uint64_t> search(std::uint64_t low, std::uint64_t high, std::uint64_t below) {
    const std::uint64_t width = (high - low) / kFdrBuckets + 1;
    const auto histogram = histogram_of(low, high, width);
    std::uint64_t above = 0; // values in the buckets above the current one
    std::uint64_t in_range = 0;
    for (const auto count : histogram.count)
      in_range += count;
    for (std::size_t b = histogram.count.size(); b-- > 0;) {
      const auto count = histogram.count[b];
      if (count == 0)
        continue;
      const auto up_to_bucket = below + in_range - above; // values at or under its largest
      above += count;
      if (step_up_.passes(histogram.largest[b], up_to_bucket))
        return histogram.largest[b];
      if (histogram.smallest[b] == histogram.largest[b] ||
          !step_up_.passes(histogram.smallest[b], up_to_bucket))
        continue;
      if (auto found =
              search(low + b * width, bucket_high(low, high, width, b), up_to_bucket - count))
        return found;
    }
    return std::nullopt;
  }

private:
  Histogram histogram_of(std::uint64_t low, std::uint64_t high, std::uint64_t width) const {
    const std::size_t buckets = (high - low) / width + 1;
    std::vector<std::uint64_t> count(buckets, 0);
    std::vector<std::uint64_t> smallest(buckets, std::numeric_limits<std::uint64_t>::max());
    std::vector<std::uint64_t> largest(buckets, 0);
    const auto key_below = [](double value, std::uint64_t key) { return order_key(value) < key; };
    const auto key_above = [](std::uint64_t key, double value) { return key < order_key(value); };
    auto at = std::lower_bound(values_.begin(), values_.end(), low, key_below);
    const auto end = std::upper_bound(at, values_.end(), high, key_above);
    while (at != end) {
      const auto key = order_key(*at);
      const std::size_t b = (key - low) / width;
      const auto next = std::upper_bound(at, end, bucket_high(low, high, width, b), key_above);
      count[b] = static_cast<std::uint64_t>(next - at);
      smallest[b] = key;
      largest[b] = order_key(*(next - 1));
      at = next;
    }
    return {mpi::allreduce(comm_, std::span<const std::uint64_t>(count), mpi::Op::sum),
            mpi::allreduce(comm_, std::span<const std::uint64_t>(smallest), mpi::Op::min),
            mpi::allreduce(comm_, std::span<const std::uint64_t>(largest), mpi::Op::max)};
  }

  const mpi::Comm &comm_;
  std::span<const double> values_;
  StepUp step_up_;
};

} // namespace

double fdr_threshold(const mpi::Comm &comm, std::vector<double> small, std::uint64_t tests,
                     double alpha) {
  std::erase_if(small, [](double value) { return std::isnan(value); });
  std::sort(small.begin(), small.end(),
            [](double a, double b) { return order_key(a) < order_key(b); });
  CutSearch search(comm, small, StepUp(tests, alpha));
  const auto cut = search.search(0, std::numeric_limits<std::uint64_t>::max(), 0);
  return cut ? from_order_key(*cut) : -std::numeric_limits<double>::infinity();
}

} // namespace lockstep::detect
