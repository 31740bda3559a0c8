// Account profiles at rest, each packed once into large chunks as it travels between ranks
// (AccountRow::pack). An AccountRow takes 280 bytes before its strings, and an action table's
// profile is an id alone: QUT's benchmark input held 190,180 of them in 61 MB as rows, and holds
// them in about 22 MB packed. Read back as views into the chunks.
#pragma once

#include "common/byte_arena.hpp"
#include "common/index_iterator.hpp"
#include "ingest/rows.hpp"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace lockstep::ingest {

// A packed profile's fields, its strings viewed where they lie.
struct AccountView {
  std::uint32_t partition = 0;
  std::string_view id, screen_name, display_name, language, description, location, label;
  std::int64_t created_day = kUnknownDay;
  std::int64_t followers = -1, following = -1;
  std::uint8_t from_users_file = 0;
  std::uint32_t file = 0;
  std::int64_t line = 0;
};

class PackedAccounts {
public:
  using const_iterator = IndexIterator<const PackedAccounts>;

  void push_back(const AccountRow &row);
  // Packs `row` again in place of profile i (its old bytes stay unused until these go).
  void replace(std::size_t i, const AccountRow &row);
  // Keeps only the profiles `rows` names, in that order.
  void keep(std::span<const std::size_t> rows);
  // Copies the profiles into new chunks in their order, dropping the bytes of those not kept or
  // replaced: read in order afterwards, profiles left where they arrived cost a cache miss each
  // (0.2 s of ingesting QUT's benchmark input, whose accounts' columns read them 14 times).
  void compact();

  std::size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  AccountView operator[](std::size_t i) const; // valid while these profiles live
  AccountView at(std::size_t i) const;         // checked
  std::string_view id(std::size_t i) const;
  std::uint32_t partition(std::size_t i) const;
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size()}; }

private:
  ByteArena chunks_;
  std::vector<const char *> rows_; // where each profile starts
  std::vector<char> scratch_;      // a profile being packed
};

} // namespace lockstep::ingest
