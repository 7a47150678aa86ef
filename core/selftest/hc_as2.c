/* SPDX-License-Identifier: MIT */
/*
 * Conformance: hal_as_list, hal_as_write_protect, hal_as_dirty_clear /
 * hal_as_write_fault, hal_as_flush, hal_as_frames and hal_as_destroy
 * (hal/mmu.h) per address-space kind; the guest windows
 * (hal_guest_va_ok against hal_as_map), the direct map and the guest layout.
 */
#include <core/mm.h>

#include "hc.h"

static unsigned lookup_perms(struct hal_as *as, uint64_t va, mfn_t *mfn)
{
    unsigned p = 0;
    mfn_t m = MFN_INVALID;
    if (hal_as_lookup(as, guest_va(va), &m, &p))
        return ~0u;
    if (mfn)
        *mfn = m;
    return p;
}

/* Five mappings out of order across three last-level tables; the expected listing. */
struct layout5 {
    struct hc_mapping m[5]; /* in increasing va order */
};

static void map5(struct hc *t, struct hal_as *as, uint64_t base, unsigned x,
                 struct layout5 *l)
{
    const struct {
        uint64_t off;
        unsigned frame, perms;
    } plan[5] = {{0, 0, R | x},
                 {PAGE, 1, R | W | x},
                 {3 * PAGE, 2, R | W | x},
                 {(2u << 20) + PAGE, 3, R | X | x},
                 {HC_SPAN / 2, 4, R | W | x}};
    static const unsigned order[5] = {4, 2, 0, 3, 1};
    for (unsigned i = 0; i < 5; i++) {
        l->m[i].va = base + plan[i].off;
        l->m[i].mfn = hc_frame(t, plan[i].frame);
        l->m[i].perms = plan[i].perms;
    }
    for (unsigned k = 0; k < 5; k++) {
        const struct hc_mapping *m = &l->m[order[k]];
        HC_RC(t, hal_as_map(as, guest_va(m->va), m->mfn, m->perms), 0);
    }
}

struct collect {
    unsigned n, stop_after;
    int stop_with;
    struct hc_mapping m[8];
};

static int collect_one(void *ctx, guest_va_t va_typed, mfn_t mfn, unsigned perms)
{
    uint64_t va = guest_va_val(va_typed);
    struct collect *c = ctx;
    if (c->n < ARRAY_SIZE(c->m)) {
        c->m[c->n].va = va;
        c->m[c->n].mfn = mfn;
        c->m[c->n].perms = perms;
    }
    c->n++;
    return c->stop_after && c->n == c->stop_after ? c->stop_with : 0;
}

/* c must hold exactly l->m[first .. first+n). */
static void expect_listed(struct hc *t, int line, const struct collect *c,
                          const struct layout5 *l, unsigned first, unsigned n)
{
    if (c->n != n) {
        hc_fail(t, line, "listed %u mappings, want %u", c->n, n);
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        const struct hc_mapping *g = &c->m[i], *w = &l->m[first + i];
        if (g->va != w->va || !mfn_eq(g->mfn, w->mfn) || g->perms != w->perms)
            hc_fail(
                t, line, "listing entry %u: va %llx mfn %llx perms %x, want %llx %llx %x",
                i, (unsigned long long)g->va, (unsigned long long)mfn_val(g->mfn), g->perms,
                (unsigned long long)w->va, (unsigned long long)mfn_val(w->mfn), w->perms);
    }
}

