// Per-account behaviour features: pace, round-the-clock activity, regularity, content, automation
// clients and identity.
#include "detect/features.hpp"

#include "common/hash.hpp"
#include "common/time.hpp"
#include "mpi/alltoallv.hpp"
#include "mpi/collectives.hpp"
#include "partition/lookup.hpp"
#include "store/schema.hpp"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <limits>
#include <tbb/parallel_for.h>
#include <unordered_map>

namespace lockstep::detect {

const std::array<FeatureInfo, kFeatureCount> kFeatures = {{
    {"posts", "posts", "posts of the account in the store"},
    {"active_days", "days", "distinct UTC days with at least one post"},
    {"posts_per_active_day", "posts/day", "posts divided by active_days"},
    {"max_posts_in_a_day", "posts", "most posts in one UTC day"},
    {"max_posts_in_an_hour", "posts", "most posts in one clock hour"},
    {"hour_of_week_share", "share", "share of the 168 hour-of-week slots (UTC) with a post"},
    {"hour_of_day_entropy", "bits",
     "Shannon entropy of the posts' UTC hour of day (0 to log2 24 = 4.58)"},
    {"longest_daily_gap", "hours",
     "longest circular run of UTC hours of the day without any post (0 = active around the clock)"},
    {"interpost_cv", "ratio",
     "coefficient of variation (standard deviation / mean) of the times between consecutive posts; "
     "NaN with fewer than 2 gaps or a zero mean"},
    {"rapid_post_share", "share",
     "share of posts made at most 10 s after the account's previous post; NaN with one post"},
    {"retweet_share", "share", "share of posts that are retweets"},
    {"reply_share", "share", "share of posts that are replies"},
    {"duplicate_text_share", "share",
     "share of posts with a text whose normalised text occurs in another post of the store; NaN "
     "without texts"},
    {"url_rate", "urls/post", "URLs per post"},
    {"hashtag_rate", "hashtags/post", "hashtags per post"},
    {"automation_client_share", "share",
     "share of posts from a known automation client (the job's automation_clients list)"},
    {"distinct_clients", "clients", "distinct clients the account posted from"},
    {"age_at_first_post", "days", "days from account creation to its first post; NaN if unknown"},
    {"creation_day_cohort", "accounts",
     "accounts of the store created on the same UTC day (itself included); NaN if unknown"},
    {"creation_week_cohort", "accounts",
     "accounts of the store created in the same Monday-to-Sunday week; NaN if unknown"},
    {"follower_ratio", "ratio", "followers / max(1, following); NaN if unknown"},
    {"max_follower_growth", "followers/day",
     "largest follower gain per day between consecutive snapshots (gaps under an hour count as "
     "an hour); NaN with fewer than 2 snapshots"},
    {"screen_name_digit_share", "share", "share of the screen name's characters that are digits"},
    {"screen_name_hash_like", "0/1",
     "1 when the screen name looks like a hash: 16+ hexadecimal characters, or 44 base64 ones"},
}};

namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Start of each local account's run of rows in a table sorted by account (size accounts + 1).
std::vector<std::size_t> account_runs(const std::vector<std::uint64_t> &account,
                                      RowRange accounts) {
  std::vector<std::size_t> starts(accounts.count + 1, account.size());
  std::size_t row = 0;
  for (std::uint64_t a = 0; a < accounts.count; ++a) {
    starts[a] = row;
    while (row < account.size() && account[row] == accounts.begin + a)
      ++row;
  }
  starts[accounts.count] = row;
  return starts;
}

struct TimeProfile {
  double active_days = 0, max_day = 0, max_hour = 0, week_share = 0, entropy = 0, gap = 0;
};

TimeProfile time_profile(const std::vector<std::int64_t> &times) {
  TimeProfile p;
  std::array<int, 168> week{};
  std::array<int, 24> hours{};
  std::int64_t day = LLONG_MIN, hour = LLONG_MIN;
  int in_day = 0, in_hour = 0;
  for (const auto t : times) { // sorted
    const auto d = time::floor_div(t, kDayMs), h = time::floor_div(t, kHourMs);
    in_day = d == day ? in_day + 1 : 1;
    in_hour = h == hour ? in_hour + 1 : 1;
    p.active_days += d != day;
    day = d;
    hour = h;
    p.max_day = std::max(p.max_day, double(in_day));
    p.max_hour = std::max(p.max_hour, double(in_hour));
    ++hours[static_cast<std::size_t>(h - d * 24)];
    ++week[static_cast<std::size_t>(time::hour_of_week(t))];
  }
  p.week_share = double(std::count_if(week.begin(), week.end(), [](int n) { return n > 0; })) / 168;
  const double n = static_cast<double>(times.size());
  int run = 0, longest = 0;
  for (int i = 0; i < 48; ++i) { // twice round the clock: circular runs
    run = hours[static_cast<std::size_t>(i % 24)] == 0 ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  p.gap = std::min(longest, 24);
  for (const int c : hours) {
    if (c > 0)
      p.entropy -= c / n * std::log2(c / n);
  }
  return p;
}

void gap_features(const std::vector<std::int64_t> &times, FeatureRow &row) {
  row[std::size_t(Feature::interpost_cv)] = kNaN;
  row[std::size_t(Feature::rapid_post_share)] = kNaN;
  if (times.size() < 2)
    return;
  double sum = 0, sum_sq = 0, rapid = 0;
  for (std::size_t i = 1; i < times.size(); ++i) {
    const double gap = double(times[i] - times[i - 1]);
    sum += gap;
    sum_sq += gap * gap;
    rapid += gap <= 10'000;
  }
  const double gaps = double(times.size() - 1);
  row[std::size_t(Feature::rapid_post_share)] = rapid / gaps;
  const double mean = sum / gaps;
  if (times.size() >= 3 && mean > 0) {
    const double variance = std::max(0.0, sum_sq / gaps - mean * mean);
    row[std::size_t(Feature::interpost_cv)] = std::sqrt(variance) / mean;
  }
}

double digit_share(std::string_view name) {
  if (name.empty())
    return kNaN;
  const auto digits =
      std::count_if(name.begin(), name.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  return double(digits) / double(name.size());
}

bool hash_like(std::string_view name) {
  const bool hex = name.size() >= 16 && std::all_of(name.begin(), name.end(), [](unsigned char c) {
                     return std::isxdigit(c) != 0;
                   });
  const bool base64 =
      name.size() == 44 && std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '+' || c == '/' || c == '=';
      });
  return hex || base64;
}

double max_growth(const SnapshotTable &s, std::size_t begin, std::size_t end) {
  if (end - begin < 2)
    return kNaN;
  double best = -std::numeric_limits<double>::infinity();
  for (std::size_t i = begin + 1; i < end; ++i) {
    const double days = double(std::max(s.time_ms[i] - s.time_ms[i - 1], kHourMs)) / double(kDayMs);
    best = std::max(best, double(s.followers[i] - s.followers[i - 1]) / days);
  }
  return best;
}

} // namespace

