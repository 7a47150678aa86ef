/* SPDX-License-Identifier: MIT */
/*
 * The page-table engine (hal/lib/pt.c) over each arch's REAL PTE hooks,
 * compiled for the host: arch/x86_64/pte.c (PV kernel, PV user and
 * guest-physical spaces), arch/x86/pte.c (PAE, PV kernel and user),
 * arch/ppc/pte.c and arch/ia64/pte.c (the software format of the
 * walker-less arches, hal/lib/pt_soft.c, with e500 and ia64 geometry; ia64
 * VAs carry a region number above the tables' reach) and the same format
 * with the host HAL's geometry.  Every case runs once per format and kind.
 */
#include <hal/pt_soft.h>
#include <x86_common/pte_bits.h>

#include "harness.h"

TEST_SUITE("pt");

extern const struct pt_format x86_64_pt_format, x86_pae_pt_format, ppc_pt_format,
    ia64_pt_format, host_pt_format;

/* arch/x86/pte.c reads cpu.c's NX flag; the x86_64 format calls mmu.c's hooks. */
bool x86_nx = true;

static struct {
    unsigned flushes;
    uint64_t last_flush;
    unsigned tables_added;
    unsigned top_level_added;
} x86_64_hooks;

void x86_64_pt_table_added(struct pt_space *s, unsigned level, pt_va_t va)
{
    (void)s;
    (void)va;
    x86_64_hooks.tables_added++;
    if (level == 3)
        x86_64_hooks.top_level_added++;
}

/* ppc's TLB0 flush: counted only (the software format's rules are what is tested). */
static unsigned ppc_flushes;
void ppc_pt_flush_local(struct pt_space *s, pt_va_t va)
{
    (void)s;
    (void)va;
    ppc_flushes++;
}

/* ppc's flush over its CPUs: on the host there is one, this one. */
void ppc_pt_flush_cpus(struct pt_space *s, pt_va_t va)
{
    ppc_pt_flush_local(s, va);
}

/* ia64's TC purge: nothing to purge on the host. */
void ia64_pt_flush_local(struct pt_space *s, pt_va_t va)
{
    (void)s;
    (void)va;
}

void x86_64_pt_flush_local(struct pt_space *s, pt_va_t va)
{
    (void)s;
    x86_64_hooks.flushes++;
    x86_64_hooks.last_flush = va;
}

struct fcase {
    const char *name;
    const struct pt_format *fmt;
    enum hal_as_kind kind;
    uint64_t va;     /* an allowed, page-aligned VA with room for 1 GiB + 4 MiB above */
    uint64_t bad_va; /* page aligned, not allowed in this kind */
    unsigned user;   /* MMU_PERM_USER for the user kinds */
};

#define FAR (256ull << 20) /* another leaf table, inside every window tested */
#define MIB2 (2ull << 20)

static const struct fcase cases[] = {
    {"x86_64-kernel", &x86_64_pt_format, HAL_AS_PV_KERNEL, 0x100000000ull, 0x1000, 0},
    {"x86_64-user", &x86_64_pt_format, HAL_AS_PV_USER, 0x10000000000ull, 0x40000000ull,
     MMU_PERM_USER},
    {"x86_64-guest-phys", &x86_64_pt_format, HAL_AS_GUEST_PHYS, 0x1000, 1ull << 40, 0},
    {"x86-pae-kernel", &x86_pae_pt_format, HAL_AS_PV_KERNEL, 0x40000000ull, 0x1000, 0},
    {"x86-pae-user", &x86_pae_pt_format, HAL_AS_PV_USER, 0x1000, 0x40000000ull,
     MMU_PERM_USER},
    {"ppc-kernel", &ppc_pt_format, HAL_AS_PV_KERNEL, 0x20000000ull, 0x1000, 0},
    {"ppc-user", &ppc_pt_format, HAL_AS_PV_USER, 0x1000, 0x20000000ull, MMU_PERM_USER},
    {"ia64-kernel", &ia64_pt_format, HAL_AS_PV_KERNEL, 0xa000000040000000ull, 0x1000, 0},
    {"ia64-user", &ia64_pt_format, HAL_AS_PV_USER, 0x1000, 0xa000000000000000ull,
     MMU_PERM_USER},
    {"soft-kernel", &host_pt_format, HAL_AS_PV_KERNEL, 0x300000000ull, HOST_HYP_VA_BASE, 0},
    {"soft-user", &host_pt_format, HAL_AS_PV_USER, 0x1000, 0x0000800000000000ull,
     MMU_PERM_USER},
};

