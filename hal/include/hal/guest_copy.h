/* SPDX-License-Identifier: MIT */
/*
 * Reading and writing guest memory through guest virtual addresses.
 *
 * The only way core/ touches memory named by a guest pointer.  Accesses use
 * the calling vCPU's current translation with guest-kernel rights (kernel
 * space plus its current user space): a pointer into the hypervisor, into
 * an unmapped page or (for writes) a read-only page fails with -HESTIA_EFAULT
 * and never stops the hypervisor.  A copy may have written part of the
 * destination when it fails.
 */
#ifndef HAL_GUEST_COPY_H
#define HAL_GUEST_COPY_H

#include "types.h"

/*
 * Copy len bytes from guest address src of vCPU v into dst.
 * Returns 0 or -HESTIA_EFAULT.  Context: hypervisor, while handling a
 * hypercall of v (v need not be the running vCPU on every arch).
 */
int hal_copy_from_guest(struct vcpu *v, void *dst, guest_va_t src, size_t len);

/* Copy len bytes from src to guest address dst of vCPU v.  As above. */
int hal_copy_to_guest(struct vcpu *v, guest_va_t dst, const void *src, size_t len);

/*
 * hal/lib/guest_copy.c implements both for every backend but x86_64: they
 * take the vCPU's spaces from hal_vcpu_get_spaces() and copy with the walk
 * below.  x86_64 (arch/x86_64/guest_copy.c) first tries one access
 * through the guest address under its live CR3, with an exception-table
 * fix-up, and walks when that cannot answer.  The walk sits on
 * hal_walk_translate() (hal/lib/guest_copy_walk.c): kernel and user
 * spaces page by page, checking MMU_PERM_READ / MMU_PERM_WRITE, nothing
 * dereferenced through a guest address.
 */
int hal_walk_copy_from(struct hal_as *kernel, struct hal_as *user, void *dst,
                       guest_va_t src, size_t len);
int hal_walk_copy_to(struct hal_as *kernel, struct hal_as *user, guest_va_t dst,
                     const void *src, size_t len);

/*
 * The walk's translation of one page: the hypervisor's (direct-map)
 * address of guest va, looked up in kernel then in user (either may be
 * NULL), if it is mapped with every MMU_PERM_* bit of need and is RAM
 * (core_frame_is_ram: never device memory); *frame gets its frame.  NULL
 * otherwise.  In hal/lib/pt_hal.c, where the page-table engine is compiled
 * for the backend's format, so the two lookups are inline.
 */
void *hal_walk_translate(struct hal_as *kernel, struct hal_as *user, guest_va_t va,
                         unsigned need, mfn_t *frame);

#endif
