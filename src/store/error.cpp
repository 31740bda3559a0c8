// HDF5 error-stack capture.
#include "store/error.hpp"

#include <string>

namespace lockstep::store {
namespace {

herr_t append_error(unsigned depth, const H5E_error2_t *error, void *data) {
  auto &text = *static_cast<std::string *>(data);
  text += depth == 0 ? "" : "; ";
  text += error->func_name ? error->func_name : "?";
  text += ": ";
  text += error->desc ? error->desc : "(no description)";
  return 0;
}

} // namespace

void silence_hdf5_errors() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

void throw_hdf5_error(const std::string &what) {
  std::string stack;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, append_error, &stack);
  H5Eclear2(H5E_DEFAULT);
  std::string message = what;
  if (!stack.empty())
    message.append(": ").append(stack);
  throw Error(message);
}

std::string hdf5_version() {
  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
}

} // namespace lockstep::store