static void t_list(struct hc *t, unsigned kind)
{
    struct hal_as *as;
    uint64_t base;
    unsigned x;
    if (!hc_space_setup(t, kind, &as, &base, &x))
        return;
    struct collect c = {0};
    HC_RC(t, hal_as_list(as, guest_va(0), guest_va(~(uint64_t)0), collect_one, &c), 0);
    HC_CHECK(t, c.n == 0, "a new space lists %u mappings", c.n);
    struct layout5 l;
    map5(t, as, base, x, &l);
    struct hc_snap before, after;
    hc_snap(as, &before);
    c = (struct collect){0};
    HC_RC(t, hal_as_list(as, guest_va(0), guest_va(~(uint64_t)0), collect_one, &c), 0);
    expect_listed(t, __LINE__, &c, &l, 0, 5);
    /* [start, end): the first and the last mapping fall outside. */
    c = (struct collect){0};
    HC_RC(t,
          hal_as_list(as, guest_va(base + PAGE), guest_va(base + HC_SPAN / 2), collect_one,
                      &c),
          0);
    expect_listed(t, __LINE__, &c, &l, 1, 3);
    c = (struct collect){0};
    HC_RC(t,
          hal_as_list(as, guest_va(base + 2 * PAGE), guest_va(base + 3 * PAGE), collect_one,
                      &c),
          0);
    HC_CHECK(t, c.n == 0, "[base+2p, base+3p) lists %u mappings, want 0", c.n);
    c = (struct collect){0};
    HC_RC(t, hal_as_list(as, guest_va(base + PAGE), guest_va(base + PAGE), collect_one, &c),
          0);
    HC_CHECK(t, c.n == 0, "an empty range lists %u mappings", c.n);
    /* A non-zero result stops the walk and is returned. */
    c = (struct collect){.stop_after = 2, .stop_with = 7};
    HC_RC(t, hal_as_list(as, guest_va(0), guest_va(~(uint64_t)0), collect_one, &c), 7);
    HC_CHECK(t, c.n == 2, "the walk went on for %u calls after its callback said stop",
             c.n);
    hc_snap(as, &after);
    HC_CHECK(t, hc_snap_equal(&before, &after), "listing changed the space");
    hc_note(t, "%s space: 5 mappings in va order, ranges, stop value", hc_kind_name(kind));
}

static void t_write_protect(struct hc *t, unsigned kind)
{
    struct hal_as *as;
    uint64_t base;
    unsigned x;
    if (!hc_space_setup(t, kind, &as, &base, &x))
        return;
    struct layout5 l;
    map5(t, as, base, x, &l);
    /* Range [base, base + span/2): mappings 0..3; 1 and 2 are writable. */
    long n = hal_as_write_protect(as, guest_va(base), guest_va(base + HC_SPAN / 2));
    HC_CHECK(t, n == 2, "write_protect returned %ld, want 2 writable mappings", n);
    for (unsigned i = 0; i < 5; i++) {
        mfn_t m = MFN_INVALID;
        unsigned want = i < 4 ? l.m[i].perms & ~(unsigned)W : l.m[i].perms;
        unsigned got = lookup_perms(as, l.m[i].va, &m);
        HC_CHECK(t, got == want && mfn_eq(m, l.m[i].mfn),
                 "mapping %u after write_protect: perms %x mfn %llx, want %x %llx", i, got,
                 (unsigned long long)mfn_val(m), want,
                 (unsigned long long)mfn_val(l.m[i].mfn));
    }
    HC_RC(t, hal_as_write_protect(as, guest_va(base), guest_va(base + HC_SPAN / 2)), 0);
    HC_RC(t,
          hal_as_write_protect(as, guest_va(base + HC_SPAN), guest_va(base + 2 * HC_SPAN)),
          0);
    /* The range end is exclusive: [.., span/2 + page) takes the last one. */
    HC_RC(t,
          hal_as_write_protect(as, guest_va(base + HC_SPAN / 2),
                               guest_va(base + HC_SPAN / 2 + PAGE)),
          1);
    HC_CHECK(t, lookup_perms(as, l.m[4].va, NULL) == (R | x),
             "last mapping still writable");
    hc_note(t, "%s space: W removed in [start, end) only, count returned",
            hc_kind_name(kind));
}

