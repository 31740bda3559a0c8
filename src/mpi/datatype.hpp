// The compile-time map from C++ types to MPI datatypes. Arithmetic types map to MPI's built-in
// types (usable with reductions); any other trivially copyable type travels as opaque bytes.
#pragma once

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <mpi.h>
#include <type_traits>

namespace lockstep::mpi {

template <typename T>
concept Transferable = std::is_trivially_copyable_v<T>;

template <typename T>
concept Builtin = std::is_arithmetic_v<T>;

// Integers map to MPI's fixed-width types by size and signedness. Open MPI 4.1.2-4.1.4 (Debian
// 12 ships 4.1.4) reduces MPI_UNSIGNED_LONG with MPI_MIN and MPI_MAX as if it were signed
// (open-mpi/ompi#10525), so min(5, 2^64 - 1) came back as 2^64 - 1; MPI_UINT64_T is right.
template <std::integral U>
MPI_Datatype integer_datatype() {
  constexpr std::size_t width = sizeof(U);
  static_assert(width == 1 || width == 2 || width == 4 || width == 8,
                "no MPI datatype for this integer width");
  const MPI_Datatype by_width[2][4] = {{MPI_UINT8_T, MPI_UINT16_T, MPI_UINT32_T, MPI_UINT64_T},
                                       {MPI_INT8_T, MPI_INT16_T, MPI_INT32_T, MPI_INT64_T}};
  return by_width[std::is_signed_v<U>][std::bit_width(width) - 1]; // widths 1, 2, 4, 8 bytes
}

template <Builtin T>
MPI_Datatype builtin_datatype() {
  using U = std::remove_cv_t<T>;
  if constexpr (std::is_same_v<U, bool>)
    return MPI_CXX_BOOL;
  else if constexpr (std::is_same_v<U, char>)
    return MPI_CHAR;
  else if constexpr (std::is_integral_v<U>)
    return integer_datatype<U>();
  else if constexpr (std::is_same_v<U, float>)
    return MPI_FLOAT;
  else if constexpr (std::is_same_v<U, double>)
    return MPI_DOUBLE;
  else if constexpr (std::is_same_v<U, long double>)
    return MPI_LONG_DOUBLE;
  else
    static_assert(sizeof(T) == 0, "no MPI datatype for this arithmetic type");
}

// The MPI datatype for T: built-in for arithmetic types, else a committed contiguous type of
// sizeof(T) bytes created once per T (MPI frees it at MPI_Finalize).
template <Transferable T>
MPI_Datatype datatype() {
  if constexpr (Builtin<T>) {
    return builtin_datatype<T>();
  } else {
    static const MPI_Datatype type = [] {
      MPI_Datatype t = MPI_DATATYPE_NULL;
      MPI_Type_contiguous(static_cast<int>(sizeof(T)), MPI_BYTE, &t);
      MPI_Type_commit(&t);
      return t;
    }();
    return type;
  }
}

} // namespace lockstep::mpi
