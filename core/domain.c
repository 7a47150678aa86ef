/* SPDX-License-Identifier: MIT */
/*
 * Domains and vCPUs: creation, destruction, pause, shutdown, lookup.
 *
 * Each module keeps its own per-domain state (d->mm, d->evtchn, ...); this
 * file only sequences their init and destroy calls.  Order matters:
 * memory (p2m) first because page-table frames are charged to it, and it
 * goes last on the way out, after every mapping that holds a frame
 * reference is gone.
 */
#include <core/console.h>
#include <core/domain.h>
#include <core/domain_table.h>
#include <core/event.h>
#include <core/grant.h>
#include <core/hvm.h>
#include <core/logdirty.h>
#include <core/mm.h>
#include <core/pirq.h>
#include <core/pvmmu.h>
#include <core/run.h>
#include <core/sched.h>
#include <core/smp.h>
#include <core/timer.h>
#include <hal/cpu.h>
#include <hal/mmu.h>
#include <hal/timer.h>
#include <hal/vcpu.h>

/* The id -> domain table and id allocation live in domain_table.c (O(1) both). */
void domain_init_all(void)
{
    /* The domains' memory went with mm_init(); only forget them. */
    domtab_reset();
}

/* How far domain_create() got, so a failure undoes exactly that much. */
enum build_step {
    STEP_NONE,
    STEP_SHARED,
    STEP_P2M,
    STEP_PVMMU,
    STEP_EVTCHN,
    STEP_GRANT,
    STEP_SCHED,
    STEP_CONSOLE,
    STEP_VCPUS,
};

static void vcpu_free(struct vcpu *v)
{
    if (!v)
        return;
    if (v->sched)
        sched_vcpu_destroy(v);
    if (v->hal)
        hal_vcpu_destroy(v->hal);
    core_heap_free(v);
}

static void teardown(struct domain *d, enum build_step done)
{
    /* Nobody may run or be picked while the pieces go away. */
    for (unsigned i = 0; i < HESTIA_MAX_VCPUS; i++) {
        struct vcpu *v = d->vcpus[i];
        if (v) {
            run_vcpu_stopped(v);
            if (v->sched)
                sched_sleep(v);
        }
    }
    logdirty_domain_destroy(d);
    if (done >= STEP_GRANT)
        grant_domain_destroy(d);
    if (done >= STEP_EVTCHN)
        evtchn_domain_destroy(d);
    pirq_domain_destroy(d); /* closing the ports released them; this is the backstop */
    if (done >= STEP_PVMMU)
        pvmmu_domain_destroy(d);
    for (unsigned i = 0; i < HESTIA_MAX_VCPUS; i++) {
        vcpu_free(d->vcpus[i]);
        d->vcpus[i] = NULL;
    }
    if (done >= STEP_SCHED)
        sched_domain_destroy(d);
    if (done >= STEP_CONSOLE)
        console_domain_destroy(d);
    hvm_domain_destroy(d); /* its vCPUs used the space: after them */
    if (done >= STEP_P2M)
        p2m_teardown(d);
    /* After pvmmu: its mappings of the page took no frame reference. */
    if (done >= STEP_SHARED)
        frame_free(d->shared_info_mfn);
    hestia_domid_t id = d->id;
    core_heap_free(d);
    /* Only now: frames are owned by domid, so the id is not reused before they are free. */
    domtab_release(id);
}

static int vcpu_alloc(struct domain *d, unsigned id)
{
    struct vcpu *v = core_heap_alloc(sizeof(*v));
    if (!v)
        return -HESTIA_ENOMEM;
    v->id = id;
    v->domain = d;
    v->state = VCPU_DOWN;
    v->info = &d->shared_info->vcpu_info[id];
    v->info->evtchn_upcall_mask = 1; /* events masked until the guest is ready */
    d->vcpus[id] = v;
    v->hal = hal_vcpu_create(v);
    if (!v->hal)
        return -HESTIA_ENOMEM;
    int rc = sched_vcpu_init(v);
    if (rc)
        return rc;
    hal_vcpu_set_spaces(v->hal, pvmmu_kernel_space(d), NULL);
    return 0;
}

int domain_create(uint64_t nr_pages, unsigned max_vcpus, bool privileged,
                  struct domain **out)
{
    if (nr_pages == 0 || nr_pages > DOMCTL_MAX_PAGES)
        return -HESTIA_EINVAL;
    if (max_vcpus == 0 || max_vcpus > HESTIA_MAX_VCPUS)
        return -HESTIA_EINVAL;
    int id = domtab_reserve(privileged);
    if (id < 0)
        return id;

