/* SPDX-License-Identifier: MIT */
/*
 * The hypercall surface as stateful sequences.  Each input rebuilds the
 * world (hc_world.c: dom0, A and B connected by ports and grants) and is
 * decoded into a sequence of steps: a calling vCPU (of dom0 or of an
 * unprivileged domain), a hypercall and its arguments.  Three calls in four
 * are well-formed, every argument taken from the live state (own ports,
 * ports offered to the caller, grants offered to it, its mapped slots, its
 * address spaces, domains dom0 created); the fourth is hostile, each
 * argument raw from the input with probability 1/2.  Now and then time
 * passes and the scheduler runs, a guest exception arrives or a guest
 * rewrites its grant entries.  After every call: an unprivileged caller
 * changed no other domain (hc_snapshot_compare), frames and grant records
 * are consistent (hc_check_consistency); at the end event channels are
 * checked (hc_check_channels), every domain is destroyed and every frame
 * must come back.  Any violation aborts, so libFuzzer saves the input as a
 * reproducer.
 *
 * Per hypercall the calls and the successes (result >= 0, and status 0 in
 * every op of a grant batch) are counted; at exit the table is printed as
 * "HCSTAT <name> <ok> <calls>" lines and the total share as
 * "HCSTAT total <ok> <calls>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hestia/physdev.h>

#include "fuzz_common.h"
#include "hc_table.h"
#include "hc_world.h"

#define SCRATCH HC_SCRATCH_VA
#define AUX (HC_SCRATCH_VA + 2048) /* second argument area (gfn lists, ports) */
#define PAGE HAL_PAGE_SIZE

static unsigned long stat_ok[HYPERCALL_COUNT], stat_calls[HYPERCALL_COUNT];

static void print_stats(void)
{
    unsigned long ok = 0, calls = 0;
    for (unsigned i = 0; i < HYPERCALL_COUNT; i++) {
        fprintf(stderr, "HCSTAT %s %lu %lu\n", hc_names[i], stat_ok[i], stat_calls[i]);
        ok += stat_ok[i];
        calls += stat_calls[i];
    }
    fprintf(stderr, "HCSTAT total %lu %lu\n", ok, calls);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    atexit(print_stats);
    return 0;
}

/* ---- argument choice ---- */

struct step {
    struct fz *f;
    struct hc_dom *self;
    struct vcpu *v;
    bool priv;
    bool hostile; /* this call mixes raw values into its arguments */
};

#define HOSTILE_PER_256 64 /* a quarter of the calls are hostile */

/*
 * Whether this argument comes from the live state.  A well-formed call
 * takes every argument from it (its failures are the state's: a port
 * already closed, a table in use); a hostile call replaces each argument
 * by a raw value with probability 1/2.
 */
static bool valid(struct step *s)
{
    return !s->hostile || fz_u8(s->f) < 128;
}

/*
 * A raw value where the live state gives none: small numbers and values
 * next to powers of two most of the time (where limits and off-by-one
 * errors are), any 32/64-bit value otherwise.
 */
static uint32_t raw(struct step *s)
{
    switch (fz_below(s->f, 4)) {
    case 0:
        return fz_below(s->f, 8);
    case 1:
        return fz_below(s->f, 300);
    case 2: {
        uint32_t p = 1u << fz_below(s->f, 32);
        return p + (uint32_t)fz_below(s->f, 3) - 1;
    }
    default:
        return fz_u32(s->f);
    }
}

static uint64_t raw64(struct step *s)
{
    if (fz_below(s->f, 4))
        return raw(s);
    return fz_below(s->f, 2) ? ~(uint64_t)0 - fz_below(s->f, 4096) : fz_u64(s->f);
}

/* A guest pointer for an argument: the scratch area mostly, sometimes a bad one. */
static uint64_t ptr(struct step *s, uint64_t good)
{
    if (valid(s))
        return good;
    switch (fz_below(s->f, 6)) {
    case 5:
        return SCRATCH + HC_SCRATCH_RO * PAGE + fz_below(s->f, 64); /* read-only */
    case 0:
        return 0x7000000; /* unmapped */
    case 1:
        return 0xffff800000100000ull; /* the hypervisor's */
    case 2:
        return 0x0000900000000000ull; /* non-canonical */
    case 3:
        return SCRATCH + HC_SCRATCH_PAGES * PAGE - fz_below(s->f, 32); /* runs off */
    default:
        return raw64(s);
    }
}

static struct hc_dom *pick_dom(struct step *s, bool other)
{
    unsigned start = fz_u8(s->f);
    for (unsigned k = 0; k < HC_MAX_DOMS; k++) {
        struct hc_dom *hd = &W.dom[(start + k) % HC_MAX_DOMS];
        if (hd->d && (!other || hd != s->self))
            return hd;
    }
    return s->self;
}

static hestia_domid_t pick_domid(struct step *s, bool other)
{
    if (!valid(s))
        return fz_below(s->f, 3) ? DOMID_SELF : fz_u16(s->f);
    return pick_dom(s, other)->d->id;
}

/* A vCPU number of the caller's domain (well-formed), or a raw one. */
static uint32_t pick_vcpu(struct step *s)
{
    return valid(s) ? fz_below(s->f, s->self->d->nr_vcpus) : raw(s);
}

