// Write-then-rename output files.
#include "common/atomic_file.hpp"

#include "common/error.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <unistd.h>

namespace lockstep {

AtomicFile::AtomicFile(std::string path)
    : path_(std::move(path)), temporary_(path_ + ".tmp-" + std::to_string(getpid())) {
  out_.open(temporary_, std::ios::binary | std::ios::trunc);
  if (!out_) {
    throw UsageError("cannot write '" + temporary_ + "': " + std::strerror(errno));
  }
}

AtomicFile::~AtomicFile() {
  if (committed_)
    return;
  out_.close();
  std::error_code ignored;
  std::filesystem::remove(temporary_, ignored);
}

void AtomicFile::commit() {
  out_.flush();
  if (!out_)
    throw std::runtime_error("writing '" + temporary_ + "' failed (disk full?)");
  out_.close();
  std::filesystem::rename(temporary_, path_);
  committed_ = true;
}

} // namespace lockstep
