/* SPDX-License-Identifier: MIT */
/*
 * Machine frames and guest address spaces.
 *
 * core/ decides what may be mapped (only the domain's own frames or frames
 * granted to it) and keeps the reference counts; the HAL only edits the real
 * structures (page tables, software TLB tables, VHPT) and reports what it
 * removed.  Mapping permissions are the MMU_PERM_* bits of the public ABI.
 */
#ifndef HAL_MMU_H
#define HAL_MMU_H

#include "types.h"

/*
 * Hypervisor pointer to machine frame mfn (the direct map).  Valid for
 * every frame handed to core/ in hal_boot_info.ram and for boot modules.
 * Context: any.  Errors: none; mfn must be such a frame.
 */
void *hal_frame_to_virt(mfn_t mfn);

/* Inverse of hal_frame_to_virt() for a page-aligned direct-map pointer. */
mfn_t hal_virt_to_frame(const void *p);

/*
 * Whether a guest may place a mapping at va (page aligned) in a kernel
 * (user = false) or user address space: false for the hypervisor's own
 * range, non-canonical addresses and anything beyond the guest's window.
 * Context: any.
 */
bool hal_guest_va_ok(guest_va_t va, bool user);

/*
 * The kinds of address space.  PV_KERNEL and PV_USER translate a
 * paravirtual guest's virtual addresses (a user space holds
 * MMU_PERM_USER mappings only, where the arch distinguishes);
 * GUEST_PHYS translates guest-physical to machine addresses for a
 * hardware-assisted guest (x86 NPT), where the arch has nested paging.
 */
enum hal_as_kind {
    HAL_AS_PV_KERNEL,
    HAL_AS_PV_USER,
    HAL_AS_GUEST_PHYS,
};

/*
 * Create an empty address space of kind owned by domain d.  Page-table
 * frames come from core_frame_alloc(d) and are charged to d.  Returns NULL
 * if d's frame limit or the allocator is exhausted, or if the arch has no
 * such kind (GUEST_PHYS without nested paging).
 * Context: hypervisor, during a hypercall or domain build.
 */
struct hal_as *hal_as_create(struct domain *d, enum hal_as_kind kind);

/*
 * Callback for each mapping removed by hal_as_destroy(): core drops the
 * reference it took on mfn when the mapping was made.
 */
typedef void (*hal_unmap_fn)(void *ctx, guest_va_t va, mfn_t mfn);

/*
 * Remove every mapping (calling dropped() for each), free the page-table
 * frames through core_frame_free() and the structure itself.  The space
 * must not be loaded on any CPU (core/ switches away first).
 */
void hal_as_destroy(struct hal_as *as, hal_unmap_fn dropped, void *ctx);

/*
 * Empty a PV user space for reuse: remove every mapping (calling dropped()
 * for each, after no CPU can reach it any more, as hal_as_destroy) but
 * keep its page-table frames, linked and empty, and the structure; core
 * hands it to the domain's next user space (core/pvmmu.c), which then
 * allocates, zeroes and frees no table.  The space must no longer be any
 * vCPU's (core/ switches them away first); it may still be loaded on a
 * CPU, which this call makes forget it.  Returns false, having changed
 * nothing, if the arch does not keep spaces or this one is big
 * (PT_KEEP_MAX_FRAMES): the caller destroys it.
 * Optional: core's weak default (core/pvmmu.c) returns false.
 * Context: hypervisor, during a hypercall, no lock held.
 */
bool hal_as_clear(struct hal_as *as, hal_unmap_fn dropped, void *ctx);

/*
 * A flag beside MMU_PERM_* that guests never pass: device memory (dom0's
 * PHYSDEVOP_map_mmio), mapped uncached and guarded: x86 PCD|PWT, e500
 * WIMG I|G, ia64 ma=UC.  hal_as_lookup() reports it; hal_as_protect()
 * keeps it whatever perms it is given.
 */
#define HAL_MAP_UNCACHED 0x100u

/*
 * Map machine frame mfn at va with perms (MMU_PERM_*, and HAL_MAP_UNCACHED
 * for device memory).  Errors:
 * -HESTIA_EINVAL va not page aligned or not allowed (hal_guest_va_ok),
 * perms invalid; -HESTIA_EEXIST something is mapped there already;
 * -HESTIA_ENOMEM no frame for an intermediate table.  Nothing changes on
 * error.  The TLB is updated as needed before returning.
 */
int hal_as_map(struct hal_as *as, guest_va_t va, mfn_t mfn, unsigned perms);

/*
 * Remove the mapping at va; *old receives the frame it mapped.  Errors:
 * -HESTIA_ENOENT nothing mapped, -HESTIA_EINVAL bad va.  TLBs are flushed.
 */
