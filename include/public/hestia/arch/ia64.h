/* SPDX-License-Identifier: MIT */
/*
 * IA-64 guest ABI details: trap record register layout, guest address
 * layout, register stack rules, entry state and the hypercall stubs.
 *
 * Privilege: the hypervisor runs at PL0, guest kernels at PL2, guest user
 * tasks at PL3 (PSR.cpl in the trap record's PSR slot is the mode).
 * Privileged instructions (mov to psr/cr/rr, ptc, rfi, bsw, ...) raise a
 * privileged-operation fault that is delivered to the guest as
 * HESTIA_TRAP_PRIV_OP; itc / itr (and moves to or from the interruption
 * control registers) check PSR.ic first, and a guest runs with PSR.ic 1, so
 * they raise an Illegal Operation fault: HESTIA_TRAP_INVALID_OP.
 *
 * Address layout (guest virtual):
 *   region 0, [0x1000, 512 GiB)       user window (user address spaces)
 *   region 5, [0xa000000000000000, +512 GiB)  kernel window (space 0)
 *   region 7                          hypervisor (PL0 only), other regions unused
 * Each domain owns a disjoint block of region IDs, one per address space,
 * so translations of different domains and spaces can never match.
 *
 * Entry state of a new vCPU: ip = ELF entry, r12 = stack given by the
 * builder minus 16, r28 = VA of the start info, other registers 0, PSR:
 * PL2, interrupts on (events are masked with vcpu_info.evtchn_upcall_mask),
 * an empty register frame, ar.bspstore 0: the guest sets its own backing
 * store before its first alloc.
 *
 * Register stack in the trap record: the interrupted context's stacked
 * registers (its dirty partition and the interrupted frame, described by
 * CFM) are written to the guest's own backing store, so the record is
 * complete: BSP is where that store ends, RNAT the NaT collection of the
 * partial group at BSP.  HYPERCALL_trap_return reads the CFM frame back
 * from [.. BSP) and resumes with ar.bspstore below it.
 *
 * Handler entry (events, exceptions, syscalls from user mode): ip = the
 * registered entry, a bundle address (code, not a function descriptor:
 * the guest sets its own gp); an empty register frame;
 * from kernel mode r12 = (interrupted r12 - 64) & ~15 and the register
 * stack continues at BSP; from user mode r12 = callbacks.kernel_stack - 16
 * and ar.bspstore = kernel_stack - HESTIA_IA64_KSTACK_SIZE (the bottom of
 * that kernel stack is its register backing store).  Other registers are
 * unspecified.  f2-f31, ar.ec, ar.ccv and ar.fpsr are preserved by the
 * hypervisor but are not part of the record.
 *
 * Hypercall: `break 0x1000` in guest-kernel mode with r2 = nr, r14..r18 =
 * a0..a4, result in r8; the stacked registers, r1, r4-r7, r12, r13 are
 * preserved.  In guest-user mode the same instruction is a system call,
 * delivered to the syscall entry as HESTIA_TRAP_SYSCALL (ip after the
 * break, r2 = number, r14.. = arguments, r8 = result).
 */
#ifndef HESTIA_PUBLIC_ARCH_IA64_H
#define HESTIA_PUBLIC_ARCH_IA64_H

#include <stdint.h>

#define HESTIA_IA64_GUEST_VIRT_BASE 0xa000000000000000ull
#define HESTIA_IA64_SHARED_INFO_VA 0xa00000007ffff000ull
#define HESTIA_IA64_KERNEL_VA_START 0xa000000000000000ull
#define HESTIA_IA64_WINDOW_SIZE 0x0000008000000000ull /* 512 GiB per window */
#define HESTIA_IA64_USER_VA_START 0x0000000000001000ull
#define HESTIA_IA64_KSTACK_SIZE 0x4000ull
/* The immediate of the hypercall `break` (the stubs below, the ports' entry.S). */
#define HESTIA_IA64_HYPERCALL_BREAK 0x1000

/* struct hestia_trap_record.regs[] indices. */
#define HESTIA_IA64_REG_IP 0             /* bundle address; the slot is PSR.ri */
#define HESTIA_IA64_REG_GR(n) (n)        /* r1..r31 */
#define HESTIA_IA64_REG_BR(n) (32 + (n)) /* b0..b7 */
#define HESTIA_IA64_REG_PR 40
#define HESTIA_IA64_REG_PSR 41 /* cpl (2 kernel, 3 user), ri, user mask */
#define HESTIA_IA64_REG_CFM 42 /* interrupted frame (CR.IFS format, bit 63 valid) */
#define HESTIA_IA64_REG_PFS 43
#define HESTIA_IA64_REG_BSP 44
#define HESTIA_IA64_REG_RNAT 45
#define HESTIA_IA64_REG_UNAT 46
#define HESTIA_IA64_REG_LC 47
#define HESTIA_IA64_NR_REGS 48

#define HESTIA_IA64_PSR_CPL_SHIFT 32
#define HESTIA_IA64_PSR_RI_SHIFT 41
#define HESTIA_IA64_PSR_USER_MASK 0x3eull /* be up ac mfl mfh */
#define HESTIA_IA64_CPL_KERNEL 2
#define HESTIA_IA64_CPL_USER 3

/* Hypercall stubs: r2 = nr, r14..r18 = a0..a4, result r8. */
static inline long hestia_hypercall5(unsigned long nr, unsigned long a0, unsigned long a1,
                                     unsigned long a2, unsigned long a3, unsigned long a4)
{
    register unsigned long r2 __asm__("r2") = nr;
    register unsigned long r14 __asm__("r14") = a0;
    register unsigned long r15 __asm__("r15") = a1;
    register unsigned long r16 __asm__("r16") = a2;
    register unsigned long r17 __asm__("r17") = a3;
    register unsigned long r18 __asm__("r18") = a4;
    register long r8 __asm__("r8");
    __asm__ volatile("break %[imm]\n\t;;"
                     : "=r"(r8), "+r"(r2), "+r"(r14), "+r"(r15), "+r"(r16), "+r"(r17),
                       "+r"(r18)
                     : [imm] "i"(HESTIA_IA64_HYPERCALL_BREAK)
                     : "memory");
    return r8;
}

#include "hypercall_n.h"

#endif
