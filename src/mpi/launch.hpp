// How this process was launched, read before MPI starts: whether every rank shares one node, and
// the transport choice that follows from it. Open MPI, left to choose, probes the network layers
// it was built with (Debian's: PSM and PSM2 for Omni-Path) before it settles on shared memory; on
// a node without them that probe took 0.2 s of every command's start (a 2-core VM:
// `mpiexec -n 1 lockstep --version` took 0.49 s, 0.28 s with `--mca pml ob1`).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lockstep::mpi {

// An environment variable's value, or nothing when unset.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string &name)>;

// True when the launcher says every rank runs on this node: Open MPI's mpiexec
// (OMPI_COMM_WORLD_LOCAL_SIZE equal to OMPI_COMM_WORLD_SIZE), a Slurm step on one node
// (SLURM_STEP_NUM_NODES = 1), or no launcher at all (a singleton). False when unsure.
bool ranks_share_one_node(const EnvironmentLookup &environment);

// The PML that `parameters` (the text of an Open MPI MCA parameter file) sets, as written
// ("ucx", "^ucx"); nothing when it sets none. The last setting wins, as in Open MPI.
std::optional<std::string> pml_setting(const std::string &parameters);

// True when a PML setting leaves ob1 free to be chosen: an exclusion ("^ucx,cm") without ob1.
// A selection ("ucx", "ob1,cm") is the user's or the site's choice, and stays theirs.
bool allows_choosing_ob1(const std::string &setting);

// The MCA parameter files Open MPI reads, as this environment names them: the system file, the
// user's, and any in OMPI_MCA_mca_base_param_files.
std::vector<std::string> mca_parameter_files(const EnvironmentLookup &environment);

// Open MPI's point-to-point layer for a launch: "ob1" (shared memory between the ranks of one
// node) when every rank shares this node, the user set no OMPI_MCA_pml, and no parameter file
// selects a PML or excludes ob1; otherwise nothing, and MPI chooses as it always does.
// `file_text` reads a file (nothing when it cannot).
std::optional<std::string> single_node_pml(
    const EnvironmentLookup &environment,
    const std::function<std::optional<std::string>(const std::string &path)> &file_text);

// Sets OMPI_MCA_pml to single_node_pml's choice for this process, before MPI_Init; returns the
// choice. Every rank of a launch sees the same launcher variables, so all choose alike.
std::optional<std::string> choose_single_node_transport();

// What choose_single_node_transport chose in this process: "ob1", or nothing (MPI's own choice).
std::optional<std::string> chosen_transport();

} // namespace lockstep::mpi
