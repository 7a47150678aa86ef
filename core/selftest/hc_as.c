/* SPDX-License-Identifier: MIT */
/*
 * Conformance: hal_as_map / unmap / protect / lookup and their errors
 * (hal/mmu.h), once per address-space kind.  "Nothing changes on error"
 * is checked by comparing hal_as_list + hal_as_frames snapshots around
 * every refused call.
 */
#include <core/mm.h>

#include "hc.h"

#define LAST_PAGE (~(uint64_t)0 & ~(PAGE - 1))

/* lookup(va) must give exactly (mfn, perms). */
static void expect_mapped(struct hc *t, int line, struct hal_as *as, uint64_t va, mfn_t mfn,
                          unsigned perms)
{
    mfn_t m = MFN_INVALID;
    unsigned p = 0;
    int rc = hal_as_lookup(as, guest_va(va), &m, &p);
    if (rc || !mfn_eq(m, mfn) || p != perms)
        hc_fail(t, line, "lookup(%llx) = %d, mfn %llx perms %x; want 0, mfn %llx perms %x",
                (unsigned long long)va, rc, (unsigned long long)mfn_val(m), p,
                (unsigned long long)mfn_val(mfn), perms);
}

static void expect_unmapped(struct hc *t, int line, struct hal_as *as, uint64_t va)
{
    mfn_t m;
    unsigned p;
    int rc = hal_as_lookup(as, guest_va(va), &m, &p);
    if (rc != -HESTIA_ENOENT)
        hc_fail(t, line, "lookup(%llx) = %d, want -ENOENT (%d)", (unsigned long long)va, rc,
                -HESTIA_ENOENT);
}

/* A refused call: rc must be want and the space unchanged. */
static void expect_refused(struct hc *t, int line, const char *what, struct hal_as *as,
                           const struct hc_snap *before, int rc, int want)
{
    struct hc_snap after;
    hc_snap(as, &after);
    if (rc != want)
        hc_fail(t, line, "%s = %d, want %d", what, rc, want);
    else if (!hc_snap_equal(before, &after))
        hc_fail(t, line,
                "%s failed (%d) but changed the space (%u -> %u mappings, %lu -> %lu "
                "table frames)",
                what, rc, before->n, after.n, before->frames, after.frames);
}

/* Invalid MMU_PERM_* combinations: no R/W/X, or bits the ABI does not define. */
static const unsigned bad_perms[] = {0, MMU_PERM_USER, R | 0x10, W | 0x80000000u, ~0u};

static void t_map(struct hc *t, unsigned kind)
{
    struct hal_as *as;
    uint64_t base;
    unsigned x;
    if (!hc_space_setup(t, kind, &as, &base, &x))
        return;
    mfn_t f0 = hc_frame(t, 0), f1 = hc_frame(t, 1);
    expect_unmapped(t, __LINE__, as, base);
    HC_RC(t, hal_as_map(as, guest_va(base), f0, R | W | x), 0);
    expect_mapped(t, __LINE__, as, base, f0, R | W | x);
    /* Any address inside the page translates it (guest copy looks up unaligned VAs). */
    expect_mapped(t, __LINE__, as, base + 0x123, f0, R | W | x);
    expect_unmapped(t, __LINE__, as, base + PAGE);
    expect_unmapped(t, __LINE__, as, base + (2u << 20));
    /* Every valid R/W/X combination maps and reads back exactly as given. */
    for (unsigned p = 1; p <= (R | W | X); p++) {
        uint64_t va = base + (1u << 20) + p * PAGE;
        HC_RC(t, hal_as_map(as, guest_va(va), f1, p | x), 0);
        expect_mapped(t, __LINE__, as, va, f1, p | x);
    }
    struct hc_snap s;
    hc_snap(as, &s);
    HC_CHECK(t, s.n == 8 && !s.list_rc, "hal_as_list after 8 maps: %u mappings, rc %d", s.n,
             s.list_rc);
    /* EEXIST: another frame, other perms, or the very same mapping again. */
    expect_refused(t, __LINE__, "map over a mapping (other frame)", as, &s,
                   hal_as_map(as, guest_va(base), f1, R | x), -HESTIA_EEXIST);
    expect_refused(t, __LINE__, "map over a mapping (same frame)", as, &s,
                   hal_as_map(as, guest_va(base), f0, R | W | x), -HESTIA_EEXIST);
    expect_mapped(t, __LINE__, as, base, f0, R | W | x);
    /* Alignment. */
    static const uint64_t offsets[] = {1, 8, 0x800, 0xfff};
    for (unsigned i = 0; i < ARRAY_SIZE(offsets); i++) {
        expect_refused(t, __LINE__, "map at an unaligned va", as, &s,
                       hal_as_map(as, guest_va(base + 2 * PAGE + offsets[i]), f1, R | x),
                       -HESTIA_EINVAL);
        expect_refused(t, __LINE__, "map over a mapping at an unaligned va", as, &s,
                       hal_as_map(as, guest_va(base + offsets[i]), f1, R | x),
                       -HESTIA_EINVAL);
    }
    /* Permissions. */
    for (unsigned i = 0; i < ARRAY_SIZE(bad_perms); i++)
        expect_refused(t, __LINE__, "map with invalid perms", as, &s,
                       hal_as_map(as, guest_va(base + 2 * PAGE), f1, bad_perms[i]),
                       -HESTIA_EINVAL);
    /* Out of range: the top page of the 64-bit space belongs to no guest window. */
    expect_refused(t, __LINE__, "map at the last page of the address space", as, &s,
                   hal_as_map(as, guest_va(LAST_PAGE), f1, R | x), -HESTIA_EINVAL);
    expect_unmapped(t, __LINE__, as, base + 2 * PAGE);
    hc_note(
        t,
        "%s space: 8 mappings, EEXIST / unaligned / %u bad perms / out of range refused "
        "without change",
        hc_kind_name(kind), (unsigned)ARRAY_SIZE(bad_perms));
}

