/* SPDX-License-Identifier: MIT */
/*
 * x86_64 PV: the hypercall inline (port/kernel.h's HC).  The ABI
 * (include/public/hestia/arch/x86_64.h) clobbers only rcx and r11 and
 * preserves every other register, so the arguments go straight into their
 * registers at the call site: no call, no return and no shuffle of six
 * registers in arch_hypercall (~9 instructions of every hypercall; the
 * syscall workload's trap_return is one per system call).  The native
 * kernel (PORT_NATIVE) keeps the function: its hypercalls are C calls.
 */
#ifndef PORT_ARCH_HC_H
#define PORT_ARCH_HC_H

#ifndef PORT_NATIVE
static inline long arch_hypercall_inline(unsigned long nr, unsigned long a0,
                                         unsigned long a1, unsigned long a2,
                                         unsigned long a3, unsigned long a4)
{
    register unsigned long r10 __asm__("r10") = a3;
    register unsigned long r8 __asm__("r8") = a4;
    long r;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return r;
}

#define ARCH_HC(nr, a0, a1, a2, a3, a4)                                                    \
    arch_hypercall_inline((nr), (unsigned long)(a0), (unsigned long)(a1),                  \
                          (unsigned long)(a2), (unsigned long)(a3), (unsigned long)(a4))
#endif

#endif