std::vector<std::uint64_t> global_counts(const mpi::Comm &comm,
                                         const std::vector<std::uint64_t> &values,
                                         mpi::ExchangeOptions exchange) {
  const auto ranks = static_cast<std::uint64_t>(comm.size());
  const auto owner = [ranks](std::uint64_t v) { return static_cast<int>(mix64(v) % ranks); };
  const auto count_all = [](std::span<const std::uint64_t> asked) {
    std::unordered_map<std::uint64_t, std::uint64_t> counts;
    for (const auto v : asked)
      ++counts[v];
    std::vector<std::uint64_t> out;
    out.reserve(asked.size());
    for (const auto v : asked)
      out.push_back(v == 0 ? 0 : counts[v]);
    return out;
  };
  return partition::ask_owners(comm, values, owner, count_all, exchange);
}

FeatureContext gather_feature_context(const mpi::Comm &comm, const PartitionData &data,
                                      const std::vector<std::string> &automation_clients,
                                      mpi::ExchangeOptions exchange) {
  FeatureContext context;
  context.text_key_count = global_counts(comm, data.posts.text_key, exchange);

  std::int32_t first = INT32_MAX, last = INT32_MIN;
  for (const auto day : data.accounts.created_day) {
    if (day != store::schema::kUnknownDay) {
      first = std::min(first, day);
      last = std::max(last, day);
    }
  }
  first = mpi::allreduce(comm, first, mpi::Op::min);
  last = mpi::allreduce(comm, last, mpi::Op::max);
  context.first_day = first;
  if (first <= last) {
    std::vector<std::uint64_t> local(static_cast<std::size_t>(last - first) + 1, 0);
    for (const auto day : data.accounts.created_day) {
      if (day != store::schema::kUnknownDay)
        ++local[static_cast<std::size_t>(day - first)];
    }
    context.created_day_count =
        mpi::allreduce(comm, std::span<const std::uint64_t>(local), mpi::Op::sum);
  }

  std::vector<std::string> wanted;
  for (const auto &name : automation_clients)
    wanted.push_back(lower(name));
  for (const auto &client : data.clients) {
    context.automation_client.push_back(std::find(wanted.begin(), wanted.end(), lower(client)) !=
                                        wanted.end());
  }
  return context;
}

