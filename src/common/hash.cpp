// File digests, streamed in 1 MiB blocks.
#include "common/hash.hpp"

#include <fmt/format.h>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

namespace lockstep {

std::string file_digest(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read '" + path + "' to digest it");
  const std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(),
                                                                       &XXH3_freeState);
  XXH3_64bits_reset(state.get());
  std::vector<char> block(std::size_t{1} << 20);
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    XXH3_64bits_update(state.get(), block.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad())
    throw std::runtime_error("error reading '" + path + "' to digest it");
  return fmt::format("{:016x}", XXH3_64bits_digest(state.get()));
}

} // namespace lockstep