static void t_unmap(struct hc *t, unsigned kind)
{
    struct hal_as *as;
    uint64_t base;
    unsigned x;
    if (!hc_space_setup(t, kind, &as, &base, &x))
        return;
    mfn_t f0 = hc_frame(t, 0), f1 = hc_frame(t, 1), old = MFN_INVALID;
    HC_RC(t, hal_as_map(as, guest_va(base), f0, R | W | x), 0);
    HC_RC(t, hal_as_map(as, guest_va(base + PAGE), f1, R | x), 0);
    HC_RC(t, hal_as_unmap(as, guest_va(base), &old), 0);
    HC_CHECK(t, mfn_eq(old, f0), "unmap reported frame %llx, mapped %llx",
             (unsigned long long)mfn_val(old), (unsigned long long)mfn_val(f0));
    expect_unmapped(t, __LINE__, as, base);
    expect_mapped(t, __LINE__, as, base + PAGE, f1, R | x);
    struct hc_snap s;
    hc_snap(as, &s);
    HC_CHECK(t, s.n == 1, "%u mappings listed after unmapping one of two", s.n);
    expect_refused(t, __LINE__, "unmap of an unmapped page", as, &s,
                   hal_as_unmap(as, guest_va(base), &old), -HESTIA_ENOENT);
    expect_refused(t, __LINE__, "unmap never mapped", as, &s,
                   hal_as_unmap(as, guest_va(base + (3u << 20)), &old), -HESTIA_ENOENT);
    expect_refused(t, __LINE__, "unmap at an unaligned va", as, &s,
                   hal_as_unmap(as, guest_va(base + PAGE + 0x10), &old), -HESTIA_EINVAL);
    expect_refused(t, __LINE__, "unmap at the last page", as, &s,
                   hal_as_unmap(as, guest_va(LAST_PAGE), &old), -HESTIA_EINVAL);
    /* The slot is free again. */
    HC_RC(t, hal_as_map(as, guest_va(base), f1, R | W | x), 0);
    expect_mapped(t, __LINE__, as, base, f1, R | W | x);
    HC_RC(t, hal_as_unmap(as, guest_va(base + PAGE), &old), 0);
    HC_CHECK(t, mfn_eq(old, f1), "unmap reported frame %llx, mapped %llx",
             (unsigned long long)mfn_val(old), (unsigned long long)mfn_val(f1));
    hc_note(t,
            "%s space: unmap returns the frame; ENOENT / unaligned / out of range refused "
            "without change",
            hc_kind_name(kind));
}

static void t_protect(struct hc *t, unsigned kind)
{
    struct hal_as *as;
    uint64_t base;
    unsigned x;
    if (!hc_space_setup(t, kind, &as, &base, &x))
        return;
    mfn_t f0 = hc_frame(t, 0);
    HC_RC(t, hal_as_map(as, guest_va(base), f0, R | W | x), 0);
    HC_RC(t, hal_as_protect(as, guest_va(base), R | x), 0);
    expect_mapped(t, __LINE__, as, base, f0, R | x);
    HC_RC(t, hal_as_protect(as, guest_va(base), R | W | X | x), 0);
    expect_mapped(t, __LINE__, as, base, f0, R | W | X | x);
    HC_RC(t, hal_as_protect(as, guest_va(base), W | x), 0);
    expect_mapped(t, __LINE__, as, base, f0, W | x);
    struct hc_snap s;
    hc_snap(as, &s);
    expect_refused(t, __LINE__, "protect of an unmapped page", as, &s,
                   hal_as_protect(as, guest_va(base + PAGE), R | x), -HESTIA_ENOENT);
    expect_unmapped(t, __LINE__, as, base + PAGE);
    for (unsigned i = 0; i < ARRAY_SIZE(bad_perms); i++)
        expect_refused(t, __LINE__, "protect with invalid perms", as, &s,
                       hal_as_protect(as, guest_va(base), bad_perms[i]), -HESTIA_EINVAL);
    expect_refused(t, __LINE__, "protect at an unaligned va", as, &s,
                   hal_as_protect(as, guest_va(base + 4), R | x), -HESTIA_EINVAL);
    expect_refused(t, __LINE__, "protect at the last page", as, &s,
                   hal_as_protect(as, guest_va(LAST_PAGE), R | x), -HESTIA_EINVAL);
    expect_mapped(t, __LINE__, as, base, f0, W | x);
    hc_note(
        t,
        "%s space: perms change in place; ENOENT / bad perms / unaligned / out of range "
        "refused without change",
        hc_kind_name(kind));
}

