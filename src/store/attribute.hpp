// Attributes on groups and datasets: strings, integers and floating point values. Collective:
// every rank passes the same value.
#pragma once

#include "store/file.hpp"

#include <cstdint>
#include <string>

namespace lockstep::store {

// `object` names the dataset or group under `group` that carries the attribute ("." = the group).
void write_attribute(const Group &group, const std::string &name, const std::string &value,
                     const std::string &object = ".");
void write_attribute(const Group &group, const std::string &name, std::int64_t value,
                     const std::string &object = ".");
void write_attribute(const Group &group, const std::string &name, double value,
                     const std::string &object = ".");

std::string read_string_attribute(const Group &group, const std::string &name,
                                  const std::string &object = ".");
std::int64_t read_int_attribute(const Group &group, const std::string &name,
                                const std::string &object = ".");
double read_double_attribute(const Group &group, const std::string &name,
                             const std::string &object = ".");

bool has_attribute(const Group &group, const std::string &name, const std::string &object = ".");

} // namespace lockstep::store
