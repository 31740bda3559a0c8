// Plain, gzip (zlib) and zstd byte sources.
#include "ingest/source.hpp"

#include "common/error.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>
#include <zlib.h>
#include <zstd.h>

namespace lockstep::ingest {
namespace {

std::FILE *open_file(const std::string &path) {
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (file == nullptr)
    throw UsageError("cannot read '" + path + "': " + std::strerror(errno));
  return file;
}

class PlainSource final : public ByteSource {
public:
  PlainSource(const std::string &path, std::uint64_t offset) : path_(path), file_(open_file(path)) {
    if (std::fseek(file_, static_cast<long>(offset), SEEK_SET) != 0) {
      std::fclose(file_);
      throw std::runtime_error("cannot seek in '" + path + "'");
    }
  }
  ~PlainSource() override { std::fclose(file_); }
  std::size_t read(char *buffer, std::size_t capacity) override {
    const std::size_t n = std::fread(buffer, 1, capacity, file_);
    if (n == 0 && std::ferror(file_))
      throw std::runtime_error("error reading '" + path_ + "'");
    return n;
  }

private:
  std::string path_;
  std::FILE *file_;
};

class GzipSource final : public ByteSource {
public:
  explicit GzipSource(const std::string &path) : path_(path), file_(gzopen(path.c_str(), "rb")) {
    if (file_ == nullptr)
      throw UsageError("cannot read '" + path + "'");
    gzbuffer(file_, 1 << 20);
  }
  ~GzipSource() override { gzclose(file_); }
  std::size_t read(char *buffer, std::size_t capacity) override {
    const int n =
        gzread(file_, buffer, static_cast<unsigned>(std::min<std::size_t>(capacity, 1 << 30)));
    if (n < 0) {
      int code = 0;
      throw InputError(path_, 0, std::string("gzip: ") + gzerror(file_, &code));
    }
    return static_cast<std::size_t>(n);
  }

private:
  std::string path_;
  gzFile file_;
};

class ZstdSource final : public ByteSource {
public:
  explicit ZstdSource(const std::string &path)
      : path_(path), file_(open_file(path)), stream_(ZSTD_createDStream()),
        input_(ZSTD_DStreamInSize()) {}
  ~ZstdSource() override {
    ZSTD_freeDStream(stream_);
    std::fclose(file_);
  }
  std::size_t read(char *buffer, std::size_t capacity) override {
    ZSTD_outBuffer out{buffer, capacity, 0};
    while (out.pos == 0) {
      if (in_.pos == in_.size) {
        const std::size_t n = std::fread(input_.data(), 1, input_.size(), file_);
        if (n == 0) {
          if (!frame_done_)
            throw InputError(path_, 0, "zstd: truncated frame");
          return 0;
        }
        in_ = ZSTD_inBuffer{input_.data(), n, 0};
      }
      const std::size_t hint = ZSTD_decompressStream(stream_, &out, &in_);
      if (ZSTD_isError(hint))
        throw InputError(path_, 0, std::string("zstd: ") + ZSTD_getErrorName(hint));
      frame_done_ = hint == 0;
    }
    return out.pos;
  }

private:
  std::string path_;
  std::FILE *file_;
  ZSTD_DStream *stream_;
  std::vector<char> input_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
  bool frame_done_ = true;
};

} // namespace

Compression detect_compression(const std::string &path) {
  std::FILE *file = open_file(path);
  unsigned char magic[4] = {};
  const std::size_t n = std::fread(magic, 1, 4, file);
  std::fclose(file);
  if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
    return Compression::gzip;
  if (n == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd) {
    return Compression::zstd;
  }
  return Compression::none;
}

std::uint64_t file_size(const std::string &path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error)
    throw UsageError("cannot read '" + path + "': " + error.message());
  return size;
}

std::unique_ptr<ByteSource> open_source(const std::string &path, Compression compression,
                                        std::uint64_t offset) {
  switch (compression) {
  case Compression::none:
    return std::make_unique<PlainSource>(path, offset);
  case Compression::gzip:
    return std::make_unique<GzipSource>(path);
  case Compression::zstd:
    return std::make_unique<ZstdSource>(path);
  }
  return nullptr;
}

} // namespace lockstep::ingest
