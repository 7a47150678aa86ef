/* SPDX-License-Identifier: MIT */
/*
 * HYPERCALL_memory_op(cmd, ptr): a domain's pseudo-physical memory.
 * A domain may give frames back and take them again, never beyond max_pages.
 */
#ifndef HESTIA_PUBLIC_MEMORY_H
#define HESTIA_PUBLIC_MEMORY_H

#include "abi.h"

#define MEMOP_get_info 0 /* ptr -> struct memop_info */
#define MEMOP_release 1  /* ptr -> struct memop_range: gfns lose their frames */
#define MEMOP_populate 2 /* ptr -> struct memop_range: empty gfns get frames */

struct memop_info {
    uint64_t nr_pages;  /* frames currently backing the domain */
    uint64_t max_pages; /* the limit */
    uint64_t gfn_limit; /* gfns are 0..gfn_limit-1 */
};

struct memop_range {
    uint64_t gfn;
    uint64_t count; /* at most MEMOP_MAX_COUNT */
    uint64_t done;  /* OUT: frames processed */
};
#define MEMOP_MAX_COUNT 4096

#endif
