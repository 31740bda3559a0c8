// The --version report: Lockstep's version and those of the libraries it was built with.
#include "app/cli.hpp"
#include "common/version.hpp"
#include "mpi/comm.hpp"
#include "mpi/launch.hpp"
#include "store/error.hpp"

#include <boost/version.hpp>
#include <fmt/format.h>
#include <oneapi/tbb/version.h>

namespace lockstep::app {

std::string version_report() {
  std::string out = fmt::format("lockstep {}\n", kVersion);
  out += fmt::format("  MPI:     {} (MPI standard {}.{})\n", mpi::library_version(), MPI_VERSION,
                     MPI_SUBVERSION);
  const auto pml = mpi::chosen_transport();
  out += fmt::format("  MPI PML: {}\n",
                     pml ? *pml + " (every rank on this node; OMPI_MCA_pml chooses another)"
                         : "as MPI chooses");
  out += fmt::format("  HDF5:    {} (parallel, built against {}.{}.{})\n", store::hdf5_version(),
                     H5_VERS_MAJOR, H5_VERS_MINOR, H5_VERS_RELEASE);
  out += fmt::format("  oneTBB:  {} (runtime interface {})\n", TBB_VERSION_STRING,
                     TBB_runtime_interface_version());
  out += fmt::format("  Boost:   {}.{}.{}\n", BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000,
                     BOOST_VERSION % 100);
  out += fmt::format("  built:   {} with {}\n", LOCKSTEP_BUILD_TYPE, __VERSION__);
  return out;
}

} // namespace lockstep::app
