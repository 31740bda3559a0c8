// Tested parts in memory or in scratch files: a file holds a part's records in (a, b, signal)
// order, each TestedRecord followed by its evidence items, as raw bytes read back by this process.
#include "detect/tested_parts.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <tbb/parallel_sort.h>
#include <unistd.h>

namespace lockstep::detect {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kRecordsPerRead = 1 << 14;

[[noreturn]] void scratch_failure(const std::string &what, const std::string &path) {
  throw UsageError(fmt::format("cannot {} the scratch file {}: {} (detect spills tested pairs "
                               "there past --memory-mb; give --scratch a folder with room)",
                               what, path, std::strerror(errno)));
}

void write_bytes(std::FILE *file, const void *data, std::size_t bytes, const std::string &path) {
  if (bytes > 0 && std::fwrite(data, 1, bytes, file) != bytes)
    scratch_failure("write", path);
}

bool read_bytes(std::FILE *file, void *data, std::size_t bytes, const std::string &path) {
  const auto got = std::fread(data, 1, bytes, file);
  if (got == bytes)
    return true;
  if (got == 0 && std::feof(file) != 0)
    return false;
  errno = std::ferror(file) != 0 ? errno : EIO;
  scratch_failure("read", path);
}

} // namespace

std::size_t held_bytes(const std::vector<EdgeSignal> &part) {
  std::size_t bytes = part.capacity() * sizeof(EdgeSignal);
  for (const auto &signal : part)
    bytes += signal.evidence.capacity() * sizeof(Evidence);
  return bytes;
}

TestedRecord record_of(const EdgeSignal &s) {
  TestedRecord record{};
  record.stats = s.stats;
  record.expected = s.expected;
  record.log10_p = s.log10_p;
  record.log10_p_popularity = s.log10_p_popularity;
  record.evidence = s.evidence.size();
  record.signal = s.signal;
  record.engagement_gain = s.engagement_gain;
  return record;
}

EdgeSignal signal_of(const TestedRecord &r) {
  return {r.signal, r.engagement_gain, r.stats, r.expected, r.log10_p, r.log10_p_popularity, {}};
}

bool by_pair_and_signal(const EdgeSignal &x, const EdgeSignal &y) {
  return std::tie(x.stats.a, x.stats.b, x.signal) < std::tie(y.stats.a, y.stats.b, y.signal);
}

PartCursor::PartCursor(std::span<const EdgeSignal> held) : window_(held) {
  find_run_end();
}

PartCursor::PartCursor(const std::string &scratch_file) : path_(scratch_file) {
  file_ = std::fopen(path_.c_str(), "rb");
  if (file_ == nullptr)
    scratch_failure("open", path_);
  read_more();
  find_run_end();
}

PartCursor::~PartCursor() {
  if (file_ != nullptr)
    std::fclose(file_);
}

PartCursor::PartCursor(PartCursor &&other) noexcept
    : window_(other.window_), at_(other.at_), run_end_(other.run_end_), file_(other.file_),
      path_(std::move(other.path_)), buffer_(std::move(other.buffer_)) {
  other.file_ = nullptr; // window_ stays valid: a moved vector keeps its storage
}

void PartCursor::next() {
  at_ = run_end_;
  find_run_end();
}

void PartCursor::find_run_end() {
  while (true) {
    run_end_ = at_;
    while (run_end_ < window_.size() &&
           (run_end_ == at_ || (window_[run_end_].stats.a == window_[at_].stats.a &&
                                window_[run_end_].stats.b == window_[at_].stats.b)))
      ++run_end_;
    if (run_end_ < window_.size() || file_ == nullptr)
      return;
    // The run reaches the end of what was read: keep it, read on, and look again.
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(at_));
    at_ = 0;
    const bool more = read_more();
    window_ = buffer_;
    if (!more) {
      run_end_ = window_.size();
      return;
    }
  }
}

