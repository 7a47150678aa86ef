/* SPDX-License-Identifier: MIT */
/*
 * Private interface between the files of core/mm (frame.c, heap.c, p2m.c)
 * and pvmmu.c / grant.c.  Not part of the core module contract.
 */
#ifndef CORE_MM_INTERNAL_H
#define CORE_MM_INTERNAL_H

#include <core/mm.h>

/* Per-domain memory state (d->mm). */
struct mm_dom {
    spinlock_t lock;    /* p2m entries and counters */
    uint32_t *p2m;      /* gfn -> mfn, P2M_EMPTY when not populated */
    uint64_t gfn_limit; /* gfns are 0..gfn_limit-1 (== max_pages) */
    uint64_t nr_pages;  /* populated gfns */
    uint64_t max_pages;
    unsigned long pt_frames; /* frames charged through core_frame_alloc(d) */
    unsigned long pt_limit;
};
#define P2M_EMPTY 0xffffffffu

/* Heap bookkeeping kept in the frame table for hypervisor frames. */
#define FRAME_TAG_NONE 0
#define FRAME_TAG_SLAB 1  /* a heap slab page */
#define FRAME_TAG_LARGE 2 /* first frame of a large heap block; aux = frames */

/* A zeroed frame owned by owner (a domid or FRAME_OWNER_HYP). */
mfn_t frame_alloc_owner(unsigned owner);

/*
 * Give a domain's frame back: freed at once if unreferenced, otherwise
 * orphaned and freed by the last frame_put().  Returns true if freed now.
 */
bool frame_release(mfn_t mfn);

/*
 * frame_get() that also checks the frame still belongs to owner, in one
 * step under the frame lock, so a frame released and reused between a
 * p2m lookup and the reference is never taken.  -HESTIA_EINVAL otherwise.
 */
int frame_get_owned(mfn_t mfn, unsigned owner);

/* Free a domain's frame only if unreferenced: 0 or -HESTIA_EBUSY. */
int frame_free_unref(mfn_t mfn);

/* Heap tags of a hypervisor frame (see FRAME_TAG_*). */
void frame_set_tag(mfn_t mfn, unsigned tag, uint32_t aux);
unsigned frame_tag(mfn_t mfn, uint32_t *aux);

/* Drop all heap state (called by mm_init). */
void heap_reset(void);

/* Page-table frame limit of a domain with max_pages of memory. */
unsigned long mm_pt_limit_for(uint64_t max_pages);

/*
 * Between pvmmu.c and grant.c: unmap every grant mapping d holds in
 * address space handle (before the space is destroyed).  Must be called
 * without d's MMU lock held.
 */
void grant_unmap_space(struct domain *d, uint64_t handle);

#endif
