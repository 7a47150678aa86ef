/* SPDX-License-Identifier: MIT */
/*
 * Hypercall dispatch: one table indexed by the public HYPERCALL_* numbers,
 * each entry unpacking the five raw arguments for its handler.  Also the
 * small handlers with no module of their own: version, set_callbacks,
 * vcpu_op and set_timer.
 */
#include <core/console.h>
#include <core/cpu.h>
#include <core/event.h>
#include <core/grant.h>
#include <core/hypercall.h>
#include <core/hyplock.h>
#include <core/mm.h>
#include <core/pvmmu.h>
#include <core/run.h>
#include <core/smp.h>
#include <core/timer.h>
#include <core/vcpu_op.h>
#include <core/version.h>
#include <hal/cpu.h>
#include <hal/guest_copy.h>
#include <hal/mmu.h>
#include <hal/timer.h>
#include <hal/vcpu.h>

long do_version(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
    if (cmd == VERSION_abi) /* first: the null hypercall of the benchmarks */
        return HESTIA_ABI_VERSION;
    switch (cmd) {
    case VERSION_features:
        return HESTIA_FEAT_PV_MMU | HESTIA_FEAT_GRANT_COPY | HESTIA_FEAT_EVTCHN_2L |
               HESTIA_FEAT_USER_TASKS;
    case VERSION_extra: {
        char s[32];
        memset(s, 0, sizeof(s));
        snprintf(s, sizeof(s), "hestia-%s", HESTIA_VERSION_STRING);
        return hal_copy_to_guest(v, guest_va(arg), s, sizeof(s)) ? -HESTIA_EFAULT : 0;
    }
    default:
        return -HESTIA_ENOSYS;
    }
}

/* An entry point or stack the guest gives us: 0 (none) or a kernel VA. */
static bool guest_addr_ok(uint64_t va)
{
    return va == 0 || hal_guest_va_ok(guest_va(va & ~(uint64_t)(HAL_PAGE_SIZE - 1)), false);
}

long do_set_callbacks(struct vcpu *v, uint64_t ptr)
{
    struct hestia_callbacks cb;
    if (hal_copy_from_guest(v, &cb, guest_va(ptr), sizeof(cb)))
        return -HESTIA_EFAULT;
    if (!guest_addr_ok(cb.event_entry) || !guest_addr_ok(cb.exception_entry) ||
        !guest_addr_ok(cb.syscall_entry) || !guest_addr_ok(cb.kernel_stack))
        return -HESTIA_EINVAL;
    v->callbacks = cb;
    if (cb.kernel_stack)
        v->kernel_stack = cb.kernel_stack;
    hal_vcpu_callbacks_changed(v->hal);
    return 0;
}

long do_vcpu_op(struct vcpu *v, uint64_t cmd, uint64_t vcpu, uint64_t arg)
{
    struct domain *d = v->domain;
    if (vcpu >= d->nr_vcpus || !d->vcpus[vcpu])
        return -HESTIA_ESRCH;
    struct vcpu *t = d->vcpus[vcpu];
    switch (cmd) {
    case VCPUOP_set_kernel_stack:
        if (!guest_addr_ok(arg))
            return -HESTIA_EINVAL;
        t->kernel_stack = arg;
        t->callbacks.kernel_stack = arg;
        hal_vcpu_callbacks_changed(t->hal);
        return 0;
    case VCPUOP_get_runtime: {
        uint64_t ns = run_vcpu_runtime(t);
        return hal_copy_to_guest(v, guest_va(arg), &ns, sizeof(ns)) ? -HESTIA_EFAULT : 0;
    }
    case VCPUOP_enter_user: {
        if (t != v)
            return -HESTIA_EINVAL; /* only the caller's own context can be replaced */
        struct hestia_trap_record rec, saved;
        if (hal_copy_from_guest(v, &rec, guest_va(arg), sizeof(rec)))
            return -HESTIA_EFAULT;
        hal_vcpu_get_context(v->hal, &saved);
        int mode = hal_vcpu_set_context(v->hal, &rec);
        if (mode < 0)
            return -HESTIA_EINVAL;
        if (mode != 1) {
            hal_vcpu_set_context(v->hal, &saved); /* not a user context: refuse */
            return -HESTIA_EINVAL;
        }
        v->in_user = true;
        hypercall_context_replaced(v);
        return 0;
    }
    case VCPUOP_up:
        return vcpu_op_up(v, t, arg);
    default:
        return -HESTIA_ENOSYS;
    }
}

