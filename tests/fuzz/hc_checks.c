/* SPDX-License-Identifier: MIT */
/* Invariants the hypercall fuzzer checks after every call (see hc_world.h). */
#include "hc_world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAIL(...)                                                                          \
    do {                                                                                   \
        fprintf(stderr, "FUZZ INVARIANT: " __VA_ARGS__);                                   \
        fprintf(stderr, "\n");                                                             \
        abort();                                                                           \
    } while (0)

static uint64_t p2m_hash(struct domain *d)
{
    uint64_t h = 1469598103934665603ull, limit = p2m_gfn_limit(d);
    for (uint64_t g = 0; g < limit; g++)
        h = (h ^ mfn_val(p2m_lookup(d, gfn(g)))) * 1099511628211ull;
    return h;
}

void hc_snapshot_take(struct hc_snapshot *s)
{
    s->count = 0;
    for (struct domain *d = domain_next(0); d && s->count < HC_MAX_DOMS;
         d = domain_next((hestia_domid_t)(d->id + 1))) {
        unsigned i = s->count++;
        s->dom[i].d = d;
        s->dom[i].id = d->id;
        s->dom[i].nr_pages = p2m_nr_pages(d);
        s->dom[i].p2m_hash = p2m_hash(d);
        s->dom[i].pause_count = d->pause_count;
        sched_get_params(d, &s->dom[i].weight, &s->dom[i].cap);
        s->dom[i].ports_in_use = evtchn_ports_in_use(d);
        s->dom[i].shutdown = d->is_shutdown;
        s->dom[i].dying = d->dying;
        s->dom[i].console_used = console_ring_used(d);
    }
}

void hc_snapshot_compare(const struct hc_snapshot *b, const struct domain *caller,
                         const char *what)
{
    unsigned now = domain_count();
    if (now != b->count)
        FAIL("%s by unprivileged d%u: %u domains before, %u after", what, caller->id,
             b->count, now);
    for (unsigned i = 0; i < b->count; i++) {
        struct domain *d = b->dom[i].d;
        if (d == caller)
            continue;
        if (domain_next(b->dom[i].id) != d)
            FAIL("%s by unprivileged d%u: d%u disappeared", what, caller->id, b->dom[i].id);
        unsigned w, c;
        sched_get_params(d, &w, &c);
        const char *field =
            p2m_nr_pages(d) != b->dom[i].nr_pages              ? "nr_pages"
            : p2m_hash(d) != b->dom[i].p2m_hash                ? "p2m"
            : d->pause_count != b->dom[i].pause_count          ? "pause count"
            : w != b->dom[i].weight || c != b->dom[i].cap      ? "scheduler params"
            : evtchn_ports_in_use(d) != b->dom[i].ports_in_use ? "ports in use"
            : d->is_shutdown != b->dom[i].shutdown             ? "shutdown state"
            : d->dying != b->dom[i].dying                      ? "dying"
            : console_ring_used(d) != b->dom[i].console_used   ? "console ring"
                                                               : NULL;
        if (field)
            FAIL("%s by unprivileged d%u changed d%u's %s", what, caller->id, d->id, field);
    }
}

/*
 * Every frame mapped in the harness's slots of a space holds a mapping
 * reference and still belongs to a domain (or is orphaned by a dead
 * granter): a mapping of a free frame would be a use after free.  The one
 * exception is device memory in dom0 (PHYSDEVOP_map_mmio): a frame that is
 * not RAM, which holds no reference.
 */
static void check_mapped(struct domain *d, uint64_t handle, const char *what)
{
    static const struct {
        uint64_t base;
        unsigned n;
    } areas[] = {{HC_SCRATCH_VA, HC_SCRATCH_PAGES},
                 {HC_MAP_VA, HC_MAP_SLOTS},
                 {HC_GNT_VA, HC_GNT_SLOTS},
                 {HC_MMIO_VA, HC_MMIO_SLOTS}};
    struct hal_as *as = pvmmu_space(d, handle);
    for (unsigned a = 0; a < sizeof(areas) / sizeof(areas[0]) && as; a++) {
        for (unsigned i = 0; i < areas[a].n; i++) {
            uint64_t va = areas[a].base + (uint64_t)i * HAL_PAGE_SIZE;
            mfn_t mfn;
            unsigned perms;
            if (hal_as_lookup(as, guest_va(va), &mfn, &perms) != 0)
                continue;
            if (d->privileged && mfn_val(mfn) - HOST_RAM_BASE_MFN >= HOST_RAM_FRAMES)
                continue; /* device memory */
            unsigned owner = frame_owner(mfn);
            if (!frame_valid(mfn) || frame_refcount(mfn) == 0 ||
                owner == FRAME_OWNER_FREE || owner == FRAME_OWNER_HYP)
                FAIL("after %s: d%u space %llu maps %llx -> mfn %llx with %u references, "
                     "owner %u",
                     what, d->id, (unsigned long long)handle, (unsigned long long)va,
                     (unsigned long long)mfn_val(mfn), frame_refcount(mfn), owner);
        }
    }
}

