// Bytes handed out from chunks of 1 MiB (a larger request gets a chunk of its own), never moved
// and freed all at once: rows packed here cost one allocation per MiB, not one per string.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace lockstep {

class ByteArena {
public:
  static constexpr std::size_t kChunkBytes = std::size_t{1} << 20;

  // `n` bytes at the end of the last chunk, or of a new one.
  char *room(std::size_t n) {
    if (chunks_.empty() || chunk_size_ - chunk_used_ < n) {
      chunk_size_ = std::max(n, kChunkBytes);
      chunks_.push_back(std::make_unique_for_overwrite<char[]>(chunk_size_));
      chunk_used_ = 0;
      bytes_ += chunk_size_;
    }
    char *at = chunks_.back().get() + chunk_used_;
    chunk_used_ += n;
    return at;
  }
  std::uint64_t bytes() const { return bytes_; } // the chunks' bytes

private:
  std::vector<std::unique_ptr<char[]>> chunks_;
  std::size_t chunk_used_ = 0, chunk_size_ = 0; // of the last chunk
  std::uint64_t bytes_ = 0;
};

} // namespace lockstep
