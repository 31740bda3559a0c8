// Attribute I/O with fixed-length strings (readable by h5dump, writable in parallel).
#include "store/attribute.hpp"

#include "store/error.hpp"

#include <algorithm>

namespace lockstep::store {
namespace {

std::string describe(const Group &group, const std::string &object, const std::string &name) {
  return (object == "." ? group.path() : group.path_of(object)) + "@" + name;
}

DatatypeHandle string_type(std::size_t length) {
  DatatypeHandle type(checked(H5Tcopy(H5T_C_S1), "H5Tcopy"));
  check_status(H5Tset_size(type.id(), std::max<std::size_t>(1, length)), "H5Tset_size");
  check_status(H5Tset_strpad(type.id(), H5T_STR_NULLPAD), "H5Tset_strpad");
  check_status(H5Tset_cset(type.id(), H5T_CSET_UTF8), "H5Tset_cset");
  return type;
}

void write_scalar(const Group &group, const std::string &name, const std::string &object,
                  hid_t file_type, hid_t mem_type, const void *value) {
  const std::string where = describe(group, object, name);
  if (H5Aexists_by_name(group.id(), object.c_str(), name.c_str(), H5P_DEFAULT) > 0) {
    check_status(H5Adelete_by_name(group.id(), object.c_str(), name.c_str(), H5P_DEFAULT),
                 "replacing attribute " + where);
  }
  DataspaceHandle space(checked(H5Screate(H5S_SCALAR), "H5Screate"));
  AttributeHandle attribute(H5Acreate_by_name(group.id(), object.c_str(), name.c_str(), file_type,
                                              space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!attribute)
    throw_hdf5_error("cannot create attribute " + where);
  check_status(H5Awrite(attribute.id(), mem_type, value), "writing attribute " + where);
}

AttributeHandle open_attribute(const Group &group, const std::string &name,
                               const std::string &object) {
  AttributeHandle attribute(
      H5Aopen_by_name(group.id(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT));
  if (!attribute)
    throw_hdf5_error("cannot open attribute " + describe(group, object, name));
  return attribute;
}

template <typename T>
T read_scalar(const Group &group, const std::string &name, const std::string &object,
              hid_t mem_type) {
  const auto attribute = open_attribute(group, name, object);
  T value{};
  check_status(H5Aread(attribute.id(), mem_type, &value),
               "reading attribute " + describe(group, object, name));
  return value;
}

} // namespace

void write_attribute(const Group &group, const std::string &name, const std::string &value,
                     const std::string &object) {
  const auto type = string_type(value.size());
  const std::string padded = value.empty() ? std::string(1, '\0') : value;
  write_scalar(group, name, object, type.id(), type.id(), padded.data());
}

void write_attribute(const Group &group, const std::string &name, std::int64_t value,
                     const std::string &object) {
  write_scalar(group, name, object, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void write_attribute(const Group &group, const std::string &name, double value,
                     const std::string &object) {
  write_scalar(group, name, object, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

std::string read_string_attribute(const Group &group, const std::string &name,
                                  const std::string &object) {
  const auto attribute = open_attribute(group, name, object);
  const std::string where = describe(group, object, name);
  DatatypeHandle type(checked(H5Aget_type(attribute.id()), "H5Aget_type(" + where + ")"));
  if (H5Tget_class(type.id()) != H5T_STRING || H5Tis_variable_str(type.id()) > 0) {
    throw Error("attribute " + where + " is not a fixed-length string");
  }
  std::string value(H5Tget_size(type.id()), '\0');
  check_status(H5Aread(attribute.id(), type.id(), value.data()), "reading attribute " + where);
  value.erase(std::find(value.begin(), value.end(), '\0'), value.end());
  return value;
}

std::int64_t read_int_attribute(const Group &group, const std::string &name,
                                const std::string &object) {
  return read_scalar<std::int64_t>(group, name, object, H5T_NATIVE_INT64);
}

double read_double_attribute(const Group &group, const std::string &name,
                             const std::string &object) {
  return read_scalar<double>(group, name, object, H5T_NATIVE_DOUBLE);
}

bool has_attribute(const Group &group, const std::string &name, const std::string &object) {
  const htri_t exists = H5Aexists_by_name(group.id(), object.c_str(), name.c_str(), H5P_DEFAULT);
  if (exists < 0)
    throw_hdf5_error("H5Aexists_by_name(" + describe(group, object, name) + ")");
  return exists > 0;
}

} // namespace lockstep::store
