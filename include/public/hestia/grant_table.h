/* SPDX-License-Identifier: MIT */
/*
 * HYPERCALL_grant_table_op(cmd, ptr, count): sharing frames between domains.
 *
 * The granting domain keeps its grant table in its own memory (frames given
 * with GNTTABOP_setup_table).  Entry `ref` says: domain `domid` may access my
 * frame `gfn`, read-only if GTF_readonly.  The hypervisor keeps its own record
 * of every active mapping, so changing or revoking an entry while it is mapped
 * does not free the frame: the frame is pinned until the last unmap.
 */
#ifndef HESTIA_PUBLIC_GRANT_TABLE_H
#define HESTIA_PUBLIC_GRANT_TABLE_H

#include "abi.h"

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

struct grant_entry {
    uint16_t flags;       /* GTF_* */
    hestia_domid_t domid; /* who may map it */
    uint32_t gfn;         /* the granter's frame */
};
#define GRANT_ENTRIES_PER_PAGE (HESTIA_PAGE_SIZE / sizeof(struct grant_entry))
#define GRANT_MAX_TABLE_FRAMES 4

/* Flags written by the granter. */
#define GTF_permit_access 0x0001
#define GTF_readonly 0x0004
/* Flags written by the hypervisor while the grant is in use. */
#define GTF_reading 0x0008
#define GTF_writing 0x0010

#define GNTTABOP_map_grant_ref 0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_setup_table 2
#define GNTTABOP_copy 3
#define GNTTABOP_query_size 4
#define GNTTAB_MAX_BATCH 64

#define GNTMAP_readonly 0x1

/* Map dom's grant `ref` at virtual address host_va of the caller's address space `as`. */
struct gnttab_map_grant_ref {
    uint64_t host_va;
    uint64_t as;    /* address-space handle (see mmu.h); 0 = kernel */
    uint32_t flags; /* GNTMAP_* */
    grant_ref_t ref;
    hestia_domid_t dom;
    uint16_t pad;
    int32_t status;        /* OUT: 0 or -HESTIA_E* */
    grant_handle_t handle; /* OUT */
    uint32_t pad2;
};

struct gnttab_unmap_grant_ref {
    uint64_t host_va;
    uint64_t as;
    grant_handle_t handle;
    int32_t status; /* OUT */
};

/* Give the hypervisor the frames that hold my grant table. */
struct gnttab_setup_table {
    uint64_t frames;    /* guest pointer to uint64_t gfn[nr_frames] */
    uint32_t nr_frames; /* 1..GRANT_MAX_TABLE_FRAMES */
    int32_t status;     /* OUT */
};

struct gnttab_copy_ptr {
    uint64_t u;           /* ref (GNTCOPY_*_gref) or gfn of the caller */
    hestia_domid_t domid; /* owner: DOMID_SELF or a granter */
    uint16_t offset;
    uint32_t pad;
};
#define GNTCOPY_source_gref 0x1
#define GNTCOPY_dest_gref 0x2

struct gnttab_copy {
    struct gnttab_copy_ptr source, dest;
    uint16_t len;   /* source/dest ranges must stay within one page */
    uint16_t flags; /* GNTCOPY_* */
    int32_t status; /* OUT */
};

struct gnttab_query_size {
    uint32_t nr_frames;     /* OUT */
    uint32_t max_nr_frames; /* OUT */
    int32_t status;         /* OUT */
    uint32_t pad;
};

#endif