    struct domain *d = core_heap_alloc(sizeof(*d));
    if (!d) {
        domtab_release((hestia_domid_t)id);
        return -HESTIA_ENOMEM;
    }
    d->id = (hestia_domid_t)id;
    d->privileged = privileged;
    d->pause_count = 1;
    d->ctl_paused = true;
    d->lock = (spinlock_t)SPINLOCK_INIT;
    enum build_step done = STEP_NONE;
    int rc = -HESTIA_ENOMEM;

    d->shared_info_mfn = frame_alloc();
    if (mfn_eq(d->shared_info_mfn, MFN_INVALID))
        goto fail;
    d->shared_info = hal_frame_to_virt(d->shared_info_mfn);
    for (unsigned i = 0; i < 32; i++)
        d->shared_info->evtchn_mask[i] = 0; /* frame_alloc zeroed it; be explicit */
    done = STEP_SHARED;
    if ((rc = p2m_init(d, nr_pages, nr_pages)) != 0)
        goto fail;
    done = STEP_P2M;
    if ((rc = pvmmu_domain_init(d)) != 0)
        goto fail;
    done = STEP_PVMMU;
    if ((rc = evtchn_domain_init(d)) != 0)
        goto fail;
    done = STEP_EVTCHN;
    if ((rc = grant_domain_init(d)) != 0)
        goto fail;
    done = STEP_GRANT;
    if ((rc = sched_domain_init(d, DOMCTL_WEIGHT_DEFAULT, 0)) != 0)
        goto fail;
    done = STEP_SCHED;
    if ((rc = console_domain_init(d)) != 0)
        goto fail;
    done = STEP_CONSOLE;
    d->nr_vcpus = max_vcpus;
    for (unsigned i = 0; i < max_vcpus; i++) {
        if ((rc = vcpu_alloc(d, i)) != 0)
            goto fail;
    }
    done = STEP_VCPUS;

    domtab_publish(d); /* the id was reserved for it: no other creator has it */
    *out = d;
    return 0;

fail:
    teardown(d, done);
    return rc;
}

int domain_destroy(struct domain *d)
{
    if (!d || d->dying)
        return -HESTIA_ESRCH;
    d->dying = true;
    domtab_unpublish(d);
    /* Stop its vCPUs now; free it once no CPU runs one (domain_ref.c). */
    for (unsigned i = 0; i < HESTIA_MAX_VCPUS; i++)
        if (d->vcpus[i])
            vcpu_update(d->vcpus[i]);
    if (!domain_defer_destroy(d))
        teardown(d, STEP_VCPUS);
    return 0;
}

void domain_finish_destroy(struct domain *d)
{
    teardown(d, STEP_VCPUS);
}

struct domain *domain_lookup(hestia_domid_t id)
{
    struct domain *d = domtab_find(id);
    return d && !d->dying ? d : NULL;
}

struct domain *domain_next(hestia_domid_t id)
{
    return domtab_next(id);
}

unsigned domain_count(void)
{
    return domtab_count();
}

/* Tell the scheduler (and the run loop) what v's runnability is now. */
void vcpu_update(struct vcpu *v)
{
    if (vcpu_runnable(v)) {
        sched_wake(v);
    } else {
        run_vcpu_stopped(v);
        sched_sleep(v);
    }
}

static void domain_update(struct domain *d)
{
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        if (d->vcpus[i])
            vcpu_update(d->vcpus[i]);
    }
}

int domain_pause(struct domain *d)
{
    unsigned long f = spin_lock_irqsave(&d->lock);
    if (d->ctl_paused) {
        spin_unlock_irqrestore(&d->lock, f);
        return -HESTIA_EALREADY;
    }
    d->ctl_paused = true;
    d->ctl_paused_ns = hal_time_ns();
    d->pause_count++;
    spin_unlock_irqrestore(&d->lock, f);
    domain_update(d);
    return 0;
}

int domain_unpause(struct domain *d)
{
    unsigned long f = spin_lock_irqsave(&d->lock);
    if (!d->ctl_paused) {
        spin_unlock_irqrestore(&d->lock, f);
        return -HESTIA_EALREADY;
    }
    d->ctl_paused = false;
    d->pause_count--;
    spin_unlock_irqrestore(&d->lock, f);
    domain_update(d);
    return 0;
}

static const char *reason_name(unsigned reason)
{
    static const char *const names[] = {"poweroff", "reboot", "suspend", "crash"};
    return reason <= SHUTDOWN_MAX ? names[reason] : "?";
}

