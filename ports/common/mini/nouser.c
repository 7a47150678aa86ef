/* SPDX-License-Identifier: MIT */
/*
 * hestia-mini runs no user tasks: it never creates a user address space,
 * so a system call can only come from a broken guest.  The full image's
 * user.c is not linked in (it would add the user programs to the image).
 */
#include <port/kernel.h>

void user_handle_syscall(struct hestia_trap_record *r)
{
    panic("hestia-mini: system call %llu but no user task exists",
          (unsigned long long)r->arch_vector);
}

void user_handle_fault(struct hestia_trap_record *r)
{
    panic("hestia-mini: fault in user mode at %llx but no user task exists",
          (unsigned long long)r->fault_addr);
}
