// Transparent huge pages for the heap: glibc backs malloc's memory with 2 MB pages only when
// GLIBC_TUNABLES says glibc.malloc.hugetlb=1 at process start, so lockstep starts itself once
// more with it set.
#pragma once

#include <string>

namespace lockstep::app {

// Replaces this process with itself, GLIBC_TUNABLES extended by glibc.malloc.hugetlb=1, unless it
// already names that tunable (set glibc.malloc.hugetlb=0 to opt out). Call first in main, before
// MPI starts; returns only when it did not re-execute (the tunable was set, or execv failed).
void restart_with_huge_pages(char **argv);

// What backs this process's heap, for check-env: "transparent huge pages (...)" or "4 KB pages
// (...)", with the tunable's value and the kernel's THP mode.
std::string heap_pages();

} // namespace lockstep::app
