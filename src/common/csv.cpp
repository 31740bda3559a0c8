// The CSV state machine and quoting.
#include "common/csv.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <iterator>

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
  // Read the raw record up to the first line end outside quotes, then split it.
  std::string record;
  bool quoted = false;
  for (int c = in_.get(); c != std::char_traits<char>::eof(); c = in_.get()) {
    if (c == '"')
      quoted = !quoted;
    if (c == '\n') {
      ++line_;
      if (!quoted)
        break;
    }
    record.push_back(static_cast<char>(c));
  }
  if (quoted) {
    throw InputError(name_, record_line_, "quoted field never closes (truncated record)");
  }
  if (!record.empty() && record.back() == '\r')
    record.pop_back();
  std::vector<std::string_view> views;
  std::string scratch;
  if (!split_record(record, views, scratch)) {
    throw InputError(name_, record_line_, "malformed quoting");
  }
  fields.assign(views.begin(), views.end());
  return true;
}

bool split_record(std::string_view record, std::vector<std::string_view> &fields,
                  std::string &scratch, std::size_t max_fields) {
  fields.clear();
  scratch.clear();
  scratch.reserve(record.size());
  std::size_t i = 0;
  while (true) {
    if (i < record.size() && record[i] == '"') {
      // Quoted field: find the closing quote, unescaping doubled quotes if there are any.
      std::size_t j = i + 1;
      bool escaped = false;
      while (true) {
        const std::size_t q = record.find('"', j);
        if (q == std::string_view::npos)
          return false;
        if (q + 1 < record.size() && record[q + 1] == '"') {
          escaped = true;
          j = q + 2;
          continue;
        }
        j = q;
        break;
      }
      std::string_view field = record.substr(i + 1, j - i - 1);
      if (escaped) {
        const std::size_t begin = scratch.size();
        for (std::size_t k = 0; k < field.size(); ++k) {
          scratch.push_back(field[k]);
          if (field[k] == '"')
            ++k; // skip the second quote of a pair
        }
        field = std::string_view(scratch).substr(begin);
      }
      fields.push_back(field);
      if (fields.size() == max_fields)
        return true;
      i = j + 1;
      if (i == record.size())
        return true;
      if (record[i] != ',')
        return false;
      ++i;
    } else {
      const std::size_t comma = record.find(',', i);
      const std::string_view field =
          record.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i);
      if (field.find('"') != std::string_view::npos)
        return false;
      fields.push_back(field);
      if (comma == std::string_view::npos || fields.size() == max_fields)
        return true;
      i = comma + 1;
    }
  }
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

bool reads_as_formula(std::string_view value) {
  return !value.empty() &&
         std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos;
}

void append_field(std::string &out, std::string_view value, TextCells cells) {
  std::string guarded;
  if (cells == TextCells::spreadsheet_safe && reads_as_formula(value)) {
    guarded = "'" + std::string(value);
    value = guarded;
  }
  if (value.find_first_of(",\"\r\n") == std::string_view::npos)
    out.append(value);
  else
    append_quoted(out, value);
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

void append_number(std::string &out, double value) {
  if (std::isnan(value))
    return;
  // Below 10^15 in magnitude an integer has no shorter form than its digits (fmt switches to an
  // exponent at 10^16); -0 keeps its sign through fmt.
  constexpr double kLargestPlain = 1e15;
  const bool negative_zero = value == 0 && std::signbit(value);
  if (value == std::trunc(value) && std::fabs(value) < kLargestPlain && !negative_zero) {
    const fmt::format_int digits(static_cast<long long>(value));
    out.append(digits.data(), digits.size());
    return;
  }
  fmt::format_to(std::back_inserter(out), "{}", value);
}

} // namespace lockstep::csv
