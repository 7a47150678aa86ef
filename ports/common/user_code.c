/* SPDX-License-Identifier: MIT */
/*
 * Programs that run in guest-user mode.  This file is compiled position
 * independent and everything in it lives in the .user.* sections that
 * user_run() maps into a user address space: no calls out of the file, no
 * string literals outside USTR, no compiler-generated tables.
 */
#include <port/arch_user.h>
#include <port/kernel.h>

#define UTEXT __attribute__((section(".user.text"), used))
#define USTR(name, s) static const char name[] __attribute__((section(".user.rodata"))) = s
#define UDATA __attribute__((section(".user.data")))

static UDATA volatile long user_counter;

static UTEXT long ustrlen(const char *s)
{
    long n = 0;
    while (s[n])
        n++;
    return n;
}

static UTEXT long uwrite(const char *s)
{
    return arch_usys(SYS_write, (long)s, ustrlen(s));
}

UTEXT void user_entry(long (*fn)(long), long arg)
{
    long r = fn(arg);
    arch_usys(SYS_exit, r, 0);
    for (;;)
        ;
}

UTEXT long user_hello(long arg)
{
    USTR(msg, "hello from user mode\n");
    if (uwrite(msg) != ustrlen(msg))
        return -1;
    long pid = arch_usys(SYS_getpid, 0, 0);
    long t0 = arch_usys(SYS_time, 0, 0);
    arch_usys(SYS_sleep, 1000000, 0);
    long t1 = arch_usys(SYS_time, 0, 0);
    if (pid <= 0 || t1 - t0 < 1000000)
        return -2;
    user_counter++;
    return arg * 2 + (user_counter > 0);
}

UTEXT long user_fault(long arg)
{
    *(volatile long *)arg = 42;
    return 0;
}

UTEXT long user_priv(long arg)
{
    arch_user_priv(arg);
    return 0;
}

UTEXT long user_spin(long arg)
{
    /* Unsigned and halved before the multiply: exact modulo 2^32 on 32-bit arches too. */
    volatile unsigned long x = 0;
    unsigned long n = (unsigned long)arg;
    for (unsigned long i = 0; i < n; i++) {
        x += i;
        if ((i & 0xffff) == 0)
            arch_usys(SYS_yield, 0, 0);
    }
    unsigned long sum = n % 2 ? n * ((n - 1) / 2) : (n / 2) * (n - 1);
    return x == sum ? 0 : -1;
}

/* arg: an address in the hypervisor. */
UTEXT long user_badcall(long arg)
{
    if (arch_usys(1000, 0, 0) != -HESTIA_ENOSYS)
        return -1;
    /* Pointers outside the user window and unmapped user pages. */
    if (arch_usys(SYS_write, arg, 4) != -HESTIA_EFAULT)
        return -2;
    if (arch_usys(SYS_write, (long)(USER_BASE + USER_SIZE - 2), 16) != -HESTIA_EFAULT)
        return -3;
    if (arch_usys(SYS_write, (long)(USER_BASE + 0x01000000), 8) != 0)
        return -4;
    return 7;
}

/* Each task sees its own frame at the same address, across switches. */
UTEXT long user_private(long arg)
{
    volatile long *p = (volatile long *)USER_PRIVATE_VA;
    for (int i = 0; i < 50; i++) {
        if (*p != arg)
            return -1;
        *p = arg;
        arch_usys(SYS_yield, 0, 0);
    }
    return *p == arg ? 0 : -2;
}

/*
 * System calls at every stack depth from `level` down to 0 and back up,
 * each level checking its own locals after each call: an entry path that
 * gave a user task back a stack pointer saved at another call (a stale
 * record) moves the frame under it.  Returns level + 1, negative when a
 * local changed or getpid did.
 */
UTEXT long user_depths(long level)
{
    volatile long mine = level * 7 + 3, pid = arch_usys(SYS_getpid, 0, 0);
    long below = level > 0 ? user_depths(level - 1) : 0;
    if (below < 0)
        return below;
    if (arch_usys(SYS_getpid, 0, 0) != pid)
        return -1;
    return mine == level * 7 + 3 ? below + 1 : -2;
}
