// Boost.Serialization support for std::optional (Boost 1.74 only knows boost::optional).
#pragma once

#include <boost/serialization/split_free.hpp>
#include <optional>

namespace boost::serialization {

template <class Archive, class T>
void save(Archive &archive, const std::optional<T> &value, unsigned /*version*/) {
  const bool engaged = value.has_value();
  archive << engaged;
  if (engaged)
    archive << *value;
}

template <class Archive, class T>
void load(Archive &archive, std::optional<T> &value, unsigned /*version*/) {
  bool engaged = false;
  archive >> engaged;
  if (!engaged) {
    value.reset();
    return;
  }
  T inner{};
  archive >> inner;
  value = std::move(inner);
}

template <class Archive, class T>
void serialize(Archive &archive, std::optional<T> &value, unsigned version) {
  split_free(archive, value, version);
}

} // namespace boost::serialization