bool PartCursor::read_more() {
  std::size_t read = 0;
  TestedRecord record;
  while (read < kRecordsPerRead && read_bytes(file_, &record, sizeof record, path_)) {
    auto signal = signal_of(record);
    signal.evidence.resize(record.evidence);
    for (auto &item : signal.evidence) {
      if (!read_bytes(file_, &item, sizeof item, path_)) {
        errno = EIO;
        scratch_failure("read (it ends inside a record)", path_);
      }
    }
    buffer_.push_back(std::move(signal));
    ++read;
  }
  window_ = buffer_;
  if (read == 0) {
    std::fclose(file_);
    file_ = nullptr;
  }
  return read > 0;
}

TestedParts::TestedParts(std::size_t memory_bytes, const std::string &scratch_folder, int rank,
                         std::string name)
    : memory_bytes_(memory_bytes), scratch_folder_(scratch_folder), rank_(rank),
      name_(std::move(name)) {}

TestedParts::Folder::~Folder() {
  std::error_code ignored;
  fs::remove_all(path, ignored);
}

void TestedParts::add(std::vector<EdgeSignal> part) {
  if (!std::is_sorted(part.begin(), part.end(), by_pair_and_signal))
    tbb::parallel_sort(part.begin(), part.end(), by_pair_and_signal);
  held_bytes_ += held_bytes(part);
  parts_.push_back({std::move(part), {}});
  if (held_bytes_ > memory_bytes_)
    spill_held();
}

void TestedParts::spill_held() {
  if (!folder_) {
    folder_ = std::make_unique<Folder>();
    folder_->path = (fs::path(scratch_folder_) /
                     fmt::format("lockstep-{}-r{}-{}", static_cast<long>(getpid()), rank_, name_))
                        .string();
    std::error_code error;
    fs::create_directories(folder_->path, error);
    if (error) {
      errno = error.value();
      scratch_failure("make the folder of", folder_->path);
    }
  }
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    auto &part = parts_[i];
    if (!part.file.empty())
      continue;
    part.file = (fs::path(folder_->path) / fmt::format("part-{}.bin", i)).string();
    spilled_bytes_ += write_file(part.held, part.file);
    std::vector<EdgeSignal>().swap(part.held);
    ++spilled_parts_;
  }
  held_bytes_ = 0;
}

std::uint64_t TestedParts::write_file(std::span<const EdgeSignal> records,
                                      const std::string &path) {
  std::FILE *file = std::fopen(path.c_str(), "wb");
  if (file == nullptr)
    scratch_failure("create", path);
  std::uint64_t bytes = 0;
  for (const auto &signal : records) {
    const auto record = record_of(signal);
    write_bytes(file, &record, sizeof record, path);
    write_bytes(file, signal.evidence.data(), signal.evidence.size() * sizeof(Evidence), path);
    bytes += sizeof record + signal.evidence.size() * sizeof(Evidence);
  }
  if (std::fclose(file) != 0)
    scratch_failure("write", path);
  return bytes;
}

void TestedParts::save(std::size_t i, const std::string &path) const {
  const auto &part = parts_.at(i);
  const auto temporary = path + ".tmp";
  if (part.file.empty()) {
    write_file(part.held, temporary);
  } else {
    std::error_code error;
    fs::copy_file(part.file, temporary, fs::copy_options::overwrite_existing, error);
    if (error) {
      errno = error.value();
      scratch_failure("copy", part.file + " to " + temporary);
    }
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) {
    errno = error.value();
    scratch_failure("rename", temporary);
  }
}

void TestedParts::adopt(const std::string &path) {
  parts_.push_back({{}, path});
}

std::vector<EdgeSignal> TestedParts::read(std::size_t i) const {
  const auto &part = parts_.at(i);
  if (part.file.empty())
    return part.held;
  std::vector<EdgeSignal> out;
  for (PartCursor cursor(part.file); !cursor.done(); cursor.next())
    out.insert(out.end(), cursor.run().begin(), cursor.run().end());
  return out;
}

std::vector<PartCursor> TestedParts::cursors() const {
  std::vector<PartCursor> out;
  out.reserve(parts_.size());
  for (const auto &part : parts_) {
    if (part.file.empty())
      out.emplace_back(std::span<const EdgeSignal>(part.held));
    else
      out.emplace_back(part.file);
  }
  return out;
}

} // namespace lockstep::detect
