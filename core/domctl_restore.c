/* SPDX-License-Identifier: MIT */
/*
 * The domain-control operations a restore uses (docs/migration.md):
 * get / set the hypervisor-side domain state, rebuild address spaces from
 * mapping lists, start a vCPU from its saved record.  dom0's stream is
 * untrusted input: every request is checked whole before anything of the
 * target changes, and only a domain created with DOMCTL_CREATE_RESTORE,
 * never unpaused yet, can be loaded.
 */
#include <core/domain.h>
#include <core/domctl_save.h>
#include <core/event.h>
#include <core/grant.h>
#include <core/mm.h>
#include <core/pvmmu.h>
#include <core/sched.h>
#include <core/timer.h>
#include <hal/cpu.h>
#include <hal/guest_copy.h>
#include <hal/mmu.h>
#include <hal/timer.h>
#include <hal/vcpu.h>

_Static_assert(sizeof(struct domain_state_port) == 16, "port record layout");

/* An entry point or stack from a record: 0 (none) or a guest-kernel VA. */
static bool addr_ok(uint64_t va)
{
    return va == 0 || hal_guest_va_ok(guest_va(va & ~(uint64_t)(HAL_PAGE_SIZE - 1)), false);
}

/* A domain dom0 may load: created for restore, paused, never run. */
static bool restore_target_ok(const struct vcpu *caller, struct domain *d, long *err)
{
    if (!domctl_save_target_ok(caller, d, err))
        return false;
    *err = -HESTIA_EINVAL;
    return d->restoring;
}

long domctl_get_domain_state(struct vcpu *v, struct domain *d,
                             struct domctl_domain_state *s)
{
    long rc;
    if (!domctl_save_target_ok(v, d, &rc))
        return rc;
    if (s->pad)
        return -HESTIA_EINVAL;
    struct hestia_domain_state *st = core_heap_alloc(DOMAIN_STATE_MAX_SIZE);
    if (!st)
        return -HESTIA_ENOMEM;
    memset(st, 0, sizeof(*st));
    st->magic = DOMAIN_STATE_MAGIC;
    st->version = DOMAIN_STATE_VERSION;
    st->nr_vcpus = d->nr_vcpus;
    /* The guest's time as it was paused: what the save took is not its time. */
    st->system_time_ns = d->ctl_paused_ns + (uint64_t)d->time_offset_ns;
    unsigned weight, cap;
    sched_get_params(d, &weight, &cap);
    st->weight = weight;
    st->cap = cap;
    st->nr_grant_frames = grant_save_table(d, st->grant_frames);
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *t = d->vcpus[i];
        st->vcpu[i].timer_deadline_ns = t->timer_deadline_ns;
        st->vcpu[i].callbacks = t->callbacks;
        st->vcpu[i].callbacks.kernel_stack = t->kernel_stack;
        st->vcpu[i].user_space = pvmmu_current_handle(d, i);
    }
    memcpy(&st->shared_info, d->shared_info, sizeof(st->shared_info));
    st->nr_ports =
        evtchn_save_ports(d, (struct domain_state_port *)(st + 1), EVTCHN_MAX_PORTS - 1);
    st->size = (uint32_t)(sizeof(*st) + st->nr_ports * sizeof(struct domain_state_port));
    rc = 0;
    if (st->size > s->size)
        rc = -HESTIA_E2BIG;
    else if (hal_copy_to_guest(v, guest_va(s->buf), st, st->size))
        rc = -HESTIA_EFAULT;
    s->size = st->size;
    core_heap_free(st);
    return rc;
}

/* Everything of st that does not need the tables: 0 or -HESTIA_EINVAL. */
static long check_state(struct domain *d, const struct hestia_domain_state *st,
                        uint32_t size)
{
    if (st->magic != DOMAIN_STATE_MAGIC || st->version != DOMAIN_STATE_VERSION ||
        st->size != size || st->nr_vcpus != d->nr_vcpus ||
        st->nr_ports >= EVTCHN_MAX_PORTS ||
        size != sizeof(*st) + st->nr_ports * sizeof(struct domain_state_port))
        return -HESTIA_EINVAL;
    if (st->reserved[0] || st->reserved[1] || st->weight == 0 ||
        st->weight > DOMCTL_WEIGHT_MAX || st->cap > 100u * HAL_MAX_CPUS)
        return -HESTIA_EINVAL;
    static const struct domain_state_vcpu none;
    for (unsigned i = 0; i < HESTIA_MAX_VCPUS; i++) {
        const struct domain_state_vcpu *sv = &st->vcpu[i];
        if (i >= d->nr_vcpus) {
            if (memcmp(sv, &none, sizeof(none)))
                return -HESTIA_EINVAL;
            continue;
        }
        if (sv->reserved || !addr_ok(sv->callbacks.event_entry) ||
            !addr_ok(sv->callbacks.exception_entry) ||
            !addr_ok(sv->callbacks.syscall_entry) || !addr_ok(sv->callbacks.kernel_stack))
            return -HESTIA_EINVAL;
        if (sv->user_space > MMU_MAX_USER_AS ||
            (sv->user_space && !pvmmu_space(d, sv->user_space)))
            return -HESTIA_EINVAL;
    }
    return grant_check_table(d, st->grant_frames, st->nr_grant_frames);
}

