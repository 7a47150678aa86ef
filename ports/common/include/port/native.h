/* SPDX-License-Identifier: MIT */
/*
 * The native platform (docs/native.md): the same guest kernel running at
 * the highest privilege on the bare machine.  Its hypercalls are ordinary
 * calls into ports/common/native (arch_hypercall is linked from there
 * instead of the arch's trapping stub), which keeps the shared info page,
 * the event channels, the trap record and the timer itself and asks the
 * arch's native layer (ports/<arch>/native) for what only the CPU can do:
 * the functions below.
 */
#ifndef PORT_NATIVE_H
#define PORT_NATIVE_H

#include <stdbool.h>
#include <stdint.h>

#include <hestia/hestia.h>

/* ---- provided by ports/<arch>/native ----------------------------------- */

/* Write one byte to the machine's console. */
void nat_console_putc(char c);
/* End the emulator run: status 0 is a pass. */
__attribute__((noreturn)) void nat_exit(unsigned status);
/* Hardware interrupts off (returns the old state) / back to that state. */
unsigned long nat_irq_save(void);
void nat_irq_restore(unsigned long state);
/* Wait for an interrupt with interrupts on for the wait only (sti; hlt). */
void nat_idle(void);
/* Raise the event interrupt at once: a pending upcall is delivered on it. */
void nat_raise_event(void);
/* The one-shot timer: interrupt after delay_ns (capped by the caller); cancel. */
void nat_timer_arm(uint64_t delay_ns);
void nat_timer_cancel(void);
/* The page tables: handle 0 is the kernel space, others user spaces (mmu.h). */
long nat_as_create(uint64_t *as);
long nat_as_destroy(uint64_t as);
long nat_as_switch(uint64_t as);
long nat_map(uint64_t as, uint64_t va, uint64_t gfn, unsigned perms);
long nat_unmap(uint64_t as, uint64_t va);
long nat_protect(uint64_t as, uint64_t va, unsigned perms);
void nat_flush(uint64_t as, uint64_t va);
/*
 * The kernel's system-call entry and the kernel stack for entries from user
 * mode changed (set_callbacks, VCPUOP_set_kernel_stack): an arch whose PV
 * ABI lets system calls reach the kernel straight from the CPU (x86's
 * int 0x80 gate) routes them the same way; the others do nothing.
 */
void nat_syscall_route(uint64_t syscall_entry, uint64_t kernel_stack);
/* Does rec (the arch's register layout) describe user mode? */
bool nat_rec_is_user(const struct hestia_trap_record *rec);
/* Load rec's registers and continue there (its mode; sanitized). */
__attribute__((noreturn)) void nat_resume(const struct hestia_trap_record *rec);
/*
 * Run a handler: kernel mode at entry, on stack sp (0: below the stack
 * pointer of the context saved in rec, as a same-mode interrupt would).
 */
__attribute__((noreturn)) void nat_enter_handler(uint64_t entry, uint64_t sp,
                                                 const struct hestia_trap_record *rec);

/* ---- provided by ports/common/native for the arch layer -------------- */

/*
 * Start the kernel: the arch layer has its page tables, traps and console
 * up, and says how much memory the kernel gets (frames [0, nr_pages) at
 * virt_base, the image inside), the counter's frequency and the command
 * line.  Builds the start info and the shared info and calls port_start.
 */
__attribute__((noreturn)) void native_start(uint64_t nr_pages, uint64_t virt_base,
                                            uint64_t counter_hz, const char *cmdline);
/* The one-shot timer expired (interrupt context, interrupts off). */
void native_timer_fired(void);
/* An upcall is due: events pending, unmasked, the trap record free. */
bool native_event_due(void);
/*
 * Deliver a trap: rec holds the interrupted registers; kind and the rest as
 * in the trap record.  Does not return: the registered handler runs.  An
 * undeliverable trap (no handler, record busy) ends the run with a message.
 */
__attribute__((noreturn)) void native_deliver(const struct hestia_trap_record *rec,
                                              unsigned kind, unsigned vector,
                                              uint64_t error_code, uint64_t fault_addr);

/* Event channels of the native platform (native/evtchn.c). */
long native_evtchn_op(unsigned cmd, void *arg);
void native_evtchn_raise_virq(unsigned virq);

#endif
