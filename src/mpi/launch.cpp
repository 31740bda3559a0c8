// The launch as the environment tells it, and the shared-memory transport for one-node runs.
#include "mpi/launch.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>

#ifndef LOCKSTEP_OMPI_SYSCONFDIR
#define LOCKSTEP_OMPI_SYSCONFDIR "/etc/openmpi"
#endif

namespace lockstep::mpi {

namespace {

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos)
    return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

std::optional<std::string> &chosen() {
  static std::optional<std::string> pml;
  return pml;
}

std::vector<std::string> split(const std::string &text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, separator);) {
    if (!part.empty())
      parts.push_back(part);
  }
  return parts;
}

} // namespace

bool ranks_share_one_node(const EnvironmentLookup &environment) {
  const auto size = environment("OMPI_COMM_WORLD_SIZE");
  const auto local_size = environment("OMPI_COMM_WORLD_LOCAL_SIZE");
  if (size || local_size)
    return size && local_size && *size == *local_size;
  if (const auto nodes = environment("SLURM_STEP_NUM_NODES"))
    return *nodes == "1";
  for (const char *other : {"PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (environment(other))
      return false; // a launcher this does not know how to read
  }
  return true; // no launcher: a singleton
}

std::optional<std::string> pml_setting(const std::string &parameters) {
  std::optional<std::string> setting;
  std::istringstream in(parameters);
  for (std::string line; std::getline(in, line);) {
    std::string_view text = line;
    if (const auto comment = text.find('#'); comment != std::string_view::npos)
      text = text.substr(0, comment);
    const auto equals = text.find('=');
    if (equals == std::string_view::npos || trimmed(text.substr(0, equals)) != "pml")
      continue;
    setting = std::string(trimmed(text.substr(equals + 1)));
  }
  return setting;
}

bool allows_choosing_ob1(const std::string &setting) {
  const auto value = trimmed(setting);
  if (value.empty() || value.front() != '^')
    return false;
  for (const auto &name : split(std::string(value.substr(1)), ',')) {
    if (trimmed(name) == "ob1")
      return false;
  }
  return true;
}

std::vector<std::string> mca_parameter_files(const EnvironmentLookup &environment) {
  if (const auto listed = environment("OMPI_MCA_mca_base_param_files"))
    return split(*listed, ':');
  std::vector<std::string> files;
  if (const auto home = environment("HOME"))
    files.push_back(*home + "/.openmpi/mca-params.conf");
  if (const auto prefix = environment("OPAL_PREFIX"))
    files.push_back(*prefix + "/etc/openmpi-mca-params.conf");
  files.push_back(std::string(LOCKSTEP_OMPI_SYSCONFDIR) + "/openmpi-mca-params.conf");
  return files;
}

std::optional<std::string> single_node_pml(
    const EnvironmentLookup &environment,
    const std::function<std::optional<std::string>(const std::string &path)> &file_text) {
  if (environment("OMPI_MCA_pml") || !ranks_share_one_node(environment))
    return std::nullopt;
  for (const auto &file : mca_parameter_files(environment)) {
    const auto text = file_text(file);
    if (!text)
      continue;
    if (const auto setting = pml_setting(*text); setting && !allows_choosing_ob1(*setting))
      return std::nullopt;
  }
  return "ob1";
}

std::optional<std::string> choose_single_node_transport() {
  const auto environment = [](const std::string &name) -> std::optional<std::string> {
    const char *value = std::getenv(name.c_str());
    return value == nullptr ? std::nullopt : std::optional<std::string>(value);
  };
  const auto file_text = [](const std::string &path) -> std::optional<std::string> {
    std::ifstream in(path);
    if (!in)
      return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  auto pml = single_node_pml(environment, file_text);
  if (pml && setenv("OMPI_MCA_pml", pml->c_str(), 0) != 0)
    pml.reset();
  chosen() = pml;
  return pml;
}

std::optional<std::string> chosen_transport() {
  return chosen();
}

} // namespace lockstep::mpi
