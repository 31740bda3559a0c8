// The one logger: levels, rank-prefixed messages, and only rank 0 printing progress by default.
#pragma once

#include <spdlog/spdlog.h>
#include <string>

namespace lockstep::log {

enum class Level { trace, debug, info, warn, error, off };

// Parses "trace", "debug", "info", "warn", "error" or "off"; throws UsageError otherwise.
Level parse_level(const std::string &name);

// Sets up the logger for this rank. Rank 0 logs at `level`; other ranks log warnings and errors
// only, unless `all_ranks` is set. Every message carries "[rank R]". Safe to call again.
void init(int rank, Level level, bool all_ranks = false);

// The logger (a default one writing to stderr exists before init()).
spdlog::logger &get();

template <typename... Args>
void info(spdlog::format_string_t<Args...> fmt, Args &&...args) {
  get().info(fmt, std::forward<Args>(args)...);
}
template <typename... Args>
void debug(spdlog::format_string_t<Args...> fmt, Args &&...args) {
  get().debug(fmt, std::forward<Args>(args)...);
}
template <typename... Args>
void warn(spdlog::format_string_t<Args...> fmt, Args &&...args) {
  get().warn(fmt, std::forward<Args>(args)...);
}
template <typename... Args>
void error(spdlog::format_string_t<Args...> fmt, Args &&...args) {
  get().error(fmt, std::forward<Args>(args)...);
}

} // namespace lockstep::log
