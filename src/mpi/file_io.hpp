// Shared output files written through MPI-IO: every rank's bytes land in one file in rank order,
// at offsets from an exclusive scan, so no rank has to gather the others' output.
#pragma once

#include "mpi/comm.hpp"

#include <span>
#include <string>
#include <string_view>

namespace lockstep::mpi {

// Creates (or truncates) `path` and writes every rank's `local` bytes into it, in rank order.
// Collective; throws on any rank's failure with the path and MPI's reason.
void write_ordered(const Comm &comm, const std::string &path, std::string_view local);

// The same for a file made of sections (a header, then nodes, then edges, ...): section s holds
// every rank's sections[s] in rank order, after all of section s - 1. Every rank passes the same
// number of sections.
void write_ordered_sections(const Comm &comm, const std::string &path,
                            std::span<const std::string_view> sections);

} // namespace lockstep::mpi
