// Schema names.
#include "store/schema.hpp"

#include <algorithm>

namespace lockstep::store::schema {

std::string_view type_name(Type type) {
  switch (type) {
  case Type::uint8:
    return "uint8";
  case Type::int32:
    return "int32";
  case Type::uint32:
    return "uint32";
  case Type::int64:
    return "int64";
  case Type::uint64:
    return "uint64";
  case Type::string:
    return "string";
  }
  return "?";
}

std::string join_input_files(const std::vector<std::string> &paths) {
  std::string out;
  for (const auto &path : paths)
    out += (out.empty() ? "" : "\n") + path;
  return out;
}

std::vector<std::string> split_input_files(std::string_view attribute) {
  std::vector<std::string> paths;
  for (std::size_t begin = 0; begin < attribute.size();) {
    const auto end = std::min(attribute.find('\n', begin), attribute.size());
    paths.emplace_back(attribute.substr(begin, end - begin));
    begin = end + 1;
  }
  return paths;
}

} // namespace lockstep::store::schema
