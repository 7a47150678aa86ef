/* SPDX-License-Identifier: MIT */
/* x86: what code running in guest-user mode (ring 3, user_code.c) needs. */
#ifndef PORT_ARCH_USER_H
#define PORT_ARCH_USER_H

/* A system call to the guest kernel: int 0x80, eax = nr, ebx ecx = arguments. */
static inline long arch_usys(long nr, long a0, long a1)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a0), "c"(a1) : "memory");
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
        __asm__ volatile("mov %%eax, %%cr3" ::"a"(0ul));
    else
        __asm__ volatile("outb %%al, $0x80" ::"a"(0));
}

#endif
