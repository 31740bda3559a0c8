// A move-only owner of one HDF5 identifier, closed with the matching H5?close function.
#pragma once

#include <hdf5.h>
#include <utility>

namespace lockstep::store {

template <herr_t (*Close)(hid_t)>
class Owned {
public:
  Owned() = default;
  explicit Owned(hid_t id) : id_(id) {}
  ~Owned() { reset(); }
  Owned(Owned &&other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Owned &operator=(Owned &&other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Owned(const Owned &) = delete;
  Owned &operator=(const Owned &) = delete;

  hid_t id() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  // Gives up ownership without closing.
  hid_t release() { return std::exchange(id_, H5I_INVALID_HID); }
  void reset() {
    if (id_ >= 0)
      Close(id_);
    id_ = H5I_INVALID_HID;
  }

private:
  hid_t id_ = H5I_INVALID_HID;
};

using FileHandle = Owned<H5Fclose>;
using GroupHandle = Owned<H5Gclose>;
using DatasetHandle = Owned<H5Dclose>;
using DataspaceHandle = Owned<H5Sclose>;
using PropListHandle = Owned<H5Pclose>;
using AttributeHandle = Owned<H5Aclose>;
using DatatypeHandle = Owned<H5Tclose>;

} // namespace lockstep::store
