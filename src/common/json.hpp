// Writing JSON by hand for small documents (manifests, reports): string escaping per RFC 8259.
#pragma once

#include <cmath>
#include <cstdio>
#include <fmt/format.h>
#include <string>
#include <string_view>

namespace lockstep::json {

// `text` as a quoted JSON string.
inline std::string quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
        out += escaped;
      } else {
        out += c;
      }
    }
  }
  return out + "\"";
}

// `x` as a JSON number, or null when it is not finite (JSON has no infinity or NaN: the FDR cut is
// -inf when no edge passes it).
inline std::string number(double x) {
  return std::isfinite(x) ? fmt::format("{}", x) : "null";
}

} // namespace lockstep::json
