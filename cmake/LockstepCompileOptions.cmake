# Warning and sanitizer flags shared by every Lockstep target, via the lockstep_options interface.
add_library(lockstep_options INTERFACE)
add_library(Lockstep::options ALIAS lockstep_options)
target_compile_features(lockstep_options INTERFACE cxx_std_20)
target_compile_options(lockstep_options INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor>)
# GCC 12 reports false -Wrestrict warnings inside std::string's operator+ at -O2 and above
# (GCC bug 105651, fixed in GCC 13); Debian 12 ships GCC 12.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(lockstep_options INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Wno-restrict>)
endif()
if(LOCKSTEP_WARNINGS_AS_ERRORS)
  target_compile_options(lockstep_options INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
endif()
if(LOCKSTEP_FUZZ)
  # Coverage instrumentation in every library, so that libFuzzer sees the parsers' branches.
  target_compile_options(lockstep_options INTERFACE -fsanitize=fuzzer-no-link)
endif()
if(LOCKSTEP_SANITIZE)
  target_compile_options(lockstep_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(lockstep_options INTERFACE -fsanitize=address,undefined)
endif()

# lockstep_add_module(NAME SOURCES ... DEPENDS ...): one library per folder under src/,
# exported as Lockstep::NAME with include root src/ (so code includes "NAME/header.hpp").
function(lockstep_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS" ${ARGN})
  add_library(lockstep_${name} ${ARG_SOURCES})
  add_library(Lockstep::${name} ALIAS lockstep_${name})
  target_include_directories(lockstep_${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src> $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/src>)
  target_link_libraries(lockstep_${name} PUBLIC Lockstep::options ${ARG_DEPENDS})
endfunction()