/* The x86 PAE root is arch memory (a 4-entry PDPT); the others take a frame. */
static pte_t small_root[4];

static struct domain *dom;

static void space(struct pt_space *s, const struct fcase *c)
{
    memset(small_root, 0, sizeof(small_root));
    bool arch_root = (1u << c->fmt->index_bits[c->fmt->levels - 1]) <= 4;
    REQUIRE(pt_init(s, c->fmt, dom, c->kind, arch_root ? small_root : NULL) == 0);
}

static mfn_t frame_n(unsigned n)
{
    return mfn(HOST_RAM_BASE_MFN + 1000 + n);
}

/* ---- listing helpers ---- */

#define MAX_SEEN 16
struct seen {
    unsigned n;
    uint64_t va[MAX_SEEN];
    mfn_t mfn[MAX_SEEN];
    unsigned perms[MAX_SEEN];
    unsigned stop_after; /* 0: never */
};

static int record(void *ctx, guest_va_t va, mfn_t mfn, unsigned perms)
{
    struct seen *s = ctx;
    if (s->n < MAX_SEEN) {
        s->va[s->n] = guest_va_val(va);
        s->mfn[s->n] = mfn;
        s->perms[s->n] = perms;
    }
    s->n++;
    return s->stop_after && s->n == s->stop_after ? 7 : 0;
}

static unsigned count(struct pt_space *s)
{
    struct seen seen = {0};
    CHECK_EQ(pt_list(s, 0, ~(uint64_t)0, record, &seen), 0);
    return seen.n;
}

static void setup(void)
{
    if (!dom)
        dom = h_domain_raw(64, false);
    memset(&x86_64_hooks, 0, sizeof(x86_64_hooks));
}

#define RW (MMU_PERM_READ | MMU_PERM_WRITE)

/* ---- the cases ---- */

static void check_map_lookup(const struct fcase *c)
{
    struct pt_space s;
    space(&s, c);
    mfn_t m;
    unsigned perms;
    CHECK_EQ(pt_lookup(&s, c->va, &m, &perms), -HESTIA_ENOENT);
    CHECK_EQ(pt_map(&s, c->va, frame_n(1), RW | c->user), 0);
    CHECK_EQ(pt_lookup(&s, c->va + 0x123, &m, &perms), 0); /* any byte of the page */
    CHECK_MFN_EQ(m, frame_n(1));
    CHECK_EQ(perms, RW | c->user);
    unsigned long frames = s.frames, dom_frames = mm_pt_frames(dom);

    /* Every error leaves the space exactly as it was. */
    CHECK_EQ(pt_map(&s, c->va, frame_n(2), MMU_PERM_READ | c->user), -HESTIA_EEXIST);
    CHECK_EQ(pt_map(&s, c->va + 8, frame_n(2), RW | c->user), -HESTIA_EINVAL);
    CHECK_EQ(pt_map(&s, c->bad_va, frame_n(2), RW | c->user), -HESTIA_EINVAL);
    CHECK_EQ(pt_map(&s, c->va + FAR, frame_n(2), c->user), -HESTIA_EINVAL); /* no access */
    CHECK_EQ(pt_map(&s, c->va + FAR, frame_n(2), 0x10 | RW), -HESTIA_EINVAL);
    CHECK_EQ(pt_map(&s, c->va + FAR, mfn(c->fmt->max_mfn), RW | c->user), -HESTIA_EINVAL);
    CHECK_EQ(pt_lookup(&s, c->va, &m, &perms), 0);
    CHECK_MFN_EQ(m, frame_n(1));
    CHECK_EQ(perms, RW | c->user);
    CHECK_EQ(pt_lookup(&s, c->bad_va, &m, &perms), -HESTIA_ENOENT);
    CHECK_EQ(count(&s), 1);
    CHECK_EQ(s.frames, frames);
    CHECK_EQ(mm_pt_frames(dom), dom_frames);
    pt_destroy(&s, NULL, NULL);
}

