// Row formatting and the parallel, streamed writing of part files.
#include "synth/generate.hpp"

#include "common/atomic_file.hpp"
#include "common/csv.hpp"
#include "common/error.hpp"
#include "common/io_archive.hpp"
#include "common/log.hpp"
#include "common/progress.hpp"
#include "common/time.hpp"
#include "mpi/collectives.hpp"
#include "synth/hostile.hpp"
#include "synth/model.hpp"

#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <oneapi/tbb/parallel_for.h>
#include <optional>

namespace lockstep::synth {
namespace {

constexpr std::uint64_t kAccountsPerBlock = 256;

// "['a', 'b']" as in the post-2018 releases; numeric user ids are written bare ("[1, 2]").
std::string list_field(const std::vector<std::string> &items, bool bare_numbers) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0)
      out += ", ";
    const bool numeric = bare_numbers && !items[i].empty() &&
                         items[i].find_first_not_of("0123456789") == std::string::npos;
    out += numeric ? items[i] : "'" + items[i] + "'";
  }
  return out + "]";
}

std::uint64_t append_tweet_row(std::string &out, const Account &a, const Tweet &t, Rng &rng) {
  const std::string tweetid = std::to_string(t.tweetid);
  const std::string followers = std::to_string(a.followers),
                    following = std::to_string(a.following);
  const std::string created = time::format_date(a.created_ms),
                    when = time::format_minute(t.time_ms);
  const std::string hashtags = list_field(t.hashtags, false), urls = list_field(t.urls, false);
  const std::string mentions = list_field(t.mentions, true);
  const std::string likes = std::to_string(rng.poisson(t.kind == Kind::retweet ? 0 : 2));
  const std::string retweets = std::to_string(rng.poisson(t.kind == Kind::retweet ? 0 : 1));
  csv::append_record(out, {tweetid,
                           a.id,
                           a.display_name,
                           a.screen_name,
                           a.location,
                           a.description,
                           "",
                           followers,
                           following,
                           created,
                           a.language,
                           t.language,
                           t.text,
                           when,
                           t.client,
                           t.reply_user,
                           t.reply_tweet,
                           t.quoted_tweet,
                           t.kind == Kind::retweet ? "true" : "false",
                           t.retweet_user,
                           t.retweet_tweet,
                           "absent",
                           "absent",
                           "0",
                           "0",
                           likes,
                           retweets,
                           hashtags,
                           urls,
                           mentions,
                           ""});
  return 1;
}

// The generic action table: one row per (post, object) for retweets, URLs (without their query)
// and hashtags (with their '#'); returns the rows appended.
std::uint64_t append_action_rows(std::string &out, const Account &a, const Tweet &t) {
  const std::string content = std::to_string(t.tweetid);
  const std::string seconds = std::to_string(t.time_ms / 1000);
  std::uint64_t rows = 0;
  if (t.kind == Kind::retweet) {
    csv::append_record(out, {t.retweet_tweet, a.id, content, seconds});
    ++rows;
  }
  for (const auto &url : t.urls) {
    csv::append_record(out, {url.substr(0, url.find('?')), a.id, content, seconds});
    ++rows;
  }
  for (const auto &tag : t.hashtags) {
    csv::append_record(out, {"#" + tag, a.id, content, seconds});
    ++rows;
  }
  return rows;
}

// The media table beside the tweets: one row per image (tweetid, userid, media_id, timestamp in
// unix seconds), as IO releases ship media apart; `ingest --actions media.csv --action-columns
// content_id=tweetid,account_id=userid,timestamp=timestamp,media=media_id` joins it.
std::uint64_t append_media_row(std::string &out, const Account &a, const Tweet &t) {
  if (t.media.empty())
    return 0;
  csv::append_record(out,
                     {std::to_string(t.tweetid), a.id, t.media, std::to_string(t.time_ms / 1000)});
  return 1;
}

std::string part_name(const char *stem, const GenerateConfig &config, int part) {
  if (config.parts == 1)
    return fmt::format("{}.csv", stem);
  return fmt::format("{}-part-{:05}.csv", stem, part + 1);
}

