/* SPDX-License-Identifier: MIT */
/*
 * vCPU register state, trap delivery and entering a guest.
 *
 * Two views of a vCPU's registers:
 *  - the trap record's regs[] (include/public/hestia/arch/<arch>.h):
 *    what a guest sees and hands back on trap delivery and trap_return
 *    (hal_vcpu_get_context / hal_vcpu_set_context).  It is NOT the whole
 *    state: FPU and vector registers (x86 FXSAVE area, held lazily in the
 *    FPU itself while the vCPU owns it) and, on ppc and ia64, registers
 *    outside the record are not in it.
 *  - the whole-vCPU-state record (include/public/hestia/vcpu_state.h): a
 *    versioned, fixed-layout serialization of everything a guest can set,
 *    for dom0's DOMCTL_get/set_vcpu_state, save/restore and migration
 *    (hal_vcpu_save_state / hal_vcpu_load_state).
 *
 * Control flow: every guest exit saves the guest registers into the running
 * vCPU's hal_vcpu, calls into core/ (core_hypercall, core_guest_trap,
 * core_timer_interrupt, ...), then asks core_resume_vcpu() which vCPU to
 * enter and calls hal_vcpu_run() on it.  There is no stack switching in
 * core/: a blocked vCPU simply is not picked.
 */
#ifndef HAL_VCPU_H
#define HAL_VCPU_H

#include "types.h"

struct hestia_trap_record;
struct hestia_vcpu_state;

/*
 * Allocate the arch state of v (register frame, FPU area, per-vCPU
 * backing store on ia64) from core_heap_alloc().  Registers start zeroed
 * in guest-kernel mode.  Returns NULL on -HESTIA_ENOMEM.
 * Context: hypervisor, domain creation.
 */
struct hal_vcpu *hal_vcpu_create(struct vcpu *v);

/* Free what hal_vcpu_create() allocated.  hv must not be running. */
void hal_vcpu_destroy(struct hal_vcpu *hv);

/*
 * Prepare the first entry: guest-kernel mode at entry with stack pointer
 * stack and the arch's first-argument register (start_info.h) = arg.
 * Context: domain build, vCPU not running.
 */
void hal_vcpu_init_entry(struct hal_vcpu *hv, guest_va_t entry, guest_va_t stack,
                         guest_va_t arg);

/*
 * Set the address spaces the vCPU runs under from its next entry on:
 * kernel (never NULL) and the current user space (NULL = none).
 */
void hal_vcpu_set_spaces(struct hal_vcpu *hv, struct hal_as *kernel, struct hal_as *user);

/*
 * The spaces last set by hal_vcpu_set_spaces() (user may be NULL; kernel
 * is NULL only before the first call).  hal/lib/guest_copy.c copies guest
 * memory through them.
 */
void hal_vcpu_get_spaces(const struct hal_vcpu *hv, struct hal_as **kernel,
                         struct hal_as **user);

/* Whether the saved context is in guest-user mode. */
bool hal_vcpu_in_user(const struct hal_vcpu *hv);

/*
 * Store a hypercall's result in the saved context's result register.
 * core_hypercall() calls it after every hypercall except one that
 * replaced the whole saved context (trap_return, VCPUOP_enter_user): the
 * "context replaced" convention in hal/entry.h.  The arch's entry path
 * never writes the result register itself.
 */
void hal_vcpu_set_result(struct hal_vcpu *hv, long result);

/*
 * The guest changed the vCPU's callbacks (v->callbacks: event, exception
 * and syscall entries) or its guest kernel stack (HYPERCALL_set_callbacks,
 * VCPUOP_set_kernel_stack).  core/ calls it after the change took effect,
 * so an arch that caches them in hardware-visible state (x86's direct
 * int 0x80 gate) drops the cache before the vCPU's next entry.  hv need not
 * be the running vCPU.  Context: hypervisor, hypercall of hv's domain.
 */
void hal_vcpu_callbacks_changed(struct hal_vcpu *hv);

/*
 * hv stops being this CPU's current vCPU (core/run.c, the one place the
 * current vCPU changes: a switch to another vCPU, to idle, or hv taken
 * off).  From the return on, another CPU may pick hv and enter it, so an
 * arch that leaves part of a vCPU's registers in the CPU from one exit to
 * the next entry (ia64's kept registers) writes them back to hv here;
 * the others need nothing.  Called only while several CPUs are online
 * (with one, no other CPU could enter hv).
 * Context: hypervisor, on the CPU hv was current on, hypervisor lock
 * held; hv and its domain still exist.
 */
