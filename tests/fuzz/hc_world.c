/* SPDX-License-Identifier: MIT */
/* The hypercall fuzzer's world: see hc_world.h. */
#include "hc_world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hc_world W;

#define PAGE HAL_PAGE_SIZE

static void die(const char *what, long rc)
{
    fprintf(stderr, "FUZZ INVARIANT: world setup: %s = %ld\nconsole: %.400s\n", what, rc,
            host_console_output());
    abort();
}

int hc_slot_of(hestia_domid_t id)
{
    for (unsigned i = 0; i < HC_MAX_DOMS; i++)
        if (W.dom[i].d && W.dom[i].id == id)
            return (int)i;
    return -1;
}

static unsigned char *direct(struct domain *d, uint64_t va)
{
    mfn_t mfn;
    unsigned perms;
    struct hal_as *as = pvmmu_kernel_space(d);
    if (!as || hal_as_lookup(as, guest_va(va & ~(uint64_t)(PAGE - 1)), &mfn, &perms) != 0)
        return NULL;
    return (unsigned char *)hal_frame_to_virt(mfn) + (va & (PAGE - 1));
}

bool hc_write(struct domain *d, uint64_t va, const void *src, size_t len)
{
    const unsigned char *s = src;
    while (len) {
        size_t n = PAGE - (va & (PAGE - 1));
        n = n < len ? n : len;
        unsigned char *p = direct(d, va);
        if (!p)
            return false; /* the guest unmapped its own scratch: the call will fault */
        memcpy(p, s, n);
        s += n, va += n, len -= n;
    }
    return true;
}

bool hc_read(struct domain *d, void *dst, uint64_t va, size_t len)
{
    unsigned char *o = dst;
    while (len) {
        size_t n = PAGE - (va & (PAGE - 1));
        n = n < len ? n : len;
        unsigned char *p = direct(d, va);
        if (!p)
            return false;
        memcpy(o, p, n);
        o += n, va += n, len -= n;
    }
    return true;
}

static struct grant_entry *entry_ptr(struct hc_dom *hd, unsigned ref)
{
    mfn_t mfn = p2m_lookup(hd->d, gfn(hd->table_gfn + ref / GRANT_ENTRIES_PER_PAGE));
    if (mfn_eq(mfn, MFN_INVALID))
        return NULL; /* the guest released its own table frame */
    return (struct grant_entry *)hal_frame_to_virt(mfn) + ref % GRANT_ENTRIES_PER_PAGE;
}

void hc_grant_entry(struct hc_dom *hd, unsigned ref, uint16_t flags, hestia_domid_t grantee,
                    uint32_t gfn)
{
    struct grant_entry *e = entry_ptr(hd, ref);
    if (!e)
        return;
    e->flags = 0;
    e->domid = grantee;
    e->gfn = gfn;
    e->flags = flags;
}

bool hc_grant_read(struct hc_dom *hd, unsigned ref, struct grant_entry *e)
{
    struct grant_entry *p = entry_ptr(hd, ref);
    if (!p)
        return false;
    *e = *p;
    return true;
}

long hc_call(struct vcpu *v, unsigned long nr, uint64_t a0, uint64_t a1, uint64_t a2,
             uint64_t a3, uint64_t a4)
{
    const uint64_t args[5] = {a0, a1, a2, a3, a4};
    if (core_current_vcpu() != v)
        run_set_current(v);
    return hypercall_dispatch(v, nr, args);
}

void hc_run(uint64_t ns)
{
    jmp_buf jb;
    jmp_buf *saved = host_get_jump();
    host_set_jump(&jb);
    int how = setjmp(jb);
    if (how == 0) {
        host_time_advance(ns);
        /* Time moves by the input's steps only: idle does not jump past now. */
        host_idle_horizon(hal_time_ns());
        hal_vcpu_run(core_resume_vcpu());
    }
    host_idle_horizon(0);
    host_set_jump(saved);
    if (how != HOST_JMP_RUN && how != HOST_JMP_IDLE)
        die("scheduling: core left with", how);
}

void hc_add_port(struct hc_dom *hd, evtchn_port_t p)
{
    if (hd->nr_ports < HC_MAX_PORTS)
        hd->ports[hd->nr_ports++] = p;
}

void hc_drop_port(struct hc_dom *hd, evtchn_port_t p)
{
    for (unsigned i = 0; i < hd->nr_ports; i++)
        if (hd->ports[i] == p) {
            hd->ports[i] = hd->ports[--hd->nr_ports];
            return;
        }
}

void hc_add_offer(hestia_domid_t owner, evtchn_port_t port, hestia_domid_t remote)
{
    if (W.nr_offers < HC_MAX_OFFERS)
        W.offers[W.nr_offers++] = (struct hc_offer){owner, remote, port};
}

