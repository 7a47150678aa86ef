/* SPDX-License-Identifier: MIT */
/* core/logdirty.c: DOMCTL_log_dirty, and every path that must mark a page dirty. */
#include "harness.h"

TEST_SUITE("logdirty");

#define RW (MMU_PERM_READ | MMU_PERM_WRITE)
#define PAGES 64 /* the domU's pages */
#define NR 256   /* bits in dom0's bitmap: above the domU's gfn limit */

static struct domain *dom0, *U;
static uint64_t opva, bmva;

static void setup(void)
{
    dom0 = h_domain(128, true);
    opva = h_buf(dom0, sizeof(struct hestia_domctl));
    bmva = h_buf(dom0, 256);
    U = h_domain_raw(PAGES, false);
}

static long log_dirty(struct domain *caller, hestia_domid_t id, uint32_t op,
                      uint64_t bitmap, uint64_t nr, struct domctl_log_dirty *out)
{
    struct hestia_domctl c;
    h_domctl_init(&c, DOMCTL_log_dirty, id);
    c.u.log_dirty.op = op;
    c.u.log_dirty.bitmap = bitmap;
    c.u.log_dirty.nr_gfns = nr;
    uint64_t p = caller == dom0 ? opva : h_buf(caller, sizeof(c));
    long rc = h_domctl(h_vcpu(caller), p, &c);
    if (out)
        *out = c.u.log_dirty;
    return rc;
}

/* Peek-and-clean U: the dirty gfns in ascending order into got[], their count returned. */
static long peek(uint64_t got[NR])
{
    struct domctl_log_dirty r;
    long rc = log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_PEEK_CLEAN, bmva, NR, &r);
    if (rc)
        return rc;
    uint8_t bits[NR / 8];
    h_read(dom0, bits, bmva, sizeof(bits));
    long n = 0;
    for (uint64_t g = 0; g < NR; g++)
        if (bits[g / 8] & (1u << (g % 8)))
            got[n++] = g;
    CHECK_EQ(r.dirty, (uint64_t)n);
    CHECK_EQ(r.nr_gfns, p2m_gfn_limit(U));
    return n;
}

static uint64_t gfn_at(struct domain *d, uint64_t va)
{
    mfn_t m;
    uint64_t g = ~0ull;
    REQUIRE(hal_as_lookup(pvmmu_kernel_space(d), guest_va(va), &m, NULL) == 0);
    REQUIRE(p2m_gfn_of(d, m, &g));
    return g;
}

/*
 * The guest writes the page at va, as the software page-table format sees
 * it (the host's): the store faults on the write-protected page.
 */
static void guest_write(struct domain *d, uint64_t va)
{
    h_write(d, va, "w", 1);
    CHECK_EQ(hal_as_write_fault(pvmmu_kernel_space(d), guest_va(va)), 0);
}

TEST_CASE(peek_reports_exactly_the_written_pages_then_nothing)
{
    setup();
    uint64_t va = h_buf_perms(U, 6 * HAL_PAGE_SIZE, RW);
    uint64_t got[NR];
    CHECK_EQ(log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_ENABLE, 0, 0, NULL), 0);
    /* Mapped (and so dirty) before enable: forgotten. */
    CHECK_EQ(peek(got), 0);
    guest_write(U, va + 1 * HAL_PAGE_SIZE);
    guest_write(U, va + 4 * HAL_PAGE_SIZE);
    h_write(U, va + 4 * HAL_PAGE_SIZE + 8, "again", 5); /* already writable: no fault */
    REQUIRE(peek(got) == 2);
    uint64_t a = gfn_at(U, va + HAL_PAGE_SIZE), b = gfn_at(U, va + 4 * HAL_PAGE_SIZE);
    CHECK_EQ(got[0], a < b ? a : b);
    CHECK_EQ(got[1], a < b ? b : a);
    CHECK_EQ(peek(got), 0); /* cleaned */
    /* Cleaning write-protected the page again: the next write is seen. */
    guest_write(U, va + 4 * HAL_PAGE_SIZE);
    CHECK_EQ(peek(got), 1);
    CHECK_EQ(got[0], b);
    CHECK_EQ(log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_DISABLE, 0, 0, NULL), 0);
    CHECK_EQ(peek(got), -HESTIA_EINVAL);
}

