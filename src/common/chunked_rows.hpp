// A growing table of rows kept in fixed-size chunks: appending never moves a row and never
// copies the table, so it pages in its rows' bytes once. A std::vector grown by doubling pages
// in about twice its final size and moves every row at each doubling (ingest's account profiles
// on QUT's benchmark: 8, 17, 34 and 68 MB for 52 MB of rows).
#pragma once

#include "common/index_iterator.hpp"

#include <bit>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace lockstep {

// Chunks of 1 to 2 MiB by default: few allocations, little left unused in the last.
template <typename Row,
          std::size_t kRowsPerChunk = std::bit_ceil((std::size_t{1} << 20) / sizeof(Row) + 1)>
class ChunkedRows {
  static_assert((kRowsPerChunk & (kRowsPerChunk - 1)) == 0, "a power of two rows per chunk");
  static constexpr std::size_t kShift = std::countr_zero(kRowsPerChunk);

public:
  using iterator = IndexIterator<ChunkedRows>;
  using const_iterator = IndexIterator<const ChunkedRows>;

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  Row &operator[](std::size_t i) { return chunks_[i >> kShift][i & (kRowsPerChunk - 1)]; }
  const Row &operator[](std::size_t i) const {
    return chunks_[i >> kShift][i & (kRowsPerChunk - 1)];
  }
  Row &at(std::size_t i) { return (*this)[checked(i)]; }
  const Row &at(std::size_t i) const { return (*this)[checked(i)]; }

  void push_back(Row &&row) {
    if ((size_ & (kRowsPerChunk - 1)) == 0 && (size_ >> kShift) == chunks_.size()) {
      chunks_.emplace_back();
      chunks_.back().reserve(kRowsPerChunk); // never grows past this: rows stay where they are
    }
    chunks_[size_ >> kShift].push_back(std::move(row));
    ++size_;
  }
  void push_back(const Row &row) { push_back(Row(row)); }

  // Drops the rows from `count` on (a table never grows by resizing); frees emptied chunks.
  void truncate(std::size_t count) {
    if (count >= size_)
      return;
    const std::size_t chunks = (count + kRowsPerChunk - 1) >> kShift;
    chunks_.resize(chunks);
    if (chunks > 0)
      chunks_.back().resize(count - ((chunks - 1) << kShift));
    size_ = count;
  }

  void clear() { truncate(0); }

  iterator begin() { return {this, 0}; }
  iterator end() { return {this, size_}; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

private:
  std::size_t checked(std::size_t i) const {
    if (i >= size_)
      throw std::out_of_range("ChunkedRows::at: row " + std::to_string(i) + " of " +
                              std::to_string(size_));
    return i;
  }

  std::vector<std::vector<Row>> chunks_;
  std::size_t size_ = 0;
};

} // namespace lockstep
