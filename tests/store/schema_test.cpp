// The store's table descriptions (store/schema.hpp) against data-schema/store.md, so that neither
// can drift from the other: every described column is a row of its table's section with its type,
// and every row of those sections is a described column. A described column's type is also what
// writers and readers must use (checked_name).
#include "mpi_test.hpp"
#include "store/column.hpp"
#include "store/schema.hpp"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace lockstep::testing {
namespace {

class StoreSchema : public MpiTest {};

std::string store_md() {
  std::ifstream in(LOCKSTEP_SCHEMA "/store.md");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The (column, type) rows of the section "## /TABLE ...": a row may name several columns
// ("| followers, following | int64 | ...").
std::map<std::string, std::string> documented_columns(const std::string &md,
                                                      const std::string &table) {
  std::map<std::string, std::string> out;
  const auto start = md.find("\n## /" + table + " ");
  if (start == std::string::npos)
    return out;
  const auto end = md.find("\n## ", start + 1);
  std::istringstream lines(md.substr(start, end - start));
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("| ", 0) != 0 || line.rfind("| column |", 0) == 0)
      continue;
    const auto names_end = line.find(" | ", 2);
    const auto type_end = line.find(" | ", names_end + 3);
    if (names_end == std::string::npos || type_end == std::string::npos)
      continue;
    const auto type = line.substr(names_end + 3, type_end - names_end - 3);
    std::istringstream names(line.substr(2, names_end - 2));
    for (std::string name; std::getline(names, name, ',');)
      out[name.substr(name.find_first_not_of(' '))] = type;
  }
  return out;
}

TEST_F(StoreSchema, EveryDescribedColumnIsDocumentedWithItsTypeAndNothingElse) {
  const auto md = store_md();
  ASSERT_FALSE(md.empty()) << "cannot read data-schema/store.md";
  for (const auto &table : store::schema::kPartitionedTables) {
    const auto documented = documented_columns(md, table.name);
    ASSERT_FALSE(documented.empty()) << "store.md has no column table for /" << table.name;
    std::set<std::string> described;
    for (const auto &column : table.columns) {
      described.insert(column.name);
      const auto it = documented.find(column.name);
      ASSERT_NE(it, documented.end()) << "store.md lacks /" << table.name << "/" << column.name;
      EXPECT_EQ(it->second, store::schema::type_name(column.type))
          << "/" << table.name << "/" << column.name;
    }
    for (const auto &[name, type] : documented)
      EXPECT_TRUE(described.contains(name))
          << "store.md documents /" << table.name << "/" << name << ", schema.hpp does not";
  }
  // /keys is documented in prose: `key` (uint64), `signal` (uint8), `value` (string).
  for (const auto &column : store::schema::kKeys.columns) {
    const auto row = "`" + std::string(column.name) + "` (" +
                     std::string(store::schema::type_name(column.type)) + ")";
    EXPECT_NE(md.find(row), std::string::npos) << "store.md lacks /keys " << row;
  }
}

TEST_F(StoreSchema, AColumnIsReadAndWrittenWithItsOwnType) {
  EXPECT_EQ(store::checked_name(store::schema::posts::time_ms, store::schema::Type::int64),
            "time_ms");
  EXPECT_THROW(store::checked_name(store::schema::posts::time_ms, store::schema::Type::uint64),
               std::logic_error);
}

} // namespace
} // namespace lockstep::testing
