// HDF5 failures as exceptions that carry HDF5's own error-stack text.
#pragma once

#include <hdf5.h>
#include <stdexcept>
#include <string>

namespace lockstep::store {

class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Turns off HDF5's automatic printing of its error stack (we put it in exceptions instead).
void silence_hdf5_errors();

// Throws Error("WHAT: <HDF5 error stack>") and clears the stack.
[[noreturn]] void throw_hdf5_error(const std::string &what);

// Returns `id` if it is a valid identifier (>= 0), else throws for `what`.
inline hid_t checked(hid_t id, const std::string &what) {
  if (id < 0)
    throw_hdf5_error(what);
  return id;
}

// Returns normally if `status` is not negative, else throws for `what`.
inline void check_status(herr_t status, const std::string &what) {
  if (status < 0)
    throw_hdf5_error(what);
}

// The HDF5 library version, e.g. "1.10.8".
std::string hdf5_version();

} // namespace lockstep::store