void hc_forget(unsigned slot)
{
    hestia_domid_t id = W.dom[slot].id;
    for (unsigned i = 0; i < W.nr_offers;) {
        if (W.offers[i].owner == id || W.offers[i].remote == id)
            W.offers[i] = W.offers[--W.nr_offers];
        else
            i++;
    }
    memset(&W.dom[slot], 0, sizeof(W.dom[slot]));
}

/* ---- setup through the guests' own hypercalls ---- */

/* The vCPU that makes the setup calls: the first one started. */
static struct vcpu *vcpu0(struct hc_dom *hd)
{
    for (unsigned i = 0; i < hd->d->nr_vcpus; i++)
        if (hd->d->vcpus[i] && hd->d->vcpus[i]->started)
            return hd->d->vcpus[i];
    return hd->d->vcpus[0];
}

static long evtchn(struct hc_dom *hd, unsigned cmd, void *arg, size_t size)
{
    if (!hc_write(hd->d, HC_SCRATCH_VA, arg, size))
        die("scratch write", 0);
    long rc = hc_call(vcpu0(hd), HYPERCALL_event_channel_op, cmd, HC_SCRATCH_VA, 0, 0, 0);
    hc_read(hd->d, arg, HC_SCRATCH_VA, size);
    return rc;
}

void hc_prepare(struct hc_dom *hd)
{
    struct domain *d = hd->d;
    uint64_t limit = p2m_nr_pages(d); /* populated gfns are [0, nr_pages) at creation */
    if (limit < HC_MIN_PAGES)
        die("domain too small", (long)limit);
    for (unsigned i = 0; i < HC_SCRATCH_PAGES; i++) {
        mfn_t mfn = p2m_lookup(d, gfn(limit - 1 - i));
        int rc = mfn_eq(mfn, MFN_INVALID)
                     ? -1
                     : pvmmu_map_frame(d, 0, guest_va(HC_SCRATCH_VA + i * PAGE), mfn,
                                       i == HC_SCRATCH_RO ? MMU_PERM_READ
                                                          : MMU_PERM_READ | MMU_PERM_WRITE);
        if (rc)
            die("scratch map", rc);
    }
    hd->table_gfn = limit - 2 - HC_SCRATCH_PAGES;
    hd->data_gfns = limit - 2 - HC_SCRATCH_PAGES;
    uint64_t frames[2] = {hd->table_gfn, hd->table_gfn + 1};
    struct gnttab_setup_table st = {HC_SCRATCH_VA + 1024, 2, 0};
    hc_write(d, HC_SCRATCH_VA + 1024, frames, sizeof(frames));
    hc_write(d, HC_SCRATCH_VA, &st, sizeof(st));
    long rc = hc_call(vcpu0(hd), HYPERCALL_grant_table_op, GNTTABOP_setup_table,
                      HC_SCRATCH_VA, 1, 0, 0);
    hc_read(d, &st, HC_SCRATCH_VA, sizeof(st));
    if (rc || st.status)
        die("setup_table", rc ? rc : st.status);
    struct hestia_callbacks cb = {0};
    cb.event_entry = 0x1000;
    cb.exception_entry = 0x2000;
    cb.syscall_entry = 0x3000;
    cb.kernel_stack = 0x9000;
    hc_write(d, HC_SCRATCH_VA, &cb, sizeof(cb));
    for (unsigned i = 0; i < d->nr_vcpus; i++) { /* per vCPU: every started one */
        if (!d->vcpus[i] || !d->vcpus[i]->started)
            continue;
        rc = hc_call(d->vcpus[i], HYPERCALL_set_callbacks, HC_SCRATCH_VA, 0, 0, 0, 0);
        if (rc)
            die("set_callbacks", rc);
    }
    /* The guest's own first mapping: data gfn 0 at map slot 0. */
    struct mmu_op op = {MMUOP_map, MMU_PERM_READ | MMU_PERM_WRITE, 0, HC_MAP_VA, 0};
    hc_write(d, HC_SCRATCH_VA, &op, sizeof(op));
    rc = hc_call(vcpu0(hd), HYPERCALL_mmu_op, HC_SCRATCH_VA, 1, 0, 0, 0);
    if (rc)
        die("mmu map", rc);
    struct evtchn_bind_virq bv = {VIRQ_TIMER, 0, 0, 0};
    rc = evtchn(hd, EVTCHNOP_bind_virq, &bv, sizeof(bv));
    if (rc)
        die("bind_virq", rc);
    hc_add_port(hd, bv.port);
    hd->prepared = true;
}

