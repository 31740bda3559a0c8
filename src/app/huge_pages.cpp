// Transparent huge pages for the heap. Detect's rounds build and drop vectors of hundreds of MB,
// and the store's reads fill large buffers; on 4 KB pages a third to a half of a pair phase went to
// page faults (perf on a 2-core VM: synchrony pairs at 10^7 posts on 2 ranks took 85 s on 4 KB
// pages and 33 s on huge pages; README, "Scaling over ranks"). glibc reads the tunable at start
// only.
#include "app/huge_pages.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

namespace lockstep::app {
namespace {

constexpr std::string_view kTunable = "glibc.malloc.hugetlb";

// The kernel's THP mode: the bracketed word of "always [madvise] never"; "" without THP.
std::string kernel_thp_mode() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string modes;
  std::getline(in, modes);
  const auto open = modes.find('['), close = modes.find(']');
  return open == std::string::npos || close < open ? "" : modes.substr(open + 1, close - open - 1);
}

} // namespace

void restart_with_huge_pages(char **argv) {
  const char *tunables = std::getenv("GLIBC_TUNABLES");
  const bool had_tunables = tunables != nullptr;
  const std::string before = had_tunables ? tunables : "";
  if (before.find(kTunable) != std::string::npos)
    return;
  const std::string after = (before.empty() ? "" : before + ":") + std::string(kTunable) + "=1";
  if (setenv("GLIBC_TUNABLES", after.c_str(), 1) != 0)
    return;
  execv("/proc/self/exe", argv);
  // Still here: no /proc, say. Run on 4 KB pages, with the environment as it was.
  if (!had_tunables)
    unsetenv("GLIBC_TUNABLES");
  else
    setenv("GLIBC_TUNABLES", before.c_str(), 1);
}

std::string heap_pages() {
  const char *tunables = std::getenv("GLIBC_TUNABLES");
  const std::string value = tunables == nullptr ? "" : tunables;
  const auto at = value.find(std::string(kTunable) + "=");
  const std::string setting =
      at == std::string::npos ? "" : value.substr(at + kTunable.size() + 1, 1);
  const std::string mode = kernel_thp_mode();
  const bool huge = setting == "1" && (mode == "always" || mode == "madvise");
  return fmt::format("{} ({}{}, kernel THP {})", huge ? "transparent huge pages" : "4 KB pages",
                     kTunable, setting.empty() ? " unset" : "=" + setting,
                     mode.empty() ? "absent" : mode);
}

} // namespace lockstep::app