TEST_CASE(hypervisor_writes_are_dirty)
{
    setup();
    uint64_t va = h_buf_perms(U, 2 * HAL_PAGE_SIZE, RW);
    uint64_t got[NR];
    CHECK_EQ(log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_ENABLE, 0, 0, NULL), 0);
    /* A hypercall result written into the guest (hal_copy_to_guest). */
    uint32_t x = 7;
    REQUIRE(hal_copy_to_guest(h_vcpu(U), guest_va(va + HAL_PAGE_SIZE + 4), &x, sizeof(x)) ==
            0);
    REQUIRE(peek(got) == 1);
    CHECK_EQ(got[0], gfn_at(U, va + HAL_PAGE_SIZE));
    /* A read changes nothing. */
    REQUIRE(hal_copy_from_guest(h_vcpu(U), &x, guest_va(va), sizeof(x)) == 0);
    CHECK_EQ(peek(got), 0);
    /* gfn_copy_to across a page boundary: both frames. */
    char s[16] = "0123456789abcde";
    REQUIRE(gfn_copy_to(U, gfn(30), HAL_PAGE_SIZE - 8, s, sizeof(s)) == 0);
    REQUIRE(peek(got) == 2);
    CHECK_EQ(got[0], 30u);
    CHECK_EQ(got[1], 31u);
}

TEST_CASE(mappings_that_go_keep_their_dirty_bit)
{
    setup();
    uint64_t va = h_buf_perms(U, 3 * HAL_PAGE_SIZE, RW);
    uint64_t g0 = gfn_at(U, va), g1 = gfn_at(U, va + HAL_PAGE_SIZE);
    uint64_t got[NR];
    /* The guest unmaps both a written and a clean page before the peek. */
    struct mmu_op ops[2] = {{.cmd = MMUOP_unmap, .va = va},
                            {.cmd = MMUOP_unmap, .va = va + HAL_PAGE_SIZE}};
    uint64_t ova = h_put(U, ops, sizeof(ops)); /* mapped before enable: clean */
    CHECK_EQ(log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_ENABLE, 0, 0, NULL), 0);
    guest_write(U, va);
    CHECK_EQ(h_call(h_vcpu(U), HYPERCALL_mmu_op, ova, 2, 0, 0, 0), 0);
    REQUIRE(peek(got) == 1);
    CHECK_EQ(got[0], g0);
    (void)g1;
}

static uint64_t mapgen(void)
{
    struct domctl_log_dirty r;
    REQUIRE(log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_MAPPINGS_GEN, 0, 0, &r) == 0);
    return r.dirty;
}

/* h-migmap: pre-copy sends the spaces; the pause resends them only if this count moved. */
TEST_CASE(mapping_changes_are_counted_while_tracked)
{
    setup();
    uint64_t va = h_buf_perms(U, 2 * HAL_PAGE_SIZE, RW);
    CHECK_EQ(log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_MAPPINGS_GEN, 0, 0, NULL),
             -HESTIA_EINVAL); /* not enabled */
    struct mmu_op ops[3] = {
        {.cmd = MMUOP_map, .perms = RW, .as = 0, .va = H_VA_UNMAPPED, .gfn = 40},
        {.cmd = MMUOP_protect, .perms = MMU_PERM_READ, .as = 0, .va = va},
        {.cmd = MMUOP_unmap, .as = 0, .va = va + HAL_PAGE_SIZE},
    };
    uint64_t ova = h_put(U, ops, sizeof(ops));
    CHECK_EQ(log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_ENABLE, 0, 0, NULL), 0);
    CHECK_EQ(mapgen(), 0u);
    guest_write(U, va); /* a write is no mapping change */
    CHECK_EQ(mapgen(), 0u);
    /* Each op alone: a map, a protect, an unmap each count once. */
    for (unsigned i = 0; i < 3; i++) {
        CHECK_EQ(h_call(h_vcpu(U), HYPERCALL_mmu_op, ova + i * sizeof(ops[0]), 1, 0, 0, 0),
                 0);
        CHECK_EQ(mapgen(), i + 1u);
    }
    /* A refused op changes nothing. */
    CHECK(h_call(h_vcpu(U), HYPERCALL_mmu_op, ova + 2 * sizeof(ops[0]), 1, 0, 0, 0) != 0);
    CHECK_EQ(mapgen(), 3u);
    /* The spaces of the running domain can be read while tracked (pre-copy). */
    REQUIRE(domain_unpause(U) == 0);
    struct hestia_domctl c;
    h_domctl_init(&c, DOMCTL_get_mappings, U->id);
    c.u.get_mappings.buf = bmva;
    c.u.get_mappings.max = 4;
    h_write(dom0, opva, &c, sizeof(c));
    CHECK_EQ(h_call(h_vcpu(dom0), HYPERCALL_domctl, opva, 0, 0, 0, 0), 0);
    /* Re-enabled: counted from 0 again; disabled: refused. */
    CHECK_EQ(log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_DISABLE, 0, 0, NULL), 0);
    CHECK_EQ(log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_ENABLE, 0, 0, NULL), 0);
    CHECK_EQ(mapgen(), 0u);
    CHECK_EQ(log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_DISABLE, 0, 0, NULL), 0);
    c.u.get_mappings.nr = 0;
    h_write(dom0, opva, &c, sizeof(c));
    CHECK_EQ(h_call(h_vcpu(dom0), HYPERCALL_domctl, opva, 0, 0, 0, 0), -HESTIA_EBUSY);
}

