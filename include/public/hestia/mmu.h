/* SPDX-License-Identifier: MIT */
/*
 * HYPERCALL_mmu_op(ops, count, done): the batched paravirtual MMU.
 *
 * A guest never writes page tables.  It asks the hypervisor to map one of
 * its own frames (by gfn) at a virtual address, or a granted frame through
 * grant_table_op.  The hypervisor owns the real structures (x86 page tables,
 * e500 TLB + software page table, IA-64 TLB/VHPT).
 *
 * Address spaces: handle 0 is the domain's kernel space.  Kernel mappings
 * (MMU_PERM_USER clear) are visible only while the vCPU runs in guest-kernel
 * mode.  Handles from MMUOP_as_create name user address spaces: their
 * mappings carry MMU_PERM_USER and are visible in guest-user mode and, for
 * the current user space, in guest-kernel mode as well.
 *
 * Processing stops at the first failing op: the call returns its error and
 * *done (if non-zero pointer) receives the number of ops completed.
 *
 * HYPERCALL_mmu_one(as, va, gfn, perms, cmd): one op passed in the
 * arguments instead of memory (nothing is read from the guest), with the
 * same checks and errors as a one-op mmu_op.  cmd or perms above 32 bits
 * are refused (-ENOSYS, -EINVAL).  MMUOP_as_create returns the new handle
 * (>= 1) instead of writing it.  Arguments are the guest's natural width:
 * a 32-bit guest passes a gfn beyond 32 bits, or MMU_FLUSH_ALL, through
 * mmu_op.  The order is that of a guest's map(as, va, gfn, perms)
 * wrapper, which then moves no register.
 */
#ifndef HESTIA_PUBLIC_MMU_H
#define HESTIA_PUBLIC_MMU_H

#include "abi.h"

#define MMUOP_map 0        /* as, va, gfn, perms */
#define MMUOP_unmap 1      /* as, va */
#define MMUOP_protect 2    /* as, va, perms */
#define MMUOP_as_create 3  /* OUT: as (user address-space handle) */
#define MMUOP_as_switch 4  /* as: user space made current (0 = none) */
#define MMUOP_as_destroy 5 /* as: all its mappings are dropped */
#define MMUOP_flush 6      /* as, va (va = ~0: whole space) */

#define MMU_PERM_READ 0x1
#define MMU_PERM_WRITE 0x2
#define MMU_PERM_EXEC 0x4
#define MMU_PERM_USER 0x8
#define MMU_PERM_ALL 0xf

#define MMU_MAX_BATCH 256
#define MMU_MAX_USER_AS 64 /* per domain */
#define MMU_FLUSH_ALL (~(uint64_t)0)

struct mmu_op {
    uint32_t cmd;   /* MMUOP_* */
    uint32_t perms; /* MMU_PERM_* */
    uint64_t as;    /* address-space handle; OUT for as_create */
    uint64_t va;    /* page aligned */
    uint64_t gfn;
};

#endif
