/* SPDX-License-Identifier: MIT */
/*
 * x86 (32-bit) guest ABI details: trap record register layout, guest
 * address layout, selectors, entry state and the hypercall stubs.
 *
 * The guest kernel runs in ring 1 and its user tasks in ring 3, on the same
 * page tables: kernel mappings (no MMU_PERM_USER) are supervisor pages that
 * ring 3 cannot touch.  The mode is the RPL of CS; HESTIA_X86_REG_MODE
 * repeats it for portable code.
 *
 * Address layout (guest virtual):
 *   [0x1000, 1 GiB)   user window   (user address spaces)
 *   [1 GiB, 3 GiB)    kernel window (address space 0)
 *   [3 GiB, 4 GiB)    the hypervisor's gigabyte: never mappable; while a
 *                     guest runs only the read-only entry trampoline and the
 *                     per-CPU entry stack are mapped there (supervisor pages)
 * Every guest segment (code and data, ring 1 and ring 3) is flat with a
 * limit of 3 GiB - 1, so on CPUs that check limits the hypervisor's
 * gigabyte is out of reach through segmentation as well.
 *
 * Entry state of a new vCPU: eip = ELF entry, esp = stack given by the
 * builder, esi = VA of the start info, other GPRs 0, EFLAGS = IF|0x2
 * (interrupts are always on for a guest; "events masked" is
 * vcpu_info.evtchn_upcall_mask = 1), ring 1, CS 0x19, SS 0x21, DS ES FS GS 0x33.
 *
 * Handler entry (events, exceptions, system calls): eip = the registered
 * entry, ring 1; esp = callbacks.kernel_stack when coming from user mode,
 * else the interrupted esp minus a 128-byte red zone, rounded down to 16
 * bytes.  The interrupted context is in vcpu_info.trap.
 *
 * Hypercall: `int $0x82` in ring 1 with eax = nr, ebx ecx edx esi edi =
 * a0..a4, result in eax; every other register is preserved.  From ring 3
 * the gate is closed (#GP, delivered to the guest kernel as PROTECTION).
 * System call from guest-user mode: `int $0x80` (eax = nr, ebx ecx edx
 * esi edi = arguments) reaches the guest kernel's syscall_entry in ring 1
 * in one of two ways, and the entry must accept both:
 *  - delivered by the hypervisor like any trap: vcpu_info.trap holds the
 *    user registers (kind HESTIA_TRAP_SYSCALL, eip = the instruction after
 *    the int, TRAP_FLAG_BUSY set), events are masked, esp = the kernel stack;
 *  - straight from the CPU through the int 0x80 trap gate, which the
 *    hypervisor opens while it knows the current syscall_entry and kernel
 *    stack (until the next set_callbacks or VCPUOP_set_kernel_stack of the
 *    domain): esp = the kernel stack below the CPU's frame (eip cs eflags
 *    esp ss of the user, lowest address first), every other register is
 *    the user's, events are not masked and the trap record is not busy.
 *    The entry fills the record itself (masking events first) and goes on
 *    as in the first case; it resumes the user with HYPERCALL_trap_return.
 * TRAP_FLAG_BUSY tells the two apart.  Returning to user mode needs no
 * hypercall either: ring 1 may iret to ring 3 itself (same page tables;
 * the user's eflags are kept to HESTIA_X86_EFLAGS_GUEST by the CPU, IOPL
 * 0), after clearing evtchn_upcall_mask and finding no event pending (else
 * trap_return delivers it); the ports/x86 guest does that for every system
 * call.
 */
#ifndef HESTIA_PUBLIC_ARCH_X86_H
#define HESTIA_PUBLIC_ARCH_X86_H

#include <stdint.h>

#include "../trap.h"
#include "../vcpu_state.h"

#define HESTIA_X86_GUEST_VIRT_BASE 0x40000000ull /* gfn 0 of every domain */
/* Shared info page: at the top of the kernel window, outside the memory window. */
#define HESTIA_X86_SHARED_INFO_VA 0xbffff000ull
#define HESTIA_X86_KERNEL_VA_START 0x40000000ull
#define HESTIA_X86_KERNEL_VA_END 0xc0000000ull
#define HESTIA_X86_USER_VA_START 0x00001000ull
#define HESTIA_X86_USER_VA_END 0x40000000ull
#define HESTIA_X86_HYPERVISOR_START 0xc0000000ull

/* Selectors a guest runs with. */
#define HESTIA_X86_KERNEL_CS 0x19 /* ring 1 */
#define HESTIA_X86_KERNEL_SS 0x21 /* ring 1 */
#define HESTIA_X86_USER_CS 0x2b   /* ring 3 */
#define HESTIA_X86_USER_DS 0x33   /* ring 3 data: SS of user mode, DS/ES/FS/GS of both */