int hal_as_unmap(struct hal_as *as, guest_va_t va, mfn_t *old);

/*
 * hal_as_unmap(), if allow(ctx, mfn) agrees for the frame mapped at va:
 * asked with the entry the same walk then removes (one walk, where a
 * lookup then an unmap took two), before anything changes, so allow may
 * still read the mapping (a log-dirty harvest of va).  -HESTIA_EPERM,
 * nothing changed, if it refuses; other errors as hal_as_unmap().
 */
int hal_as_unmap_if(struct hal_as *as, guest_va_t va, mfn_t *old,
                    bool (*allow)(void *ctx, mfn_t mfn), void *ctx);

/*
 * Whether guest copies for the vCPUs of the domain whose PV kernel space
 * this is may go through the guest's own mapping (x86_64: hal/guest_copy.h):
 * core says no while the domain has a mapping such an access could read
 * although the walk refuses it (device memory, a page mapped without
 * MMU_PERM_READ).  Yes when the space is made.  A backend that always
 * walks keeps the answer and never asks it.  Context: the domain's MMU
 * lock and the hypervisor lock held (every copy runs under the latter).
 */
void hal_as_set_direct_copy(struct hal_as *kernel, bool ok);

/* Change the permissions of the mapping at va.  Errors as hal_as_unmap(). */
int hal_as_protect(struct hal_as *as, guest_va_t va, unsigned perms);

/*
 * Translate va: frame and permissions of its mapping.  Returns 0, or
 * -HESTIA_ENOENT if unmapped.  Context: any; does not touch the TLB.
 */
int hal_as_lookup(struct hal_as *as, guest_va_t va, mfn_t *mfn, unsigned *perms);

/*
 * Flush cached translations of va (MMU_FLUSH_ALL: the whole space) on this
 * CPU.  map/unmap/protect already flush; this is for the guest's request.
 */
void hal_as_flush(struct hal_as *as, guest_va_t va);

/* Number of page-table frames the space holds now (for accounting). */
unsigned long hal_as_frames(const struct hal_as *as);

/*
 * Callback for each mapping reported by hal_as_list() and
 * hal_as_dirty_clear(); a non-zero return stops the walk and is returned.
 */
typedef int (*hal_mapping_fn)(void *ctx, guest_va_t va, mfn_t mfn, unsigned perms);

/*
 * Call fn for every mapping with start <= va < end, in increasing va
 * order.  Returns 0, or fn's first non-zero result.  Changes nothing.
 * Context: hypervisor (save / migration, the conformance checks).
 */
int hal_as_list(struct hal_as *as, guest_va_t start, guest_va_t end, hal_mapping_fn fn,
                void *ctx);

/*
 * Remove MMU_PERM_WRITE from every mapping with start <= va < end (as
 * hal_as_protect would, lookup shows it).  Returns how many mappings lost
 * write access.  TLBs are flushed.
 */
long hal_as_write_protect(struct hal_as *as, guest_va_t start, guest_va_t end);

/*
 * Read and clear the dirty state of the mappings with start <= va < end:
 * fn (may be NULL) is called for each page written since the previous
 * call, and the count of such pages is returned (or fn's non-zero result,
 * negated if positive, when it stops the walk).  Formats with a hardware
 * dirty bit (x86) clear it; formats without one (the software format of
 * ppc, ia64 and the host) count a writable mapping as dirty from when it
 * is made, and after a read take away hardware write access so that the
 * next write faults into hal_as_write_fault().
 */
long hal_as_dirty_clear(struct hal_as *as, guest_va_t start, guest_va_t end,
                        hal_mapping_fn fn, void *ctx);

/*
 * A write fault at va: if it hit a page that is writable but
 * write-protected for dirty tracking, mark it dirty, give write access
 * back and return 0 (retry the access).  Otherwise -HESTIA_ENOENT: a real
 * fault for the guest.  Always -HESTIA_ENOENT on hardware-dirty formats.
 */
int hal_as_write_fault(struct hal_as *as, guest_va_t va);

/*
 * Where a paravirtual guest finds things at entry (start_info.h), the same
 * for dom0 and domUs and known to the guest port at link time: all of its
 * pseudo-physical memory is mapped at virt_base (gfn N at virt_base +
 * N * page), the shared info page at shared_info_va (outside that window).
 * virt_base + nr_pages pages and shared_info_va must pass
 * hal_guest_va_ok(, false).  Context: any.
 */
struct hal_guest_layout {
    guest_va_t virt_base;
    guest_va_t shared_info_va;
};
void hal_guest_layout(struct hal_guest_layout *layout);

#endif