static struct hc_dom *new_dom(unsigned slot, uint64_t pages, bool privileged,
                              unsigned vcpus)
{
    struct hc_dom *hd = &W.dom[slot];
    int rc = domain_create(pages, vcpus, privileged, &hd->d);
    if (rc)
        die("domain_create", rc);
    hd->id = hd->d->id;
    for (unsigned i = 0; i < vcpus; i++)
        if ((rc = domain_start_vcpu(hd->d, i, guest_va(0x1000), guest_va(0x8000),
                                    guest_va(0))) != 0)
            die("domain_start_vcpu", rc);
    if ((rc = domain_unpause(hd->d)) != 0)
        die("domain_unpause", rc);
    hc_prepare(hd);
    return hd;
}

/* owner offers an unbound port to remote; remote binds it when bind is set. */
static void connect(struct hc_dom *owner, struct hc_dom *remote, bool bind)
{
    struct evtchn_alloc_unbound au = {DOMID_SELF, remote->d->id, 0};
    long rc = evtchn(owner, EVTCHNOP_alloc_unbound, &au, sizeof(au));
    if (rc)
        die("alloc_unbound", rc);
    hc_add_port(owner, au.port);
    if (!bind) {
        hc_add_offer(owner->d->id, au.port, remote->d->id);
        return;
    }
    struct evtchn_bind_interdomain bi = {owner->d->id, 0, au.port, 0, 0};
    rc = evtchn(remote, EVTCHNOP_bind_interdomain, &bi, sizeof(bi));
    if (rc)
        die("bind_interdomain", rc);
    hc_add_port(remote, bi.local_port);
}

static void offer_grants(struct hc_dom *granter, struct hc_dom *grantee, unsigned first,
                         unsigned n)
{
    for (unsigned r = first; r < first + n; r++)
        hc_grant_entry(granter, r, GTF_permit_access | (r % 3 == 2 ? GTF_readonly : 0),
                       grantee->d->id, (uint32_t)(r % granter->data_gfns));
}

/* Frames that stay allocated once used (the timer heap) are taken before counting. */
static void warm_up(void)
{
    struct domain *w;
    if (domain_create(8, 1, false, &w) ||
        domain_start_vcpu(w, 0, guest_va(0x1000), guest_va(0), guest_va(0)) ||
        domain_unpause(w))
        die("warm-up domain", 0);
    hc_call(w->vcpus[0], HYPERCALL_set_timer, 1000000, 0, 0, 0, 0);
    domain_destroy(w);
}

void hc_world_reset(void)
{
    static struct hal_boot_info bi;
    host_reset();
    host_console_echo(false);
    host_boot_info(&bi);
    mm_init(&bi);
    console_init();
    domain_init_all();
    sched_init(1);
    run_init();
    memset(&W, 0, sizeof(W));
    warm_up();
    W.baseline_free = mm_free_frames();

    struct hc_dom *z = new_dom(0, 128, true, 1);
    struct hc_dom *a = new_dom(1, 64, false, 2); /* two vCPUs: per-vCPU ports and calls */
    struct hc_dom *b = new_dom(2, 64, false, 1);
    struct evtchn_bind_virq bv = {VIRQ_DOM_EXC, 0, 0, 0};
    if (evtchn(z, EVTCHNOP_bind_virq, &bv, sizeof(bv)))
        die("bind VIRQ_DOM_EXC", 0);
    hc_add_port(z, bv.port);
    connect(a, b, true);
    connect(b, a, false);
    connect(a, b, false);
    connect(z, a, false);
    connect(b, z, false);
    offer_grants(a, b, 0, 8);
    offer_grants(b, a, 0, 8);
    offer_grants(z, a, 8, 4);
    offer_grants(a, z, 8, 4);
    offer_grants(b, z, 12, 4);
}

void hc_world_teardown(void)
{
    /* domUs first (dom0 last), the ones dom0 made included. */
    for (int pass = 0; pass < 2; pass++) {
        for (struct domain *d = domain_next(1); d; d = domain_next(1)) {
            long rc = domain_destroy(d);
            if (rc)
                die("domain_destroy", rc);
        }
        struct domain *z = domain_lookup(0);
        if (z && domain_destroy(z))
            die("domain_destroy(dom0)", 0);
    }
    if (domain_count() != 0)
        die("domains left after teardown", domain_count());
    if (mm_free_frames() != W.baseline_free) {
        fprintf(stderr,
                "FUZZ INVARIANT: %lu frames free after destroying every domain, "
                "%lu before: frames leaked or freed twice\n",
                mm_free_frames(), W.baseline_free);
        abort();
    }
}
