// A forward iterator over a table read by row number (operator[](std::size_t)), for tables that
// keep their rows in a layout of their own: ChunkedRows, store::StringColumn.
#pragma once

#include <cstddef>
#include <iterator>
#include <type_traits>
#include <utility>

namespace lockstep {

template <typename Table>
class IndexIterator {
public:
  using iterator_category = std::forward_iterator_tag;
  using reference = decltype(std::declval<Table &>()[std::size_t{}]); // a row, or a view of it
  using value_type = std::remove_cvref_t<reference>;
  using difference_type = std::ptrdiff_t;
  using pointer = void;

  IndexIterator() = default;
  IndexIterator(Table *table, std::size_t row) : table_(table), row_(row) {}
  reference operator*() const { return (*table_)[row_]; }
  IndexIterator &operator++() {
    ++row_;
    return *this;
  }
  IndexIterator operator++(int) {
    IndexIterator before = *this;
    ++row_;
    return before;
  }
  bool operator==(const IndexIterator &other) const { return row_ == other.row_; }

private:
  Table *table_ = nullptr;
  std::size_t row_ = 0;
};

} // namespace lockstep