int domain_shutdown(struct domain *d, unsigned reason)
{
    if (reason > SHUTDOWN_MAX)
        return -HESTIA_EINVAL;
    unsigned long f = spin_lock_irqsave(&d->lock);
    if (d->is_shutdown) {
        spin_unlock_irqrestore(&d->lock, f);
        return -HESTIA_EALREADY;
    }
    d->is_shutdown = true;
    d->shutdown_reason = reason;
    spin_unlock_irqrestore(&d->lock, f);
    domain_update(d);
    if (reason == SHUTDOWN_crash || d->privileged)
        core_printf("hestia: domain %u %s\n", d->id, reason_name(reason));
    if (d->privileged) {
        /* dom0 ends the run: poweroff is the pass signal (the guest printed its verdict).
         */
        hal_platform_exit(reason == SHUTDOWN_poweroff ? 0 : 1);
    }
    struct domain *dom0 = domain_lookup(0);
    if (dom0 && dom0 != d)
        evtchn_send_virq_domain(dom0, VIRQ_DOM_EXC);
    return 0;
}

void domain_getinfo(struct domain *d, struct domctl_info *info)
{
    memset(info, 0, sizeof(*info));
    info->domid = d->id;
    if (d->dying)
        info->state = DOMSTATE_dying;
    else if (d->is_shutdown)
        info->state = DOMSTATE_shutdown;
    else if (d->ctl_paused)
        info->state = DOMSTATE_paused;
    else {
        bool all_blocked = d->nr_vcpus > 0;
        for (unsigned i = 0; i < d->nr_vcpus; i++) {
            if (d->vcpus[i]->state != VCPU_BLOCKED && d->vcpus[i]->state != VCPU_DOWN)
                all_blocked = false;
        }
        info->state = all_blocked ? DOMSTATE_blocked : DOMSTATE_running;
    }
    info->shutdown_reason = d->is_shutdown ? d->shutdown_reason : 0;
    info->nr_vcpus = d->nr_vcpus;
    info->nr_pages = p2m_nr_pages(d);
    info->max_pages = p2m_max_pages(d);
    uint64_t t = 0;
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        t += run_vcpu_runtime(d->vcpus[i]);
    info->cpu_time_ns = t;
    unsigned weight, cap;
    sched_get_params(d, &weight, &cap);
    info->weight = weight;
    info->cap = cap;
    info->flags = d->privileged ? DOMINFO_privileged : 0;
    if (d->hvm)
        info->flags |= DOMINFO_hvm;
}

int domain_start_vcpu(struct domain *d, unsigned vcpu, guest_va_t entry, guest_va_t stack,
                      guest_va_t arg)
{
    if (vcpu >= d->nr_vcpus || !d->vcpus[vcpu])
        return -HESTIA_EINVAL;
    struct vcpu *v = d->vcpus[vcpu];
    if (v->started)
        return -HESTIA_EALREADY;
    hal_vcpu_init_entry(v->hal, entry, stack, arg);
    hal_vcpu_set_spaces(v->hal, pvmmu_kernel_space(d), NULL);
    v->info->evtchn_upcall_mask = 1;
    v->started = true;
    v->in_user = false;
    v->state = VCPU_RUNNABLE;
    timer_update_guest_time(v);
    vcpu_update(v);
    return 0;
}

int domain_start_vcpu_restored(struct domain *d, unsigned vcpu,
                               const struct hestia_vcpu_state *st)
{
    if (vcpu >= d->nr_vcpus || !d->vcpus[vcpu])
        return -HESTIA_EINVAL;
    struct vcpu *v = d->vcpus[vcpu];
    if (v->started)
        return -HESTIA_EALREADY;
    /* A user space the domain state already made current stays so. */
    hal_vcpu_set_spaces(v->hal, pvmmu_kernel_space(d), pvmmu_current_user_space(v));
    int rc = hal_vcpu_load_state(v->hal, st);
    if (rc < 0)
        return rc;
    v->started = true;
    v->in_user = rc == 1;
    v->state = VCPU_RUNNABLE;
    timer_update_guest_time(v);
    vcpu_update(v);
    return 0;
}

void vcpu_kick(struct vcpu *v)
{
    if (v->state == VCPU_BLOCKED) {
        v->state = VCPU_RUNNABLE;
        sched_wake(v); /* which does nothing unless v may run (vcpu_runnable) */
    } else if (v->state == VCPU_RUNNING) {
        smp_kick_vcpu(v); /* in a guest on another CPU: exit now to take the upcall */
    }
}
