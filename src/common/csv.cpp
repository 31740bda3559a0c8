// The CSV state machine and quoting.
#include "common/csv.hpp"

#include "common/error.hpp"

#include <algorithm>

namespace lockstep::csv {

Reader::Reader(std::istream &in, std::string name) : in_(in), name_(std::move(name)) {
  // Skip a UTF-8 byte-order mark, which some exported files begin with.
  if (in_.peek() == 0xEF) {
    char bom[3] = {};
    in_.read(bom, 3);
    if (std::string_view(bom, 3) != "\xEF\xBB\xBF") {
      in_.clear();
      in_.seekg(0);
    }
  }
}

bool Reader::next(std::vector<std::string> &fields) {
  fields.clear();
  if (in_.peek() == std::char_traits<char>::eof())
    return false;
  record_line_ = line_;
  std::string field;
  bool quoted = false;     // inside a quoted field
  bool was_quoted = false; // the current field started with a quote
  for (int c = in_.get(); c != std::char_traits<char>::eof(); c = in_.get()) {
    if (quoted) {
      if (c == '"') {
        if (in_.peek() == '"') {
          field.push_back('"');
          in_.get();
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n')
          ++line_;
        field.push_back(static_cast<char>(c));
      }
      continue;
    }
    if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\n') {
      ++line_;
      fields.push_back(std::move(field));
      return true;
    } else if (c == '\r' && in_.peek() == '\n') {
      continue; // CRLF
    } else {
      field.push_back(static_cast<char>(c));
    }
  }
  if (quoted) {
    throw InputError(name_, record_line_, "quoted field never closes (truncated record)");
  }
  fields.push_back(std::move(field)); // last record without a final newline
  return true;
}

void append_quoted(std::string &out, std::string_view value) {
  out.push_back('"');
  for (const char c : value) {
    if (c == '"')
      out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_record(std::string &out, const std::vector<std::string_view> &fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0)
      out.push_back(',');
    append_quoted(out, fields[i]);
  }
  out.push_back('\n');
}

std::vector<std::size_t> find_columns(const std::vector<std::string> &header,
                                      const std::vector<std::string> &wanted,
                                      const std::string &file) {
  std::vector<std::size_t> indices;
  for (const auto &name : wanted) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end())
      throw InputError(file, 1, "missing required column '" + name + "'");
    indices.push_back(static_cast<std::size_t>(it - header.begin()));
  }
  return indices;
}

} // namespace lockstep::csv