/*
 * Dirty tracking as hal/mmu.h allows it on either kind of format: a
 * hardware-dirty format reports nothing until the MMU writes (nothing
 * runs here); a software one counts a writable mapping as dirty from when
 * it is made and catches the next write in hal_as_write_fault().
 */
static void t_dirty(struct hc *t, unsigned kind)
{
    struct hal_as *as;
    uint64_t base;
    unsigned x;
    if (!hc_space_setup(t, kind, &as, &base, &x))
        return;
    mfn_t f0 = hc_frame(t, 0), f1 = hc_frame(t, 1), f2 = hc_frame(t, 2);
    HC_RC(t, hal_as_map(as, guest_va(base), f0, R | W | x), 0);
    HC_RC(t, hal_as_map(as, guest_va(base + PAGE), f1, R | x), 0);
    HC_RC(t, hal_as_map(as, guest_va(base + 2 * PAGE), f2, R | W | x), 0);
    struct collect c = {0};
    long n1 =
        hal_as_dirty_clear(as, guest_va(base), guest_va(base + HC_SPAN), collect_one, &c);
    bool soft = n1 == 2;
    HC_CHECK(t, n1 == 0 || n1 == 2,
             "first dirty_clear = %ld: want 0 (hardware dirty bits, nothing written) or 2 "
             "(every writable mapping)",
             n1);
    HC_CHECK(t, c.n == (unsigned)n1, "dirty_clear returned %ld but called fn %u times", n1,
             c.n);
    for (unsigned i = 0; i < c.n && i < ARRAY_SIZE(c.m); i++)
        HC_CHECK(t, c.m[i].va != base + PAGE, "a read-only mapping was reported dirty");
    if (soft)
        HC_CHECK(
            t, c.m[0].va == base && c.m[1].va == base + 2 * PAGE && mfn_eq(c.m[0].mfn, f0),
            "dirty pages reported as %llx, %llx", (unsigned long long)c.m[0].va,
            (unsigned long long)c.m[1].va);
    /* Read-and-clear: nothing was written since. */
    HC_RC(t, hal_as_dirty_clear(as, guest_va(base), guest_va(base + HC_SPAN), NULL, NULL),
          0);
    /* Tracking is invisible to lookup: the mapping is still writable. */
    HC_CHECK(t, lookup_perms(as, base, NULL) == (R | W | x),
             "dirty tracking changed perms");
    HC_RC(t, hal_as_write_fault(as, guest_va(base + PAGE)), -HESTIA_ENOENT); /* read-only */
    HC_RC(t, hal_as_write_fault(as, guest_va(base + 5 * PAGE)),
          -HESTIA_ENOENT); /* unmapped */
    if (soft) {
        HC_RC(t, hal_as_write_fault(as, guest_va(base + 0x10)), 0);
        /* Write access is back: a second fault there is a real one. */
        HC_RC(t, hal_as_write_fault(as, guest_va(base)), -HESTIA_ENOENT);
        c = (struct collect){0};
        HC_RC(t,
              hal_as_dirty_clear(as, guest_va(base), guest_va(base + HC_SPAN), collect_one,
                                 &c),
              1);
        HC_CHECK(t, c.n == 1 && c.m[0].va == base && mfn_eq(c.m[0].mfn, f0),
                 "after one write fault: %u pages reported (first %llx)", c.n,
                 (unsigned long long)c.m[0].va);
        /* Tracking is armed again after the read. */
        HC_RC(t, hal_as_write_fault(as, guest_va(base)), 0);
        /* fn's non-zero result stops the walk, negated. */
        c = (struct collect){.stop_after = 1, .stop_with = 5};
        HC_RC(t,
              hal_as_dirty_clear(as, guest_va(base), guest_va(base + HC_SPAN), collect_one,
                                 &c),
              -5);
    } else {
        HC_RC(t, hal_as_write_fault(as, guest_va(base)), -HESTIA_ENOENT);
        HC_RC(t,
              hal_as_dirty_clear(as, guest_va(base), guest_va(base + HC_SPAN), NULL, NULL),
              0);
    }
    hc_note(t, "%s space: %s; read-and-clear, read-only never dirty", hc_kind_name(kind),
            soft ? "write-protect-and-fault" : "hardware dirty bits");
}

