// Packing profiles into chunks and viewing them there.
#include "ingest/packed_accounts.hpp"

#include <cstring>
#include <stdexcept>
#include <string>

namespace lockstep::ingest {
namespace {

// Reads AccountRow::pack's layout in place: fixed-width numbers, strings with u32 lengths.
class Cursor {
public:
  explicit Cursor(const char *at) : at_(at) {}
  template <typename T>
  T get() {
    T value;
    std::memcpy(&value, at_, sizeof value);
    at_ += sizeof value;
    return value;
  }
  std::string_view string() {
    const auto n = get<std::uint32_t>();
    const std::string_view s(at_, n);
    at_ += n;
    return s;
  }
  const char *position() const { return at_; }

private:
  const char *at_;
};

// The profile packed where `in` stands, leaving `in` after it.
AccountView read_view(Cursor &in) {
  AccountView view;
  view.partition = in.get<std::uint32_t>();
  for (auto *s : {&view.id, &view.screen_name, &view.display_name, &view.language,
                  &view.description, &view.location, &view.label})
    *s = in.string();
  view.created_day = in.get<std::int64_t>();
  view.followers = in.get<std::int64_t>();
  view.following = in.get<std::int64_t>();
  view.from_users_file = in.get<std::uint8_t>();
  view.file = in.get<std::uint32_t>();
  view.line = in.get<std::int64_t>();
  return view;
}

// The bytes of the profile packed at `at`.
std::size_t packed_size(const char *at) {
  Cursor in(at);
  read_view(in);
  return static_cast<std::size_t>(in.position() - at);
}

} // namespace

void PackedAccounts::push_back(const AccountRow &row) {
  rows_.push_back(nullptr);
  replace(rows_.size() - 1, row);
}

void PackedAccounts::replace(std::size_t i, const AccountRow &row) {
  scratch_.clear();
  bytes::Writer writer(scratch_);
  row.pack(writer);
  char *at = chunks_.room(scratch_.size());
  std::memcpy(at, scratch_.data(), scratch_.size());
  rows_.at(i) = at;
}

void PackedAccounts::keep(std::span<const std::size_t> rows) {
  std::vector<const char *> kept;
  kept.reserve(rows.size());
  for (const auto i : rows)
    kept.push_back(rows_.at(i));
  rows_ = std::move(kept);
}

void PackedAccounts::compact() {
  ByteArena chunks;
  for (auto &row : rows_) {
    const std::size_t size = packed_size(row);
    char *to = chunks.room(size);
    std::memcpy(to, row, size);
    row = to;
  }
  chunks_ = std::move(chunks);
}

AccountView PackedAccounts::operator[](std::size_t i) const {
  Cursor in(rows_[i]);
  return read_view(in);
}

AccountView PackedAccounts::at(std::size_t i) const {
  if (i >= rows_.size()) {
    throw std::out_of_range("ingest: profile " + std::to_string(i) + " of " +
                            std::to_string(rows_.size()));
  }
  return (*this)[i];
}

std::string_view PackedAccounts::id(std::size_t i) const {
  Cursor in(rows_[i]);
  in.get<std::uint32_t>(); // the partition
  return in.string();
}

std::uint32_t PackedAccounts::partition(std::size_t i) const {
  return Cursor(rows_[i]).get<std::uint32_t>();
}

} // namespace lockstep::ingest
