/* SPDX-License-Identifier: MIT */
/*
 * Hestia guest ABI: version, features and hypercall numbers.
 *
 * One layout for 32- and 64-bit guests: every field has a fixed width,
 * addresses and handles travel in 64-bit slots, padding is explicit.
 *
 * Calling convention (up to five arguments, result in one register):
 *   x86     int 0x82   eax = nr, ebx ecx edx esi edi = a0..a4, result eax
 *           (a 64-bit argument on x86 is passed as a pointer to it or split
 *            in the structure it belongs to: register arguments are 32 bits)
 *   x86_64  syscall    rax = nr, rdi rsi rdx r10 r8 = a0..a4, result rax
 *   ppc     sc         r0 = nr, r3..r7 = a0..a4, result r3
 *   ia64    break 0x1000  r2 = nr, r14..r18 = a0..a4, result r8
 * Results are >= 0 on success or a negative HESTIA_E* code (errno.h).
 * Every pointer argument is a guest virtual address in the caller's
 * current address space.
 */
#ifndef HESTIA_PUBLIC_ABI_H
#define HESTIA_PUBLIC_ABI_H

#include <stdint.h>

#define HESTIA_ABI_MAJOR 0
#define HESTIA_ABI_MINOR 1
#define HESTIA_ABI_VERSION ((HESTIA_ABI_MAJOR << 16) | HESTIA_ABI_MINOR)

/* Feature bits returned by HYPERCALL_version(VERSION_features). */
#define HESTIA_FEAT_PV_MMU (1u << 0)     /* batched MMU op, address spaces */
#define HESTIA_FEAT_GRANT_COPY (1u << 1) /* GNTTABOP_copy */
#define HESTIA_FEAT_EVTCHN_2L (1u << 2)  /* 2-level event channels */
#define HESTIA_FEAT_USER_TASKS (1u << 3) /* guest user mode with syscalls */
#define HESTIA_FEAT_HVM (1u << 4)        /* hardware-assisted guests */

/* Hypercall numbers: index into the hypervisor's dispatch table. */
#define HYPERCALL_version 0          /* (cmd, ptr) */
#define HYPERCALL_console_io 1       /* (cmd, count, buf, domid) */
#define HYPERCALL_sched_op 2         /* (cmd, arg) */
#define HYPERCALL_event_channel_op 3 /* (cmd, ptr) */
#define HYPERCALL_grant_table_op 4   /* (cmd, ptr, count) */
#define HYPERCALL_mmu_op 5           /* (ops, count, done_ptr) */
#define HYPERCALL_domctl 6           /* (ptr to struct hestia_domctl) */
#define HYPERCALL_set_callbacks 7    /* (ptr to struct hestia_callbacks) */
#define HYPERCALL_trap_return 8      /* (flags) resume the context in the trap record */
#define HYPERCALL_set_timer 9        /* (deadline ns, lo/hi on 32-bit: see sched.h) */
#define HYPERCALL_vcpu_op 10         /* (cmd, vcpu, ptr) */
#define HYPERCALL_memory_op 11       /* (cmd, ptr) */
#define HYPERCALL_physdev_op 12      /* (cmd, ptr) physical devices, dom0 only: physdev.h */
#define HYPERCALL_mmu_one 13         /* (as, va, gfn, perms, cmd) one mmu_op op: mmu.h */
#define HYPERCALL_COUNT 14

/* HYPERCALL_version commands. */
#define VERSION_abi 0      /* returns HESTIA_ABI_VERSION */
#define VERSION_features 1 /* returns the feature bitmap */
#define VERSION_extra 2    /* ptr: char[32] build string, NUL-terminated */

/* A domain id. DOMID_SELF names the caller. */
typedef uint16_t hestia_domid_t;
#define DOMID_SELF ((hestia_domid_t)0x7ff0)
#define DOMID_INVALID ((hestia_domid_t)0x7fff)
#define HESTIA_MAX_DOMAINS 1024

/* Guest frame number: index into the domain's pseudo-physical memory. */
typedef uint64_t hestia_gfn_t;
#define HESTIA_PAGE_SHIFT 12
#define HESTIA_PAGE_SIZE (1u << HESTIA_PAGE_SHIFT)

#endif
