// Error types shared by every module: a user-facing error carries what went wrong and where.
#pragma once

#include <stdexcept>
#include <string>

namespace lockstep {

// Both types derive from std::invalid_argument: the MPI layer maps that family to exit status 2
// ("the user can fix this") without knowing Lockstep's types.

// A problem the user can fix (bad arguments, missing file, bad job file).
class UsageError : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

// Bad input data at a known place: file and 1-based line.
class InputError : public std::invalid_argument {
public:
  InputError(const std::string &file, long line, const std::string &reason)
      : std::invalid_argument(file + ":" + std::to_string(line) + ": " + reason), file_(file),
        line_(line), reason_(reason) {}
  const std::string &file() const { return file_; }
  long line() const { return line_; }
  const std::string &reason() const { return reason_; }

private:
  std::string file_;
  long line_;
  std::string reason_;
};

} // namespace lockstep