TEST_CASE(refusals)
{
    setup();
    struct domctl_log_dirty r;
    uint64_t got[NR];
    CHECK_EQ(log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_PEEK_CLEAN, bmva, NR, NULL),
             -HESTIA_EINVAL); /* not enabled */
    CHECK_EQ(log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_DISABLE, 0, 0, NULL), -HESTIA_EINVAL);
    CHECK_EQ(log_dirty(dom0, U->id, 99, 0, 0, NULL), -HESTIA_EINVAL);
    CHECK_EQ(log_dirty(dom0, DOMID_SELF, DOMCTL_LOG_DIRTY_ENABLE, 0, 0, NULL),
             -HESTIA_EINVAL);
    CHECK_EQ(log_dirty(dom0, 600, DOMCTL_LOG_DIRTY_ENABLE, 0, 0, NULL), -HESTIA_ESRCH);
    CHECK_EQ(log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_ENABLE, 0, 0, NULL), 0);
    CHECK_EQ(log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_ENABLE, 0, 0, NULL), -HESTIA_EALREADY);
    /* A bitmap too small: refused, told the size needed. */
    CHECK_EQ(
        log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_PEEK_CLEAN, bmva, p2m_gfn_limit(U) - 1, &r),
        -HESTIA_ENOSPC);
    CHECK_EQ(r.nr_gfns, p2m_gfn_limit(U));
    /* A bad bitmap pointer loses nothing: the dirty page is still there after. */
    REQUIRE(gfn_copy_to(U, gfn(5), 0, "x", 1) == 0);
    CHECK_EQ(log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_PEEK_CLEAN, H_VA_UNMAPPED, NR, NULL),
             -HESTIA_EFAULT);
    CHECK_EQ(log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_PEEK_CLEAN, H_VA_HYP, NR, NULL),
             -HESTIA_EFAULT);
    REQUIRE(peek(got) == 1);
    CHECK_EQ(got[0], 5u);
    /* A domU asking, for another domU or itself: -EPERM, nothing changes. */
    struct domain *V = h_domain(16, false);
    CHECK_EQ(log_dirty(V, U->id, DOMCTL_LOG_DIRTY_DISABLE, 0, 0, NULL), -HESTIA_EPERM);
    CHECK_EQ(log_dirty(V, DOMID_SELF, DOMCTL_LOG_DIRTY_ENABLE, 0, 0, NULL), -HESTIA_EPERM);
    CHECK_EQ(peek(got), 0); /* still enabled */
    /* Destroying a tracked domain frees its state (ASan would see a leak). */
    CHECK_EQ(domain_destroy(U), 0);
}

TEST_CASE(read_memory_of_a_running_domain_only_while_tracked)
{
    setup();
    uint64_t g = 3;
    uint64_t gva = h_put(dom0, &g, sizeof(g));
    uint64_t buf = h_buf(dom0, HESTIA_PAGE_SIZE);
    REQUIRE(domain_unpause(U) == 0);
    struct hestia_domctl c;
    h_domctl_init(&c, DOMCTL_read_memory, U->id);
    c.u.read_memory.gfns = gva;
    c.u.read_memory.buf = buf;
    c.u.read_memory.nr = 1;
    h_write(dom0, opva, &c, sizeof(c));
    CHECK_EQ(h_call(h_vcpu(dom0), HYPERCALL_domctl, opva, 0, 0, 0, 0), -HESTIA_EBUSY);
    CHECK_EQ(log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_ENABLE, 0, 0, NULL), 0);
    h_write(dom0, opva, &c, sizeof(c));
    CHECK_EQ(h_call(h_vcpu(dom0), HYPERCALL_domctl, opva, 0, 0, 0, 0), 0);
    CHECK_EQ(log_dirty(dom0, U->id, DOMCTL_LOG_DIRTY_DISABLE, 0, 0, NULL), 0);
    h_write(dom0, opva, &c, sizeof(c));
    CHECK_EQ(h_call(h_vcpu(dom0), HYPERCALL_domctl, opva, 0, 0, 0, 0), -HESTIA_EBUSY);
}