static evtchn_port_t pick_port(struct step *s, struct hc_dom *hd)
{
    if (!hd->nr_ports || !valid(s))
        return fz_below(s->f, 3) ? fz_below(s->f, 64) : raw(s);
    return hd->ports[fz_below(s->f, hd->nr_ports)];
}

static uint64_t pick_gfn(struct step *s, struct hc_dom *hd)
{
    if (!valid(s))
        return fz_below(s->f, 2) ? fz_below(s->f, 300) : raw64(s);
    /* A domain dom0 created but nobody prepared yet: all of its memory. */
    uint64_t n = hd->data_gfns ? hd->data_gfns : p2m_nr_pages(hd->d);
    return fz_below(s->f, (unsigned)n);
}

static uint64_t pick_as(struct step *s)
{
    if (!valid(s))
        return fz_u8(s->f);
    if (fz_below(s->f, 2))
        return 0;
    unsigned start = fz_below(s->f, MMU_MAX_USER_AS);
    for (unsigned k = 0; k < MMU_MAX_USER_AS; k++) {
        uint64_t h = 1 + (start + k) % MMU_MAX_USER_AS;
        if (pvmmu_space(s->self->d, h))
            return h;
    }
    return 0;
}

/* A slot VA in space as: a mapped one when want_mapped, else a free one. */
static uint64_t pick_slot(struct step *s, uint64_t as, uint64_t base, unsigned slots,
                          bool want_mapped)
{
    if (!valid(s))
        return fz_below(s->f, 2) ? base + fz_below(s->f, 64) * PAGE : raw64(s);
    struct hal_as *space = pvmmu_space(s->self->d, as);
    unsigned start = fz_below(s->f, slots);
    for (unsigned k = 0; k < slots && space; k++) {
        uint64_t va = base + ((start + k) % slots) * PAGE;
        mfn_t mfn;
        unsigned perms;
        if ((hal_as_lookup(space, guest_va(va), &mfn, &perms) == 0) == want_mapped)
            return va;
    }
    return base + start * PAGE;
}

static uint64_t soon(struct step *s)
{
    return hal_time_ns() + 1000 + (uint64_t)fz_u16(s->f) * 1000;
}

static void put(struct step *s, uint64_t va, const void *p, size_t n)
{
    hc_write(s->self->d, va, p, n);
}

static void get(struct step *s, uint64_t va, void *p, size_t n)
{
    if (!hc_read(s->self->d, p, va, n))
        memset(p, 0, n);
}

/* ---- one generator per hypercall: returns 1 for a success ---- */

static long call(struct step *s, unsigned long nr, uint64_t a0, uint64_t a1, uint64_t a2,
                 uint64_t a3)
{
    return hc_call(s->v, nr, a0, a1, a2, a3, 0);
}

static bool gen_version(struct step *s)
{
    return call(s, HYPERCALL_version, fz_below(s->f, 4), ptr(s, SCRATCH), 0, 0) >= 0;
}

static bool gen_console_io(struct step *s)
{
    char text[64];
    unsigned n = 1 + fz_below(s->f, sizeof(text));
    for (unsigned i = 0; i < n; i++)
        text[i] = (char)(' ' + fz_below(s->f, 90));
    put(s, AUX, text, n);
    /* read_ring and write_input are dom0's: a hostile domU tries them too. */
    unsigned cmd = fz_below(s->f, s->priv || s->hostile ? 4 : 2);
    uint64_t count = valid(s) ? n : raw(s);
    hestia_domid_t dom = cmd >= 2 ? pick_domid(s, true) : 0;
    if (cmd == CONSOLEIO_write_input && valid(s))
        dom = pick_dom(s, true)->d->id;
    return call(s, HYPERCALL_console_io, cmd, count, ptr(s, AUX), dom) >= 0;
}

static bool gen_sched_op(struct step *s)
{
    unsigned cmd = fz_below(s->f, 16);
    if (cmd == 15 && !s->priv) {
        /* Rare: the domain shuts down (it stops being a caller). */
        return call(s, HYPERCALL_sched_op, SCHEDOP_shutdown, fz_below(s->f, 5), 0, 0) >= 0;
    }
    if (cmd < 6)
        return call(s, HYPERCALL_sched_op, SCHEDOP_yield, 0, 0, 0) >= 0;
    if (cmd < 9)
        return call(s, HYPERCALL_sched_op, SCHEDOP_block, 0, 0, 0) >= 0;
    uint32_t ports[4];
    unsigned n = fz_below(s->f, 4);
    for (unsigned i = 0; i < n; i++)
        ports[i] = pick_port(s, s->self);
    put(s, AUX, ports, sizeof(ports));
    struct sched_poll p = {ptr(s, AUX), valid(s) ? n : raw(s), 0,
                           fz_below(s->f, 2) ? soon(s) : 0};
    put(s, SCRATCH, &p, sizeof(p));
    return call(s, HYPERCALL_sched_op, SCHEDOP_poll, ptr(s, SCRATCH), 0, 0) >= 0;
}

/* A (cmd, ptr) hypercall nr whose argument struct goes in and comes back in the scratch
 * page. */
static bool struct_call(struct step *s, unsigned long nr, unsigned cmd, void *arg,
                        size_t size)
{
    put(s, SCRATCH, arg, size);
    long rc = call(s, nr, cmd, ptr(s, SCRATCH), 0, 0);
    get(s, SCRATCH, arg, size);
    return rc >= 0;
}

