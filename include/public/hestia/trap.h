/* SPDX-License-Identifier: MIT */
/*
 * The trap record: how exceptions, events and system calls reach a guest.
 *
 * Every arch delivers the same way: the hypervisor saves the interrupted
 * guest context into vcpu_info.trap, sets evtchn_upcall_mask and jumps to
 * the entry the guest registered with HYPERCALL_set_callbacks, in guest
 * kernel mode, on the guest kernel stack.  The guest resumes with
 * HYPERCALL_trap_return, which loads the context from vcpu_info.trap (the
 * guest may have rewritten it, for instance to switch threads); the
 * hypervisor never lets that context gain privilege.
 *
 * An exception raised while TRAP_FLAG_BUSY is still set (the guest has not
 * yet copied the record out and cleared the flag, or returned) is a double
 * fault: the domain is crashed.
 */
#ifndef HESTIA_PUBLIC_TRAP_H
#define HESTIA_PUBLIC_TRAP_H

#include <stdint.h>

/* Portable trap kinds (trap.kind); trap.arch_vector has the raw vector. */
#define HESTIA_TRAP_EVENT 0      /* event upcall (not an exception) */
#define HESTIA_TRAP_PAGE_FAULT 1 /* fault_addr, error_code = HESTIA_PF_* */
#define HESTIA_TRAP_INVALID_OP 2 /* undefined instruction */
#define HESTIA_TRAP_PRIV_OP 3    /* privileged instruction refused */
#define HESTIA_TRAP_PROTECTION 4 /* general protection / access violation */
#define HESTIA_TRAP_DIVIDE 5     /* integer divide error */
#define HESTIA_TRAP_BREAKPOINT 6
#define HESTIA_TRAP_ALIGNMENT 7
#define HESTIA_TRAP_FP 8
#define HESTIA_TRAP_SYSCALL 9 /* system call from guest user mode */
#define HESTIA_TRAP_OTHER 15

#define HESTIA_PF_PRESENT 0x1 /* a mapping existed (protection fault) */
#define HESTIA_PF_WRITE 0x2
#define HESTIA_PF_USER 0x4 /* raised in guest user mode */
#define HESTIA_PF_EXEC 0x8

#define TRAP_FLAG_BUSY 0x1           /* record holds an undelivered-back context */
#define TRAP_FLAG_FROM_USER 0x2      /* interrupted context was guest user mode */
#define TRAP_FLAG_EVENTS_ENABLED 0x4 /* upcall mask was clear when interrupted */
/* ppc: a system call reflected directly: only some registers are in the record,
 * the rest are live at the entry (hestia/arch/ppc.h) */
#define TRAP_FLAG_DIRECT 0x8

/*
 * HYPERCALL_trap_return(flags): 0, or TRAP_RETURN_BLOCK: once the context is
 * loaded, if it has events enabled, block as SCHEDOP_block does (at once
 * back if an event is pending).  For a guest whose interrupted context
 * would only go on to block (its idle loop): the next upcall interrupts
 * that context again, and the exit, re-entry and block it would have cost
 * are saved.  Other bits: -HESTIA_EINVAL, nothing loaded.
 */
#define TRAP_RETURN_BLOCK 0x1

#define HESTIA_TRAP_REGS 48

struct hestia_trap_record {
    uint32_t kind;        /* HESTIA_TRAP_* */
    uint32_t flags;       /* TRAP_FLAG_* */
    uint32_t arch_vector; /* the CPU's own vector or cause */
    uint32_t pad;
    uint64_t error_code;
    uint64_t fault_addr;
    /* Interrupted registers; layout in hestia/arch/<arch>.h. */
    uint64_t regs[HESTIA_TRAP_REGS];
};

/* HYPERCALL_set_callbacks(ptr): where the hypervisor enters the guest. */
struct hestia_callbacks {
    uint64_t event_entry;     /* event upcalls */
    uint64_t exception_entry; /* faults and traps */
    uint64_t syscall_entry;   /* system calls from guest user mode */
    uint64_t kernel_stack;    /* stack loaded on entry from guest user mode */
};

/* HYPERCALL_vcpu_op(cmd, vcpu, ptr). */
#define VCPUOP_set_kernel_stack 0 /* ptr = stack pointer value itself */
#define VCPUOP_get_runtime 1      /* ptr -> uint64_t: ns this vCPU has run */
#define VCPUOP_enter_user 2       /* ptr -> struct hestia_trap_record: start user mode */

/*
 * h-vcpus: VCPUOP_up (3): start vCPU `vcpu` of the caller's own domain, not
 * started before, in guest-kernel mode at entry with the stack pointer at
 * stack and arg in the start-info register (start_info.h), events masked,
 * the domain's kernel address space, no callbacks: the new vCPU registers
 * its own with HYPERCALL_set_callbacks.  ptr -> struct vcpu_up_args.
 * Errors: -HESTIA_ESRCH no such vCPU (vcpu >= start_info.nr_vcpus),
 * -HESTIA_EALREADY it was started before (vCPU 0 always was),
 * -HESTIA_EINVAL entry or stack 0 or not a guest-kernel address,
 * -HESTIA_EFAULT bad ptr.  VCPUOP 4 is reserved.
 */
#define VCPUOP_up 3
struct vcpu_up_args {
    uint64_t entry; /* guest-kernel VA of the first instruction */
    uint64_t stack; /* initial stack pointer (ia64: r12 = stack - 16, as at boot) */
    uint64_t arg;   /* first-argument value, in the start-info register */
};

#endif
