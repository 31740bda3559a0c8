// The compile-time map from C++ column element types to HDF5 native types.
#pragma once

#include <concepts>
#include <cstdint>
#include <hdf5.h>
#include <type_traits>

namespace lockstep::store {

template <typename T>
concept ColumnType = std::same_as<T, std::int8_t> || std::same_as<T, std::uint8_t> ||
    std::same_as<T, std::int16_t> || std::same_as<T, std::uint16_t> ||
    std::same_as<T, std::int32_t> || std::same_as<T, std::uint32_t> ||
    std::same_as<T, std::int64_t> || std::same_as<T, std::uint64_t> || std::same_as<T, float> ||
    std::same_as<T, double>;

template <ColumnType T>
hid_t native_type() {
  if constexpr (std::same_as<T, std::int8_t>)
    return H5T_NATIVE_INT8;
  else if constexpr (std::same_as<T, std::uint8_t>)
    return H5T_NATIVE_UINT8;
  else if constexpr (std::same_as<T, std::int16_t>)
    return H5T_NATIVE_INT16;
  else if constexpr (std::same_as<T, std::uint16_t>)
    return H5T_NATIVE_UINT16;
  else if constexpr (std::same_as<T, std::int32_t>)
    return H5T_NATIVE_INT32;
  else if constexpr (std::same_as<T, std::uint32_t>)
    return H5T_NATIVE_UINT32;
  else if constexpr (std::same_as<T, std::int64_t>)
    return H5T_NATIVE_INT64;
  else if constexpr (std::same_as<T, std::uint64_t>)
    return H5T_NATIVE_UINT64;
  else if constexpr (std::same_as<T, float>)
    return H5T_NATIVE_FLOAT;
  else
    return H5T_NATIVE_DOUBLE;
}

// The little-endian file type for T, so stores are portable between machines.
template <ColumnType T>
hid_t file_type() {
  if constexpr (std::same_as<T, std::int8_t>)
    return H5T_STD_I8LE;
  else if constexpr (std::same_as<T, std::uint8_t>)
    return H5T_STD_U8LE;
  else if constexpr (std::same_as<T, std::int16_t>)
    return H5T_STD_I16LE;
  else if constexpr (std::same_as<T, std::uint16_t>)
    return H5T_STD_U16LE;
  else if constexpr (std::same_as<T, std::int32_t>)
    return H5T_STD_I32LE;
  else if constexpr (std::same_as<T, std::uint32_t>)
    return H5T_STD_U32LE;
  else if constexpr (std::same_as<T, std::int64_t>)
    return H5T_STD_I64LE;
  else if constexpr (std::same_as<T, std::uint64_t>)
    return H5T_STD_U64LE;
  else if constexpr (std::same_as<T, float>)
    return H5T_IEEE_F32LE;
  else
    return H5T_IEEE_F64LE;
}

} // namespace lockstep::store