static bool evtchn_call(struct step *s, unsigned cmd, void *arg, size_t size)
{
    return struct_call(s, HYPERCALL_event_channel_op, cmd, arg, size);
}

static bool gen_event_channel_op(struct step *s)
{
    struct hc_dom *me = s->self;
    hestia_domid_t my_id = me->d->id;
    switch (fz_below(s->f, 10)) {
    case 0: {
        struct evtchn_alloc_unbound a = {DOMID_SELF, pick_domid(s, true), 0};
        if ((s->priv || s->hostile) && !fz_below(s->f, 4))
            a.dom = pick_domid(s, true); /* in another domain: dom0's right only */
        if (!evtchn_call(s, EVTCHNOP_alloc_unbound, &a, sizeof(a)))
            return false;
        hestia_domid_t owner = a.dom == DOMID_SELF ? my_id : a.dom;
        int slot = hc_slot_of(owner);
        if (slot >= 0)
            hc_add_port(&W.dom[slot], a.port);
        hc_add_offer(owner, a.port, a.remote_dom == DOMID_SELF ? my_id : a.remote_dom);
        return true;
    }
    case 1: {
        struct evtchn_bind_interdomain b = {0};
        unsigned pick = W.nr_offers ? fz_below(s->f, W.nr_offers) : 0;
        for (unsigned k = 0; k < W.nr_offers; k++) {
            struct hc_offer *o = &W.offers[(pick + k) % W.nr_offers];
            if (o->remote == my_id && o->owner != my_id) {
                b.remote_dom = o->owner;
                b.remote_port = o->port;
                break;
            }
        }
        if (!valid(s) || !b.remote_port) {
            b.remote_dom = pick_domid(s, true);
            b.remote_port = pick_port(s, &W.dom[fz_below(s->f, 3)]);
        }
        if (!evtchn_call(s, EVTCHNOP_bind_interdomain, &b, sizeof(b)))
            return false;
        hc_add_port(me, b.local_port);
        for (unsigned k = 0; k < W.nr_offers; k++)
            if (W.offers[k].owner == b.remote_dom && W.offers[k].port == b.remote_port)
                W.offers[k] = W.offers[--W.nr_offers];
        return true;
    }
    case 2: {
        struct evtchn_bind_virq b = {fz_below(s->f, 5), pick_vcpu(s), 0, 0};
        if (!evtchn_call(s, EVTCHNOP_bind_virq, &b, sizeof(b)))
            return false;
        hc_add_port(me, b.port);
        return true;
    }
    case 3: {
        struct evtchn_bind_ipi b = {pick_vcpu(s), 0};
        if (!evtchn_call(s, EVTCHNOP_bind_ipi, &b, sizeof(b)))
            return false;
        hc_add_port(me, b.port);
        return true;
    }
    case 4: {
        struct evtchn_close c = {pick_port(s, me), 0};
        if (!evtchn_call(s, EVTCHNOP_close, &c, sizeof(c)))
            return false;
        hc_drop_port(me, c.port);
        return true;
    }
    case 5:
    case 6: {
        struct evtchn_send c = {pick_port(s, me), 0};
        return evtchn_call(s, EVTCHNOP_send, &c, sizeof(c));
    }
    case 7: {
        struct evtchn_unmask c = {pick_port(s, me), 0};
        return evtchn_call(s, EVTCHNOP_unmask, &c, sizeof(c));
    }
    default: {
        struct evtchn_status st = {0};
        /* Another domain's ports: dom0 may look, a domU must be refused. */
        struct hc_dom *t =
            (s->priv || s->hostile) && fz_below(s->f, 2) ? pick_dom(s, false) : me;
        st.dom = t == me ? DOMID_SELF : t->d->id;
        st.port = pick_port(s, t);
        return evtchn_call(s, EVTCHNOP_status, &st, sizeof(st));
    }
    }
}

/* A grant offered to the caller: granter slot and ref, from the granters' tables. */
static bool find_grant(struct step *s, struct hc_dom **granter, unsigned *ref, bool *ro)
{
    unsigned g0 = fz_u8(s->f), r0 = fz_u8(s->f);
    for (unsigned k = 0; k < HC_MAX_DOMS; k++) {
        struct hc_dom *g = &W.dom[(g0 + k) % HC_MAX_DOMS];
        if (!g->d || g == s->self || !g->prepared)
            continue;
        for (unsigned j = 0; j < HC_GRANT_REFS; j++) {
            unsigned r = (r0 + j) % HC_GRANT_REFS;
            struct grant_entry e;
            if (hc_grant_read(g, r, &e) && (e.flags & GTF_permit_access) &&
                e.domid == s->self->d->id) {
                *granter = g, *ref = r, *ro = (e.flags & GTF_readonly) != 0;
                return true;
            }
        }
    }
    return false;
}

