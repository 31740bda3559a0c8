// Logger set-up: one stderr sink per process, a rank prefix, per-rank level filtering.
#include "common/log.hpp"

#include "common/error.hpp"

#include <memory>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace lockstep::log {
namespace {

std::shared_ptr<spdlog::logger> &logger_slot() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = std::make_shared<spdlog::logger>(
        "lockstep",
        std::make_shared<spdlog::sinks::stderr_color_sink_mt>(spdlog::color_mode::never));
    l->set_pattern("[%H:%M:%S.%e] [%l] %v");
    return l;
  }();
  return logger;
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
  case Level::trace:
    return spdlog::level::trace;
  case Level::debug:
    return spdlog::level::debug;
  case Level::info:
    return spdlog::level::info;
  case Level::warn:
    return spdlog::level::warn;
  case Level::error:
    return spdlog::level::err;
  case Level::off:
    return spdlog::level::off;
  }
  return spdlog::level::info;
}

} // namespace

Level parse_level(const std::string &name) {
  if (name == "trace")
    return Level::trace;
  if (name == "debug")
    return Level::debug;
  if (name == "info")
    return Level::info;
  if (name == "warn")
    return Level::warn;
  if (name == "error")
    return Level::error;
  if (name == "off")
    return Level::off;
  throw UsageError("unknown log level '" + name +
                   "' (expected trace, debug, info, warn, error, off)");
}

void init(int rank, Level level, bool all_ranks) {
  auto &logger = *logger_slot();
  logger.set_pattern(fmt::format("[%H:%M:%S.%e] [rank {}] [%l] %v", rank));
  const bool prints_progress = rank == 0 || all_ranks;
  const Level effective = prints_progress || level > Level::warn ? level : Level::warn;
  logger.set_level(to_spdlog(effective));
  logger.flush_on(spdlog::level::warn);
}

spdlog::logger &get() {
  return *logger_slot();
}

} // namespace lockstep::log
