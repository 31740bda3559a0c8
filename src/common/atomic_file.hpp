// Output files that appear only when complete: written under a temporary name beside the final
// path, then renamed over it by commit(). Destroyed without commit(), the temporary is removed.
#pragma once

#include <fstream>
#include <string>

namespace lockstep {

class AtomicFile {
public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile &) = delete;
  AtomicFile &operator=(const AtomicFile &) = delete;

  std::ofstream &stream() { return out_; }
  void write(const std::string &text) {
    out_.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
  // Flushes, checks for write errors, and renames the temporary file to the final path.
  void commit();

private:
  std::string path_;
  std::string temporary_;
  std::ofstream out_;
  bool committed_ = false;
};

} // namespace lockstep