static bool gen_grant_table_op(struct step *s)
{
    struct hc_dom *me = s->self;
    unsigned cmd = fz_below(s->f, 8);
    long rc;
    if (cmd <= 2) { /* map */
        struct gnttab_map_grant_ref m = {0};
        struct hc_dom *g = NULL;
        unsigned ref = 0;
        bool ro = false;
        if (!find_grant(s, &g, &ref, &ro) || !valid(s)) {
            g = pick_dom(s, true);
            ref = fz_below(s->f, 2) ? fz_below(s->f, HC_GRANT_REFS) : raw(s);
            ro = fz_below(s->f, 2);
        }
        m.dom = g->d->id;
        m.ref = ref;
        m.flags = ro || !fz_below(s->f, 4) ? GNTMAP_readonly : 0;
        m.as = pick_as(s);
        m.host_va = pick_slot(s, m.as, HC_GNT_VA, HC_GNT_SLOTS, false);
        put(s, SCRATCH, &m, sizeof(m));
        rc = call(s, HYPERCALL_grant_table_op, GNTTABOP_map_grant_ref, ptr(s, SCRATCH),
                  valid(s) ? 1 : fz_below(s->f, 70), 0);
        get(s, SCRATCH, &m, sizeof(m));
        if (rc || m.status)
            return false;
        if (me->nr_held < HC_MAX_HANDLES)
            me->held[me->nr_held++] = (struct hc_held){m.handle, m.host_va, m.as};
        return true;
    }
    if (cmd == 3) { /* unmap */
        struct gnttab_unmap_grant_ref u = {0};
        unsigned i = me->nr_held ? fz_below(s->f, me->nr_held) : 0;
        if (me->nr_held && valid(s)) {
            u.handle = me->held[i].h, u.host_va = me->held[i].va, u.as = me->held[i].as;
        } else {
            u.handle = fz_below(s->f, 40),
            u.host_va = HC_GNT_VA + fz_below(s->f, 20) * PAGE;
        }
        put(s, SCRATCH, &u, sizeof(u));
        rc = call(s, HYPERCALL_grant_table_op, GNTTABOP_unmap_grant_ref, ptr(s, SCRATCH), 1,
                  0);
        get(s, SCRATCH, &u, sizeof(u));
        if (rc || u.status)
            return false;
        for (unsigned k = 0; k < me->nr_held; k++)
            if (me->held[k].h == u.handle)
                me->held[k] = me->held[--me->nr_held];
        return true;
    }
    if (cmd == 4) { /* setup_table: the same two frames, or garbage */
        uint64_t frames[4] = {me->table_gfn, me->table_gfn + 1, pick_gfn(s, me), raw64(s)};
        put(s, AUX, frames, sizeof(frames));
        struct gnttab_setup_table t = {ptr(s, AUX),
                                       valid(s) ? 1 + fz_below(s->f, 2) : raw(s), 0};
        put(s, SCRATCH, &t, sizeof(t));
        rc = call(s, HYPERCALL_grant_table_op, GNTTABOP_setup_table, ptr(s, SCRATCH), 1, 0);
        get(s, SCRATCH, &t, sizeof(t));
        return rc == 0 && t.status == 0;
    }
    if (cmd <= 6) { /* copy: from a grant offered to me into my own frame, or back */
        struct gnttab_copy c = {0};
        struct hc_dom *g = NULL;
        unsigned ref = 0;
        bool ro = true;
        bool have = find_grant(s, &g, &ref, &ro);
        bool to_peer = have && !ro && fz_below(s->f, 2);
        struct gnttab_copy_ptr foreign = {ref, have ? g->d->id : pick_domid(s, true), 0, 0};
        struct gnttab_copy_ptr local = {pick_gfn(s, me), DOMID_SELF, 0, 0};
        c.len = (uint16_t)(valid(s) ? 1 + fz_below(s->f, 512) : fz_u16(s->f));
        foreign.offset = (uint16_t)(valid(s) ? fz_below(s->f, PAGE - c.len) : fz_u16(s->f));
        local.offset = (uint16_t)(valid(s) ? fz_below(s->f, PAGE - c.len) : fz_u16(s->f));
        c.source = to_peer ? local : foreign;
        c.dest = to_peer ? foreign : local;
        c.flags = to_peer ? GNTCOPY_dest_gref : GNTCOPY_source_gref;
        if (!valid(s))
            c.flags = fz_below(s->f, 4);
        put(s, SCRATCH, &c, sizeof(c));
        rc = call(s, HYPERCALL_grant_table_op, GNTTABOP_copy, ptr(s, SCRATCH), 1, 0);
        get(s, SCRATCH, &c, sizeof(c));
        return rc == 0 && c.status == 0;
    }
    struct gnttab_query_size q = {0};
    put(s, SCRATCH, &q, sizeof(q));
    rc = call(s, HYPERCALL_grant_table_op, valid(s) ? GNTTABOP_query_size : fz_u8(s->f),
              ptr(s, SCRATCH), 1, 0);
    get(s, SCRATCH, &q, sizeof(q));
    return rc == 0 && q.status == 0;
}

/* One op of either MMU form: mostly well-formed for the live state. */
static void gen_op(struct step *s, struct mmu_op *o)
{
    memset(o, 0, sizeof(*o));
    unsigned kind = fz_below(s->f, 12);
    o->as = pick_as(s);
    bool user = o->as != 0;
    unsigned rw = MMU_PERM_READ | (fz_below(s->f, 4) ? MMU_PERM_WRITE : 0) |
                  (user ? MMU_PERM_USER : 0);
    if (kind < 4) {
        o->cmd = MMUOP_map;
        o->va = pick_slot(s, o->as, HC_MAP_VA, HC_MAP_SLOTS, false);
        o->gfn = pick_gfn(s, s->self);
        o->perms = valid(s) ? rw : fz_u8(s->f);
    } else if (kind < 6) {
        o->cmd = MMUOP_unmap;
        o->va = pick_slot(s, o->as, HC_MAP_VA, HC_MAP_SLOTS, true);
    } else if (kind < 7) {
        o->cmd = MMUOP_protect;
        o->va = pick_slot(s, o->as, HC_MAP_VA, HC_MAP_SLOTS, true);
        o->perms = valid(s) ? rw : fz_u8(s->f);
    } else if (kind < 9) {
        o->cmd = MMUOP_as_create;
    } else if (kind < 10) {
        o->cmd = MMUOP_as_switch;
    } else if (kind < 11) {
        o->cmd = MMUOP_as_destroy;
        if (!o->as)
            o->as = pick_as(s);
    } else {
        o->cmd = MMUOP_flush;
        o->va = fz_below(s->f, 2) ? MMU_FLUSH_ALL : HC_MAP_VA;
    }
    if (!valid(s))
        o->cmd = fz_below(s->f, 9);
}