static void check_unmap_protect(const struct fcase *c)
{
    struct pt_space s;
    space(&s, c);
    mfn_t m = mfn(0);
    unsigned perms;
    CHECK_EQ(pt_unmap(&s, c->va, &m), -HESTIA_ENOENT);
    CHECK_EQ(pt_protect(&s, c->va, MMU_PERM_READ | c->user), -HESTIA_ENOENT);
    CHECK_EQ(pt_map(&s, c->va, frame_n(3), RW | c->user), 0);
    CHECK_EQ(pt_unmap(&s, c->va + 8, &m), -HESTIA_EINVAL);
    CHECK_EQ(pt_unmap(&s, c->bad_va, &m), -HESTIA_EINVAL);
    CHECK_EQ(pt_protect(&s, c->va, 0x10 | RW), -HESTIA_EINVAL);
    CHECK_EQ(pt_protect(&s, c->va, c->user), -HESTIA_EINVAL);
    CHECK_EQ(pt_lookup(&s, c->va, NULL, &perms), 0);
    CHECK_EQ(perms, RW | c->user);

    CHECK_EQ(pt_protect(&s, c->va, MMU_PERM_READ | MMU_PERM_EXEC | c->user), 0);
    CHECK_EQ(pt_lookup(&s, c->va, &m, &perms), 0);
    CHECK_MFN_EQ(m, frame_n(3));
    CHECK_EQ(perms, MMU_PERM_READ | MMU_PERM_EXEC | c->user);

    CHECK_EQ(pt_unmap(&s, c->va, &m), 0);
    CHECK_MFN_EQ(m, frame_n(3));
    CHECK_EQ(pt_lookup(&s, c->va, NULL, NULL), -HESTIA_ENOENT);
    CHECK_EQ(pt_unmap(&s, c->va, &m), -HESTIA_ENOENT);
    CHECK_EQ(pt_map(&s, c->va, frame_n(4), MMU_PERM_READ | c->user), 0); /* reusable */
    pt_destroy(&s, NULL, NULL);
}

static void check_list(const struct fcase *c)
{
    struct pt_space s;
    space(&s, c);
    /* Mapped out of order, across leaf-table and directory boundaries. */
    const uint64_t off[] = {FAR + 0x1000, MIB2, 0, MIB2 - 0x1000, FAR};
    for (unsigned i = 0; i < 5; i++)
        CHECK_EQ(pt_map(&s, c->va + off[i], frame_n(10 + i),
                        (i & 1 ? RW : MMU_PERM_READ) | c->user),
                 0);
    struct seen seen = {0};
    CHECK_EQ(pt_list(&s, 0, ~(uint64_t)0, record, &seen), 0);
    CHECK_EQ(seen.n, 5);
    const unsigned order[] = {2, 3, 1, 4, 0}; /* index into off[] by increasing va */
    for (unsigned k = 0; k < 5 && k < seen.n; k++) {
        unsigned i = order[k];
        CHECK_EQ(seen.va[k], c->va + off[i]);
        CHECK_MFN_EQ(seen.mfn[k], frame_n(10 + i));
        CHECK_EQ(seen.perms[k], (i & 1 ? RW : MMU_PERM_READ) | c->user);
    }
    /* A range: [va + 4 KiB, va + 1 GiB) holds the two around 2 MiB. */
    struct seen part = {0};
    CHECK_EQ(pt_list(&s, c->va + 0x1000, c->va + FAR, record, &part), 0);
    CHECK_EQ(part.n, 2);
    CHECK_EQ(part.va[0], c->va + MIB2 - 0x1000);
    CHECK_EQ(part.va[1], c->va + MIB2);
    /* The callback stops the walk and its result comes back. */
    struct seen stop = {.stop_after = 3};
    CHECK_EQ(pt_list(&s, 0, ~(uint64_t)0, record, &stop), 7);
    CHECK_EQ(stop.n, 3);
    pt_destroy(&s, NULL, NULL);
}

