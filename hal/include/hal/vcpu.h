/* SPDX-License-Identifier: MIT */
/*
 * vCPU register state, trap delivery and entering a guest.
 *
 * The register layout shared with guests and used for save/restore is the
 * trap record's regs[] (include/public/hestia/arch/<arch>.h), so the whole
 * arch state of a vCPU is serializable through hal_vcpu_get_context().
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
