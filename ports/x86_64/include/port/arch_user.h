/* SPDX-License-Identifier: MIT */
/* x86_64: what code running in guest-user mode (user_code.c) needs. */
#ifndef PORT_ARCH_USER_H
#define PORT_ARCH_USER_H

/* A system call to the guest kernel: the same syscall instruction as a
 * hypercall; the hypervisor reflects it to the guest's syscall entry. */
static inline long arch_usys(long nr, long a0, long a1)
{
    long r;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(nr), "D"(a0), "S"(a1)
                     : "rcx", "r11", "memory");
    return r;
}

/* Privileged operations a user task tries (each must fault). */
static inline void arch_user_priv(long i)
{
    if (i == 0)
        __asm__ volatile("cli");
    else if (i == 1)
        __asm__ volatile("hlt");
    else if (i == 2)
        __asm__ volatile("mov %%rax, %%cr3" ::"a"(0ul));
    else
        __asm__ volatile("outb %%al, $0x80" ::"a"(0));
}

#endif