static bool gen_mmu_op(struct step *s)
{
    struct mmu_op ops[4];
    unsigned n = 1 + fz_below(s->f, 4);
    for (unsigned i = 0; i < n; i++)
        gen_op(s, &ops[i]);
    put(s, SCRATCH, ops, sizeof(ops));
    long rc = call(s, HYPERCALL_mmu_op, ptr(s, SCRATCH), valid(s) ? n : fz_u16(s->f),
                   fz_below(s->f, 2) ? ptr(s, AUX) : 0, 0);
    return rc >= 0;
}

/* HYPERCALL_mmu_one: the op in the arguments; cmd and perms sometimes wider than 32 bits.
 */
static bool gen_mmu_one(struct step *s)
{
    struct mmu_op o;
    gen_op(s, &o);
    uint64_t perms = valid(s) ? o.perms : raw64(s);
    uint64_t cmd = valid(s) ? o.cmd : raw64(s);
    return hc_call(s->v, HYPERCALL_mmu_one, o.as, o.va, o.gfn, perms, cmd) >= 0;
}

static bool domctl_call(struct step *s, struct hestia_domctl *d)
{
    d->interface_version = valid(s) ? HESTIA_ABI_VERSION : raw(s);
    put(s, SCRATCH, d, sizeof(*d));
    long rc = call(s, HYPERCALL_domctl, ptr(s, SCRATCH), 0, 0, 0);
    get(s, SCRATCH, d, sizeof(*d));
    return rc >= 0;
}

static bool gen_domctl(struct step *s)
{
    struct hestia_domctl d;
    memset(&d, 0, sizeof(d));
    d.cmd = valid(s) ? fz_below(s->f, DOMCTL_set_vcpu_state + 1) : raw(s);
    struct hc_dom *t = pick_dom(s, true);
    int free_slot = -1;
    for (unsigned i = 3; i < HC_MAX_DOMS; i++)
        if (!W.dom[i].d)
            free_slot = (int)i;
    /* dom0's own creations are the usual targets of destroy and write_memory. */
    int made = -1;
    for (unsigned i = 3; i < HC_MAX_DOMS; i++)
        if (W.dom[i].d && !W.dom[i].d->is_shutdown)
            made = (int)i;
    if ((d.cmd == DOMCTL_destroy || d.cmd == DOMCTL_write_memory ||
         d.cmd == DOMCTL_start_vcpu || d.cmd == DOMCTL_get_vcpu_state ||
         d.cmd == DOMCTL_set_vcpu_state) &&
        made >= 0 && fz_below(s->f, 8))
        t = &W.dom[made];
    if (d.cmd == DOMCTL_create && free_slot < 0)
        d.cmd = DOMCTL_getinfo;
    d.domid = valid(s) ? t->d->id : fz_u16(s->f);
    switch (d.cmd) {
    case DOMCTL_create:
        d.u.create.nr_pages = valid(s) ? 16 + fz_below(s->f, 48) : raw64(s);
        d.u.create.max_vcpus = valid(s) ? 1 + fz_below(s->f, 2) : raw(s);
        d.u.create.weight = fz_below(s->f, 2) ? 0 : fz_u16(s->f);
        d.u.create.cap = fz_below(s->f, 101);
        d.u.create.flags = valid(s) ? 0 : raw(s);
        break;
    case DOMCTL_sched_set:
        d.u.sched.weight = valid(s) ? 1 + fz_below(s->f, 1000) : raw(s);
        d.u.sched.cap = valid(s) ? fz_below(s->f, 101) : raw(s);
        break;
    case DOMCTL_write_memory: {
        char data[256];
        memset(data, fz_u8(s->f), sizeof(data));
        put(s, AUX, data, sizeof(data));
        d.u.write_memory.buf = ptr(s, AUX);
        d.u.write_memory.gfn = pick_gfn(s, t);
        d.u.write_memory.offset = valid(s) ? fz_below(s->f, PAGE) : raw(s);
        d.u.write_memory.len = valid(s) ? fz_below(s->f, sizeof(data)) : raw(s);
        break;
    }
    case DOMCTL_start_vcpu:
        d.u.start_vcpu.vcpu = valid(s) ? fz_below(s->f, t->d->nr_vcpus) : raw(s);
        d.u.start_vcpu.entry_va = valid(s) ? 0x1000 : raw64(s);
        d.u.start_vcpu.stack_va = 0x8000;
        d.u.start_vcpu.start_info_gfn = pick_gfn(s, t);
        break;
    case DOMCTL_get_vcpu_state:
    case DOMCTL_set_vcpu_state: {
        /* A record the target's vCPU really has, one byte of it changed now and then. */
        uint32_t v = valid(s) ? fz_below(s->f, t->d->nr_vcpus) : raw(s);
        static struct hestia_vcpu_state st;
        memset(&st, 0, sizeof(st));
        hal_vcpu_save_state(t->d->vcpus[v < t->d->nr_vcpus ? v : 0]->hal, &st);
        if (fz_below(s->f, 4) == 0)
            ((uint8_t *)&st)[fz_below(s->f, HOST_VCPU_STATE_SIZE)] ^= fz_u8(s->f);
        put(s, AUX, &st, HOST_VCPU_STATE_SIZE);
        d.u.vcpu_state.vcpu = v;
        d.u.vcpu_state.buf = ptr(s, AUX);
        d.u.vcpu_state.size = valid(s) ? HOST_VCPU_STATE_SIZE : raw(s);
        break;
    }
    default:
        break;
    }
    bool ok = domctl_call(s, &d);
    if (!ok || !s->priv)
        return ok;
    if (d.cmd == DOMCTL_create && free_slot >= 0) {
        struct domain *nd = domain_lookup(d.domid);
        if (nd) {
            memset(&W.dom[free_slot], 0, sizeof(W.dom[free_slot]));
            W.dom[free_slot].d = nd;
            W.dom[free_slot].id = nd->id;
        }
    } else if (d.cmd == DOMCTL_destroy) {
        for (unsigned i = 0; i < HC_MAX_DOMS; i++)
            /*
             * By the id kept in the slot: the destroyed domain's memory is
             * freed, and its id read from there found another live domain
             * (UBSan: a bool of value 109 when the stale slot was picked).
             */
            if (W.dom[i].d && domain_lookup(W.dom[i].id) != W.dom[i].d &&
                W.dom[i].d != s->self->d)
                hc_forget(i);
    }
    return ok;
}