static void check_write_protect(const struct fcase *c)
{
    struct pt_space s;
    space(&s, c);
    CHECK_EQ(pt_map(&s, c->va, frame_n(1), RW | c->user), 0);
    CHECK_EQ(pt_map(&s, c->va + 0x1000, frame_n(2), MMU_PERM_READ | c->user), 0);
    CHECK_EQ(pt_map(&s, c->va + MIB2, frame_n(3), RW | MMU_PERM_EXEC | c->user), 0);
    CHECK_EQ(pt_map(&s, c->va + FAR, frame_n(4), RW | c->user), 0); /* outside the range */
    CHECK_EQ(pt_write_protect(&s, c->va, c->va + FAR), 2);
    unsigned perms;
    mfn_t m;
    CHECK_EQ(pt_lookup(&s, c->va, &m, &perms), 0);
    CHECK_EQ(perms, MMU_PERM_READ | c->user);
    CHECK_MFN_EQ(m, frame_n(1));
    CHECK_EQ(pt_lookup(&s, c->va + 0x1000, NULL, &perms), 0);
    CHECK_EQ(perms, MMU_PERM_READ | c->user);
    CHECK_EQ(pt_lookup(&s, c->va + MIB2, NULL, &perms), 0);
    CHECK_EQ(perms, MMU_PERM_READ | MMU_PERM_EXEC | c->user);
    CHECK_EQ(pt_lookup(&s, c->va + FAR, NULL, &perms), 0);
    CHECK_EQ(perms, RW | c->user);
    CHECK_EQ(pt_write_protect(&s, c->va, c->va + FAR), 0); /* nothing left to protect */
    pt_destroy(&s, NULL, NULL);
}

/* Play the MMU: a write through va's mapping. */
static void guest_writes(struct pt_space *s, uint64_t va)
{
    pte_t *pte = pt_find_leaf(s, va);
    REQUIRE(pte != NULL);
    if (s->fmt->hw_dirty) {
        *pte |= s->fmt->dirty_bit;
        return;
    }
    /* Software format: the refill only grants write access while bit 5 is set. */
    if (!(pt_soft_refill_perms(*pte) & MMU_PERM_WRITE))
        CHECK_EQ(pt_write_fault(s, va), 0);
    CHECK(pt_soft_refill_perms(*pte) & MMU_PERM_WRITE);
}

static void check_dirty(const struct fcase *c)
{
    struct pt_space s;
    space(&s, c);
    CHECK_EQ(pt_map(&s, c->va, frame_n(1), RW | c->user), 0);
    CHECK_EQ(pt_map(&s, c->va + MIB2, frame_n(2), RW | c->user), 0);
    CHECK_EQ(pt_map(&s, c->va + FAR, frame_n(3), MMU_PERM_READ | c->user), 0);
    /* Hardware bit: clean until written.  Software: writable pages start dirty. */
    long first = pt_dirty_clear(&s, 0, ~(uint64_t)0, NULL, NULL);
    CHECK_EQ(first, c->fmt->hw_dirty ? 0 : 2);
    CHECK_EQ(pt_dirty_clear(&s, 0, ~(uint64_t)0, NULL, NULL), 0);
    if (!c->fmt->hw_dirty) {
        /* Write-protected for tracking: the refill no longer grants write. */
        CHECK(!(pt_soft_refill_perms(*pt_find_leaf(&s, c->va)) & MMU_PERM_WRITE));
        CHECK_EQ(pt_write_fault(&s, c->va + FAR), -HESTIA_ENOENT); /* really read-only */
        CHECK_EQ(pt_write_fault(&s, c->va + 4 * MIB2), -HESTIA_ENOENT); /* unmapped */
    } else {
        CHECK_EQ(pt_write_fault(&s, c->va), -HESTIA_ENOENT); /* never a tracking fault */
    }
    guest_writes(&s, c->va + MIB2);
    struct seen seen = {0};
    CHECK_EQ(pt_dirty_clear(&s, 0, ~(uint64_t)0, record, &seen), 1);
    CHECK_EQ(seen.n, 1);
    CHECK_EQ(seen.va[0], c->va + MIB2);
    CHECK_MFN_EQ(seen.mfn[0], frame_n(2));
    CHECK_EQ(pt_dirty_clear(&s, 0, ~(uint64_t)0, NULL, NULL), 0); /* read and cleared */
    /* Dirty state survives protect; the mapping's perms are untouched by tracking. */
    guest_writes(&s, c->va);
    CHECK_EQ(pt_protect(&s, c->va, MMU_PERM_READ | c->user), 0);
    CHECK_EQ(pt_dirty_clear(&s, c->va, c->va + 0x1000, NULL, NULL), 1);
    unsigned perms;
    CHECK_EQ(pt_lookup(&s, c->va + MIB2, NULL, &perms), 0);
    CHECK_EQ(perms, RW | c->user);
    pt_destroy(&s, NULL, NULL);
}

