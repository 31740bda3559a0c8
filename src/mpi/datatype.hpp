// The compile-time map from C++ types to MPI datatypes. Arithmetic types map to MPI's built-in
// types (usable with reductions); any other trivially copyable type travels as opaque bytes.
#pragma once

#include <concepts>
#include <cstdint>
#include <mpi.h>
#include <type_traits>

namespace lockstep::mpi {

template <typename T>
concept Transferable = std::is_trivially_copyable_v<T>;

template <typename T>
concept Builtin = std::is_arithmetic_v<T>;

template <Builtin T>
MPI_Datatype builtin_datatype() {
  using U = std::remove_cv_t<T>;
  if constexpr (std::is_same_v<U, bool>)
    return MPI_CXX_BOOL;
  else if constexpr (std::is_same_v<U, char>)
    return MPI_CHAR;
  else if constexpr (std::is_same_v<U, signed char>)
    return MPI_SIGNED_CHAR;
  else if constexpr (std::is_same_v<U, unsigned char>)
    return MPI_UNSIGNED_CHAR;
  else if constexpr (std::is_same_v<U, short>)
    return MPI_SHORT;
  else if constexpr (std::is_same_v<U, unsigned short>)
    return MPI_UNSIGNED_SHORT;
  else if constexpr (std::is_same_v<U, int>)
    return MPI_INT;
  else if constexpr (std::is_same_v<U, unsigned>)
    return MPI_UNSIGNED;
  else if constexpr (std::is_same_v<U, long>)
    return MPI_LONG;
  else if constexpr (std::is_same_v<U, unsigned long>)
    return MPI_UNSIGNED_LONG;
  else if constexpr (std::is_same_v<U, long long>)
    return MPI_LONG_LONG;
  else if constexpr (std::is_same_v<U, unsigned long long>)
    return MPI_UNSIGNED_LONG_LONG;
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
