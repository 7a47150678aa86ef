/* SPDX-License-Identifier: MIT */
/*
 * Exceptions, system calls and event upcalls reach a guest one way on every
 * arch: the interrupted context is saved in vcpu_info.trap, events are
 * masked and the vCPU is redirected to the entry it registered.  The guest
 * comes back with HYPERCALL_trap_return.  A trap while the record is still
 * busy (or with no entry registered) cannot be delivered: the domain is
 * crashed, and only that domain.
 */
#include <core/cpu.h>
#include <core/domain.h>
#include <core/hypercall.h>
#include <core/hyplock.h>
#include <core/run.h>
#include <core/smp.h>
#include <core/trap.h>
#include <hal/vcpu.h>

/* trap_deliver(), inline into the event upcall (every event a vCPU takes). */
static inline __attribute__((always_inline)) int
deliver(struct vcpu *v, unsigned kind, unsigned arch_vector, uint64_t error_code,
        uint64_t fault_addr, uint64_t entry)
{
    struct vcpu_info *info = v->info;
    struct hestia_trap_record *rec = &info->trap;
    if (!entry || (rec->flags & TRAP_FLAG_BUSY))
        return -HESTIA_EFAULT;
    bool from_user = hal_vcpu_in_user(v->hal);
    if (from_user && !v->kernel_stack)
        return -HESTIA_EFAULT; /* nowhere safe to run the handler */
    hal_vcpu_get_context(v->hal, rec);
    rec->kind = kind;
    rec->arch_vector = arch_vector;
    rec->error_code = error_code;
    rec->fault_addr = fault_addr;
    rec->pad = 0;
    uint32_t flags = TRAP_FLAG_BUSY;
    if (from_user)
        flags |= TRAP_FLAG_FROM_USER;
    if (!info->evtchn_upcall_mask)
        flags |= TRAP_FLAG_EVENTS_ENABLED;
    rec->flags = flags;
    info->evtchn_upcall_mask = 1;
    hal_vcpu_enter_handler(v->hal, guest_va(entry),
                           guest_va(from_user ? v->kernel_stack : 0));
    v->in_user = false;
    return 0;
}

int trap_deliver(struct vcpu *v, unsigned kind, unsigned arch_vector, uint64_t error_code,
                 uint64_t fault_addr, uint64_t entry)
{
    return deliver(v, kind, arch_vector, error_code, fault_addr, entry);
}

bool trap_inject_event(struct vcpu *v)
{
    struct vcpu_info *info = v->info;
    if (!info->evtchn_upcall_pending || info->evtchn_upcall_mask)
        return false;
    if (!v->callbacks.event_entry || (info->trap.flags & TRAP_FLAG_BUSY))
        return false; /* retried at the next entry once the guest is ready */
    return deliver(v, HESTIA_TRAP_EVENT, 0, 0, 0, v->callbacks.event_entry) == 0;
}

static void crash(struct vcpu *v, unsigned kind, unsigned arch_vector, uint64_t fault_addr)
{
    struct domain *d = v->domain;
    core_printf(
        "hestia: d%u v%u: undeliverable trap %u (vector %u, addr %llx): crashing it\n",
        d->id, v->id, kind, arch_vector, (unsigned long long)fault_addr);
    domain_shutdown(d, SHUTDOWN_crash);
}

static void core_guest_trap_locked(struct vcpu *v, unsigned kind, unsigned arch_vector,
                                   uint64_t error_code, uint64_t fault_addr)
{
    if (kind == HESTIA_TRAP_SYSCALL) {
        core_guest_syscall(v);
        return;
    }
    if (kind == HESTIA_TRAP_EVENT || kind > HESTIA_TRAP_OTHER)
        kind = HESTIA_TRAP_OTHER; /* an arch bug must not fake an event */
    if (trap_deliver(v, kind, arch_vector, error_code, fault_addr,
                     v->callbacks.exception_entry) != 0)
        crash(v, kind, arch_vector, fault_addr);
}

static void core_guest_syscall_locked(struct vcpu *v)
{
    if (trap_deliver(v, HESTIA_TRAP_SYSCALL, 0, 0, 0, v->callbacks.syscall_entry) != 0)
        crash(v, HESTIA_TRAP_SYSCALL, 0, 0);
}

long do_trap_return(struct vcpu *v)
{
    struct vcpu_info *info = v->info;
    /*
     * The guest (another vCPU) may change the record meanwhile: the flags
     * are read once, and the registers either by a HAL that reads each
     * once or from a private copy.
     */
    uint32_t flags;
    int mode;
    if (hal_vcpu_set_context_reads_once) {
        flags = __atomic_load_n(&info->trap.flags, __ATOMIC_RELAXED);
        mode = hal_vcpu_set_context(v->hal, &info->trap);
    } else {
        struct hestia_trap_record rec = info->trap;
        flags = rec.flags;
        mode = hal_vcpu_set_context(v->hal, &rec);
    }
    if (mode < 0)
        return -HESTIA_EINVAL;
    info->trap.flags &= ~(uint32_t)TRAP_FLAG_BUSY;
    info->evtchn_upcall_mask = (flags & TRAP_FLAG_EVENTS_ENABLED) ? 0 : 1;
    v->in_user = mode == 1;
    return 0;
}

/* The entry point: under the hypervisor lock (core/hyplock.c). */
void core_guest_trap(struct vcpu *v, unsigned kind, unsigned arch_vector,
                     uint64_t error_code, uint64_t fault_addr)
{
    bool taken = core_lock();
    core_guest_trap_locked(v, kind, arch_vector, error_code, fault_addr);
    core_unlock(taken);
}

/* The entry point: under the hypervisor lock (core/hyplock.c). */
void core_guest_syscall(struct vcpu *v)
{
    bool taken = core_lock();
    core_guest_syscall_locked(v);
    core_unlock(taken);
}

/*
 * core_guest_syscall() then core_resume_vcpu() under one taking of the lock
 * (hal/entry.h): an arch that routes user system calls through the
 * hypervisor paid two lock round trips per call.
 */
struct hal_vcpu *core_guest_syscall_resume(unsigned cpu, struct vcpu *v)
{
    bool taken = hyplock_take(cpu);
    core_guest_syscall_locked(v);
    struct hal_vcpu *hv = run_resume_locked(cpu_by_id(cpu));
    hyplock_release(taken);
    return hv;
}