static void check_enomem(const struct fcase *c)
{
    struct pt_space s;
    space(&s, c);
    CHECK_EQ(pt_map(&s, c->va, frame_n(1), RW | c->user), 0);
    mfn_t held[512];
    unsigned n = 0;
    mfn_t m;
    while (n < 512 && !mfn_eq((m = core_frame_alloc(dom)), MFN_INVALID))
        held[n++] = m;
    REQUIRE(n > 0 && n < 512);
    unsigned long frames = s.frames;
    /* A VA far from the existing tables needs new ones. */
    CHECK_EQ(pt_map(&s, c->va + FAR, frame_n(2), RW | c->user), -HESTIA_ENOMEM);
    CHECK_EQ(pt_lookup(&s, c->va + FAR, NULL, NULL), -HESTIA_ENOENT);
    CHECK_EQ(count(&s), 1);
    CHECK_EQ(s.frames, frames);
    /* Where the tables exist no frame is needed. */
    CHECK_EQ(pt_map(&s, c->va + 0x1000, frame_n(3), RW | c->user), 0);
    while (n)
        core_frame_free(dom, held[--n]);
    CHECK_EQ(pt_map(&s, c->va + FAR, frame_n(2), RW | c->user), 0);
    pt_destroy(&s, NULL, NULL);
}

struct dropped {
    unsigned n;
    uint64_t sum;
};

static void on_drop(void *ctx, guest_va_t va, mfn_t mfn)
{
    (void)va;
    struct dropped *d = ctx;
    d->n++;
    d->sum += mfn_val(mfn);
}

static void check_destroy(const struct fcase *c)
{
    unsigned long before = mm_pt_frames(dom);
    struct pt_space s;
    space(&s, c);
    const uint64_t off[] = {0, 0x1000, MIB2, FAR};
    uint64_t sum = 0;
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ(pt_map(&s, c->va + off[i], frame_n(20 + i), RW | c->user), 0);
        sum += mfn_val(frame_n(20 + i));
    }
    /* Tables with no leaf left (unmapped, preallocated) must go too. */
    mfn_t old;
    CHECK_EQ(pt_map(&s, c->va + FAR + 2 * MIB2, frame_n(30), RW | c->user), 0);
    CHECK_EQ(pt_unmap(&s, c->va + FAR + 2 * MIB2, &old), 0);
    CHECK_EQ(pt_prealloc(&s, c->va + FAR + 4 * MIB2, 0), 0);
    CHECK(s.frames > 0);
    CHECK_EQ(mm_pt_frames(dom), before + s.frames);
    struct dropped d = {0};
    pt_destroy(&s, on_drop, &d);
    CHECK_EQ(d.n, 4);
    CHECK_EQ(d.sum, sum);
    CHECK_EQ(s.frames, 0);
    CHECK_EQ(mm_pt_frames(dom), before);
}

static void for_each_format(void (*check)(const struct fcase *c))
{
    dom = NULL; /* the harness rebuilt the core state for this case */
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool failed_before = harness_case_failed();
        setup();
        check(&cases[i]);
        if (harness_case_failed() && !failed_before)
            printf("  first failure in format %s\n", cases[i].name);
    }
}

TEST_CASE(map_lookup_and_errors)
{
    for_each_format(check_map_lookup);
}

