/* SPDX-License-Identifier: MIT */
/*
 * HVM domains in core: the guest-physical address space over the
 * domain's own frames, starting a vCPU, and the services the HAL's exit
 * handlers use (hal/hvm.h: halt, kick, console, shutdown).  Everything
 * else (scheduling, events, pause, destroy, accounting) is the same code
 * as for paravirtual domains.
 */
#include "sched_internal.h"
#include <core/console.h>
#include <core/domain.h>
#include <core/hvm.h>
#include <core/mm.h>
#include <core/run.h>
#include <core/sched.h>
#include <core/smp.h>
#include <core/timer.h>
#include <hal/hvm.h>
#include <hal/mmu.h>
#include <hal/vcpu.h>

static void dropped(void *ctx, guest_va_t va, mfn_t mfn)
{
    (void)ctx;
    (void)va;
    frame_put(mfn);
}

int hvm_domain_init(struct domain *d)
{
    if (!hal_hvm_available())
        return -HESTIA_ENOSYS;
    struct hal_as *gp = hal_as_create(d, HAL_AS_GUEST_PHYS);
    if (!gp)
        return -HESTIA_ENOMEM;
    d->gphys = gp;
    uint64_t limit = p2m_gfn_limit(d);
    for (uint64_t g = 0; g < limit; g++) {
        mfn_t m = p2m_lookup(d, gfn(g));
        if (mfn_eq(m, MFN_INVALID))
            continue;
        int rc = frame_get(m);
        if (rc)
            return rc;
        rc = hal_as_map(gp, guest_va(g << HAL_PAGE_SHIFT), m,
                        MMU_PERM_READ | MMU_PERM_WRITE | MMU_PERM_EXEC);
        if (rc) {
            frame_put(m);
            return rc;
        }
    }
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        int rc = hal_hvm_vcpu_init(d->vcpus[i]->hal, gp);
        if (rc)
            return rc;
    }
    d->hvm = true;
    return 0;
}

void hvm_domain_destroy(struct domain *d)
{
    if (!d->gphys)
        return;
    hal_as_destroy(d->gphys, dropped, NULL);
    d->gphys = NULL;
}

long hvm_start_vcpu(struct domain *d, const struct domctl_hvm_start *s)
{
    if (!d->hvm || s->vcpu >= d->nr_vcpus || !d->vcpus[s->vcpu])
        return -HESTIA_EINVAL;
    struct vcpu *v = d->vcpus[s->vcpu];
    if (v->started)
        return -HESTIA_EALREADY;
    int rc = hal_hvm_vcpu_start(v->hal, s, p2m_gfn_limit(d) << HAL_PAGE_SHIFT);
    if (rc)
        return rc;
    v->started = true;
    v->state = VCPU_RUNNABLE;
    vcpu_update(v);
    return 0;
}

static void core_hvm_halt_locked(struct vcpu *v, uint64_t wake_ns)
{
    __atomic_store_n(&v->state, VCPU_BLOCKED, __ATOMIC_SEQ_CST);
    if (wake_ns)
        timer_poll_arm(v, wake_ns); /* sched_wake() cancels it */
    sched_sleep(v);
}

static void core_hvm_kick_locked(struct vcpu *v)
{
    vcpu_kick(v);
}

static void core_hvm_set_timer_locked(struct vcpu *v, uint64_t deadline_ns)
{
    /* The guest one-shot timer of a PV vCPU: an HVM guest has no other use for it. */
    timer_set_guest(v, deadline_ns);
}

static void core_hvm_console_write_locked(struct vcpu *v, const char *s, size_t len)
{
    console_domain_write(v->domain, s, len);
}

static int core_hvm_console_read_locked(struct vcpu *v)
{
    return console_domain_getc(v->domain);
}

unsigned core_hvm_domain_id(struct vcpu *v)
{
    return v->domain->id;
}

static void core_hvm_shutdown_locked(struct vcpu *v, unsigned reason)
{
    domain_shutdown(v->domain, reason);
}

/* The entry point: under the hypervisor lock (core/hyplock.c). */
void core_hvm_halt(struct vcpu *v, uint64_t wake_ns)
{
    bool taken = core_lock();
    core_hvm_halt_locked(v, wake_ns);
    core_unlock(taken);
}

/* The entry point: under the hypervisor lock (core/hyplock.c). */
void core_hvm_kick(struct vcpu *v)
{
    bool taken = core_lock();
    core_hvm_kick_locked(v);
    core_unlock(taken);
}

/* The entry point: under the hypervisor lock (core/hyplock.c). */
void core_hvm_set_timer(struct vcpu *v, uint64_t deadline_ns)
{
    bool taken = core_lock();
    core_hvm_set_timer_locked(v, deadline_ns);
    core_unlock(taken);
}

/* The entry point: under the hypervisor lock (core/hyplock.c). */
void core_hvm_console_write(struct vcpu *v, const char *s, size_t len)
{
    bool taken = core_lock();
    core_hvm_console_write_locked(v, s, len);
    core_unlock(taken);
}

/* The entry point: under the hypervisor lock (core/hyplock.c). */
int core_hvm_console_read(struct vcpu *v)
{
    bool taken = core_lock();
    int r = core_hvm_console_read_locked(v);
    core_unlock(taken);
    return r;
}

/* The entry point: under the hypervisor lock (core/hyplock.c). */
void core_hvm_shutdown(struct vcpu *v, unsigned reason)
{
    bool taken = core_lock();
    core_hvm_shutdown_locked(v, reason);
    core_unlock(taken);
}
