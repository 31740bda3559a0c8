// The signal table (signals/table.hpp): numbers and names are one-to-one, the relations between
// signals are what the engine, the null model and the writers rely on, and the job file's
// [signals.NAME] sections, the store's signal values and data-schema/ agree with it.
#include "common/config.hpp"
#include "mpi_test.hpp"
#include "signals/table.hpp"
#include "store/schema.hpp"

#include <fstream>
#include <set>
#include <sstream>

namespace lockstep::testing {
namespace {

using signals::Id;

class SignalTable : public MpiTest {};

std::string read_text(const std::string &path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_F(SignalTable, NumbersAndNamesAreOneToOne) {
  std::set<std::string_view> names;
  for (const auto &s : signals::all()) {
    EXPECT_TRUE(names.insert(s.name).second) << "repeated name " << s.name;
    EXPECT_EQ(signals::find(s.name), s.id);
    EXPECT_EQ(signals::name(std::uint8_t(s.id)), s.name);
    EXPECT_EQ(&signals::row(s.id), &s);
  }
  EXPECT_EQ(names.size(), std::size_t(signals::kLast));
  EXPECT_EQ(signals::name(std::uint8_t{0}), "?");
  EXPECT_EQ(signals::name(std::uint8_t{signals::kLast + 1}), "?");
  EXPECT_FALSE(signals::find("retweets"));
  EXPECT_THROW(signals::row(std::uint8_t{0}), std::out_of_range);
  EXPECT_THROW(signals::row(std::uint8_t{signals::kLast + 1}), std::out_of_range);
}

TEST_F(SignalTable, StoreSignalsReadThemselvesAndDerivedOnesSayWhat) {
  for (const auto &s : signals::all()) {
    const auto id = std::uint8_t(s.id);
    if (signals::in_store(id)) {
      EXPECT_EQ(signals::source(id), id) << s.name;
      EXPECT_EQ(signals::nested(id), 0) << s.name;
    } else {
      EXPECT_FALSE(signals::in_store(signals::source(id)) && signals::source(id) == id) << s.name;
    }
    // A signal with authors reads posts with an author, counted once per account.
    if (s.has_authors) {
      EXPECT_EQ(s.keys, signals::KeyKind::post) << s.name;
      EXPECT_EQ(s.statistic, signals::Statistic::keys) << s.name;
    }
    EXPECT_EQ(s.statistic == signals::Statistic::none, s.keys == signals::KeyKind::none) << s.name;
    EXPECT_EQ(s.colour.size(), 7u) << s.name << ": a #rrggbb colour";
  }
  EXPECT_EQ(signals::nested(std::uint8_t(Id::retweet_slow)), std::uint8_t(Id::retweet));
  EXPECT_EQ(signals::source(std::uint8_t(Id::similarity)), 0);
  EXPECT_EQ(signals::source(std::uint8_t(Id::near_duplicate)), 0);
  EXPECT_TRUE(signals::has_authors(std::uint8_t(Id::retweet_slow)));
  EXPECT_FALSE(signals::has_authors(0));
  EXPECT_TRUE(signals::in_store(std::uint8_t(Id::media)));
  EXPECT_FALSE(signals::in_store(std::uint8_t(Id::retweet_slow)));
  EXPECT_FALSE(signals::in_store(0));
  EXPECT_GT(store::schema::kSignalCount, std::size_t(signals::kLast));
}

TEST_F(SignalTable, JobSectionsAreTheRowsWithDefaults) {
  const auto defaults = DetectConfig::default_signals();
  std::size_t with_defaults = 0;
  for (const auto &s : signals::all()) {
    const auto found = defaults.find(std::string(s.name));
    EXPECT_EQ(found != defaults.end(), s.defaults.has_value()) << s.name;
    with_defaults += s.defaults.has_value();
  }
  EXPECT_EQ(defaults.size(), with_defaults);
  const auto job = read_text(LOCKSTEP_JOBS "/default.toml");
  for (const auto &[name, settings] : defaults)
    EXPECT_NE(job.find("[signals." + name + "]"), std::string::npos) << name << " undocumented";
}

TEST_F(SignalTable, EveryStoreSignalIsDocumentedWithItsValue) {
  const auto doc = read_text(LOCKSTEP_SCHEMA "/store.md");
  ASSERT_FALSE(doc.empty()) << "cannot read data-schema/store.md";
  for (const auto &s : signals::all()) {
    if (!signals::in_store(std::uint8_t(s.id)))
      continue;
    EXPECT_NE(doc.find(std::to_string(int(s.id)) + " " + std::string(s.name)), std::string::npos)
        << s.name;
  }
}

} // namespace
} // namespace lockstep::testing
