/* SPDX-License-Identifier: MIT */
/* ppc: what code running in guest-user mode (user_code.c) needs. */
#ifndef PORT_ARCH_USER_H
#define PORT_ARCH_USER_H

#include <port/spr.h>

/* A system call to the guest kernel: `sc` in guest-user mode, which the
 * hypervisor reflects to the guest's syscall entry (r0 = nr, r3, r4). */
static inline long arch_usys(long nr, long a0, long a1)
{
    register long r0 __asm__("r0") = nr;
    register long r3 __asm__("r3") = a0;
    register long r4 __asm__("r4") = a1;
    __asm__ volatile("sc"
                     : "+r"(r0), "+r"(r3), "+r"(r4)
                     :
                     : "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "cr0", "ctr",
                       "xer", "memory");
    return r3;
}

/* Privileged operations a user task tries (each must fault). */
static inline void arch_user_priv(long i)
{
    if (i == 0)
        __asm__ volatile("wrteei 0");
    else if (i == 1)
        __asm__ volatile("mfmsr %%r3" ::: "r3");
    else if (i == 2)
        __asm__ volatile("tlbwe");
    else
        __asm__ volatile("mtspr %0, %1" ::"i"(PPC_SPR_PID0), "r"(0));
}

#endif