static bool gen_set_callbacks(struct step *s)
{
    struct hestia_callbacks cb = {0};
    cb.event_entry = valid(s) ? 0x1000 : raw64(s);
    cb.exception_entry = valid(s) ? 0x2000 : raw64(s);
    cb.syscall_entry = valid(s) ? 0x3000 : raw64(s);
    cb.kernel_stack = valid(s) ? 0x9000 : raw64(s);
    put(s, SCRATCH, &cb, sizeof(cb));
    return call(s, HYPERCALL_set_callbacks, ptr(s, SCRATCH), 0, 0, 0) >= 0;
}

static bool gen_set_timer(struct step *s)
{
    uint64_t t = fz_below(s->f, 8) ? soon(s) : fz_below(s->f, 2) ? 0 : raw64(s);
    if (fz_below(s->f, 2)) /* the 32-bit guests' split form */
        return call(s, HYPERCALL_set_timer, (uint32_t)t, t >> 32, 0, 0) >= 0;
    return call(s, HYPERCALL_set_timer, t, 0, 0, 0) >= 0;
}

static bool gen_vcpu_op(struct step *s)
{
    unsigned cmd = valid(s) ? fz_below(s->f, VCPUOP_enter_user + 1) : raw(s);
    /* enter_user replaces the caller's own context only: its own number, mostly. */
    uint64_t vcpu = cmd == VCPUOP_enter_user && valid(s) ? s->v->id : pick_vcpu(s);
    if (cmd == VCPUOP_enter_user) {
        struct hestia_trap_record rec;
        memset(&rec, 0, sizeof(rec));
        rec.regs[HOST_REG_PC] = 0x400000;
        rec.regs[HOST_REG_SP] = 0x500000;
        rec.regs[HOST_REG_MODE] = valid(s) ? HOST_MODE_USER : fz_u8(s->f) % 4;
        put(s, SCRATCH, &rec, sizeof(rec));
        return call(s, HYPERCALL_vcpu_op, cmd, vcpu, ptr(s, SCRATCH), 0) >= 0;
    }
    uint64_t arg =
        cmd == VCPUOP_set_kernel_stack ? (valid(s) ? 0x9000 : raw64(s)) : ptr(s, SCRATCH);
    return call(s, HYPERCALL_vcpu_op, cmd, vcpu, arg, 0) >= 0;
}

static bool gen_memory_op(struct step *s)
{
    unsigned cmd = fz_below(s->f, 3);
    if (cmd == 0)
        return call(s, HYPERCALL_memory_op, valid(s) ? MEMOP_get_info : fz_u8(s->f),
                    ptr(s, SCRATCH), 0, 0) >= 0;
    struct memop_range r = {pick_gfn(s, s->self),
                            valid(s) ? 1 + fz_below(s->f, 3) : raw64(s), 0};
    if (cmd == MEMOP_populate && valid(s)) {
        /* An empty gfn, if there is one among a few probes. */
        for (unsigned k = 0; k < 8; k++) {
            uint64_t g = fz_below(s->f, (unsigned)s->self->data_gfns);
            if (mfn_eq(p2m_lookup(s->self->d, gfn(g)), MFN_INVALID)) {
                r.gfn = g, r.count = 1;
                break;
            }
        }
    }
    put(s, SCRATCH, &r, sizeof(r));
    return call(s, HYPERCALL_memory_op, cmd, ptr(s, SCRATCH), 0, 0) >= 0;
}

