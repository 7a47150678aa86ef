/* SPDX-License-Identifier: MIT */
/*
 * x86_64 guest ABI details: trap record register layout, guest address
 * layout, entry state and the hypercall stubs guests use.
 *
 * Guest kernel and guest user both run in ring 3 (CS 0x2b, SS 0x23); the
 * hypervisor keeps separate page tables for the two modes and switches
 * them on every mode change (Xen x86_64 style), so the mode is explicit in
 * the trap record (HESTIA_X86_64_REG_MODE), not in CS.
 *
 * Address layout (guest virtual, lower canonical half only):
 *   [0x1000, 1 GiB)           user window, low part  (user address spaces)
 *   [1 GiB, 512 GiB)          kernel window          (address space 0)
 *   [512 GiB, 0x7fff_ffff_f000) user window, high part (user address spaces)
 *   upper half                hypervisor, never mappable by a guest
 * In guest-kernel mode the kernel window and the current user space are
 * visible; in guest-user mode only the user space.
 *
 * Entry state of a new vCPU: rip = ELF entry, rsp = stack given by the
 * builder, rsi = VA of the start info, all other GPRs 0, RFLAGS = IF|0x2
 * (interrupts are always on in ring 3; "events masked" is
 * vcpu_info.evtchn_upcall_mask = 1), guest-kernel mode.
 *
 * Handler entry (events, exceptions, syscalls from user mode): rip = the
 * registered entry; rsp = callbacks.kernel_stack when coming from user
 * mode, else the interrupted rsp minus a 128-byte red zone, rounded down
 * to 16 bytes.  Other registers are unspecified; the interrupted context is
 * in vcpu_info.trap.
 *
 * Hypercall: `syscall` in guest-kernel mode with rax = nr, rdi rsi rdx r10
 * r8 = a0..a4, result in rax.  rcx and r11 are clobbered (the CPU uses
 * them); every other register is preserved.
 * System call from guest-user mode: `syscall` (or `int $0x80`) in
 * guest-user mode.  The hypervisor knows the vCPU's mode: a user-mode
 * syscall is not a hypercall, it is delivered to the guest kernel's
 * syscall_entry as HESTIA_TRAP_SYSCALL with the user registers in the trap
 * record (rip = the instruction after the syscall, regs unchanged; for
 * `syscall` rcx and r11 hold the CPU's values).
 */
#ifndef HESTIA_PUBLIC_ARCH_X86_64_H
#define HESTIA_PUBLIC_ARCH_X86_64_H

#include <stdint.h>

#include "../trap.h"
#include "../vcpu_state.h"

/* Guest VA layout (see above). */
#define HESTIA_X86_64_GUEST_VIRT_BASE 0x0000000040000000ull /* gfn 0 of every domain */
/* Shared info page: at the top of the kernel window, outside the memory window. */
#define HESTIA_X86_64_SHARED_INFO_VA 0x0000007ffffff000ull
#define HESTIA_X86_64_KERNEL_VA_START 0x0000000040000000ull
#define HESTIA_X86_64_KERNEL_VA_END 0x0000008000000000ull
#define HESTIA_X86_64_USER_LOW_START 0x0000000000001000ull
#define HESTIA_X86_64_USER_LOW_END 0x0000000040000000ull
#define HESTIA_X86_64_USER_HIGH_START 0x0000008000000000ull
/* The last page stays unmapped: a syscall there would return to a non-canonical RIP. */
#define HESTIA_X86_64_USER_HIGH_END 0x00007ffffffff000ull

/* Selectors a guest runs with (both modes). */
#define HESTIA_X86_64_GUEST_CS 0x2b
#define HESTIA_X86_64_GUEST_SS 0x23

