/* SPDX-License-Identifier: MIT */
/*
 * The paravirtual MMU: a domain's address spaces (kernel space 0 and user
 * spaces) and HYPERCALL_mmu_op.  Only frames the domain owns are mapped
 * here; foreign frames arrive through grant.c, which uses the same
 * pvmmu_map_frame() and keeps its own handle records.
 */
#ifndef CORE_PVMMU_H
#define CORE_PVMMU_H

#include "domain.h"

/* Create the kernel space of d.  Errors: -HESTIA_ENOMEM. */
int pvmmu_domain_init(struct domain *d);
/* Destroy every space of d, dropping all frame references. */
void pvmmu_domain_destroy(struct domain *d);

/* HYPERCALL_mmu_op(ops, count, done). */
long do_mmu_op(struct vcpu *v, uint64_t ops, uint64_t count, uint64_t done);
/* HYPERCALL_mmu_one(as, va, gfn, perms, cmd): one op in the arguments. */
long do_mmu_one(struct vcpu *v, uint64_t as, uint64_t va, uint64_t gfn, uint64_t perms,
                uint64_t cmd);

/* The space named by handle (0 = kernel), NULL if no such handle. */
struct hal_as *pvmmu_space(struct domain *d, uint64_t handle);
/* The kernel space and v's current user space (NULL if none). */
struct hal_as *pvmmu_kernel_space(struct domain *d);
struct hal_as *pvmmu_current_user_space(struct vcpu *v);

/*
 * Map mfn (owned by d or granted to it: the caller has checked) at va of
 * space handle, taking a frame reference.  perms must include
 * MMU_PERM_USER exactly when handle is a user space.  Errors as
 * hal_as_map() plus -HESTIA_EBADF for a bad handle.
 */
int pvmmu_map_frame(struct domain *d, uint64_t handle, guest_va_t va, mfn_t mfn,
                    unsigned perms);
/*
 * Map device memory mfn (not RAM: core/physdev.c checked) into the
 * privileged domain d's space handle, uncached (HAL_MAP_UNCACHED); the
 * mapping holds no frame reference.  -HESTIA_EPERM for any other domain or a RAM frame.
 */
int pvmmu_map_device(struct domain *d, uint64_t handle, guest_va_t va, mfn_t mfn,
                     unsigned perms);
/* Unmap va of handle, dropping the reference; *old gets the frame. */
int pvmmu_unmap_frame(struct domain *d, uint64_t handle, guest_va_t va, mfn_t *old);

/*
 * The hot paths' pair (mmu_op's map, grant map and unmap), for a RAM
 * frame whose reference the caller manages: pvmmu_map_referenced() hands
 * the mapping a reference the caller took (frame_get_owned: so the frame
 * is RAM some domain owns, never the shared info page or device memory);
 * on error the reference stays the caller's.  The caller validated va and
 * perms for handle as pvmmu_map_frame() would (hal_as_map checks them
 * again).  pvmmu_unmap_referenced() removes such a mapping and hands its
 * reference to the caller (*old: the frame, to frame_put()).
 */
int pvmmu_map_referenced(struct domain *d, uint64_t handle, guest_va_t va, mfn_t mfn,
                         unsigned perms);
int pvmmu_unmap_referenced(struct domain *d, uint64_t handle, guest_va_t va, mfn_t *old);

/*
 * Map all of d's pseudo-physical memory at virt_base in the kernel space
 * (the initial mapping a guest finds at entry).
 */
int pvmmu_map_initial(struct domain *d, guest_va_t virt_base, unsigned perms);

/*
 * Restore (core/domctl_restore.c).  pvmmu_mapping_ok: whether va and perms
 * are valid for space handle (as mmu_op checks them).  pvmmu_ensure_space:
 * create user space handle (1..MMU_MAX_USER_AS) if it does not exist; 0,
 * -HESTIA_EBADF or -HESTIA_ENOMEM.  pvmmu_current_handle /
 * pvmmu_set_current: vCPU vcpu's current user space (0 none); set returns
 * -HESTIA_EBADF for a space that does not exist.
 */
bool pvmmu_mapping_ok(uint64_t handle, guest_va_t va, unsigned perms);
int pvmmu_ensure_space(struct domain *d, uint64_t handle);
unsigned pvmmu_current_handle(struct domain *d, unsigned vcpu);
int pvmmu_set_current(struct domain *d, unsigned vcpu, uint64_t handle);

#endif
