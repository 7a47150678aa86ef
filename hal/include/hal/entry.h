/* SPDX-License-Identifier: MIT */
/*
 * The entry points into core/ that arch code calls, and the services core/
 * offers the HAL.  This is the whole upward interface.
 */
#ifndef HAL_ENTRY_H
#define HAL_ENTRY_H

#include "boot.h"
#include "types.h"

/*
 * Start the hypervisor: frame allocator, dom0 from the first boot module,
 * then run guests.  Called once by the boot CPU after the arch set up its
 * MMU, traps, console and timer.  Never returns.
 */
HAL_NORETURN void core_main(const struct hal_boot_info *bi);

/*
 * A hypercall made by vCPU v (the running one): nr and five arguments as
 * the arch's calling convention delivered them (zero-extended).  core/
 * stores the result itself with hal_vcpu_set_result(), so the arch never
 * looks at hypercall numbers.  Context replaced: a hypercall that loads a
 * whole new saved context (trap_return, VCPUOP_enter_user) marks it so
 * (hypercall_context_replaced() in core/hypercall.h) and its result is not
 * written, since the result register belongs to the new context.
 * Afterwards the arch calls core_resume_vcpu().  If v is in guest user
 * mode, core reflects the call to the guest kernel as a system call
 * (core_guest_syscall) instead: user processes never make hypercalls.
 */
void core_hypercall(struct vcpu *v, unsigned long nr, const uint64_t args[5]);

/*
 * core_hypercall() then core_resume_vcpu() in one pass under one taking of
 * the hypervisor lock: the vCPU to enter next (usually v itself, when the
 * call changed nothing the run loop decides from).  cpu is hal_cpu_id(),
 * which the arch's entry path has at hand.  v must be in guest kernel
 * mode: the arch sends a guest user's system call to core_guest_syscall()
 * itself (core_hypercall() checks that again, this path does not).  The
 * arch's hypercall fast path; the two calls above stay valid for arches
 * that need to do something in between.
 */
struct hal_vcpu *core_hypercall_resume(unsigned cpu, struct vcpu *v, unsigned long nr,
                                       const uint64_t args[5]);

/*
 * A guest exception the arch does not handle itself (everything but
 * hypercalls, emulated instructions and TLB refills it satisfies from its
 * own tables): kind is HESTIA_TRAP_*, the rest fills the trap record.
 * core/ delivers it to the guest's exception entry, or crashes the domain
 * if it has none or the trap record is busy.
 */
void core_guest_trap(struct vcpu *v, unsigned kind, unsigned arch_vector,
                     uint64_t error_code, uint64_t fault_addr);

/* A system call from guest-user mode (arches that route it through the hypervisor). */
void core_guest_syscall(struct vcpu *v);

/*
 * core_guest_syscall() then core_resume_vcpu() under one taking of the
 * hypervisor lock: the vCPU to enter next (v, now at its kernel's system
 * call entry, unless the run loop picks another).  cpu is hal_cpu_id().
 */
struct hal_vcpu *core_guest_syscall_resume(unsigned cpu, struct vcpu *v);

/*
 * A secondary CPU started by hal_cpu_start() enters core here, on its own
 * stack, with its per-CPU state set up and interrupts disabled.  core waits
 * until the boot CPU has finished its set-up, then runs this CPU's share of
 * the vCPUs.  Never returns.
 */
HAL_NORETURN void core_secondary_main(void);

/*
 * An inter-processor interrupt (hal_ipi_send()) arrived on this CPU:
 * core runs the work other CPUs queued for it (a wake-up, a TLB flush).
 * Interrupts disabled.
 */
void core_ipi_interrupt(void);

/* This CPU's one-shot timer fired (interrupts disabled). */
void core_timer_interrupt(void);

/* A byte arrived on the physical console (from an interrupt or polling). */
void core_console_input(int c);

/*
 * Physical interrupt line pirq fired (hal/pirq.h): the arch has
 * acknowledged it at its controller and signals end of interrupt after
 * this returns.  core/ masks the line and sets the bound port of dom0
 * pending (an unbound line just stays masked).  Interrupts disabled.
 */
void core_pirq_interrupt(unsigned pirq);

/*
 * Which vCPU to enter next on this CPU: charges the time the last one ran,
 * runs the scheduler, idles (hal_cpu_idle) while nothing is runnable, and
 * injects pending event upcalls.  The arch then calls hal_vcpu_run() on it.
 */
struct hal_vcpu *core_resume_vcpu(void);

/* The vCPU running on this CPU, or NULL in the idle loop. */
struct vcpu *core_current_vcpu(void);

/* The arch state of v (for arch code holding a struct vcpu *). */
struct hal_vcpu *core_vcpu_hal(struct vcpu *v);

/*
 * Frames for the HAL's own structures (page tables) on behalf of domain d
 * (NULL: the hypervisor itself), charged to d.  Returns MFN_INVALID when d
 * is at its limit or memory is exhausted.  The frame is zeroed.
 */
mfn_t core_frame_alloc(struct domain *d);
void core_frame_free(struct domain *d, mfn_t mfn);

/*
 * Whether mfn is RAM the frame allocator manages.  hal/lib/guest_copy_walk.c
 * reaches a guest's memory through the direct map only for such frames: a
 * hypercall argument in device memory dom0 mapped (PHYSDEVOP_map_mmio) is
 * -HESTIA_EFAULT, never a read of the device from the hypervisor.
 */
bool core_frame_is_ram(mfn_t mfn);

/*
 * The hypervisor has just written guest frame mfn on a guest's behalf
 * (hal_copy_to_guest): core/ marks it dirty if its domain is being
 * tracked for migration (core/logdirty.c).  Context: hypercall.
 */
void core_frame_written(mfn_t mfn);

/* Small hypervisor allocations (zeroed); NULL when out of memory. */
void *core_heap_alloc(size_t size);

/*
 * As core_heap_alloc(), aligned to align (a power of two up to
 * HAL_PAGE_SIZE; anything else gives NULL).  Freed with core_heap_free()
 * like any other allocation: no "raw" pointer to keep.
 */
void *core_heap_alloc_aligned(size_t size, size_t align);
void core_heap_free(void *p);

/*
 * Run fn(arg) on CPU cpu with interrupts disabled and return once it ran
 * there (on the calling CPU: run it now); nothing if cpu is not online.
 * For the HAL's cross-CPU work: a TLB shootdown, an address space or FPU
 * owner another CPU must forget before its memory is freed.  fn must be
 * short and take no lock.  Context: hypervisor, interrupts disabled.
 */
void core_cpu_call(unsigned cpu, void (*fn)(void *arg), void *arg);

/* Print and stop everything.  Context: any. */
HAL_NORETURN void core_panic(const char *fmt, ...);

/* printf to the hypervisor console (%s %d %u %x %lx %llx %p %c, widths). */
void core_printf(const char *fmt, ...);

#endif
