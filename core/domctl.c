/* SPDX-License-Identifier: MIT */
/*
 * HYPERCALL_domctl: domain control for dom0.  Every field of the request is
 * checked here before any module sees it; the request is copied in once so
 * the guest cannot change it under our feet.
 */
#include <core/cpu.h>
#include <core/domain.h>
#include <core/domctl_affinity.h>
#include <core/domctl_save.h>
#include <core/hvm.h>
#include <core/hypercall.h>
#include <core/logdirty.h>
#include <core/memstat.h>
#include <core/mm.h>
#include <core/run.h>
#include <core/sched.h>
#include <hal/guest_copy.h>
#include <hal/mmu.h>
#include <hal/vcpu.h>

/* The target domain of a request: DOMID_SELF is the caller. */
static struct domain *target(struct vcpu *v, hestia_domid_t id)
{
    if (id == DOMID_SELF)
        return v->domain;
    if (id >= HESTIA_MAX_DOMAINS)
        return NULL;
    return domain_lookup(id);
}

static long ctl_create(struct vcpu *v, struct hestia_domctl *op, uint64_t ptr)
{
    struct domctl_create *c = &op->u.create;
    if (c->flags & DOMCTL_CREATE_PRIVILEGED)
        return -HESTIA_EPERM;
    if (c->flags & ~(uint32_t)(DOMCTL_CREATE_RESTORE | DOMCTL_CREATE_HVM))
        return -HESTIA_EINVAL;
    if ((c->flags & DOMCTL_CREATE_RESTORE) && (c->flags & DOMCTL_CREATE_HVM))
        return -HESTIA_EINVAL; /* HVM vCPU state cannot be saved yet (docs/hvm.md) */
    if (c->nr_pages == 0 || c->nr_pages > DOMCTL_MAX_PAGES)
        return -HESTIA_EINVAL;
    if (c->max_vcpus == 0 || c->max_vcpus > HESTIA_MAX_VCPUS)
        return -HESTIA_EINVAL;
    if (c->weight > DOMCTL_WEIGHT_MAX || c->cap > 100u * HAL_MAX_CPUS)
        return -HESTIA_EINVAL;
    struct domain *d;
    int rc = domain_create(c->nr_pages, c->max_vcpus, false, &d);
    if (rc)
        return rc;
    d->restoring = !!(c->flags & DOMCTL_CREATE_RESTORE);
    rc = sched_set_params(d, c->weight ? c->weight : DOMCTL_WEIGHT_DEFAULT, c->cap);
    if (!rc && (c->flags & DOMCTL_CREATE_HVM))
        rc = hvm_domain_init(d);
    if (rc) {
        domain_destroy(d);
        return rc;
    }
    op->domid = d->id;
    if (hal_copy_to_guest(v, guest_va(ptr), op, sizeof(*op))) {
        /* The caller would never learn the id: do not leak the domain. */
        domain_destroy(d);
        return -HESTIA_EFAULT;
    }
    return 0;
}

static long ctl_write_memory(struct vcpu *v, struct domain *d,
                             struct domctl_write_memory *w)
{
    if (w->len > DOMCTL_WRITE_MAX)
        return -HESTIA_E2BIG;
    uint64_t limit = p2m_gfn_limit(d);
    uint64_t gfn = w->gfn + w->offset / HESTIA_PAGE_SIZE;
    if (w->gfn >= limit || gfn >= limit)
        return -HESTIA_EINVAL;
    uint64_t end = gfn * HESTIA_PAGE_SIZE + w->offset % HESTIA_PAGE_SIZE + w->len;
    if (end > limit * HESTIA_PAGE_SIZE)
        return -HESTIA_EINVAL;
    uint64_t done = 0;
    uint64_t pos = gfn * HESTIA_PAGE_SIZE + w->offset % HESTIA_PAGE_SIZE;
    while (done < w->len) {
        /* Straight into the frame through the hypervisor's map of it, a frame at a time. */
        size_t off = (size_t)(pos % HESTIA_PAGE_SIZE);
        size_t n = (size_t)MIN((uint64_t)(HESTIA_PAGE_SIZE - off), w->len - done);
        mfn_t mfn = p2m_lookup(d, gfn(pos / HESTIA_PAGE_SIZE));
        if (mfn_eq(mfn, MFN_INVALID))
            return -HESTIA_EFAULT;
        uint8_t *page = hal_frame_to_virt(mfn);
        if (hal_copy_from_guest(v, page + off, guest_va(w->buf + done), n))
            return -HESTIA_EFAULT;
        if (logdirty_enabled(d))
            logdirty_mark_gfn(d, pos / HESTIA_PAGE_SIZE); /* a write no page table sees */
        done += n;
        pos += n;
    }
    return 0;
}

