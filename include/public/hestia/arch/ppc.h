/* SPDX-License-Identifier: MIT */
/*
 * PowerPC e500 (32-bit Book-E) guest ABI details: trap record register
 * layout, guest address layout, entry state and the hypercall stubs.
 *
 * Guest kernel and guest user both run in problem state (MSR[PR]=1) and in
 * translation space 1 (MSR[IS]=MSR[DS]=1); the hypervisor lives in space 0,
 * so no guest address ever reaches it.  Each guest address space has its
 * own PID; the hypervisor refills the software-managed TLB from its own
 * software page table.  The mode (guest kernel / guest user) is tracked by
 * the hypervisor and explicit in the trap record (HESTIA_PPC_REG_MODE).
 *
 * Address layout (guest effective addresses, 32 bits):
 *   [0x1000, 0x2000_0000)        user window   (user address spaces)
 *   [0x2000_0000, 0xe000_0000)   kernel window (address space 0)
 *   [0xe000_0000, 4 GiB)         never mappable: where the hypervisor keeps
 *                                CCSR in space 0, so a guest pointer there
 *                                always faults
 * In guest-kernel mode the kernel window and the current user space are
 * visible, in guest-user mode only the user space.
 *
 * Entry state of a new vCPU: pc = ELF entry, r1 = stack given by the
 * builder, r3 = VA of the start info, other GPRs 0, guest-kernel mode,
 * events masked (vcpu_info.evtchn_upcall_mask = 1).
 *
 * Handler entry (events, exceptions, syscalls from user mode): pc = the
 * registered entry; r1 = callbacks.kernel_stack when coming from user
 * mode, else the interrupted r1 minus 256 bytes, rounded down to 16.
 * Other registers are unspecified; the interrupted context is in
 * vcpu_info.trap.
 *
 * Hypercall: `sc` in guest-kernel mode, r0 = nr, r3..r7 = a0..a4, result
 * in r3; r0 and r3..r12, CR0 and CTR/XER are volatile as in a call,
 * everything else is preserved.  `sc` in guest-user mode is a system call:
 * delivered to syscall_entry as HESTIA_TRAP_SYSCALL with pc = the
 * instruction after the sc, r1 = the kernel stack, events masked, in one
 * of two ways, and the entry must accept both:
 *  - with the whole user context in vcpu_info.trap, like any trap;
 *  - reflected directly, TRAP_FLAG_DIRECT set besides BUSY and FROM_USER
 *    (and EVENTS_ENABLED as usual): the record holds only the user's pc
 *    and r1 (kind, vector, error_code, fault_addr and every other slot
 *    are stale); every other register at the entry (r0, r2..r31, CR, LR,
 *    CTR, XER) is still the user's.  The entry stores them into the
 *    record (MODE user, MSR PR|EE) and clears TRAP_FLAG_DIRECT before it
 *    uses a register or takes a fault.  The hypervisor reflects directly
 *    once it has delivered one system call the first way, until the next
 *    set_callbacks or VCPUOP_set_kernel_stack for the vCPU.
 * TRAP_FLAG_DIRECT tells the two apart.  The resume is
 * HYPERCALL_trap_return either way.
 *
 * Privileged instructions in guest-kernel mode trap to the hypervisor:
 * mfmsr / mtmsr / wrtee / wrteei are emulated on the vCPU's virtual MSR
 * (only EE is writable; PR, IS, DS and the rest read as the virtual
 * supervisor view and writes to them are ignored).  EE is the event mask:
 * it reads as !vcpu_info.evtchn_upcall_mask and writing it writes the
 * mask; setting it with an event pending delivers the upcall before the
 * next instruction.  A kernel-mode trap record's MSR[EE] is the mask when
 * the record was taken; HYPERCALL_trap_return takes the mask from
 * TRAP_FLAG_EVENTS_ENABLED (a disagreeing MSR[EE] is ignored), a loaded
 * vCPU state from MSR[EE].  A user-mode record's MSR is PR|EE.  Every
 * other privileged instruction (tlbwe, tlbsx, tlbre, tlbivax, rfi,
 * mtspr/mfspr of a supervisor SPR, ...) is refused with
 * HESTIA_TRAP_PRIV_OP.
 */
#ifndef HESTIA_PUBLIC_ARCH_PPC_H
#define HESTIA_PUBLIC_ARCH_PPC_H

#include <stdint.h>

#include "../trap.h"
#include "../vcpu_state.h"

