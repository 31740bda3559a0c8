// The names and version of the Lockstep store format (data-schema/store.md specifies it). Writers
// and readers use these constants; `lockstep validate` checks a file against them.
#pragma once

#include "signals/table.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::store::schema {

inline constexpr const char *kFormat = "lockstep-store";
// 2: /accounts/label; 3: /actions/signal 13 (media). A version 2 store is read as it is (it has
// no media actions); --append needs the current version.
inline constexpr std::int64_t kVersion = 3;
inline constexpr std::int64_t kOldestReadableVersion = 2;

// Signal kinds of /actions/signal: the store signals of signals/table.hpp (signals::in_store).
using Signal = signals::Id;
// Arrays indexed by a store signal number.
inline constexpr std::size_t kSignalCount = signals::kSlots;

// Kinds of /interactions/kind.
enum class Interaction : std::uint8_t { retweet_of = 1, reply_to = 2, mention_of = 3 };

// /accounts/created_day of an account whose creation date is unknown.
inline constexpr std::int32_t kUnknownDay = std::numeric_limits<std::int32_t>::min();

// The root attribute input_files: the input paths, one per line, in ingest order.
std::string join_input_files(const std::vector<std::string> &paths);
std::vector<std::string> split_input_files(std::string_view attribute);

} // namespace lockstep::store::schema