/* Load checked state into d.  Only running out of memory can fail (-HESTIA_ENOMEM). */
static long load_state(struct domain *d, const struct hestia_domain_state *st)
{
    long rc =
        evtchn_load_ports(d, (const struct domain_state_port *)(st + 1), st->nr_ports);
    if (rc)
        return rc;
    rc = grant_load_table(d, st->grant_frames, st->nr_grant_frames);
    if (rc)
        return rc;
    rc = sched_set_params(d, st->weight, st->cap);
    if (rc)
        return rc;
    /* Guest time goes on from where it was read; the pause is not seen. */
    d->time_offset_ns = (int64_t)(st->system_time_ns - hal_time_ns());
    memcpy(d->shared_info, &st->shared_info, sizeof(*d->shared_info));
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *t = d->vcpus[i];
        const struct domain_state_vcpu *sv = &st->vcpu[i];
        t->callbacks = sv->callbacks;
        t->kernel_stack = sv->callbacks.kernel_stack;
        hal_vcpu_callbacks_changed(t->hal);
        if (sv->user_space)
            pvmmu_set_current(d, i, sv->user_space);
        timer_update_guest_time(t);
        if (sv->timer_deadline_ns)
            timer_set_guest(t, sv->timer_deadline_ns);
    }
    d->state_loaded = true;
    /* Pending now, delivered once dom0 unpauses: the guest rebinds what it needs. */
    evtchn_send_virq_domain(d, VIRQ_RESUMED);
    return 0;
}

long domctl_set_domain_state(struct vcpu *v, struct domain *d,
                             const struct domctl_domain_state *s)
{
    long rc;
    if (!restore_target_ok(v, d, &rc))
        return rc;
    if (d->state_loaded || s->pad)
        return -HESTIA_EINVAL;
    if (s->size > DOMAIN_STATE_MAX_SIZE)
        return -HESTIA_E2BIG;
    if (s->size < sizeof(struct hestia_domain_state))
        return -HESTIA_EINVAL;
    /* Copied once: dom0 cannot change what was checked. */
    struct hestia_domain_state *st = core_heap_alloc(s->size);
    if (!st)
        return -HESTIA_ENOMEM;
    if (hal_copy_from_guest(v, st, guest_va(s->buf), s->size))
        rc = -HESTIA_EFAULT;
    else if ((rc = check_state(d, st, s->size)) == 0 &&
             (rc = evtchn_check_ports(d, (const struct domain_state_port *)(st + 1),
                                      st->nr_ports)) == 0)
        rc = load_state(d, st);
    core_heap_free(st);
    return rc;
}

/* hal_as_list() callback of clear_space: up to CLEAR_BATCH vas at a time. */
#define CLEAR_BATCH 64
struct clear_ctx {
    uint64_t va[CLEAR_BATCH];
    unsigned n;
};

static int clear_one(void *ctx, guest_va_t va, mfn_t mfn, unsigned perms)
{
    (void)mfn;
    (void)perms;
    struct clear_ctx *c = ctx;
    if (c->n == CLEAR_BATCH)
        return 1;
    c->va[c->n++] = guest_va_val(va);
    return 0;
}

/*
 * A live stream's mappings reset (docs/migration.md): the source read the
 * space again at the pause, so what pre-copy mapped here goes.  Batches of
 * vas first, then unmapped: the walk does not run over a changing table.
 */