#define HESTIA_PPC_GUEST_VIRT_BASE 0x20000000ull /* gfn 0 of every domain */
#define HESTIA_PPC_SHARED_INFO_VA 0xdffff000ull  /* top of the kernel window */
#define HESTIA_PPC_USER_VA_START 0x00001000ull
#define HESTIA_PPC_USER_VA_END 0x20000000ull
#define HESTIA_PPC_KERNEL_VA_START 0x20000000ull
#define HESTIA_PPC_KERNEL_VA_END 0xe0000000ull

/* struct hestia_trap_record.regs[]: r0..r31 are regs[0..31], then: */
#define HESTIA_PPC_REG_GPR(n) (n)
#define HESTIA_PPC_REG_PC 32
#define HESTIA_PPC_REG_MSR 33 /* the virtual MSR (informational except EE: see below) */
#define HESTIA_PPC_REG_CR 34
#define HESTIA_PPC_REG_LR 35
#define HESTIA_PPC_REG_CTR 36
#define HESTIA_PPC_REG_XER 37
#define HESTIA_PPC_REG_MODE 38 /* HESTIA_PPC_MODE_* */
#define HESTIA_PPC_REG_DEAR 39 /* informational: fault address register */
#define HESTIA_PPC_REG_ESR 40  /* informational: exception syndrome */
#define HESTIA_PPC_NR_REGS 41

#define HESTIA_PPC_MODE_KERNEL 0
#define HESTIA_PPC_MODE_USER 1

/* arch_vector values (the Book-E IVOR numbers). */
#define HESTIA_PPC_IVOR_DSI 2
#define HESTIA_PPC_IVOR_ISI 3
#define HESTIA_PPC_IVOR_ALIGN 5
#define HESTIA_PPC_IVOR_PROGRAM 6
#define HESTIA_PPC_IVOR_SYSCALL 8
#define HESTIA_PPC_IVOR_DTLB 13
#define HESTIA_PPC_IVOR_ITLB 14
#define HESTIA_PPC_IVOR_SPE 32

/* Virtual MSR bits the guest sees. */
#define HESTIA_PPC_MSR_EE 0x8000u
#define HESTIA_PPC_MSR_PR 0x4000u

/*
 * Body of the whole-vCPU-state record (vcpu_state.h), arch
 * HESTIA_VCPU_ARCH_PPC, record size HESTIA_PPC_VCPU_STATE_SIZE: every
 * register a guest can read or set (docs/vcpu-state.md).  regs: the
 * trap-record layout above (slots from HESTIA_PPC_NR_REGS on are 0); then
 * the two SPRs a guest reads and writes in problem state.  Guests get no
 * SPE (MSR[SPV] stays 0), so the upper GPR halves and ACC are no state of
 * theirs; SPRG3-7, readable but not writable by a guest, always hold 0.
 *
 * Loading refuses (-HESTIA_EINVAL, nothing changed) what
 * HYPERCALL_trap_return refuses (pc not a 4-byte-aligned 32-bit address,
 * unknown mode), a 32-bit register slot with its upper half set, MSR bits
 * other than EE (and PR in user mode), and non-zero reserved words.
 */
struct hestia_ppc_vcpu_state {
    uint64_t regs[HESTIA_TRAP_REGS];
    uint64_t usprg0;  /* SPR 256 */
    uint64_t spefscr; /* SPR 512, the SPE/embedded-FP status and control register */
    uint64_t reserved[6];
};
#define HESTIA_PPC_VCPU_STATE_SIZE                                                         \
    (sizeof(struct hestia_vcpu_state_header) + sizeof(struct hestia_ppc_vcpu_state))
_Static_assert(sizeof(struct hestia_ppc_vcpu_state) == 448, "ppc vcpu_state layout");
_Static_assert(HESTIA_PPC_VCPU_STATE_SIZE <= HESTIA_VCPU_STATE_MAX_SIZE, "fits");

/* Hypercall stubs: r0 = nr, r3..r7 = a0..a4, result r3. */
static inline long hestia_hypercall5(unsigned long nr, unsigned long a0, unsigned long a1,
                                     unsigned long a2, unsigned long a3, unsigned long a4)
{
    register unsigned long r0 __asm__("r0") = nr;
    register unsigned long r3 __asm__("r3") = a0;
    register unsigned long r4 __asm__("r4") = a1;
    register unsigned long r5 __asm__("r5") = a2;
    register unsigned long r6 __asm__("r6") = a3;
    register unsigned long r7 __asm__("r7") = a4;
    __asm__ volatile("sc"
                     : "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7)
                     :
                     : "r8", "r9", "r10", "r11", "r12", "cr0", "ctr", "xer", "memory");
    return (long)r3;
}

#include "hypercall_n.h"

#endif