std::string part_name(const GenerateConfig &config, int part) {
  return part_name(config.format == "actions" ? "actions" : "tweets", config, part);
}

// Writes one part (accounts index ≡ part mod parts); returns its row count.
std::uint64_t write_part(const World &world, const GenerateConfig &config, int part,
                         ProgressLine *progress, std::uint64_t &accounts_done) {
  AtomicFile file((std::filesystem::path(config.out_dir) / part_name(config, part)).string());
  const bool with_media = config.format == "ioarchive";
  std::optional<AtomicFile> media;
  if (with_media) {
    media.emplace(
        (std::filesystem::path(config.out_dir) / part_name("media", config, part)).string());
    std::string media_header;
    csv::append_record(media_header, {"tweetid", "userid", "media_id", "timestamp"});
    media->write(media_header);
  }
  std::string header;
  if (config.format == "actions") {
    csv::append_record(header, {"object_id", "account_id", "content_id", "timestamp_share"});
  } else {
    std::vector<std::string_view> names(tweet_columns().begin(), tweet_columns().end());
    csv::append_record(header, names);
  }
  file.write(header);

  const auto parts = static_cast<std::uint64_t>(config.parts);
  const std::uint64_t in_part =
      (world.account_count() + parts - 1 - static_cast<std::uint64_t>(part)) / parts;
  std::uint64_t rows = 0;
  std::vector<std::string> chunks(kAccountsPerBlock), media_chunks(kAccountsPerBlock);
  std::vector<std::uint64_t> chunk_rows(kAccountsPerBlock);
  for (std::uint64_t block = 0; block < in_part; block += kAccountsPerBlock) {
    const std::uint64_t count = std::min(kAccountsPerBlock, in_part - block);
    oneapi::tbb::parallel_for(std::uint64_t{0}, count, [&](std::uint64_t j) {
      const std::uint64_t index = (block + j) * parts + static_cast<std::uint64_t>(part);
      Account account = world.account(index);
      auto tweets = generate_tweets(world, account);
      if (config.hostile) {
        for (auto &tweet : tweets)
          make_hostile(tweet, account);
        make_hostile(account);
      }
      Rng counts(config.seed, index, 4);
      chunks[j].clear();
      media_chunks[j].clear();
      chunk_rows[j] = 0;
      for (const Tweet &tweet : tweets) {
        chunk_rows[j] += config.format == "actions"
                             ? append_action_rows(chunks[j], account, tweet)
                             : append_tweet_row(chunks[j], account, tweet, counts);
        if (with_media)
          append_media_row(media_chunks[j], account, tweet);
      }
    });
    for (std::uint64_t j = 0; j < count; ++j) {
      file.write(chunks[j]);
      if (media)
        media->write(media_chunks[j]);
      rows += chunk_rows[j];
    }
    accounts_done += count;
    if (progress != nullptr)
      progress->update(accounts_done);
  }
  file.commit();
  if (media)
    media->commit();
  return rows;
}

// follows.csv: every account's follow list, each follow with the day it was first collected.
void write_follows(const World &world, const GenerateConfig &config) {
  AtomicFile out((std::filesystem::path(config.out_dir) / "follows.csv").string());
  out.write("account_id,followed_id,collected_at\n");
  std::vector<std::string> chunks(kAccountsPerBlock);
  for (std::uint64_t block = 0; block < world.account_count(); block += kAccountsPerBlock) {
    const auto count = std::min(kAccountsPerBlock, world.account_count() - block);
    oneapi::tbb::parallel_for(std::uint64_t{0}, count, [&](std::uint64_t j) {
      const auto account = world.account(block + j);
      chunks[j].clear();
      for (const auto &followed : world.follow_list(account))
        csv::append_record(chunks[j],
                           {account.id, followed.id, time::format_second(followed.first_ms)});
    });
    for (std::uint64_t j = 0; j < count; ++j)
      out.write(chunks[j]);
  }
  out.commit();
}