void hal_vcpu_switched_out(struct hal_vcpu *hv);

/*
 * Copy the saved guest context into rec->regs (arch layout); the other
 * fields of rec are left alone.  Context: vCPU not running on another CPU.
 */
void hal_vcpu_get_context(const struct hal_vcpu *hv, struct hestia_trap_record *rec);

/*
 * Load rec->regs as the saved context, sanitized so it cannot gain
 * privilege (mode bits, segment selectors, MSR/PSR bits beyond the guest's
 * reach are forced or refused).  Returns 1 if the context is in guest-user
 * mode, 0 for guest-kernel mode, or -HESTIA_EINVAL if it cannot be made safe
 * (the saved context is then unchanged).
 */
int hal_vcpu_set_context(struct hal_vcpu *hv, const struct hestia_trap_record *rec);

/*
 * True if hal_vcpu_set_context() reads each slot of rec exactly once and
 * checks the values it loads, so it may be given a record the guest can
 * change meanwhile (its vcpu_info.trap: trap_return skips the private
 * copy, 52 words on x86_64).  False (the default, hal/lib/vcpu_state.c):
 * callers copy such a record first.
 */
extern const bool hal_vcpu_set_context_reads_once;

/*
 * Serialize the whole architectural state of hv into st: header (magic,
 * version, the arch's id and exact record size, flags 0) and the arch's
 * body (trap-record registers first, then FPU / vector / extra state);
 * bytes of st past hdr.size are left alone.  State the arch holds lazily
 * (x86 FPU registers while hv owns the FPU) is read from the CPU, so the
 * record is current; hv itself and which vCPU owns the FPU do not change.
 * Returns 0, or -HESTIA_EBUSY if part of the state is live on another
 * physical CPU.  Context: hypervisor, hv not running (its domain paused).
 */
int hal_vcpu_save_state(const struct hal_vcpu *hv, struct hestia_vcpu_state *st);

/*
 * Load a record made by hal_vcpu_save_state() (possibly edited, possibly
 * from another host) as hv's whole state.  The header must name this
 * arch, HESTIA_VCPU_STATE_VERSION, the arch's exact size and no flags;
 * the registers are sanitized exactly as hal_vcpu_set_context() does (no
 * privilege gain); extra state the CPU would fault on (a reserved MXCSR
 * bit, non-zero reserved words) is refused.  Lazily held state is
 * invalidated, so hv's next use of the FPU loads the new image.
 * Returns 1 if the loaded context is in guest-user mode, 0 for
 * guest-kernel mode, -HESTIA_EINVAL (refused) or -HESTIA_EBUSY (part of
 * hv's state is live on another physical CPU), with nothing changed.
 * Context: hypervisor, hv not running (its domain paused).
 */
int hal_vcpu_load_state(struct hal_vcpu *hv, const struct hestia_vcpu_state *st);

/*
 * Helpers for the backends' save/load (hal/lib/vcpu_state.c).
 * hal_vcpu_state_begin: zero the header and the first size - header bytes
 * of the body, then fill the header for arch with total size size.
 * hal_vcpu_state_check: 0 if st's header is exactly (magic, version, arch,
 * size, flags 0, reserved 0), else -HESTIA_EINVAL.
 * hal_vcpu_state_zero: whether n bytes at p are all 0.
 */
void hal_vcpu_state_begin(struct hestia_vcpu_state *st, unsigned arch, size_t size);
int hal_vcpu_state_check(const struct hestia_vcpu_state *st, unsigned arch, size_t size);
bool hal_vcpu_state_zero(const void *p, size_t n);

/*
 * Redirect the saved context to a guest handler: switch to guest-kernel
 * mode, jump to entry; if kernel_stack is non-zero load it as the stack
 * pointer (used when coming from guest-user mode), else keep the current
 * stack (the arch may reserve a red zone).  core/ has saved the old context
 * in the trap record before calling this.
 */
void hal_vcpu_enter_handler(struct hal_vcpu *hv, guest_va_t entry, guest_va_t kernel_stack);

/*
 * Enter the guest with hv's saved context on this CPU: load its address
 * spaces and registers and return to guest mode.  Never returns; the next
 * guest exit starts over at the arch's trap entry.
 * Context: hypervisor, interrupts disabled, no locks held.
 */
HAL_NORETURN void hal_vcpu_run(struct hal_vcpu *hv);

#endif
