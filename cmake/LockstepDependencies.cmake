# Finds every library Lockstep links. Nothing is downloaded: all come from the system (Debian 12).

# MPI: C and C++ bindings; the library version string tells Open MPI from others.
set(MPI_DETERMINE_LIBRARY_VERSION TRUE)
find_package(MPI REQUIRED COMPONENTS C CXX)

# HDF5 must be the parallel build, or collective I/O silently becomes impossible.
set(HDF5_PREFER_PARALLEL TRUE)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR
    "Lockstep needs a parallel (MPI) build of HDF5, but the HDF5 found is serial "
    "(HDF5_C_INCLUDE_DIRS=${HDF5_C_INCLUDE_DIRS}). On Debian install libhdf5-openmpi-dev; "
    "elsewhere point HDF5_ROOT at a parallel build.")
endif()
if(NOT TARGET lockstep_hdf5)
  add_library(lockstep_hdf5 INTERFACE)
  target_include_directories(lockstep_hdf5 SYSTEM INTERFACE ${HDF5_C_INCLUDE_DIRS})
  target_link_libraries(lockstep_hdf5 INTERFACE ${HDF5_C_LIBRARIES} MPI::MPI_C)
  target_compile_definitions(lockstep_hdf5 INTERFACE ${HDF5_C_DEFINITIONS})
  add_library(Lockstep::hdf5 ALIAS lockstep_hdf5)
endif()

find_package(TBB REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS serialization)
find_package(CLI11 REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(tomlplusplus REQUIRED)

find_package(PkgConfig REQUIRED)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
pkg_check_modules(SIMDJSON REQUIRED IMPORTED_TARGET simdjson)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
# Through pkg-config: Debian's igraph CMake package lists the static link dependencies (arpack,
# glpk, ...) whose development files the shared library does not need.
pkg_check_modules(IGRAPH REQUIRED IMPORTED_TARGET igraph)
find_package(ZLIB REQUIRED)
# ips4o (header-only, Debian's libips4o-dev): ingest's sequential sorts of compact keys.
find_path(IPS4O_INCLUDE_DIR ips4o.hpp PATH_SUFFIXES ips4o REQUIRED)
add_library(Lockstep::ips4o INTERFACE IMPORTED)
set_target_properties(Lockstep::ips4o PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${IPS4O_INCLUDE_DIR})

if(LOCKSTEP_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()

# MPI launcher used by tests and the demo.
set(LOCKSTEP_MPIEXEC "${MPIEXEC_EXECUTABLE}" CACHE FILEPATH "MPI launcher for tests")
if(MPI_C_LIBRARY_VERSION_STRING MATCHES "Open MPI")
  set(_lockstep_default_mpiexec_flags "--oversubscribe")
else()
  set(_lockstep_default_mpiexec_flags "")
endif()
set(LOCKSTEP_MPIEXEC_FLAGS "${_lockstep_default_mpiexec_flags}" CACHE STRING
    "Extra launcher flags for tests (Open MPI: --oversubscribe to run 4 ranks on fewer cores)")
