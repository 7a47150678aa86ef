/* SPDX-License-Identifier: MIT */
/*
 * The domain-control operations save / restore and migration use
 * (docs/migration.md): dom0's toolstack reads a paused domU's frames here
 * and writes the stream itself; the hypervisor only offers the mechanism.
 */
#include <core/cpu.h>
#include <core/domain.h>
#include <core/domctl_save.h>
#include <core/logdirty.h>
#include <core/mm.h>
#include <core/pvmmu.h>
#include <hal/guest_copy.h>
#include <hal/mmu.h>

bool domctl_save_target_ok(const struct vcpu *caller, const struct domain *d, long *err)
{
    *err = -HESTIA_EINVAL;
    if (d == caller->domain || d->is_shutdown || d->dying)
        return false;
    *err = -HESTIA_EBUSY;
    if (!d->ctl_paused)
        return false;
    /* Paused means no new runs; a vCPU still on a CPU is leaving it. */
    for (unsigned i = 0; i < HAL_MAX_CPUS; i++)
        for (unsigned j = 0; j < d->nr_vcpus; j++)
            if (core_cpus[i].current == d->vcpus[j])
                return false;
    return true;
}

long domctl_read_memory(struct vcpu *v, struct domain *d,
                        const struct domctl_read_memory *r)
{
    long rc;
    /*
     * Live migration's pre-copy reads a running domain: log-dirty reports
     * every page written after (or while) it was read, so it is sent again.
     */
    if (!domctl_save_target_ok(v, d, &rc) && !(rc == -HESTIA_EBUSY && logdirty_enabled(d)))
        return rc;
    if (r->pad || r->nr == 0)
        return -HESTIA_EINVAL;
    if (r->nr > DOMCTL_READ_MAX_GFNS)
        return -HESTIA_E2BIG;
    uint64_t gfns[DOMCTL_READ_MAX_GFNS];
    if (hal_copy_from_guest(v, gfns, guest_va(r->gfns), r->nr * sizeof(gfns[0])))
        return -HESTIA_EFAULT;
    /* Check the whole batch first so a refused request copies nothing. */
    uint64_t limit = p2m_gfn_limit(d);
    for (uint32_t i = 0; i < r->nr; i++) {
        if (gfns[i] >= limit)
            return -HESTIA_EINVAL;
        if (mfn_eq(p2m_lookup(d, gfn(gfns[i])), MFN_INVALID))
            return -HESTIA_EFAULT;
    }
    /* Each frame straight from the hypervisor's map of it: one guest copy per frame. */
    for (uint32_t i = 0; i < r->nr; i++) {
        const void *page = hal_frame_to_virt(p2m_lookup(d, gfn(gfns[i])));
        uint64_t dst = r->buf + (uint64_t)i * HESTIA_PAGE_SIZE;
        if (hal_copy_to_guest(v, guest_va(dst), page, HESTIA_PAGE_SIZE))
            return -HESTIA_EFAULT;
    }
    return 0;
}

/* hal_as_list() callback state for DOMCTL_get_mappings. */
struct list_ctx {
    struct domain *d;
    struct domctl_mapping *out;
    uint32_t max, nr;
    bool more;
    uint64_t next_va;
};

static int list_one(void *ctx, guest_va_t va, mfn_t mfn, unsigned perms)
{
    struct list_ctx *c = ctx;
    if (c->nr == c->max) {
        c->more = true;
        c->next_va = guest_va_val(va);
        return 1;
    }
    struct domctl_mapping *m = &c->out[c->nr++];
    m->va = guest_va_val(va);
    m->perms = perms;
    m->gfn = ~(uint64_t)0;
    if (p2m_gfn_of(c->d, mfn, &m->gfn))
        m->kind = DOMCTL_MAPPING_OWN;
    else if (c->d->shared_info && mfn_eq(mfn, c->d->shared_info_mfn))
        m->kind = DOMCTL_MAPPING_SHARED_INFO;
    else
        m->kind = DOMCTL_MAPPING_FOREIGN;
    return 0;
}

long domctl_get_mappings(struct vcpu *v, struct domain *d, struct domctl_get_mappings *g)
{
    long rc;
    /*
     * Pre-copy reads a running domain's spaces too: the hypervisor lock keeps
     * mmu_op out meanwhile, and any change since counts in
     * DOMCTL_LOG_DIRTY_MAPPINGS_GEN, so the toolstack reads them again.
     */
    if (!domctl_save_target_ok(v, d, &rc) && !(rc == -HESTIA_EBUSY && logdirty_enabled(d)))
        return rc;
    if (g->max == 0)
        return -HESTIA_EINVAL;
    if (g->max > DOMCTL_MAPPINGS_MAX)
        return -HESTIA_E2BIG;
    struct hal_as *as = pvmmu_space(d, g->space);
    if (!as)
        return -HESTIA_EBADF;
    struct list_ctx c = {.d = d, .max = g->max};
    c.out = core_heap_alloc(g->max * sizeof(*c.out));
    if (!c.out)
        return -HESTIA_ENOMEM;
    int r = hal_as_list(as, guest_va(g->start_va), guest_va(~(uint64_t)0), list_one, &c);
    rc = r < 0 ? r : 0;
    if (!rc && c.nr && hal_copy_to_guest(v, guest_va(g->buf), c.out, c.nr * sizeof(*c.out)))
        rc = -HESTIA_EFAULT;
    core_heap_free(c.out);
    g->nr = c.nr;
    g->more = c.more;
    g->next_va = c.more ? c.next_va : 0;
    return rc;
}
