// Point-to-point and collective transfer of arbitrary objects through Boost.Serialization, for
// irregular messages (forests, summaries, configurations). Hot-path data uses alltoallv instead.
#pragma once

#include "mpi/collectives.hpp"
#include "mpi/comm.hpp"

#include <algorithm>
#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

namespace lockstep::mpi {

inline constexpr int kObjectTag = 7301;

// Serialised bytes of any Boost-serialisable object (binary archive: ranks share one platform).
template <typename T>
std::string to_bytes(const T &object) {
  std::ostringstream stream(std::ios::binary);
  {
    boost::archive::binary_oarchive archive(stream, boost::archive::no_header);
    archive << object;
  }
  return std::move(stream).str();
}

template <typename T>
T from_bytes(const std::string &bytes) {
  std::istringstream stream(bytes, std::ios::binary);
  boost::archive::binary_iarchive archive(stream, boost::archive::no_header);
  T object;
  archive >> object;
  return object;
}

namespace detail {

inline constexpr std::size_t kBytesPerMessage = std::size_t{1} << 30;

inline void send_bytes(const Comm &comm, const std::string &bytes, int dest, int tag) {
  unsigned long long size = bytes.size();
  check(MPI_Send(&size, 1, MPI_UNSIGNED_LONG_LONG, dest, tag, comm.raw()), "MPI_Send");
  for (std::size_t begin = 0; begin < bytes.size(); begin += kBytesPerMessage) {
    const auto count = static_cast<int>(std::min(kBytesPerMessage, bytes.size() - begin));
    check(MPI_Send(bytes.data() + begin, count, MPI_BYTE, dest, tag, comm.raw()), "MPI_Send");
  }
}

inline std::string recv_bytes(const Comm &comm, int source, int tag) {
  unsigned long long size = 0;
  check(MPI_Recv(&size, 1, MPI_UNSIGNED_LONG_LONG, source, tag, comm.raw(), MPI_STATUS_IGNORE),
        "MPI_Recv");
  std::string bytes(size, '\0');
  for (std::size_t begin = 0; begin < bytes.size(); begin += kBytesPerMessage) {
    const auto count = static_cast<int>(std::min(kBytesPerMessage, bytes.size() - begin));
    check(
        MPI_Recv(bytes.data() + begin, count, MPI_BYTE, source, tag, comm.raw(), MPI_STATUS_IGNORE),
        "MPI_Recv");
  }
  return bytes;
}

} // namespace detail

template <typename T>
void send_object(const Comm &comm, const T &object, int dest, int tag = kObjectTag) {
  detail::send_bytes(comm, to_bytes(object), dest, tag);
}

template <typename T>
T recv_object(const Comm &comm, int source, int tag = kObjectTag) {
  return from_bytes<T>(detail::recv_bytes(comm, source, tag));
}

// Every rank ends with the root's object.
template <typename T>
void broadcast_object(const Comm &comm, T &object, int root = 0) {
  std::vector<char> bytes;
  if (comm.rank() == root) {
    const std::string encoded = to_bytes(object);
    bytes.assign(encoded.begin(), encoded.end());
  }
  broadcast(comm, bytes, root);
  if (comm.rank() != root)
    object = from_bytes<T>(std::string(bytes.begin(), bytes.end()));
}

// The root gets every rank's object in rank order; other ranks get an empty vector.
template <typename T>
std::vector<T> gather_objects(const Comm &comm, const T &object, int root = 0,
                              int tag = kObjectTag) {
  if (comm.rank() != root) {
    send_object(comm, object, root, tag);
    return {};
  }
  std::vector<T> objects;
  objects.reserve(static_cast<std::size_t>(comm.size()));
  for (int source = 0; source < comm.size(); ++source) {
    objects.push_back(source == root ? object : recv_object<T>(comm, source, tag));
  }
  return objects;
}

} // namespace lockstep::mpi