static void t_flush(struct hc *t, unsigned kind)
{
    struct hal_as *as;
    uint64_t base;
    unsigned x;
    if (!hc_space_setup(t, kind, &as, &base, &x))
        return;
    struct layout5 l;
    map5(t, as, base, x, &l);
    struct hc_snap before, after;
    hc_snap(as, &before);
    hal_as_flush(as, guest_va(base));
    hal_as_flush(as, guest_va(base + PAGE));
    hal_as_flush(as, guest_va(base + 7 * PAGE)); /* nothing mapped there */
    hal_as_flush(as, guest_va(MMU_FLUSH_ALL));
    hc_snap(as, &after);
    HC_CHECK(t, hc_snap_equal(&before, &after), "flush changed the mappings");
    HC_CHECK(t, before.n == 5, "%u mappings listed, want 5", before.n);
    hc_note(t, "%s space: flush by va and MMU_FLUSH_ALL leave every mapping",
            hc_kind_name(kind));
}

static int dropped_count;
static struct hc_mapping dropped_seen[8];

static void record_drop(void *ctx, guest_va_t va_typed, mfn_t mfn)
{
    uint64_t va = guest_va_val(va_typed);
    (void)ctx;
    if (dropped_count < (int)ARRAY_SIZE(dropped_seen)) {
        dropped_seen[dropped_count].va = va;
        dropped_seen[dropped_count].mfn = mfn;
    }
    dropped_count++;
}

/* Create, account table frames, destroy: every mapping reported, every frame back. */
static void t_destroy(struct hc *t, unsigned kind)
{
    if (!hc_domain(t))
        return;
    unsigned long free0 = mm_free_frames();
    struct hal_as *as;
    uint64_t base;
    unsigned x;
    if (!hc_space_setup(t, kind, &as, &base, &x))
        return;
    struct collect c = {0};
    HC_RC(t, hal_as_list(as, guest_va(0), guest_va(~(uint64_t)0), collect_one, &c), 0);
    HC_CHECK(t, c.n == 0, "a new %s space lists %u mappings", hc_kind_name(kind), c.n);
    unsigned long frames0 = hal_as_frames(as);
    HC_CHECK(t, mm_free_frames() + frames0 <= free0,
             "hal_as_frames says %lu, but only %lu frames were taken", frames0,
             free0 - mm_free_frames());
    struct layout5 l;
    map5(t, as, base, x, &l);
    unsigned long frames1 = hal_as_frames(as);
    HC_CHECK(t, frames1 > frames0, "mapping across three tables added no table frame (%lu)",
             frames1);
    HC_CHECK(t, free0 - mm_free_frames() >= frames1,
             "hal_as_frames says %lu, but only %lu frames were taken", frames1,
             free0 - mm_free_frames());
    dropped_count = 0;
    hc_space_destroy(t, as, record_drop, NULL);
    HC_CHECK(t, dropped_count == 5, "destroy reported %d mappings, want 5", dropped_count);
    for (int i = 0; i < dropped_count && i < 8; i++) {
        bool found = false;
        for (unsigned k = 0; k < 5; k++)
            found |=
                dropped_seen[i].va == l.m[k].va && mfn_eq(dropped_seen[i].mfn, l.m[k].mfn);
        HC_CHECK(t, found, "destroy reported va %llx mfn %llx, never mapped",
                 (unsigned long long)dropped_seen[i].va,
                 (unsigned long long)mfn_val(dropped_seen[i].mfn));
    }
    HC_CHECK(t, mm_free_frames() == free0, "%ld frames still taken after destroy",
             (long)(free0 - mm_free_frames()));
    /* An empty space: nothing to report. */
    struct hal_as *empty = hc_space(t, kind);
    dropped_count = 0;
    if (empty)
        hc_space_destroy(t, empty, record_drop, NULL);
    HC_CHECK(t, dropped_count == 0, "destroying an empty space reported %d mappings",
             dropped_count);
    hc_note(t, "%s space: %lu table frames empty, %lu with 5 mappings, all back on destroy",
            hc_kind_name(kind), frames0, frames1);
}