static bool gen_trap_return(struct step *s)
{
    return call(s, HYPERCALL_trap_return, 0, 0, 0, 0) >= 0;
}

static bool physdev_call(struct step *s, unsigned cmd, void *arg, size_t size)
{
    return struct_call(s, HYPERCALL_physdev_op, cmd, arg, size);
}

/* A device frame for map_mmio: the host HAL's PCI window, its platform
 * device, the frame it keeps for itself (refused), or RAM (refused). */
static uint64_t pick_device_mfn(struct step *s)
{
    if (!valid(s))
        return raw64(s);
    switch (fz_below(s->f, 8)) {
    case 0:
        return HOST_MMIO_HYP_MFN;
    case 1:
        return mfn_val(p2m_lookup(s->self->d, gfn(pick_gfn(s, s->self))));
    case 2:
        return HOST_PLATDEV_BASE >> HAL_PAGE_SHIFT;
    default:
        return (HOST_PCI_WINDOW_CPU >> HAL_PAGE_SHIFT) + fz_below(s->f, 64);
    }
}

/*
 * HYPERCALL_physdev_op: every sub-op with well-formed arguments for the
 * host HAL's devices (host_pci.c, host_pirq.c) or raw ones.  Device
 * memory goes to the HC_MMIO_VA slots of dom0's kernel space, where
 * hc_check_consistency requires that no slot maps RAM.
 */
static bool gen_physdev_op(struct step *s)
{
    unsigned cmd = valid(s) ? fz_below(s->f, PHYSDEVOP_pci_window + 1) : raw(s);
    switch (cmd) {
    case PHYSDEVOP_pci_cfg_read:
    case PHYSDEVOP_pci_cfg_write: {
        uint8_t size = (uint8_t)(valid(s) ? 1u << fz_below(s->f, 3) : fz_u8(s->f));
        struct physdev_pci_cfg c = {
            .segment = valid(s) ? 0 : fz_u16(s->f),
            .bus = (uint8_t)(valid(s) ? fz_below(s->f, 2) : fz_u8(s->f)),
            .devfn = (uint8_t)(valid(s) ? fz_below(s->f, 16) : fz_u8(s->f)),
            .reg = (uint16_t)(valid(s) ? fz_below(s->f, PHYSDEV_PCI_CFG_SIZE) & ~(size - 1u)
                                       : fz_u16(s->f)),
            .size = size,
            .pad = (uint8_t)(valid(s) ? 0 : fz_u8(s->f)),
            .value = fz_u32(s->f),
            .pad2 = valid(s) ? 0 : raw(s)};
        return physdev_call(s, cmd, &c, sizeof(c));
    }
    case PHYSDEVOP_port_read:
    case PHYSDEVOP_port_write: {
        /* The scratch port mostly; the console UART's (refused), the last one. */
        static const uint16_t ports[] = {0x80, 0x80, 0x80, 0x70, 0xcf8, 0x3fc, 0xfffc};
        struct physdev_port_io p = {
            .port = valid(s) ? ports[fz_below(s->f, sizeof(ports) / sizeof(ports[0]))]
                             : fz_u16(s->f),
            .size = (uint8_t)(valid(s) ? 1u << fz_below(s->f, 3) : fz_u8(s->f)),
            .pad = (uint8_t)(valid(s) ? 0 : fz_u8(s->f)),
            .value = fz_u32(s->f)};
        return physdev_call(s, cmd, &p, sizeof(p));
    }
    case PHYSDEVOP_map_mmio: {
        unsigned perms = MMU_PERM_READ | (fz_below(s->f, 2) ? MMU_PERM_WRITE : 0);
        struct physdev_mmio_map m = {
            .as = valid(s) ? 0 : pick_as(s),
            .va = valid(s) ? HC_MMIO_VA + fz_below(s->f, HC_MMIO_SLOTS) * PAGE : raw64(s),
            .mfn = pick_device_mfn(s),
            .perms = valid(s) ? perms : fz_u8(s->f),
            .pad = valid(s) ? 0 : raw(s)};
        return physdev_call(s, cmd, &m, sizeof(m));
    }
    case PHYSDEVOP_dma_translate: {
        struct physdev_dma_translate t = {pick_gfn(s, s->self), 0};
        return physdev_call(s, cmd, &t, sizeof(t));
    }
    case PHYSDEVOP_pci_irq: {
        struct physdev_pci_irq q = {
            .bus = (uint8_t)(valid(s) ? fz_below(s->f, 4) == 0
                                      : fz_u8(s->f)), /* 1: unrouted */
            .devfn = (uint8_t)(valid(s) ? fz_below(s->f, 32) << 3 : fz_u8(s->f)),
            .pin = (uint8_t)(valid(s) ? 1 + fz_below(s->f, 4) : fz_u8(s->f)),
            .pad = (uint8_t)(valid(s) ? 0 : fz_u8(s->f))};
        return physdev_call(s, cmd, &q, sizeof(q));
    }
    case PHYSDEVOP_pirq_eoi: {
        /* Nothing binds a pirq here: the eoi is refused unless the input bound one. */
        struct physdev_pirq_eoi e = {valid(s) ? fz_below(s->f, HOST_PIRQ_COUNT) : raw(s),
                                     valid(s) ? 0 : raw(s)};
        return physdev_call(s, cmd, &e, sizeof(e));
    }
    case PHYSDEVOP_platform_device: {
        struct physdev_platform_device d = {.index =
                                                valid(s) ? fz_below(s->f, 4) == 0 : raw(s)};
        return physdev_call(s, cmd, &d, sizeof(d));
    }
    default: {
        struct physdev_pci_window w = {.index = valid(s) ? fz_below(s->f, 4) == 0 : raw(s)};
        return physdev_call(s, cmd, &w, sizeof(w));
    }
    }
}