static long ctl_start_vcpu(struct domain *d, struct domctl_start_vcpu *s)
{
    if (s->vcpu >= d->nr_vcpus || d->hvm) /* HVM: DOMCTL_hvm_start_vcpu */
        return -HESTIA_EINVAL;
    if (s->start_info_gfn >= p2m_gfn_limit(d))
        return -HESTIA_EINVAL;
    if (!hal_guest_va_ok(guest_va(s->entry_va & ~(uint64_t)(HAL_PAGE_SIZE - 1)), false) ||
        !hal_guest_va_ok(guest_va(s->stack_va & ~(uint64_t)(HAL_PAGE_SIZE - 1)), false))
        return -HESTIA_EINVAL;
    if (d->vcpus[s->vcpu]->started)
        return -HESTIA_EALREADY;
    return domain_build_start(d, s->vcpu, guest_va(s->entry_va), guest_va(s->stack_va),
                              gfn(s->start_info_gfn));
}

/*
 * The vCPU of a get/set_vcpu_state request, or NULL with *err set: the
 * domain must be another one, paused by dom0, and the vCPU started and not
 * on any CPU.
 */
static struct vcpu *state_target(struct vcpu *v, struct domain *d, uint32_t idx, long *err)
{
    *err = -HESTIA_EINVAL;
    if (d == v->domain || d->is_shutdown || d->dying)
        return NULL;
    if (d->hvm) { /* the record is a PV vCPU's; HVM state is not in it (docs/hvm.md) */
        *err = -HESTIA_ENOSYS;
        return NULL;
    }
    if (idx >= d->nr_vcpus || !d->vcpus[idx]) {
        *err = -HESTIA_ESRCH;
        return NULL;
    }
    struct vcpu *t = d->vcpus[idx];
    if (!t->started)
        return NULL;
    *err = -HESTIA_EBUSY;
    if (!d->ctl_paused)
        return NULL;
    for (unsigned i = 0; i < HAL_MAX_CPUS; i++)
        if (core_cpus[i].current == t)
            return NULL; /* DOMCTL_pause waited for that: a pause from elsewhere */
    return t;
}

static long ctl_vcpu_state(struct vcpu *v, struct domain *d, bool set,
                           const struct domctl_vcpu_state *s)
{
    long rc;
    struct vcpu *t = state_target(v, d, s->vcpu, &rc);
    if (!t)
        return rc;
    if (set && (s->size > HESTIA_VCPU_STATE_MAX_SIZE ||
                s->size < sizeof(struct hestia_vcpu_state_header)))
        return s->size > HESTIA_VCPU_STATE_MAX_SIZE ? -HESTIA_E2BIG : -HESTIA_EINVAL;
    /* A whole frame: too big for the hypervisor stack. */
    struct hestia_vcpu_state *st = core_heap_alloc(sizeof(*st));
    if (!st)
        return -HESTIA_ENOMEM;
    if (set) {
        memset(st, 0, sizeof(*st));
        if (hal_copy_from_guest(v, st, guest_va(s->buf), s->size))
            rc = -HESTIA_EFAULT;
        else if (st->hdr.size != s->size)
            rc = -HESTIA_EINVAL;
        else {
            rc = hal_vcpu_load_state(t->hal, st);
            if (rc >= 0) {
                t->in_user = rc == 1;
                rc = 0;
            }
        }
    } else {
        rc = hal_vcpu_save_state(t->hal, st);
        if (rc == 0 && st->hdr.size > s->size)
            rc = -HESTIA_E2BIG;
        else if (rc == 0 && hal_copy_to_guest(v, guest_va(s->buf), st, st->hdr.size))
            rc = -HESTIA_EFAULT;
    }
    core_heap_free(st);
    return rc;
}

