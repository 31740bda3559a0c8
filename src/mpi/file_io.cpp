// Ordered collective writes with MPI-IO.
#include "mpi/file_io.hpp"

#include "mpi/collectives.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace lockstep::mpi {

namespace {

void check_io(int rc, const std::string &path, const char *what) {
  if (rc == MPI_SUCCESS)
    return;
  char reason[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(rc, reason, &length);
  throw std::runtime_error(path + ": " + what + " failed: " + std::string(reason, length));
}

} // namespace

void write_ordered(const Comm &comm, const std::string &path, std::string_view local) {
  write_ordered_sections(comm, path, std::span(&local, 1));
}

void write_ordered_sections(const Comm &comm, const std::string &path,
                            std::span<const std::string_view> sections) {
  // Where this rank's part of each section starts: the sections before it, whole, then the lower
  // ranks' parts of this one.
  std::vector<unsigned long long> sizes, before(sections.size(), 0);
  for (const auto section : sections)
    sizes.push_back(section.size());
  check(MPI_Exscan(sizes.data(), before.data(), static_cast<int>(sizes.size()),
                   MPI_UNSIGNED_LONG_LONG, MPI_SUM, comm.raw()),
        "MPI_Exscan");
  if (comm.is_root())
    std::fill(before.begin(), before.end(), 0); // MPI_Exscan leaves rank 0's result undefined
  const auto totals = allreduce(comm, std::span<const unsigned long long>(sizes), Op::sum);
  std::vector<unsigned long long> offsets(sections.size());
  unsigned long long section_start = 0;
  for (std::size_t s = 0; s < sections.size(); ++s) {
    offsets[s] = section_start + before[s];
    section_start += totals[s];
  }
  MPI_File file = MPI_FILE_NULL;
  // Errors on files are returned, not fatal (MPI_ERRORS_RETURN is the default for files).
  const int opened = MPI_File_open(comm.raw(), path.c_str(), MPI_MODE_CREATE | MPI_MODE_WRONLY,
                                   MPI_INFO_NULL, &file);
  const int all_opened = allreduce(comm, opened == MPI_SUCCESS ? 1 : 0, Op::min);
  if (all_opened == 0) {
    if (opened == MPI_SUCCESS)
      MPI_File_close(&file);
    check_io(opened == MPI_SUCCESS ? MPI_ERR_FILE : opened, path, "opening for writing");
  }
  int rc = MPI_File_set_size(file, 0);
  constexpr std::size_t kChunk = std::size_t{1} << 30;
  for (std::size_t s = 0; s < sections.size(); ++s) {
    const auto local = sections[s];
    for (std::size_t done = 0; rc == MPI_SUCCESS && done < local.size(); done += kChunk) {
      const auto n = static_cast<int>(std::min(kChunk, local.size() - done));
      rc = MPI_File_write_at(file, static_cast<MPI_Offset>(offsets[s] + done), local.data() + done,
                             n, MPI_CHAR, MPI_STATUS_IGNORE);
    }
  }
  const int close_rc = MPI_File_close(&file);
  if (rc == MPI_SUCCESS)
    rc = close_rc;
  const int all_ok = allreduce(comm, rc == MPI_SUCCESS ? 1 : 0, Op::min);
  if (all_ok == 0)
    check_io(rc == MPI_SUCCESS ? MPI_ERR_IO : rc, path, "writing");
}

} // namespace lockstep::mpi