/* struct hestia_trap_record.regs[] indices. */
#define HESTIA_X86_64_REG_RAX 0
#define HESTIA_X86_64_REG_RBX 1
#define HESTIA_X86_64_REG_RCX 2
#define HESTIA_X86_64_REG_RDX 3
#define HESTIA_X86_64_REG_RSI 4
#define HESTIA_X86_64_REG_RDI 5
#define HESTIA_X86_64_REG_RBP 6
#define HESTIA_X86_64_REG_RSP 7
#define HESTIA_X86_64_REG_R8 8
#define HESTIA_X86_64_REG_R9 9
#define HESTIA_X86_64_REG_R10 10
#define HESTIA_X86_64_REG_R11 11
#define HESTIA_X86_64_REG_R12 12
#define HESTIA_X86_64_REG_R13 13
#define HESTIA_X86_64_REG_R14 14
#define HESTIA_X86_64_REG_R15 15
#define HESTIA_X86_64_REG_RIP 16
#define HESTIA_X86_64_REG_RFLAGS 17
#define HESTIA_X86_64_REG_CS 18   /* informational; forced to GUEST_CS */
#define HESTIA_X86_64_REG_SS 19   /* informational; forced to GUEST_SS */
#define HESTIA_X86_64_REG_MODE 20 /* HESTIA_X86_64_MODE_* */
#define HESTIA_X86_64_NR_REGS 21

#define HESTIA_X86_64_MODE_KERNEL 0
#define HESTIA_X86_64_MODE_USER 1

/*
 * RFLAGS bits a guest controls (CF PF AF ZF SF TF DF OF AC ID); IF is
 * always set and IOPL always 0 when a context is loaded.
 */
#define HESTIA_X86_64_RFLAGS_GUEST 0x00240dd5ull

/*
 * Body of the whole-vCPU-state record (vcpu_state.h), arch
 * HESTIA_VCPU_ARCH_X86_64, record size HESTIA_X86_64_VCPU_STATE_SIZE.
 * regs: the trap-record layout above, loaded as HYPERCALL_trap_return
 * loads it (RIP in the lower half, RSP canonical, MODE kernel or user,
 * RFLAGS masked to HESTIA_X86_64_RFLAGS_GUEST, CS/SS forced); the other
 * slots of regs[] are 0.
 * fxsave: the FXSAVE64 image (x87 FCW FSW FTW FOP FIP FDP, MXCSR at byte
 * 24 and MXCSR_MASK at 28, ST0-7 at 32, XMM0-15 at 160).  A MXCSR with a
 * bit outside the CPU's MXCSR_MASK is refused; bytes 416..511 are not
 * state: written 0, ignored on load.
 * Not in the record because the hypervisor does not keep them per vCPU:
 * DS ES FS GS (every guest selector has base 0) and the FS/GS bases.
 */
struct hestia_x86_64_vcpu_state {
    uint64_t regs[HESTIA_TRAP_REGS];
    uint8_t fxsave[512];
};
#define HESTIA_X86_64_VCPU_STATE_SIZE                                                      \
    (sizeof(struct hestia_vcpu_state_header) + sizeof(struct hestia_x86_64_vcpu_state))
#define HESTIA_X86_64_FXSAVE_MXCSR 24
#define HESTIA_X86_64_FXSAVE_MXCSR_MASK 28
#define HESTIA_X86_64_FXSAVE_ST0 32   /* 8 x 16 bytes, 80-bit values */
#define HESTIA_X86_64_FXSAVE_XMM0 160 /* 16 x 16 bytes */
#define HESTIA_X86_64_FXSAVE_STATE_END 416
_Static_assert(sizeof(struct hestia_x86_64_vcpu_state) == 896, "x86_64 vcpu_state layout");
_Static_assert(HESTIA_X86_64_VCPU_STATE_SIZE <= HESTIA_VCPU_STATE_MAX_SIZE, "fits");

/* Hypercall stubs: rax = nr, rdi rsi rdx r10 r8 = a0..a4. */
static inline long hestia_hypercall5(unsigned long nr, unsigned long a0, unsigned long a1,
                                     unsigned long a2, unsigned long a3, unsigned long a4)
{
    long ret;
    register unsigned long r10 __asm__("r10") = a3;
    register unsigned long r8 __asm__("r8") = a4;
    __asm__ volatile("syscall"
                     : "=a"(ret), "+D"(a0), "+S"(a1), "+d"(a2), "+r"(r10), "+r"(r8)
                     : "a"(nr)
                     : "rcx", "r11", "memory");
    return ret;
}

#include "hypercall_n.h"

#endif
