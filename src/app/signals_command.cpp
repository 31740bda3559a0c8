// `lockstep signals`: the signal table (signals/table.hpp) as a tab-separated listing, for people
// choosing what to enable and for scripts that must name every signal without spelling them.
#include "app/commands.hpp"
#include "signals/table.hpp"

#include <fmt/format.h>
#include <iterator>

namespace lockstep::app {

namespace {

// Names of signals::Statistic and signals::KeyKind values, by their number ("-": none).
constexpr const char *kStatisticNames[] = {"-", "keys", "fewer_posts", "rarity"};
constexpr const char *kKeyKindNames[] = {"-", "post", "text", "value", "time"};
static_assert(std::size(kKeyKindNames) == std::size_t(signals::KeyKind::time) + 1);
static_assert(std::size(kStatisticNames) == std::size_t(signals::Statistic::rarity) + 1);

// A header and one tab-separated row per signal.
std::string signal_table_text() {
  std::string out =
      "number\tname\treads\tstatistic\tkeys\tauthors\ttop_keys\tjob_section\tenabled\t"
      "window_s\thub_cap\tmin_coactions\n";
  for (const auto &s : signals::all()) {
    const auto source = signals::source(std::uint8_t(s.id));
    out +=
        fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t", int(s.id), s.name,
                    source == 0 ? "own" : signals::name(source),
                    kStatisticNames[std::size_t(s.statistic)], kKeyKindNames[std::size_t(s.keys)],
                    s.has_authors ? "yes" : "no", s.top_keys ? "yes" : "no");
    if (s.defaults) {
      out += fmt::format("signals.{}\t{}\t{}\t{}\t", s.name, s.defaults->enabled,
                         s.defaults->window_seconds, s.defaults->hub_cap);
    } else {
      out += fmt::format("{}\t-\t-\t-\t", s.name); // a section of its own (jobs/default.toml)
    }
    out += fmt::format("{}\n", s.min_coactions);
  }
  return out;
}

} // namespace

CLI::App *add_signals_command(CLI::App &app, Config &) {
  return app.add_subcommand(
      "signals", "List the co-action signals: number, name, the store signal whose actions each "
                 "reads, its null-model statistic, its keys, and its job section with defaults");
}

int run_signals(const mpi::Comm &comm, const Config &) {
  if (comm.is_root())
    fmt::print("{}", signal_table_text());
  return 0;
}

} // namespace lockstep::app