/* Frames the ENOMEM check takes to bring the domain to its page-table limit. */
#define EAT_MAX 1024
static mfn_t eaten[EAT_MAX];

/*
 * A map that needs a table frame when the domain is at its limit fails
 * with ENOMEM and changes nothing, also when it needed several tables and
 * got only the first (no frame may stay charged).
 */
static void t_enomem(struct hc *t, unsigned kind)
{
    struct hal_as *as;
    uint64_t base;
    unsigned x;
    if (!hc_space_setup(t, kind, &as, &base, &x))
        return;
    struct domain *d = hc_domain(t);
    mfn_t f0 = hc_frame(t, 0), f1 = hc_frame(t, 1);
    HC_RC(t, hal_as_map(as, guest_va(base), f0, R | W | x), 0);
    unsigned n = 0;
    while (n < EAT_MAX && !mfn_eq(eaten[n] = core_frame_alloc(d), MFN_INVALID))
        n++;
    if (n == EAT_MAX) {
        hc_fail(t, __LINE__,
                "the domain's page-table limit was not reached after %u frames", n);
    } else {
        struct hc_snap s;
        hc_snap(as, &s);
        /* 8 MiB away: a new last-level table on every arch (they cover 2 MiB). */
        expect_refused(t, __LINE__, "map needing a table at the limit", as, &s,
                       hal_as_map(as, guest_va(base + HC_SPAN / 2), f1, R | x),
                       -HESTIA_ENOMEM);
        expect_unmapped(t, __LINE__, as, base + HC_SPAN / 2);
        expect_mapped(t, __LINE__, as, base, f0, R | W | x);
        /* One frame of room, a VA that may need several levels. */
        uint64_t far = base + (1ull << 30);
        if (kind != HAL_AS_GUEST_PHYS &&
            !hal_guest_va_ok(guest_va(far), kind == HAL_AS_PV_USER))
            far = base + (256ull << 20);
        core_frame_free(d, eaten[--n]);
        int rc = hal_as_map(as, guest_va(far), f1, R | x);
        if (rc == -HESTIA_ENOMEM) {
            expect_refused(t, __LINE__, "map needing two tables with room for one", as, &s,
                           rc, -HESTIA_ENOMEM);
            mfn_t again = core_frame_alloc(d);
            HC_CHECK(t, !mfn_eq(again, MFN_INVALID),
                     "a failed map kept the one frame of room charged to the domain");
            if (!mfn_eq(again, MFN_INVALID))
                eaten[n++] = again;
        } else {
            HC_CHECK(t, rc == 0, "map with one table frame of room = %d", rc);
            expect_mapped(t, __LINE__, as, far, f1, R | x);
        }
        while (n)
            core_frame_free(d, eaten[--n]);
        /* With room again the same map works. */
        HC_RC(t, hal_as_map(as, guest_va(base + HC_SPAN / 2), f1, R | x), 0);
    }
    while (n)
        core_frame_free(d, eaten[--n]);
    hc_note(t, "%s space: ENOMEM at the page-table limit changes nothing",
            hc_kind_name(kind));
}

const struct hc_check hc_as_checks[] = {
    {"map.kernel", t_map, HAL_AS_PV_KERNEL},
    {"map.user", t_map, HAL_AS_PV_USER},
    {"map.guest-phys", t_map, HAL_AS_GUEST_PHYS},
    {"unmap.kernel", t_unmap, HAL_AS_PV_KERNEL},
    {"unmap.user", t_unmap, HAL_AS_PV_USER},
    {"unmap.guest-phys", t_unmap, HAL_AS_GUEST_PHYS},
    {"protect.kernel", t_protect, HAL_AS_PV_KERNEL},
    {"protect.user", t_protect, HAL_AS_PV_USER},
    {"protect.guest-phys", t_protect, HAL_AS_GUEST_PHYS},
    {"enomem.kernel", t_enomem, HAL_AS_PV_KERNEL},
    {"enomem.user", t_enomem, HAL_AS_PV_USER},
    {"enomem.guest-phys", t_enomem, HAL_AS_GUEST_PHYS},
};
const unsigned hc_as_nr = ARRAY_SIZE(hc_as_checks);