long do_domctl(struct vcpu *v, uint64_t ptr)
{
    if (!v->domain->privileged)
        return -HESTIA_EPERM;
    struct hestia_domctl op;
    if (hal_copy_from_guest(v, &op, guest_va(ptr), sizeof(op)))
        return -HESTIA_EFAULT;
    if (op.interface_version != HESTIA_ABI_VERSION)
        return -HESTIA_EINVAL;
    if (op.cmd == DOMCTL_create)
        return ctl_create(v, &op, ptr);
    if (op.cmd == DOMCTL_memstat)
        return domctl_memstat(v, &op, ptr);
    if (op.cmd == DOMCTL_vcpu_affinity)
        return domctl_affinity(v, &op, ptr);

    if (op.cmd == DOMCTL_getinfo) {
        hestia_domid_t from = op.domid == DOMID_SELF ? v->domain->id : op.domid;
        struct domain *d = from < HESTIA_MAX_DOMAINS ? domain_next(from) : NULL;
        if (!d)
            return -HESTIA_ESRCH;
        domain_getinfo(d, &op.u.info);
        op.domid = d->id;
        return hal_copy_to_guest(v, guest_va(ptr), &op, sizeof(op)) ? -HESTIA_EFAULT : 0;
    }

    struct domain *d = target(v, op.domid);
    if (!d)
        return -HESTIA_ESRCH;
    switch (op.cmd) {
    case DOMCTL_destroy: {
        if (d == v->domain)
            return -HESTIA_EINVAL; /* dom0 cannot pull the floor from under itself */
        /*
         * Returns once the teardown is done: a vCPU still current on another
         * CPU defers it to that CPU's next pass (domain_ref.c); waiting for
         * it means the domain's memory is back when dom0 looks (memstat).
         */
        domain_cpu_get(d); /* d stays ours until the put: that finishes it */
        long rc = domain_destroy(d);
        run_wait_domain_off_cpus(d);
        domain_cpu_put(d);
        return rc;
    }
    case DOMCTL_pause: {
        if (d == v->domain)
            return -HESTIA_EINVAL;
        /*
         * Returns once no CPU has one of its vCPUs as current, so the state
         * domctls (state_target, save) find them off every CPU at once.
         */
        long rc = domain_pause(d);
        if (rc == 0)
            run_wait_domain_off_cpus(d);
        return rc;
    }
    case DOMCTL_unpause:
        if (d == v->domain)
            return -HESTIA_EINVAL;
        if (d->restoring) /* it may run now: no more loading (domctl_restore.c) */
            d->restoring = false;
        return domain_unpause(d);
    case DOMCTL_sched_set:
        return sched_set_params(d, op.u.sched.weight, op.u.sched.cap);
    case DOMCTL_sched_get: {
        unsigned weight, cap;
        sched_get_params(d, &weight, &cap);
        op.u.sched.weight = weight;
        op.u.sched.cap = cap;
        op.domid = d->id;
        return hal_copy_to_guest(v, guest_va(ptr), &op, sizeof(op)) ? -HESTIA_EFAULT : 0;
    }
    case DOMCTL_write_memory:
        if (d->is_shutdown)
            return -HESTIA_EINVAL;
        return ctl_write_memory(v, d, &op.u.write_memory);
    case DOMCTL_start_vcpu:
        if (d == v->domain || d->is_shutdown)
            return -HESTIA_EINVAL;
        return ctl_start_vcpu(d, &op.u.start_vcpu);
    case DOMCTL_hvm_start_vcpu:
        if (d == v->domain || d->is_shutdown)
            return -HESTIA_EINVAL;
        return hvm_start_vcpu(d, &op.u.hvm_start);
    case DOMCTL_set_vcpu_state:
        if (d != v->domain && domctl_restore_starts(d, op.u.vcpu_state.vcpu))
            return domctl_restore_vcpu(v, d, &op.u.vcpu_state);
        /* fall through */
    case DOMCTL_get_vcpu_state:
        return ctl_vcpu_state(v, d, op.cmd == DOMCTL_set_vcpu_state, &op.u.vcpu_state);
    case DOMCTL_read_memory:
        return domctl_read_memory(v, d, &op.u.read_memory);
    case DOMCTL_get_mappings: {
        long rc = domctl_get_mappings(v, d, &op.u.get_mappings);
        if (rc == 0 && hal_copy_to_guest(v, guest_va(ptr), &op, sizeof(op)))
            rc = -HESTIA_EFAULT;
        return rc;
    }
    case DOMCTL_get_domain_state: {
        long rc = domctl_get_domain_state(v, d, &op.u.domain_state);
        if ((rc == 0 || rc == -HESTIA_E2BIG) &&
            hal_copy_to_guest(v, guest_va(ptr), &op, sizeof(op)))
            rc = -HESTIA_EFAULT;
        return rc;
    }
    case DOMCTL_set_domain_state:
        return domctl_set_domain_state(v, d, &op.u.domain_state);
    case DOMCTL_set_mappings:
        return domctl_set_mappings(v, d, &op.u.set_mappings);
    case DOMCTL_log_dirty: {
        long rc = domctl_log_dirty(v, d, &op.u.log_dirty);
        if (rc != -HESTIA_EFAULT &&
            (op.u.log_dirty.op == DOMCTL_LOG_DIRTY_PEEK_CLEAN ||
             op.u.log_dirty.op == DOMCTL_LOG_DIRTY_MAPPINGS_GEN) &&
            hal_copy_to_guest(v, guest_va(ptr), &op, sizeof(op)))
            rc = -HESTIA_EFAULT;
        return rc;
    }
    default:
        return -HESTIA_ENOSYS;
    }
}
