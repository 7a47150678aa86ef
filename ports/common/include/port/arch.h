/* SPDX-License-Identifier: MIT */
/*
 * What ports/<arch> provides to the portable guest kernel (ports/common).
 * Everything else in the guest is portable C over include/public.
 */
#ifndef PORT_ARCH_H
#define PORT_ARCH_H

#include <stddef.h>
#include <stdint.h>

#include <hestia/hestia.h>

/* Raw hypercall with the arch's calling convention (abi.h). */
long arch_hypercall(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2,
                    unsigned long a3, unsigned long a4);

/* The counter vcpu_time_info is based on (rdtsc, time base, ar.itc). */
uint64_t arch_read_counter(void);

/* Entry points registered with HYPERCALL_set_callbacks (assembly). */
void arch_event_entry(void);
void arch_exception_entry(void);
void arch_syscall_entry(void);

/*
 * Callee-saved context for cooperative switches and arch_setjmp.  Big
 * enough for every arch; the arch layer decides the meaning of the slots.
 */
struct arch_ctx {
    uint64_t r[24];
};

/*
 * Make ctx start fn(arg) on the stack ending at stack_top the first time it
 * is switched to.  fn must never return.
 */
void arch_ctx_init(struct arch_ctx *ctx, void *stack_top, void (*fn)(void *), void *arg);
/* Save the current callee-saved state in from, load to. */
void arch_switch(struct arch_ctx *from, struct arch_ctx *to);
/* setjmp/longjmp over arch_ctx: returns 0, then v (non-zero) when jumped to. */
long arch_setjmp(struct arch_ctx *ctx);
void arch_longjmp(struct arch_ctx *ctx, long v) __attribute__((noreturn));

/* Trap record accessors (register layout: hestia/arch/<arch>.h). */
uint64_t arch_trap_pc(const struct hestia_trap_record *r);
void arch_trap_set_pc(struct hestia_trap_record *r, uint64_t pc);
uint64_t arch_trap_sp(const struct hestia_trap_record *r);
/* A user system call: number, arguments and where the result goes. */
uint64_t arch_syscall_nr(const struct hestia_trap_record *r);
uint64_t arch_syscall_arg(const struct hestia_trap_record *r, unsigned i);
void arch_syscall_set_result(struct hestia_trap_record *r, uint64_t v);
/*
 * Prepare r->regs to run user code at pc with stack sp and the first two
 * arguments a0, a1 (for VCPUOP_enter_user).
 */
void arch_user_context(struct hestia_trap_record *r, uint64_t pc, uint64_t sp, uint64_t a0,
                       uint64_t a1);

/*
 * Probes: instructions that are expected to fault.  When a trap hits one
 * of them, arch_probe_fixup() moves the pc to its recovery point and makes
 * the probe return -1; it returns 1 if r was such a probe.
 */
int arch_probe_fixup(struct hestia_trap_record *r);
/* Read/write a 64-bit word at addr: 0 or -1 on fault. */
long arch_probe_read(uintptr_t addr, uint64_t *val);
long arch_probe_write(uintptr_t addr, uint64_t val);
/* Execute an undefined instruction: -1 if it trapped (as it must). */
long arch_probe_invalid_op(void);
/*
 * Machine address of the platform's first virtio-mmio device window, or 0
 * where devices sit on PCI instead.  ia64sim: 0x10000000000 (docs/ia64sim.md).
 */
uint64_t arch_virtio_mmio_base(void);
/* Instruction-set specific privileged operations (cli, mov cr3, ...). */
unsigned arch_nr_priv_probes(void);
const char *arch_priv_probe_name(unsigned i);
/* Execute privileged probe i: -1 if it trapped, 0 if it ran (a hole). */
long arch_priv_probe(unsigned i);
/*
 * pv.virtual-ee: the guest kernel's own interrupt-enable bit (ppc MSR[EE])
 * is the event mask.  Optional (selftest.c's default skips).
 */
struct tctx;
void arch_virtual_ee_test(struct tctx *t);
/*
 * The trap kind probe i must raise: HESTIA_TRAP_PRIV_OP (PROTECTION is
 * accepted for it too) unless the architecture checks something else
 * first (ia64: itc / itr with PSR.ic 1 are Illegal Operations).
 * ports/common has a weak default that returns HESTIA_TRAP_PRIV_OP.
 */
unsigned arch_priv_probe_kind(unsigned i);
/*
 * Rewrite r the way a malicious guest would to gain privilege on return
 * (x86: IOPL 3, ring-0 selectors); the hypervisor must sanitize it.
 */
void arch_trap_tamper(struct hestia_trap_record *r);
/*
 * Rewrite r (a probe's record) to continue at the wild address pc, set up
 * so that the fault there is recovered like arch_probe_call's.
 */
void arch_trap_wild_pc(struct hestia_trap_record *r, uint64_t pc);
/* A null hypercall made with the stack pointer set to sp (events masked). */
long arch_hypercall_wild_stack(uint64_t sp);
/*
 * Addresses no guest may reach: [0] lies in the hypervisor, [1] is no
 * valid guest address at all (non-canonical, beyond every window); the
 * others are more of either kind.  Used by the tests as wild pointers.
 */
#define ARCH_NR_WILD 6
extern const uint64_t arch_wild[ARCH_NR_WILD];
/* Call addr: its result, or -1 if the call faulted. */
long arch_probe_call(uintptr_t addr);
/* Position-independent code that returns 7 (copied by the exec tests). */
extern const char arch_ret7_code[], arch_ret7_end[];

/*
 * Attacks only this arch has (x86: segment registers against every page of
 * the hypervisor): the isolation scenario's hostile domU runs each as one
 * test.  Terminated by a NULL name; an arch without any defines nothing
 * (ports/common has an empty default).
 */
struct tctx;
struct arch_attack {
    const char *name;
    void (*fn)(struct tctx *t);
};
extern const struct arch_attack arch_attacks[];

/*
 * User-mode code: a position-independent blob linked into the image,
 * [__user_start, __user_data) code and read-only data,
 * [__user_data, __user_end) writable data; all page aligned.
 */
extern char __user_start[], __user_data[], __user_end[];

#define arch_barrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)

/* HESTIA_VCPU_ARCH_* of this machine: what a save stream made here says (vstate.c). */
uint32_t arch_vcpu_state_arch(void);

#endif
