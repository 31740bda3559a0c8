// Input files as byte streams: plain files from any offset, gzip and zstd files decompressed on
// the fly (from the start only). Compression is recognised by the file's magic bytes.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace lockstep::ingest {

enum class Compression { none, gzip, zstd };

Compression detect_compression(const std::string &path);
std::uint64_t file_size(const std::string &path);

class ByteSource {
public:
  virtual ~ByteSource() = default;
  // Reads up to `capacity` bytes; returns 0 at the end. Throws on read or decompression errors.
  virtual std::size_t read(char *buffer, std::size_t capacity) = 0;
};

// A plain file from byte `offset` on, or a compressed file from its start (offset must be 0).
std::unique_ptr<ByteSource> open_source(const std::string &path, Compression compression,
                                        std::uint64_t offset);

} // namespace lockstep::ingest