void hc_check_consistency(const char *what)
{
    unsigned long held = 0, of = 0;
    for (struct domain *d = domain_next(0); d;
         d = domain_next((hestia_domid_t)(d->id + 1))) {
        uint64_t limit = p2m_gfn_limit(d), present = 0;
        for (uint64_t g = 0; g < limit; g++) {
            mfn_t mfn = p2m_lookup(d, gfn(g));
            if (mfn_eq(mfn, MFN_INVALID))
                continue;
            present++;
            if (!frame_valid(mfn) || frame_owner(mfn) != d->id)
                FAIL("after %s: d%u gfn %llu -> mfn %llx owned by %u", what, d->id,
                     (unsigned long long)g, (unsigned long long)mfn_val(mfn),
                     frame_owner(mfn));
        }
        check_mapped(d, 0, what);
        for (uint64_t h = 1; h <= MMU_MAX_USER_AS; h++)
            if (pvmmu_space(d, h))
                check_mapped(d, h, what);
        if (present != p2m_nr_pages(d))
            FAIL("after %s: d%u has %llu frames in its p2m but counts %llu", what, d->id,
                 (unsigned long long)present, (unsigned long long)p2m_nr_pages(d));
        if (p2m_nr_pages(d) > p2m_max_pages(d))
            FAIL("after %s: d%u holds %llu pages over its limit %llu", what, d->id,
                 (unsigned long long)p2m_nr_pages(d), (unsigned long long)p2m_max_pages(d));
        held += grant_maps_held(d);
        of += grant_maps_of(d);
    }
    /* Every mapping of a live granter's frame is held by some mapper. */
    if (of > held)
        FAIL("after %s: %lu grant mappings recorded by granters, %lu held by mappers", what,
             of, held);
    if (mm_free_frames() > mm_total_frames())
        FAIL("after %s: %lu free frames of %lu", what, mm_free_frames(), mm_total_frames());
}

/* EVTCHNOP_status of (dom, port) asked by dom0's vCPU v, as dom0's toolstack would. */
static bool port_status(struct vcpu *v, hestia_domid_t dom, evtchn_port_t port,
                        struct evtchn_status *st)
{
    memset(st, 0, sizeof(*st));
    st->dom = dom;
    st->port = port;
    return hc_write(v->domain, HC_SCRATCH_VA, st, sizeof(*st)) &&
           hc_call(v, HYPERCALL_event_channel_op, EVTCHNOP_status, HC_SCRATCH_VA, 0, 0,
                   0) == 0 &&
           hc_read(v->domain, st, HC_SCRATCH_VA, sizeof(*st));
}

#define CHECKED_PORTS 128 /* ports are handed out lowest first */

void hc_check_channels(void)
{
    struct domain *z = domain_lookup(0);
    if (!z || !z->vcpus[0] || !z->vcpus[0]->started)
        return; /* dom0 is gone: nobody may ask */
    struct vcpu *zv = z->vcpus[0];
    for (struct domain *d = domain_next(0); d;
         d = domain_next((hestia_domid_t)(d->id + 1))) {
        unsigned open = 0;
        for (evtchn_port_t p = 1; p <= CHECKED_PORTS; p++) {
            struct evtchn_status st, ps;
            if (!port_status(zv, d->id, p, &st))
                return; /* dom0 unmapped its own scratch page: it cannot ask */
            if (st.status == EVTCHNSTAT_closed)
                continue;
            open++;
            if (st.status != EVTCHNSTAT_interdomain)
                continue;
            /* Both ends of a connection name each other; a dead peer leaves none. */
            hestia_domid_t rd = st.u.interdomain.dom;
            evtchn_port_t rp = st.u.interdomain.port;
            if (!domain_lookup(rd) || !port_status(zv, rd, rp, &ps))
                FAIL("d%u port %u is connected to d%u port %u, which does not exist", d->id,
                     p, rd, rp);
            if (ps.status != EVTCHNSTAT_interdomain || ps.u.interdomain.dom != d->id ||
                ps.u.interdomain.port != p)
                FAIL("d%u port %u -> d%u port %u, but that port is in state %u -> d%u "
                     "port %u",
                     d->id, p, rd, rp, ps.status, ps.u.interdomain.dom,
                     ps.u.interdomain.port);
        }
        unsigned in_use = evtchn_ports_in_use(d);
        if (in_use < CHECKED_PORTS && open != in_use)
            FAIL("d%u counts %u ports in use, %u are open", d->id, in_use, open);
    }
}