std::vector<FeatureRow> compute_features(const PartitionData &data, const FeatureContext &context) {
  const auto &accounts = data.accounts;
  const auto &posts = data.posts;
  const auto post_runs = account_runs(posts.account, accounts.rows);
  const auto action_runs = account_runs(data.actions.account, accounts.rows);
  const auto snapshot_runs = account_runs(data.snapshots.account, accounts.rows);
  const auto cohort = [&](std::int64_t day) -> double {
    const auto i = day - context.first_day;
    if (i < 0 || i >= static_cast<std::int64_t>(context.created_day_count.size()))
      return 0;
    return double(context.created_day_count[static_cast<std::size_t>(i)]);
  };

  std::vector<FeatureRow> rows(accounts.rows.count);
  tbb::parallel_for(std::size_t{0}, rows.size(), [&](std::size_t a) {
    auto &row = rows[a];
    const auto f = [&row](Feature feature) -> double & { return row[std::size_t(feature)]; };
    const std::size_t lo = post_runs[a], hi = post_runs[a + 1];
    const double n = double(hi - lo);
    std::vector<std::int64_t> times(posts.time_ms.begin() + std::ptrdiff_t(lo),
                                    posts.time_ms.begin() + std::ptrdiff_t(hi));
    std::sort(times.begin(), times.end());
    f(Feature::posts) = n;
    const auto profile = time_profile(times);
    f(Feature::active_days) = profile.active_days;
    f(Feature::posts_per_active_day) = n > 0 ? n / profile.active_days : kNaN;
    f(Feature::max_posts_in_a_day) = profile.max_day;
    f(Feature::max_posts_in_an_hour) = profile.max_hour;
    f(Feature::hour_of_week_share) = profile.week_share;
    f(Feature::hour_of_day_entropy) = n > 0 ? profile.entropy : kNaN;
    f(Feature::longest_daily_gap) = n > 0 ? profile.gap : kNaN;
    gap_features(times, row);

    double retweets = 0, replies = 0, texts = 0, duplicates = 0, automated = 0;
    std::vector<std::uint32_t> clients;
    for (std::size_t p = lo; p < hi; ++p) {
      retweets += posts.kind[p] == 1;
      replies += posts.kind[p] == 2;
      texts += posts.text_key[p] != 0;
      duplicates += posts.text_key[p] != 0 && context.text_key_count[p] >= 2;
      const auto client = posts.client[p];
      automated += client < context.automation_client.size() && context.automation_client[client];
      clients.push_back(client);
    }
    std::sort(clients.begin(), clients.end());
    f(Feature::retweet_share) = n > 0 ? retweets / n : kNaN;
    f(Feature::reply_share) = n > 0 ? replies / n : kNaN;
    f(Feature::duplicate_text_share) = texts > 0 ? duplicates / texts : kNaN;
    f(Feature::automation_client_share) = n > 0 ? automated / n : kNaN;
    f(Feature::distinct_clients) =
        double(std::unique(clients.begin(), clients.end()) - clients.begin());

    double urls = 0, hashtags = 0;
    for (std::size_t i = action_runs[a]; i < action_runs[a + 1]; ++i) {
      urls += data.actions.signal[i] == std::uint8_t(store::schema::Signal::url);
      hashtags += data.actions.signal[i] == std::uint8_t(store::schema::Signal::hashtag);
    }
    f(Feature::url_rate) = n > 0 ? urls / n : kNaN;
    f(Feature::hashtag_rate) = n > 0 ? hashtags / n : kNaN;

    const auto created = accounts.created_day[a];
    const bool known = created != store::schema::kUnknownDay;
    f(Feature::age_at_first_post) =
        known && n > 0 ? double(time::floor_div(times.front(), kDayMs) - created) : kNaN;
    f(Feature::creation_day_cohort) = known ? cohort(created) : kNaN;
    double week = 0;
    const std::int64_t monday = known ? time::week_monday(created) : 0;
    for (int d = 0; d < 7 && known; ++d)
      week += cohort(monday + d);
    f(Feature::creation_week_cohort) = known ? week : kNaN;
    const auto followers = accounts.followers[a], following = accounts.following[a];
    f(Feature::follower_ratio) =
        followers >= 0 && following >= 0
            ? double(followers) / double(std::max<std::int64_t>(1, following))
            : kNaN;
    f(Feature::max_follower_growth) =
        max_growth(data.snapshots, snapshot_runs[a], snapshot_runs[a + 1]);
    f(Feature::screen_name_digit_share) = digit_share(accounts.screen_name[a]);
    f(Feature::screen_name_hash_like) = hash_like(accounts.screen_name[a]) ? 1 : 0;
  });
  return rows;
}

} // namespace lockstep::detect