/* hal_guest_va_ok and hal_as_map agree on every probe; some are refused, some not. */
static void t_va_window(struct hc *t, unsigned kind)
{
    bool user = kind == HAL_AS_PV_USER;
    struct hal_as *as = hc_space(t, kind);
    if (!as)
        return;
    unsigned x = hc_perm_extra(kind), accepted = 0, refused = 0;
    mfn_t f0 = hc_frame(t, 0);
    struct hal_guest_layout lay;
    hal_guest_layout(&lay);
    uint64_t probes[2 * 53 + 4];
    unsigned n = 0;
    probes[n++] = 0;
    for (unsigned k = 12; k < 64; k++) {
        probes[n++] = (uint64_t)1 << k;
        /* The top page below 2^(k+1); k = 63: the last page of the address space. */
        probes[n++] = (k == 63 ? ~(uint64_t)0 : ((uint64_t)1 << (k + 1)) - 1) & ~(PAGE - 1);
    }
    probes[n++] = guest_va_val(lay.virt_base);
    probes[n++] = guest_va_val(lay.shared_info_va);
    for (unsigned i = 0; i < n && !hc_failed(t); i++) {
        uint64_t va = probes[i];
        bool ok = hal_guest_va_ok(guest_va(va), user);
        mfn_t old = MFN_INVALID;
        int rc = hal_as_map(as, guest_va(va), f0, R | x);
        if (ok) {
            accepted++;
            HC_CHECK(t, rc == 0, "hal_guest_va_ok(%llx) but map = %d",
                     (unsigned long long)va, rc);
            HC_CHECK(t,
                     rc || (hal_as_unmap(as, guest_va(va), &old) == 0 && mfn_eq(old, f0)),
                     "unmap(%llx) after map", (unsigned long long)va);
            /* A fresh space now and then: table frames count against the domain's limit. */
            if (accepted % 16 == 0) {
                hc_space_destroy(t, as, NULL, NULL);
                if (!(as = hc_space(t, kind)))
                    return;
            }
        } else {
            refused++;
            HC_CHECK(t, rc == -HESTIA_EINVAL, "!hal_guest_va_ok(%llx) but map = %d",
                     (unsigned long long)va, rc);
        }
    }
    HC_CHECK(t, !hal_guest_va_ok(guest_va(~(uint64_t)0 & ~(PAGE - 1)), user),
             "the last page of the address space is a guest address");
    HC_CHECK(t, accepted > 0 && refused > 0, "%u probes accepted, %u refused", accepted,
             refused);
    if (!user)
        HC_CHECK(t,
                 hal_guest_va_ok(guest_va(guest_va_val(lay.virt_base)), false) &&
                     hal_guest_va_ok(guest_va(guest_va_val(lay.shared_info_va)), false),
                 "the guest layout's addresses are refused in a kernel space");
    hc_note(t, "%s space: %u of %u probes accepted, map agrees with hal_guest_va_ok",
            hc_kind_name(kind), accepted, n);
}