/* Every hypercall's generator, by number (hc_table.h: none missing). */
#define HC_GEN_(name) [HYPERCALL_##name] = gen_##name,
static bool (*const generators[HYPERCALL_COUNT])(struct step *) = {HC_LIST(HC_GEN_)};

/* ---- the sequence ---- */

/* A vCPU of d that could be making a call now; a blocked one only when kick. */
static struct vcpu *ready_vcpu(struct domain *d, unsigned first, bool kick)
{
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpus[(first + i) % d->nr_vcpus];
        if (!v || v->state == VCPU_DOWN)
            continue;
        if (v->state == VCPU_BLOCKED) {
            /* It waits for its event; when nobody else can run, the event comes. */
            if (!kick)
                continue;
            vcpu_kick(v);
        }
        return v;
    }
    return NULL;
}

static struct hc_dom *pick_caller(struct fz *f, bool want_priv, struct vcpu **vout)
{
    unsigned start = fz_u8(f), first = fz_u8(f);
    for (unsigned pass = 0; pass < 2; pass++) {
        for (unsigned k = 0; k < HC_MAX_DOMS; k++) {
            struct hc_dom *hd = &W.dom[(start + k) % HC_MAX_DOMS];
            struct domain *d = hd->d;
            if (!d || d->is_shutdown || d->pause_count)
                continue;
            if (pass == 0 && d->privileged != want_priv)
                continue;
            if (!hd->prepared && p2m_nr_pages(d) < HC_MIN_PAGES)
                continue; /* too small for the harness's scratch and table pages */
            struct vcpu *v = ready_vcpu(d, first, pass == 1);
            if (!v)
                continue;
            if (!hd->prepared)
                hc_prepare(hd); /* a domain dom0 started: it sets itself up */
            *vout = v;
            return hd;
        }
    }
    return NULL;
}

static void step(struct fz *f)
{
    unsigned what = fz_u8(f);
    if (what >= 248) {
        /* Time passes and the scheduler runs: timers fire, events are delivered. */
        hc_run((uint64_t)fz_u16(f) * 1000);
        return;
    }
    if (what >= 244) {
        /* A guest exception in a domU (may crash it when the record is busy). */
        struct vcpu *v;
        struct hc_dom *hd = pick_caller(f, false, &v);
        if (hd && !hd->d->privileged)
            core_guest_trap(v, fz_below(f, HESTIA_TRAP_OTHER + 1), fz_u8(f), fz_u32(f),
                            fz_u64(f));
        return;
    }
    if (what >= 238) {
        /* A guest writes its own grant table: offer a frame to someone, or revoke. */
        struct vcpu *v;
        struct hc_dom *g = pick_caller(f, fz_below(f, 2), &v);
        if (!g)
            return;
        struct step s = {f, g, v, g->d->privileged, false};
        struct hc_dom *to = pick_dom(&s, true);
        uint16_t flags =
            fz_below(f, 4) ? GTF_permit_access | (fz_below(f, 3) ? 0 : GTF_readonly) : 0;
        hc_grant_entry(g, fz_below(f, HC_GRANT_REFS), flags, to->d->id,
                       (uint32_t)pick_gfn(&s, g));
        return;
    }
    unsigned nr = what % HYPERCALL_COUNT;
    /* domctl and physdev_op are dom0's; the others come from dom0 a quarter of the time. */
    bool want_priv = nr == HYPERCALL_domctl || nr == HYPERCALL_physdev_op
                         ? fz_below(f, 8) != 0
                         : fz_below(f, 4) == 0;
    struct vcpu *v;
    struct hc_dom *me = pick_caller(f, want_priv, &v);
    if (!me)
        return;
    struct step s = {f, me, v, me->d->privileged, fz_u8(f) < HOSTILE_PER_256};
    struct hc_snapshot before;
    if (!s.priv)
        hc_snapshot_take(&before);
    bool ok = generators[nr](&s);
    stat_calls[nr]++;
    stat_ok[nr] += ok;
    if (!s.priv) {
        /* A domU's own shutdown notifies dom0 but changes nothing else of it. */
        hc_snapshot_compare(&before, me->d, hc_names[nr]);
    }
    hc_check_consistency(hc_names[nr]);
    /* A blocked caller stays blocked until an event, a timer or the fallback in
     * pick_caller. */
    core_vcpu_hal(v)->regs[HOST_REG_MODE] = HOST_MODE_KERNEL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jmp_buf jb;
    if (setjmp(jb)) {
        fprintf(stderr,
                "FUZZ INVARIANT: core left the hypercall unexpectedly "
                "(panic, halt, exit or a guest entered)\nconsole: %.600s\n",
                host_console_output());
        abort();
    }
    host_set_jump(&jb);
    hc_world_reset();
    struct fz f = {data, size};
    for (unsigned i = 0; i < 400 && f.n; i++)
        step(&f);
    hc_check_channels();
    hc_world_teardown();
    host_set_jump(NULL);
    return 0;
}