// truth.csv and (for the IO-archive format) users.csv, in one pass over the accounts.
void write_accounts(const World &world, const GenerateConfig &config) {
  const std::filesystem::path dir(config.out_dir);
  AtomicFile truth((dir / "truth.csv").string());
  std::optional<AtomicFile> users;
  if (config.format == "ioarchive")
    users.emplace((dir / "users.csv").string());
  truth.write("userid,campaign,style\n");
  std::string row;
  if (users) {
    std::vector<std::string_view> names(user_columns().begin(), user_columns().end());
    csv::append_record(row, names);
    users->write(row);
  }
  for (std::uint64_t i = 0; i < world.account_count(); ++i) {
    Account a = world.account(i);
    if (config.hostile) {
      make_hostile(a);
      if (gets_long_name(world, a))
        a.screen_name = long_hostile_name(a);
    }
    truth.write(fmt::format("{},{},{}\n", a.id, a.campaign, style_name(a.style)));
    if (!users)
      continue;
    row.clear();
    csv::append_record(row, {a.id, a.display_name, a.screen_name, a.location, a.description, "",
                             std::to_string(a.followers), std::to_string(a.following),
                             time::format_date(a.created_ms), a.language});
    users->write(row);
  }
  truth.commit();
  if (users)
    users->commit();
}

void validate(const GenerateConfig &config) {
  if (config.out_dir.empty())
    throw UsageError("generate: --out is required");
  if (config.accounts > (std::uint64_t{1} << 21)) {
    throw UsageError("generate: --accounts is limited to 2097152 (unique snowflake ids)");
  }
  if (config.parts < 1 || config.parts > 100000)
    throw UsageError("generate: --parts must be in 1..100000");
  if (config.campaigns < 0 || config.campaigns > 1000)
    throw UsageError("generate: --campaigns must be in 0..1000");
  if (config.campaign_size < 3)
    throw UsageError("generate: --campaign-size must be at least 3");
  if (config.format != "ioarchive" && config.format != "actions") {
    throw UsageError("generate: --format must be 'ioarchive' or 'actions'");
  }
  if (config.hashed_share < 0 || config.hashed_share > 1) {
    throw UsageError("generate: --hashed-share must be in [0, 1]");
  }
}

} // namespace

const std::vector<std::string> &tweet_columns() {
  static const std::vector<std::string> columns(io_archive::kTweetColumns.begin(),
                                                io_archive::kTweetColumns.end());
  return columns;
}

const std::vector<std::string> &user_columns() {
  static const std::vector<std::string> columns(io_archive::kUserColumns.begin(),
                                                io_archive::kUserColumns.end());
  return columns;
}

GenerateSummary generate(const mpi::Comm &comm, const GenerateConfig &config) {
  validate(config);
  const auto start = std::chrono::steady_clock::now();
  const World world(config);
  if (comm.is_root())
    std::filesystem::create_directories(config.out_dir);
  comm.barrier();

  std::uint64_t local_rows = 0, accounts_done = 0;
  const std::uint64_t my_accounts = [&] {
    std::uint64_t n = 0;
    for (int part = comm.rank(); part < config.parts; part += comm.size()) {
      n += (config.accounts + static_cast<std::uint64_t>(config.parts - 1 - part)) /
           static_cast<std::uint64_t>(config.parts);
    }
    return n;
  }();
  ProgressLine progress("generate (rank 0 accounts)", my_accounts);
  for (int part = comm.rank(); part < config.parts; part += comm.size()) {
    local_rows +=
        write_part(world, config, part, comm.is_root() ? &progress : nullptr, accounts_done);
  }
  if (comm.rank() == comm.size() - 1 || comm.size() == 1) {
    write_accounts(world, config);
  }
  if (config.follows && comm.rank() == (comm.size() > 1 ? comm.size() - 2 : 0))
    write_follows(world, config);

  GenerateSummary summary;
  summary.accounts = config.accounts;
  summary.tweets = mpi::allreduce(comm, local_rows, mpi::Op::sum);
  for (const auto &campaign : world.campaigns())
    summary.campaign_accounts += campaign.size;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

} // namespace lockstep::synth