/* ---- the table ---- */

static long hc_version(struct vcpu *v, const uint64_t a[5])
{
    return do_version(v, a[0], a[1]);
}

static long hc_console_io(struct vcpu *v, const uint64_t a[5])
{
    return do_console_io(v, a[0], a[1], a[2], a[3]);
}

static long hc_sched_op(struct vcpu *v, const uint64_t a[5])
{
    return do_sched_op(v, a[0], a[1]);
}

static long hc_event_channel_op(struct vcpu *v, const uint64_t a[5])
{
    if (a[0] == EVTCHNOP_send_port) /* every notification: skip the structure op's set-up */
        return evtchn_send_port(v->domain, a[1]);
    return do_event_channel_op(v, a[0], a[1]);
}

static long hc_grant_table_op(struct vcpu *v, const uint64_t a[5])
{
    return do_grant_table_op(v, a[0], a[1], a[2]);
}

static long hc_mmu_op(struct vcpu *v, const uint64_t a[5])
{
    return do_mmu_op(v, a[0], a[1], a[2]);
}

static long hc_mmu_one(struct vcpu *v, const uint64_t a[5])
{
    return do_mmu_one(v, a[0], a[1], a[2], a[3], a[4]);
}

static long hc_domctl(struct vcpu *v, const uint64_t a[5])
{
    return do_domctl(v, a[0]);
}

static long hc_set_callbacks(struct vcpu *v, const uint64_t a[5])
{
    return do_set_callbacks(v, a[0]);
}

/*
 * (flags): TRAP_RETURN_BLOCK blocks the loaded context, if it has events
 * enabled, as SCHEDOP_block would: the guest's idle loop saves the exit,
 * the re-entry and the block call it would make next (a third of an event
 * round trip's exits).  Unknown bits are refused before anything is loaded.
 * The flags are read first: a[] may be the vCPU's saved registers
 * themselves (x86_64 reads the arguments in place), which the load replaces.
 */
static __attribute__((noinline)) long trap_return_flagged(struct vcpu *v, uint64_t how)
{
    if (how & ~(uint64_t)TRAP_RETURN_BLOCK)
        return -HESTIA_EINVAL;
    long rc = do_trap_return(v);
    if (rc != 0)
        return rc;
    hypercall_context_replaced(v);
    if (!v->info->evtchn_upcall_mask)
        sched_op_block(v); /* its result (0) would clobber the context */
    return 0;
}

static long hc_trap_return(struct vcpu *v, const uint64_t a[5])
{
    if (a[0]) /* out of line: every guest system call returns through here with 0 */
        return trap_return_flagged(v, a[0]);
    long rc = do_trap_return(v);
    if (rc == 0)
        hypercall_context_replaced(v);
    return rc;
}

/*
 * (lo, hi): 32-bit guests split the deadline.  A 64-bit guest may pass the
 * whole value in lo with hi = 0.
 */
static long hc_set_timer(struct vcpu *v, const uint64_t a[5])
{
    if (a[1] > 0xffffffffull)
        return -HESTIA_EINVAL;
    uint64_t deadline = a[1] ? (a[1] << 32) | (a[0] & 0xffffffffull) : a[0];
    return timer_set_guest(v, deadline);
}

static long hc_vcpu_op(struct vcpu *v, const uint64_t a[5])
{
    return do_vcpu_op(v, a[0], a[1], a[2]);
}

static long hc_memory_op(struct vcpu *v, const uint64_t a[5])
{
    return do_memory_op(v, a[0], a[1]);
}

static long hc_physdev_op(struct vcpu *v, const uint64_t a[5])
{
    return do_physdev_op(v, a[0], a[1]);
}

