/* SPDX-License-Identifier: MIT */
/* IA-64: what code running in guest-user mode (user_code.c) needs. */
#ifndef PORT_ARCH_USER_H
#define PORT_ARCH_USER_H

/* A system call to the guest kernel: break 0x1000 from PL3, reflected by the hypervisor. */
static inline long arch_usys(long nr, long a0, long a1)
{
    register long r2 __asm__("r2") = nr;
    register long r14 __asm__("r14") = a0;
    register long r15 __asm__("r15") = a1;
    register long r8 __asm__("r8");
    __asm__ volatile("break 0x1000\n\t;;"
                     : "=r"(r8), "+r"(r2), "+r"(r14), "+r"(r15)::"memory");
    return r8;
}

/* Privileged operations a user task tries (each must fault). */
static inline void arch_user_priv(long i)
{
    if (i == 0)
        __asm__ volatile("rsm psr.i\n\t;;");
    else if (i == 1)
        __asm__ volatile("mov cr.itm = %0\n\t;;" ::"r"(0l));
    else if (i == 2)
        __asm__ volatile("mov rr[%0] = %1\n\t;;" ::"r"(0l), "r"(0l));
    else
        __asm__ volatile("ptc.e %0\n\t;;" ::"r"(0l));
}

#endif
