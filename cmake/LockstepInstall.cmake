# Installing Lockstep the way clusters install software (`cmake --install build --prefix PREFIX`):
# the binary in bin/, the job files and Slurm scripts in share/lockstep/, data-schema/ and the
# README in share/doc/lockstep/, a man page and bash completion generated from the CLI's own
# help, and an Lmod modulefile in modulefiles/lockstep/VERSION.lua written for the prefix it is
# installed to. CPack makes the same tree a Debian package (cpack -G DEB in the build folder).
include(GNUInstallDirs)

install(TARGETS lockstep RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/jobs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/lockstep/jobs)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/slurm/ DESTINATION ${CMAKE_INSTALL_DATADIR}/lockstep/slurm
        USE_SOURCE_PERMISSIONS)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/data-schema DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The man page and the completion, from the built binary (help2man: Debian's help2man package).
find_program(LOCKSTEP_HELP2MAN help2man)
if(NOT LOCKSTEP_HELP2MAN)
  message(WARNING "help2man not found: no man page (scripts/install-deps.sh installs it)")
endif()
set(help_dir ${PROJECT_BINARY_DIR}/share)
set(help_outputs ${help_dir}/lockstep.bash)
if(LOCKSTEP_HELP2MAN)
  list(APPEND help_outputs ${help_dir}/lockstep.1)
endif()
add_custom_command(
  OUTPUT ${help_outputs}
  COMMAND ${CMAKE_COMMAND} -DLOCKSTEP=$<TARGET_FILE:lockstep> -DHELP2MAN=${LOCKSTEP_HELP2MAN}
          -DOUT_DIR=${help_dir} -P ${PROJECT_SOURCE_DIR}/cmake/LockstepHelpPages.cmake
  DEPENDS lockstep ${PROJECT_SOURCE_DIR}/cmake/LockstepHelpPages.cmake
  COMMENT "Man page and bash completion from lockstep --help")
add_custom_target(lockstep_help_pages ALL DEPENDS ${help_outputs})
install(FILES ${help_dir}/lockstep.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME lockstep)
if(LOCKSTEP_HELP2MAN)
  install(FILES ${help_dir}/lockstep.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

# The modulefile names the prefix the tree lands in, known only at install time (--prefix). Under
# /usr (the Debian package) it goes where Debian's Lmod looks without `module use`.
set(LOCKSTEP_MODULEFILES_DIR "modulefiles" CACHE STRING
    "Where the Lmod modulefile goes, relative to the install prefix")
set(LOCKSTEP_MPI_VERSION "${MPI_CXX_LIBRARY_VERSION_STRING}")
string(REGEX REPLACE "[,\n].*" "" LOCKSTEP_MPI_VERSION "${LOCKSTEP_MPI_VERSION}")
set(LOCKSTEP_PREFIX "@LOCKSTEP_PREFIX@") # filled in at install time, below
configure_file(${PROJECT_SOURCE_DIR}/cmake/lockstep.lua.in ${PROJECT_BINARY_DIR}/lockstep.lua.in
               @ONLY)
install(CODE "
  set(LOCKSTEP_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  set(dir \"${LOCKSTEP_MODULEFILES_DIR}\")
  if(LOCKSTEP_PREFIX STREQUAL /usr AND dir STREQUAL modulefiles)
    set(dir share/lmod/lmod/modulefiles)
  endif()
  set(file \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/\${dir}/lockstep/${PROJECT_VERSION}.lua\")
  configure_file(\"${PROJECT_BINARY_DIR}/lockstep.lua.in\" \"\${file}\" @ONLY)
  message(STATUS \"Installing: \${file}\")")

# The Debian package: runtime libraries from the binary's own links (dpkg-shlibdeps), and the MPI
# launcher, which nothing links.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME lockstep)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Lockstep developers <lockstep@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "openmpi-bin")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "lmod, bash-completion, slurm-client")
include(CPack)
