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
inline constexpr std::int64_t kVersion = 2; // 2: /accounts/label

// Signal kinds of /actions/signal: the store signals of signals/table.hpp (1..kSignalCount - 1).
using Signal = signals::Id;
inline constexpr std::uint8_t kSignalCount = signals::kStoreCount;

// Kinds of /interactions/kind.
enum class Interaction : std::uint8_t { retweet_of = 1, reply_to = 2, mention_of = 3 };

// /accounts/created_day of an account whose creation date is unknown.
inline constexpr std::int32_t kUnknownDay = std::numeric_limits<std::int32_t>::min();

// The root attribute input_files: the input paths, one per line, in ingest order.
std::string join_input_files(const std::vector<std::string> &paths);
std::vector<std::string> split_input_files(std::string_view attribute);

} // namespace lockstep::store::schema