/* struct hestia_trap_record.regs[] indices. */
#define HESTIA_X86_REG_EAX 0
#define HESTIA_X86_REG_EBX 1
#define HESTIA_X86_REG_ECX 2
#define HESTIA_X86_REG_EDX 3
#define HESTIA_X86_REG_ESI 4
#define HESTIA_X86_REG_EDI 5
#define HESTIA_X86_REG_EBP 6
#define HESTIA_X86_REG_ESP 7
#define HESTIA_X86_REG_EIP 8
#define HESTIA_X86_REG_EFLAGS 9
#define HESTIA_X86_REG_CS 10 /* informational; forced from MODE */
#define HESTIA_X86_REG_SS 11 /* informational; forced from MODE */
#define HESTIA_X86_REG_DS 12 /* informational; forced to USER_DS */
#define HESTIA_X86_REG_ES 13
#define HESTIA_X86_REG_FS 14
#define HESTIA_X86_REG_GS 15
#define HESTIA_X86_REG_MODE 16 /* HESTIA_X86_MODE_* */
#define HESTIA_X86_NR_REGS 17

#define HESTIA_X86_MODE_KERNEL 0
#define HESTIA_X86_MODE_USER 1

/* EFLAGS bits a guest controls (CF PF AF ZF SF TF DF OF AC ID); IF forced on, IOPL 0, NT/VM
 * 0. */
#define HESTIA_X86_EFLAGS_GUEST 0x00240dd5u

/*
 * Body of the whole-vCPU-state record (vcpu_state.h), arch
 * HESTIA_VCPU_ARCH_X86, record size HESTIA_X86_VCPU_STATE_SIZE.
 * regs: the trap-record layout above, loaded as HYPERCALL_trap_return
 * loads it (EIP below the hypervisor, MODE kernel or user, EFLAGS masked
 * to HESTIA_X86_EFLAGS_GUEST, CS and SS forced from MODE); DS ES FS GS
 * are kept if they are 0 (null), HESTIA_X86_USER_DS, or in kernel mode
 * HESTIA_X86_KERNEL_SS, else refused; the other slots of regs[] are 0.
 * fxsave: the 32-bit FXSAVE image (x87 FCW FSW FTW FOP FIP FCS FDP FDS,
 * MXCSR at byte 24 and MXCSR_MASK at 28, ST0-7 at 32, XMM0-7 at 160).
 * Hestia requires FXSR on x86, so the x87 and SSE state is always this
 * image (no FNSAVE form).  A MXCSR with a bit outside the CPU's MXCSR_MASK
 * is refused; bytes 288..511 are not state: written 0, ignored on load.
 */
struct hestia_x86_vcpu_state {
    uint64_t regs[HESTIA_TRAP_REGS];
    uint8_t fxsave[512];
};
#define HESTIA_X86_VCPU_STATE_SIZE                                                         \
    (sizeof(struct hestia_vcpu_state_header) + sizeof(struct hestia_x86_vcpu_state))
#define HESTIA_X86_FXSAVE_MXCSR 24
#define HESTIA_X86_FXSAVE_MXCSR_MASK 28
#define HESTIA_X86_FXSAVE_ST0 32   /* 8 x 16 bytes, 80-bit values */
#define HESTIA_X86_FXSAVE_XMM0 160 /* 8 x 16 bytes */
#define HESTIA_X86_FXSAVE_STATE_END 288
_Static_assert(sizeof(struct hestia_x86_vcpu_state) == 896, "x86 vcpu_state layout");
_Static_assert(HESTIA_X86_VCPU_STATE_SIZE <= HESTIA_VCPU_STATE_MAX_SIZE, "fits");

/* Hypercall stubs: int 0x82, eax = nr, ebx ecx edx esi edi = a0..a4. */
#define HESTIA_X86_HYPERCALL_VECTOR 0x82
static inline long hestia_hypercall5(unsigned long nr, unsigned long a0, unsigned long a1,
                                     unsigned long a2, unsigned long a3, unsigned long a4)
{
    long ret;
    __asm__ volatile("int %[vector]"
                     : "=a"(ret), "+b"(a0), "+c"(a1), "+d"(a2), "+S"(a3), "+D"(a4)
                     : "a"(nr), [vector] "i"(HESTIA_X86_HYPERCALL_VECTOR)
                     : "memory");
    return ret;
}

#include "hypercall_n.h"

#endif