static const hypercall_fn table[HYPERCALL_COUNT] = {
    [HYPERCALL_version] = hc_version,
    [HYPERCALL_console_io] = hc_console_io,
    [HYPERCALL_sched_op] = hc_sched_op,
    [HYPERCALL_event_channel_op] = hc_event_channel_op,
    [HYPERCALL_grant_table_op] = hc_grant_table_op,
    [HYPERCALL_mmu_op] = hc_mmu_op,
    [HYPERCALL_domctl] = hc_domctl,
    [HYPERCALL_set_callbacks] = hc_set_callbacks,
    [HYPERCALL_trap_return] = hc_trap_return,
    [HYPERCALL_set_timer] = hc_set_timer,
    [HYPERCALL_vcpu_op] = hc_vcpu_op,
    [HYPERCALL_memory_op] = hc_memory_op,
    [HYPERCALL_physdev_op] = hc_physdev_op,
    [HYPERCALL_mmu_one] = hc_mmu_one,
};
/*
 * Every number below HYPERCALL_COUNT has its entry, so the hot dispatch
 * (hypercall_resume_locked) tests only the range: a new hypercall number
 * must come with its entry here.
 */
_Static_assert(HYPERCALL_COUNT == 14,
               "every HYPERCALL_* below the count has a table entry");

void hypercall_context_replaced(struct vcpu *v)
{
    v->context_replaced = true;
}

long hypercall_dispatch(struct vcpu *v, unsigned long nr, const uint64_t args[5])
{
    if (nr >= HYPERCALL_COUNT || !table[nr])
        return -HESTIA_ENOSYS;
    return table[nr](v, args);
}

static void core_hypercall_locked(struct vcpu *v, unsigned long nr, const uint64_t args[5])
{
    /*
     * Guest user processes never reach the hypervisor: an arch that could
     * not tell the modes apart at entry still gets the right behaviour.
     */
    if (hal_vcpu_in_user(v->hal)) {
        core_guest_syscall(v);
        return;
    }
    v->context_replaced = false;
    long rc = hypercall_dispatch(v, nr, args);
    /* A call that replaced the context must not clobber its result register. */
    if (!v->context_replaced)
        hal_vcpu_set_result(v->hal, rc);
}

/* The entry point: under the hypervisor lock (core/hyplock.c). */
void core_hypercall(struct vcpu *v, unsigned long nr, const uint64_t args[5])
{
    bool taken = core_lock();
    core_hypercall_locked(v, nr, args);
    core_unlock(taken);
}

/* The call and the run loop's decision, the lock held (taken: by this call). */
static inline struct hal_vcpu *hypercall_resume_locked(unsigned cpu, struct vcpu *v,
                                                       unsigned long nr,
                                                       const uint64_t args[5], bool taken)
{
    v->context_replaced = false;
    long rc =
        nr < HYPERCALL_COUNT ? table[nr](v, args) : -HESTIA_ENOSYS; /* no NULL entry */
    if (!v->context_replaced)
        hal_vcpu_set_result(v->hal, rc);
    struct cpu *c = &core_cpus[cpu]; /* cpu = hal_cpu_id(): below HAL_MAX_CPUS */
    struct hal_vcpu *hv = run_quiet_exit(c);
    if (!hv)
        hv = run_full_pass(c);
    hyplock_release(taken);
    return hv;
}

/* The lock was busy or already ours: out of line, so the fast path saves fewer registers.
 */
static __attribute__((noinline)) struct hal_vcpu *
hypercall_resume_slow(unsigned cpu, struct vcpu *v, unsigned long nr,
                      const uint64_t args[5])
{
    return hypercall_resume_locked(cpu, v, nr, args, hyplock_take(cpu));
}

struct hal_vcpu *core_hypercall_resume(unsigned cpu, struct vcpu *v, unsigned long nr,
                                       const uint64_t args[5])
{
    if (!hyplock_try(cpu))
        return hypercall_resume_slow(cpu, v, nr, args);
    return hypercall_resume_locked(cpu, v, nr, args, true);
}
