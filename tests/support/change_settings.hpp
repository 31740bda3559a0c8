// Changes every setting of a configuration section to another value (common/settings.hpp), for
// tests that must notice each setting: the fingerprint, the job files' documentation.
#pragma once

#include "common/settings.hpp"

#include <string>
#include <type_traits>
#include <vector>

namespace lockstep::testing {

// A settings visitor that changes the setting it is given to another value of its type.
struct ChangeSetting {
  template <typename T, typename... Rule>
  void operator()(const char *, T &value, Rule...) const {
    if constexpr (std::is_same_v<T, bool>)
      value = !value;
    else if constexpr (std::is_same_v<T, std::string>)
      value = value == "chars" ? "words" : "chars"; // also a valid choice of the one Choice
    else if constexpr (std::is_same_v<T, std::vector<std::string>>)
      value.push_back("x");
    else
      value = value == T{1} ? T{2} : T{1};
  }
};

// Every detect setting of `c` changed: [detect], [similarity], [near_duplicate], [clusters] and
// every [signals.NAME].
inline void change_every_detect_setting(DetectConfig &c) {
  const ChangeSetting change;
  settings::visit_detect(c, change);
  settings::visit_similarity(c.similarity, change);
  settings::visit_near_duplicate(c.near_duplicate, change);
  settings::visit_clusters(c.clusters, change);
  for (auto &[name, s] : c.signals)
    settings::visit_signal(s, change);
}

} // namespace lockstep::testing
