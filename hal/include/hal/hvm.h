/* SPDX-License-Identifier: MIT */
/*
 * Hardware-assisted (HVM) vCPUs: an unmodified guest runs under the CPU's
 * virtualization extensions (x86_64: AMD SVM with nested paging) over a
 * guest-physical address space (HAL_AS_GUEST_PHYS, hal/mmu.h), with the
 * device model in the backend.  An HVM vCPU is still a struct hal_vcpu:
 * it is entered by the same hal_vcpu_run(core_resume_vcpu()) loop, and
 * each of its exits is handled by the backend, which then calls
 * hal_vcpu_run(core_resume_vcpu()) again.  Arches without such extensions
 * use hal/lib/hvm_none.c: every call refuses with -HESTIA_ENOSYS.
 * docs/hvm.md says what is emulated and how.
 */
#ifndef HAL_HVM_H
#define HAL_HVM_H

#include "types.h"

struct domctl_hvm_start;

/*
 * Whether this machine can run HVM vCPUs (the CPU has the extensions and
 * the backend supports them).  Context: any, after boot.
 */
bool hal_hvm_available(void);

/*
 * Turn hv (just made by hal_vcpu_create, never run) into an HVM vCPU whose
 * guest-physical memory is gphys (kind HAL_AS_GUEST_PHYS, owned by the
 * vCPU's domain; it must outlive hv).  Allocates the control block and the
 * device model state; hal_vcpu_destroy() frees them.  The vCPU is not
 * started.  Errors: -HESTIA_ENOSYS (no HVM on this machine),
 * -HESTIA_ENOMEM.  Context: hypervisor, domain creation.
 */
int hal_hvm_vcpu_init(struct hal_vcpu *hv, struct hal_as *gphys);

/*
 * Give an HVM vCPU its first register state (include/public/hestia/
 * domctl.h, DOMCTL_hvm_start_vcpu: 64-bit long mode, paging on at cr3).
 * Errors: -HESTIA_EINVAL (not an HVM vCPU, a value the CPU would refuse:
 * non-canonical rip or rsp, cr3 not page aligned or beyond limit_gpa,
 * flags set), nothing changed.  Context: domain build, vCPU not running.
 */
int hal_hvm_vcpu_start(struct hal_vcpu *hv, const struct domctl_hvm_start *s,
                       uint64_t limit_gpa);

/*
 * Exits of an HVM vCPU so far, for dom0's accounting: the count of exits
 * with reason number `reason` (arch numbering, docs/hvm.md), 0 for an
 * unknown one; reason ~0u gives the total.
 */
uint64_t hal_hvm_exit_count(const struct hal_vcpu *hv, unsigned reason);

/*
 * Services core/ offers the backend for its HVM vCPUs.  Context: the exit
 * handler of v's backend, interrupts disabled, before it calls
 * core_resume_vcpu().
 *
 * core_hvm_halt: v halted (x86 HLT with interrupts on): it sleeps until
 *   wake_ns (0 = no deadline) or until core_hvm_kick().
 * core_hvm_kick: wake v if it is halted (a device model interrupt became
 *   pending).
 * core_hvm_console_write: bytes the guest wrote to its serial port go to
 *   its domain's console (dom0's `console <dom>`, the "(dN) " lines).
 * core_hvm_console_read: the next byte dom0 typed into v's domain console,
 *   or -1 if none.
 * core_hvm_shutdown: the guest powered off (SHUTDOWN_poweroff), asked for
 *   a reset (SHUTDOWN_reboot) or died (SHUTDOWN_crash: triple fault, an
 *   exit that cannot be handled); only its own domain stops.
 */
void core_hvm_halt(struct vcpu *v, uint64_t wake_ns);
void core_hvm_kick(struct vcpu *v);
/*
 * core_hvm_set_timer: make sure this CPU gets a timer interrupt by
 * deadline_ns (0 = none needed) while v runs, so that a device model
 * deadline (the PIT's next IRQ 0) ends the guest's slice in time.
 */
void core_hvm_set_timer(struct vcpu *v, uint64_t deadline_ns);
void core_hvm_console_write(struct vcpu *v, const char *s, size_t len);
int core_hvm_console_read(struct vcpu *v);
void core_hvm_shutdown(struct vcpu *v, unsigned reason);
/* The id of v's domain, for the backend's messages. */
unsigned core_hvm_domain_id(struct vcpu *v);

#endif
