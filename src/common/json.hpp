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

// A JSON document that can sit inside an HTML <script> element as it is: every <, > and & becomes
// \u003c, \u003e or \u0026, and U+2028 and U+2029 become \u2028 and \u2029, which leaves the
// document's meaning unchanged (these characters only occur inside its strings). The HTML parser
// then sees no tag, comment or entity in it, so no string can end the element or put the parser
// into a script state ("<!--<script>" otherwise did, and the page drew nothing).
inline std::string script_safe(std::string_view json_text) {
  std::string out;
  out.reserve(json_text.size());
  for (std::size_t i = 0; i < json_text.size(); ++i) {
    const char c = json_text[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (json_text.substr(i, 3) == "\xE2\x80\xA8") {
      out += "\\u2028";
      i += 2;
    } else if (json_text.substr(i, 3) == "\xE2\x80\xA9") {
      out += "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// `x` as a JSON number, or null when it is not finite (JSON has no infinity or NaN: the FDR cut is
// -inf when no edge passes it).
inline std::string number(double x) {
  return std::isfinite(x) ? fmt::format("{}", x) : "null";
}

} // namespace lockstep::json