TEST_CASE(unmap_and_protect)
{
    for_each_format(check_unmap_protect);
}

TEST_CASE(list_in_order)
{
    for_each_format(check_list);
}

TEST_CASE(write_protect_range)
{
    for_each_format(check_write_protect);
}

TEST_CASE(dirty_read_and_clear)
{
    for_each_format(check_dirty);
}

TEST_CASE(enomem_changes_nothing)
{
    for_each_format(check_enomem);
}

TEST_CASE(destroy_drops_everything)
{
    for_each_format(check_destroy);
}

/*
 * x86_64 needs invlpg after each change, not after a map (no "not present"
 * is cached); the engine reaches every CPU that loaded the space.
 */
TEST_CASE(x86_64_flushes_loaded_cpus)
{
    dom = NULL;
    setup();
    struct pt_space s;
    space(&s, &cases[0]);
    uint64_t va = cases[0].va;
    CHECK_EQ(pt_map(&s, va, frame_n(1), RW), 0);
    CHECK_EQ(x86_64_hooks.flushes, 0);
    CHECK_EQ(pt_protect(&s, va, MMU_PERM_READ), 0);
    CHECK_EQ(x86_64_hooks.flushes, 1);
    CHECK_EQ(x86_64_hooks.last_flush, va);
    CHECK_EQ(pt_unmap(&s, va, NULL), 0);
    CHECK_EQ(x86_64_hooks.flushes, 2);
    pt_flush(&s, cases[0].bad_va); /* not in the space: everything */
    CHECK_EQ(x86_64_hooks.last_flush, MMU_FLUSH_ALL);
    /* Not loaded anywhere: nothing to flush. */
    pt_cpu_unloaded(&s, hal_cpu_id());
    unsigned before = x86_64_hooks.flushes;
    CHECK_EQ(pt_map(&s, va, frame_n(1), RW), 0);
    CHECK_EQ(x86_64_hooks.flushes, before);
    pt_cpu_loaded(&s, hal_cpu_id());
    CHECK_EQ(pt_unmap(&s, va, NULL), 0);
    CHECK_EQ(x86_64_hooks.flushes, before + 1);
    /* The first mapping made the PML4 entry, PDPT entry and PD entry. */
    CHECK_EQ(x86_64_hooks.tables_added, 3);
    CHECK_EQ(x86_64_hooks.top_level_added, 1);
    pt_destroy(&s, NULL, NULL);
}

/* The x86 PAE format honours NX only when the CPU has it. */
TEST_CASE(x86_pae_nx_follows_cpu)
{
    dom = NULL;
    setup();
    struct pt_space s;
    space(&s, &cases[3]);
    x86_nx = false;
    CHECK_EQ(pt_map(&s, cases[3].va, frame_n(1), MMU_PERM_READ), 0);
    CHECK(!(*pt_find_leaf(&s, cases[3].va) & (1ull << 63)));
    x86_nx = true;
    CHECK_EQ(pt_map(&s, cases[3].va + 0x1000, frame_n(2), MMU_PERM_READ), 0);
    CHECK(*pt_find_leaf(&s, cases[3].va + 0x1000) & (1ull << 63));
    pt_destroy(&s, NULL, NULL);
}

/* ppc: the refill cached a read-only entry after a dirty read; both changes must flush
 * TLB0. */
TEST_CASE(ppc_dirty_tracking_flushes)
{
    dom = NULL;
    setup();
    struct pt_space s;
    space(&s, &cases[5]);
    uint64_t va = cases[5].va;
    ppc_flushes = 0;
    CHECK_EQ(pt_map(&s, va, frame_n(1), RW), 0);
    CHECK_EQ(ppc_flushes, 0); /* no TLB caches "not present" */
    CHECK_EQ(pt_dirty_clear(&s, va, va + 0x1000, NULL, NULL), 1);
    CHECK_EQ(ppc_flushes, 1);
    CHECK_EQ(pt_write_fault(&s, va), 0);
    CHECK_EQ(ppc_flushes, 2);
    CHECK_EQ(pt_write_fault(&s, va), -HESTIA_ENOENT); /* already writable: a real fault */
    pt_destroy(&s, NULL, NULL);
}

