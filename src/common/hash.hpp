// 64-bit keys for strings (XXH3): account ids, hashtags, URLs and texts become keys that any rank
// computes alike, so partitioning and joins need no shared dictionary.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <xxhash.h>

namespace lockstep {

inline std::uint64_t hash64(std::string_view bytes, std::uint64_t seed = 0) {
  return XXH3_64bits_withSeed(bytes.data(), bytes.size(), seed);
}

// A well-mixed 64-bit value of a 64-bit one (splitmix64's finaliser): which rank owns a key,
// for keys that may be plain tweet ids or small numbers.
inline std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The partition of an account: hash of its id string, modulo the partition count.
inline std::uint32_t partition_of(std::string_view account_id, std::uint32_t partitions) {
  return static_cast<std::uint32_t>(hash64(account_id, 0x5bd1e995) % partitions);
}

// XXH3-64 of a file's bytes as 16 hex digits, for run manifests. Throws when it cannot be read.
std::string file_digest(const std::string &path);

} // namespace lockstep