static long clear_space(struct domain *d, uint32_t space)
{
    struct hal_as *as = pvmmu_space(d, space);
    if (!as)
        return 0;
    for (;;) {
        struct clear_ctx c = {.n = 0};
        int r = hal_as_list(as, guest_va(0), guest_va(~(uint64_t)0), clear_one, &c);
        if (r < 0)
            return r;
        for (unsigned i = 0; i < c.n; i++) {
            int u = pvmmu_unmap_frame(d, space, guest_va(c.va[i]), NULL);
            if (u)
                return u;
        }
        if (c.n < CLEAR_BATCH)
            return 0;
    }
}

long domctl_set_mappings(struct vcpu *v, struct domain *d,
                         const struct domctl_set_mappings *s)
{
    long rc;
    if (!restore_target_ok(v, d, &rc))
        return rc;
    if (s->space > MMU_MAX_USER_AS)
        return -HESTIA_EINVAL;
    if (s->nr == 0)
        return s->buf ? -HESTIA_EINVAL : clear_space(d, s->space);
    if (s->nr > DOMCTL_MAPPINGS_MAX)
        return -HESTIA_E2BIG;
    struct domctl_mapping *m = core_heap_alloc(s->nr * sizeof(*m));
    if (!m)
        return -HESTIA_ENOMEM;
    mfn_t *mfns = core_heap_alloc(s->nr * sizeof(*mfns));
    rc = mfns ? 0 : -HESTIA_ENOMEM;
    if (!rc && hal_copy_from_guest(v, m, guest_va(s->buf), s->nr * sizeof(*m)))
        rc = -HESTIA_EFAULT;
    /* The whole batch first: a refusal maps nothing. */
    struct hal_as *as = pvmmu_space(d, s->space);
    uint64_t limit = p2m_gfn_limit(d);
    for (uint32_t i = 0; !rc && i < s->nr; i++) {
        guest_va_t va = guest_va(m[i].va);
        mfn_t old;
        unsigned old_perms;
        if (!pvmmu_mapping_ok(s->space, va, m[i].perms) || (i && m[i].va <= m[i - 1].va) ||
            (as && hal_as_lookup(as, va, &old, &old_perms) == 0))
            rc = -HESTIA_EINVAL; /* bad, out of order, twice or already mapped */
        else if (m[i].kind == DOMCTL_MAPPING_OWN && m[i].gfn < limit)
            mfns[i] = p2m_lookup(d, gfn(m[i].gfn));
        else if (m[i].kind == DOMCTL_MAPPING_SHARED_INFO && m[i].gfn == ~(uint64_t)0)
            mfns[i] = d->shared_info_mfn;
        else
            rc = -HESTIA_EINVAL; /* foreign frames stayed behind; unknown kind */
        if (!rc && mfn_eq(mfns[i], MFN_INVALID))
            rc = -HESTIA_EINVAL;
    }
    if (!rc)
        rc = pvmmu_ensure_space(d, s->space);
    uint32_t done = 0;
    for (; !rc && done < s->nr; done++)
        rc = pvmmu_map_frame(d, s->space, guest_va(m[done].va), mfns[done], m[done].perms);
    if (rc && done) /* undo this batch (the last one failed and mapped nothing) */
        for (uint32_t i = 0; i + 1 < done; i++)
            pvmmu_unmap_frame(d, s->space, guest_va(m[i].va), NULL);
    core_heap_free(m);
    if (mfns)
        core_heap_free(mfns);
    return rc;
}

long domctl_restore_vcpu(struct vcpu *v, struct domain *d,
                         const struct domctl_vcpu_state *s)
{
    long rc;
    if (!restore_target_ok(v, d, &rc))
        return rc;
    if (s->size > HESTIA_VCPU_STATE_MAX_SIZE)
        return -HESTIA_E2BIG;
    if (s->size < sizeof(struct hestia_vcpu_state_header))
        return -HESTIA_EINVAL;
    struct hestia_vcpu_state *st = core_heap_alloc(sizeof(*st));
    if (!st)
        return -HESTIA_ENOMEM;
    memset(st, 0, sizeof(*st));
    if (hal_copy_from_guest(v, st, guest_va(s->buf), s->size))
        rc = -HESTIA_EFAULT;
    else if (st->hdr.size != s->size)
        rc = -HESTIA_EINVAL;
    else
        rc = domain_start_vcpu_restored(d, s->vcpu, st);
    core_heap_free(st);
    return rc;
}

bool domctl_restore_starts(const struct domain *d, uint32_t vcpu)
{
    return d->restoring && vcpu < d->nr_vcpus && d->vcpus[vcpu] && !d->vcpus[vcpu]->started;
}
