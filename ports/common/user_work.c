/* SPDX-License-Identifier: MIT */
/*
 * The user-mode side of the bench workloads (workloads.c).  Compiled like
 * user_code.c: position independent, in the .user.* sections user_run()
 * maps, no calls out of the file.
 */
#include <port/arch_user.h>
#include <port/kernel.h>

#define UTEXT __attribute__((section(".user.text"), used))

/* n null system calls (SYS_getpid); returns how many answered a valid id. */
UTEXT long user_null_syscalls(long n)
{
    long ok = 0;
    for (long i = 0; i < n; i++)
        ok += arch_usys(SYS_getpid, 0, 0) > 0;
    return ok;
}