/* pt_space_new: a kind without windows is unsupported; an arch root lives inside the
 * struct. */
TEST_CASE(space_new_kinds_and_roots)
{
    dom = NULL;
    setup();
    struct with_root {
        struct pt_space pt;
        pte_t root[4];
    };
    CHECK(pt_space_new(sizeof(struct with_root), &x86_pae_pt_format, dom, HAL_AS_GUEST_PHYS,
                       offsetof(struct with_root, root)) == NULL);
    CHECK(pt_space_new(sizeof(struct with_root), &ppc_pt_format, dom, HAL_AS_GUEST_PHYS,
                       offsetof(struct with_root, root)) == NULL);
    CHECK(pt_space_new(sizeof(struct pt_space), &ia64_pt_format, dom, HAL_AS_GUEST_PHYS,
                       0) == NULL);
    struct with_root *w = pt_space_new(sizeof(*w), &ppc_pt_format, dom, HAL_AS_PV_USER,
                                       offsetof(struct with_root, root));
    REQUIRE(w != NULL);
    CHECK(w->pt.root == w->root);
    CHECK_EQ(w->pt.frames, 0);
    CHECK_EQ(pt_map(&w->pt, 0x1000, frame_n(1), RW | MMU_PERM_USER), 0);
    CHECK(w->root[0] & PT_SOFT_VALID);
    pt_destroy(&w->pt, NULL, NULL);
    core_heap_free(w);
    struct pt_space *np =
        pt_space_new(sizeof(*np), &x86_64_pt_format, dom, HAL_AS_GUEST_PHYS, 0);
    REQUIRE(np != NULL);
    CHECK_EQ(np->frames, 1); /* the root frame */
    CHECK_EQ(pt_map(np, 0x1000, frame_n(1), RW), 0);
    pt_destroy(np, NULL, NULL);
    core_heap_free(np);
}

/*
 * Device memory (HAL_MAP_UNCACHED): every format keeps the flag through
 * lookup and a protect that does not name it; the x86 formats encode it
 * as PCD|PWT (uncacheable with the default PAT), the software format as
 * its uncached bit, which the e500 and ia64 refills turn into I|G / UC.
 */
static void check_uncached(const struct fcase *c)
{
    struct pt_space s;
    space(&s, c);
    mfn_t m;
    unsigned perms;
    CHECK_EQ(pt_map(&s, c->va, frame_n(1), RW | c->user | HAL_MAP_UNCACHED), 0);
    CHECK_EQ(pt_lookup(&s, c->va, &m, &perms), 0);
    CHECK_EQ(perms, RW | c->user | HAL_MAP_UNCACHED);
    CHECK_EQ(pt_protect(&s, c->va, MMU_PERM_READ | c->user), 0);
    CHECK_EQ(pt_lookup(&s, c->va, &m, &perms), 0);
    CHECK_EQ(perms, MMU_PERM_READ | c->user | HAL_MAP_UNCACHED);
    pte_t pte = *pt_find_leaf(&s, c->va);
    if (c->fmt == &x86_64_pt_format || c->fmt == &x86_pae_pt_format)
        CHECK_EQ(pte & (PTE_PCD | PTE_PWT), PTE_PCD | PTE_PWT);
    else
        CHECK(pte & PT_SOFT_UNCACHED);
    /* Ordinary memory has neither. */
    CHECK_EQ(pt_map(&s, c->va + FAR, frame_n(2), RW | c->user), 0);
    CHECK_EQ(pt_lookup(&s, c->va + FAR, &m, &perms), 0);
    CHECK_EQ(perms, RW | c->user);
    pte = *pt_find_leaf(&s, c->va + FAR);
    if (c->fmt == &x86_64_pt_format || c->fmt == &x86_pae_pt_format)
        CHECK_EQ(pte & (PTE_PCD | PTE_PWT), 0);
    else
        CHECK(!(pte & PT_SOFT_UNCACHED));
    pt_destroy(&s, NULL, NULL);
}

TEST_CASE(device_memory_uncached)
{
    for_each_format(check_uncached);
}
