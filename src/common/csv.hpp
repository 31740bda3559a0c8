// RFC 4180 CSV: a streaming record reader (quoted fields with embedded newlines and doubled
// quotes, CRLF or LF) that tracks line numbers, and a writer that quotes every field the way the
// IO archive does.
#pragma once

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::csv {

class Reader {
public:
  // `name` is used in error messages (usually the file path).
  Reader(std::istream &in, std::string name);

  // Reads the next record into `fields`. Returns false at end of input. A record whose quoted
  // field never closes (a truncated file) throws InputError naming the line where it began.
  bool next(std::vector<std::string> &fields);

  // The 1-based line on which the last record returned by next() began.
  std::int64_t record_line() const { return record_line_; }
  const std::string &name() const { return name_; }

private:
  std::istream &in_;
  std::string name_;
  std::int64_t line_ = 1;
  std::int64_t record_line_ = 0;
};

// Splits one record (without its line end) into fields. Quoted fields are returned without their
// quotes; those with doubled quotes are unescaped into `scratch`, which the views may point into
// (it is reserved to the record's size, so it never reallocates). Returns false for malformed
// quoting: text after a closing quote, or a quote that never closes. With `max_fields`, stops
// after that many fields (the rest of the record unread).
bool split_record(std::string_view record, std::vector<std::string_view> &fields,
                  std::string &scratch, std::size_t max_fields = SIZE_MAX);

// Appends `value` to `out` as a quoted field ("" doubles embedded quotes).
void append_quoted(std::string &out, std::string_view value);

// How text cells taken from the data (ids, names, keys, texts) are written. A spreadsheet reads a
// cell that begins with =, +, -, @, tab or CR as a formula (CSV injection), and the data is
// written by the operations under study. `exact` keeps the value as it is (the default: the files
// are data); `spreadsheet_safe` (--csv-safe) prefixes such a cell with ', which spreadsheets show
// as text, at the cost of the exact value.
enum class TextCells { exact, spreadsheet_safe };

// Whether a spreadsheet would read `value` as a formula.
bool reads_as_formula(std::string_view value);

// Appends `value` as a field, quoted only when it holds a comma, quote, CR or LF; with
// `spreadsheet_safe`, a value that reads as a formula gets a leading '.
void append_field(std::string &out, std::string_view value, TextCells cells = TextCells::exact);

// Appends `value` as a number field: nothing for NaN, else fmt's shortest form that reads back
// exactly (fmt::format("{}", value)), integers written directly (most feature values are).
void append_number(std::string &out, double value);

// Appends a whole record: every field quoted, comma separated, '\n' terminated.
void append_record(std::string &out, const std::vector<std::string_view> &fields);

// The column index of each name in `wanted` within `header`; throws InputError (file, line 1)
// naming the first missing column.
std::vector<std::size_t> find_columns(const std::vector<std::string> &header,
                                      const std::vector<std::string> &wanted,
                                      const std::string &file);

} // namespace lockstep::csv
