// data-schema/results.md documents every feature with the unit the code writes, so the document
// cannot drift from src/detect/features.cpp.
#include "detect/features.hpp"
#include "mpi_test.hpp"

#include <fstream>
#include <sstream>

namespace lockstep::testing {
namespace {

class SchemaDoc : public MpiTest {};

TEST_F(SchemaDoc, EveryFeatureIsDocumentedWithItsUnit) {
  std::ifstream in(LOCKSTEP_SCHEMA "/results.md");
  ASSERT_TRUE(in) << "cannot read data-schema/results.md";
  std::ostringstream text;
  text << in.rdbuf();
  for (const auto &feature : detect::kFeatures) {
    const auto row = std::string("\n| ") + feature.name + " | " + feature.unit + " | ";
    EXPECT_NE(text.str().find(row), std::string::npos)
        << "data-schema/results.md lacks the row for " << feature.name << " (" << feature.unit
        << ")";
  }
}

} // namespace
} // namespace lockstep::testing
