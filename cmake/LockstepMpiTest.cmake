# Test registration helpers.
#
# lockstep_add_mpi_test(NAME SOURCES ... [LIBS ...] RANKS 1 2 3 4 [TIMEOUT seconds])
#   builds one GoogleTest binary with the MPI test main and adds one ctest entry per rank count,
#   named NAME.npN, launched through mpiexec with --oversubscribe (Open MPI), a timeout (a rank
#   that leaves a collective would hang the others), the root variables and no colour.
#
# lockstep_add_expect_test(NAME RANKS N [STATUS s|nonzero] [MATCH re...] [NO_MATCH re...]
#                          [ONCE re...] COMMAND ...)
#   runs COMMAND (under mpiexec -n N when RANKS is given) and checks its exit status and output.

set(LOCKSTEP_TEST_ENVIRONMENT
  "OMPI_ALLOW_RUN_AS_ROOT=1" "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1" "OMPI_MCA_mpi_yield_when_idle=1"
  "GTEST_COLOR=no")
if(LOCKSTEP_SANITIZE)
  # Open MPI's dlopen'ed components leak at MPI_Finalize and are unloaded before LeakSanitizer
  # reports, so their frames cannot be suppressed by name: leak checking is off under MPI, while
  # ASan's memory-error checks and UBSan stay on and fatal.
  list(APPEND LOCKSTEP_TEST_ENVIRONMENT "ASAN_OPTIONS=detect_leaks=0"
       "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
endif()
separate_arguments(_lockstep_mpiexec_flags UNIX_COMMAND "${LOCKSTEP_MPIEXEC_FLAGS}")

function(lockstep_mpi_launcher out ranks)
  set(${out} ${LOCKSTEP_MPIEXEC} ${MPIEXEC_NUMPROC_FLAG} ${ranks} ${_lockstep_mpiexec_flags}
      PARENT_SCOPE)
endfunction()

function(lockstep_set_test_properties test ranks timeout)
  set_tests_properties(${test} PROPERTIES PROCESSORS ${ranks} TIMEOUT ${timeout})
  set_property(TEST ${test} PROPERTY ENVIRONMENT ${LOCKSTEP_TEST_ENVIRONMENT})
endfunction()

function(lockstep_add_mpi_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;RANKS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  if(NOT ARG_RANKS)
    message(FATAL_ERROR "lockstep_add_mpi_test(${name}): RANKS is required")
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE lockstep_test_main ${ARG_LIBS})
  foreach(ranks IN LISTS ARG_RANKS)
    lockstep_mpi_launcher(launcher ${ranks})
    add_test(NAME ${name}.np${ranks} COMMAND ${launcher} $<TARGET_FILE:${name}>)
    lockstep_set_test_properties(${name}.np${ranks} ${ranks} ${ARG_TIMEOUT})
  endforeach()
endfunction()

function(lockstep_add_expect_test name)
  cmake_parse_arguments(ARG "" "RANKS;STATUS;TIMEOUT" "MATCH;NO_MATCH;ONCE;COMMAND" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  set(expect ${PROJECT_SOURCE_DIR}/tests/support/expect-output.sh)
  set(checks)
  if(DEFINED ARG_STATUS)
    list(APPEND checks --status ${ARG_STATUS})
  endif()
  foreach(re IN LISTS ARG_MATCH)
    list(APPEND checks --match "${re}")
  endforeach()
  foreach(re IN LISTS ARG_NO_MATCH)
    list(APPEND checks --no-match "${re}")
  endforeach()
  foreach(re IN LISTS ARG_ONCE)
    list(APPEND checks --once "${re}")
  endforeach()
  set(launcher)
  set(processors 1)
  if(ARG_RANKS)
    lockstep_mpi_launcher(launcher ${ARG_RANKS})
    set(processors ${ARG_RANKS})
  endif()
  add_test(NAME ${name} COMMAND bash ${expect} ${checks} -- ${launcher} ${ARG_COMMAND})
  lockstep_set_test_properties(${name} ${processors} ${ARG_TIMEOUT})
endfunction()
