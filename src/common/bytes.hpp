// A compact binary encoding for exchanging rows with strings between ranks: fixed-width integers
// and length-prefixed strings appended to a byte buffer, read back in the same order.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace lockstep::bytes {

class Writer {
public:
  explicit Writer(std::vector<char> &out) : out_(out) {}
  template <typename T>
  requires std::is_arithmetic_v<T>
  void put(T value) {
    const auto *p = reinterpret_cast<const char *>(&value);
    out_.insert(out_.end(), p, p + sizeof(T));
  }
  void put(std::string_view text) {
    put(static_cast<std::uint32_t>(text.size()));
    out_.insert(out_.end(), text.begin(), text.end());
  }
  void put(const std::vector<std::string> &items) {
    put(static_cast<std::uint32_t>(items.size()));
    for (const auto &item : items)
      put(std::string_view(item));
  }

private:
  std::vector<char> &out_;
};

class Reader {
public:
  Reader(const char *begin, const char *end) : p_(begin), end_(end) {}
  bool done() const { return p_ >= end_; }
  template <typename T>
  requires std::is_arithmetic_v<T> T get() {
    need(sizeof(T));
    T value;
    std::memcpy(&value, p_, sizeof(T));
    p_ += sizeof(T);
    return value;
  }
  std::string get_string() {
    const auto n = get<std::uint32_t>();
    need(n);
    std::string text(p_, n);
    p_ += n;
    return text;
  }
  // The next n bytes, viewed in the buffer.
  std::string_view get_bytes(std::size_t n) {
    need(n);
    const std::string_view bytes(p_, n);
    p_ += n;
    return bytes;
  }
  std::vector<std::string> get_strings() {
    std::vector<std::string> items(get<std::uint32_t>());
    for (auto &item : items)
      item = get_string();
    return items;
  }

private:
  void need(std::size_t n) const {
    if (static_cast<std::size_t>(end_ - p_) < n)
      throw std::runtime_error("bytes::Reader: truncated buffer");
  }
  const char *p_;
  const char *end_;
};

} // namespace lockstep::bytes
