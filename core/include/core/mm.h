/* SPDX-License-Identifier: MIT */
/*
 * Machine memory: the frame allocator with per-frame ownership and
 * reference counts, the hypervisor heap, and each domain's pseudo-physical
 * map (gfn -> mfn) with accounting and limits.
 *
 * Invariant: a frame with a non-zero reference count (mapped somewhere, by
 * its owner or through a grant) is never freed or given to anyone else.
 * Releasing such a frame fails with -HESTIA_EBUSY; when its owner dies the
 * frame is freed only after the last reference is dropped.
 */
#ifndef CORE_MM_H
#define CORE_MM_H

#include "domain.h"

#define FRAME_OWNER_FREE 0xffffu   /* in the free pool */
#define FRAME_OWNER_HYP 0xfffeu    /* hypervisor (heap, page tables of no domain) */
#define FRAME_OWNER_ORPHAN 0xfffdu /* owner died while mapped: freed at refcount 0 */

/* Take over the RAM regions of bi (excluding what the arch reserved). */
void mm_init(const struct hal_boot_info *bi);

/* Frames free right now / managed in total. */
unsigned long mm_free_frames(void);
unsigned long mm_total_frames(void);
/* Allocated frames owned by the hypervisor; of them, page-table frames (core_frame_alloc).
 */
unsigned long mm_hyp_frames(void);
unsigned long mm_pt_frames_total(void);
/* Bytes of heap objects in use (size classes rounded up; large blocks in frames). */
size_t heap_bytes_in_use(void);

/* A zeroed frame for the hypervisor; MFN_INVALID if none. */
mfn_t frame_alloc(void);
/* n physically contiguous zeroed frames; MFN_INVALID if none. */
mfn_t frame_alloc_contig(unsigned long n);
void frame_free(mfn_t mfn);
void frame_free_contig(mfn_t mfn, unsigned long n);

/* Whether mfn is a frame the allocator manages. */
bool frame_valid(mfn_t mfn);
/* Owner domid of a frame (FRAME_OWNER_*). */
unsigned frame_owner(mfn_t mfn);

/*
 * Take / drop a mapping reference on a frame owned by a domain.
 * frame_get fails with -HESTIA_EINVAL for a free, hypervisor or invalid
 * frame.  frame_put frees an orphaned frame when the count reaches 0.
 */
int frame_get(mfn_t mfn);
void frame_put(mfn_t mfn);
unsigned frame_refcount(mfn_t mfn);

/*
 * Pseudo-physical memory of d: nr_pages frames populated at gfns
 * 0..nr_pages-1, limit max_pages.  Page-table frames charged through
 * core_frame_alloc(d) count against pt_limit (a share of nr_pages) so a
 * guest cannot eat hypervisor memory with page tables.
 * Errors: -HESTIA_ENOMEM (nothing allocated on failure), -HESTIA_EINVAL.
 */
int p2m_init(struct domain *d, uint64_t nr_pages, uint64_t max_pages);

/* Free every frame of d (orphaning those still referenced) and the map. */
void p2m_teardown(struct domain *d);

/* The frame behind gfn, MFN_INVALID if out of range or not populated. */
mfn_t p2m_lookup(struct domain *d, gfn_t gfn);

/* MEMOP_release of one gfn: -HESTIA_EBUSY if referenced, -HESTIA_ENOENT if empty. */
int p2m_release(struct domain *d, gfn_t gfn);
/* MEMOP_populate of one gfn: -HESTIA_EEXIST, -HESTIA_ENOMEM (over max_pages). */
int p2m_populate(struct domain *d, gfn_t gfn);

/* Accounting. */
uint64_t p2m_nr_pages(const struct domain *d);
uint64_t p2m_max_pages(const struct domain *d);
uint64_t p2m_gfn_limit(const struct domain *d);
/* The gfn of d's frame mfn (the reverse of p2m_lookup); false if mfn is not one of d's
 * gfns. */
bool p2m_gfn_of(struct domain *d, mfn_t mfn, uint64_t *gfn_out);
unsigned long mm_pt_frames(const struct domain *d);

/* HYPERCALL_memory_op(cmd, ptr). */
long do_memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg);

/*
 * Copy between hypervisor memory and d's pseudo-physical memory by gfn
 * (for domain building and grant copy).  -HESTIA_EFAULT if a gfn in the
 * range is not populated.
 */
int gfn_copy_to(struct domain *d, gfn_t gfn, size_t offset, const void *src, size_t len);
int gfn_copy_from(struct domain *d, void *dst, gfn_t gfn, size_t offset, size_t len);

#endif