static void t_direct_map(struct hc *t, unsigned arg)
{
    (void)arg;
    void *prev = NULL;
    for (unsigned i = 0; i < 4 && !hc_failed(t); i++) {
        mfn_t mfn = hc_frame(t, i);
        unsigned char *p = hal_frame_to_virt(mfn);
        HC_CHECK(t, p && ((uintptr_t)p & (HAL_PAGE_SIZE - 1)) == 0,
                 "hal_frame_to_virt(%llx) = %p is not page aligned",
                 (unsigned long long)mfn_val(mfn), (void *)p);
        HC_CHECK(t, mfn_eq(hal_virt_to_frame(p), mfn),
                 "hal_virt_to_frame(hal_frame_to_virt(%llx)) = %llx",
                 (unsigned long long)mfn_val(mfn),
                 (unsigned long long)mfn_val(hal_virt_to_frame(p)));
        HC_CHECK(t, p != prev, "two frames at one direct-map address");
        p[0] = (unsigned char)(0x5a + i);
        p[HAL_PAGE_SIZE - 1] = (unsigned char)i;
        HC_CHECK(t, ((volatile unsigned char *)hal_frame_to_virt(mfn))[0] == 0x5a + i,
                 "a write through the direct map did not stick");
        prev = p;
    }
    hc_note(t, "hal_frame_to_virt / hal_virt_to_frame are inverse on 4 frames");
}

static void t_layout(struct hc *t, unsigned arg)
{
    (void)arg;
    struct hal_guest_layout l;
    hal_guest_layout(&l);
    HC_CHECK(t,
             !(guest_va_val(l.virt_base) & (PAGE - 1)) &&
                 !(guest_va_val(l.shared_info_va) & (PAGE - 1)),
             "virt_base %llx / shared_info_va %llx not page aligned",
             (unsigned long long)guest_va_val(l.virt_base),
             (unsigned long long)guest_va_val(l.shared_info_va));
    for (unsigned i = 0; i < HC_DOMAIN_PAGES; i++)
        HC_CHECK(t, hal_guest_va_ok(guest_va(guest_va_val(l.virt_base) + i * PAGE), false),
                 "virt_base + %u pages refused", i);
    HC_CHECK(t, hal_guest_va_ok(guest_va(guest_va_val(l.shared_info_va)), false),
             "shared_info_va refused");
    HC_CHECK(t,
             guest_va_val(l.shared_info_va) < guest_va_val(l.virt_base) ||
                 guest_va_val(l.shared_info_va) >=
                     guest_va_val(l.virt_base) + HC_DOMAIN_PAGES * PAGE,
             "shared_info_va inside the memory window");
    hc_note(t, "virt_base %llx, shared info %llx",
            (unsigned long long)guest_va_val(l.virt_base),
            (unsigned long long)guest_va_val(l.shared_info_va));
}

const struct hc_check hc_as2_checks[] = {
    {"list.kernel", t_list, HAL_AS_PV_KERNEL},
    {"list.user", t_list, HAL_AS_PV_USER},
    {"list.guest-phys", t_list, HAL_AS_GUEST_PHYS},
    {"write-protect.kernel", t_write_protect, HAL_AS_PV_KERNEL},
    {"write-protect.user", t_write_protect, HAL_AS_PV_USER},
    {"write-protect.guest-phys", t_write_protect, HAL_AS_GUEST_PHYS},
    {"dirty.kernel", t_dirty, HAL_AS_PV_KERNEL},
    {"dirty.user", t_dirty, HAL_AS_PV_USER},
    {"dirty.guest-phys", t_dirty, HAL_AS_GUEST_PHYS},
    {"flush.kernel", t_flush, HAL_AS_PV_KERNEL},
    {"flush.user", t_flush, HAL_AS_PV_USER},
    {"flush.guest-phys", t_flush, HAL_AS_GUEST_PHYS},
    {"destroy.kernel", t_destroy, HAL_AS_PV_KERNEL},
    {"destroy.user", t_destroy, HAL_AS_PV_USER},
    {"destroy.guest-phys", t_destroy, HAL_AS_GUEST_PHYS},
    {"va-window.kernel", t_va_window, HAL_AS_PV_KERNEL},
    {"va-window.user", t_va_window, HAL_AS_PV_USER},
    {"direct-map", t_direct_map, 0},
    {"layout", t_layout, 0},
};
const unsigned hc_as2_nr = ARRAY_SIZE(hc_as2_checks);
