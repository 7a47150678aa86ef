/* SPDX-License-Identifier: MIT */
/* core/domctl_save.c: the save / restore operations (DOMCTL_read_memory). */
#include "harness.h"

TEST_SUITE("domctl_save");

static struct domain *dom0;
static struct vcpu *v0;
static uint64_t opva;

static void setup(void)
{
    dom0 = h_domain(128, true);
    v0 = h_vcpu(dom0);
    opva = h_buf(dom0, sizeof(struct hestia_domctl));
}

static long read_mem(hestia_domid_t id, uint64_t gfns_va, uint64_t buf, uint32_t nr)
{
    struct hestia_domctl op;
    h_domctl_init(&op, DOMCTL_read_memory, id);
    op.u.read_memory.gfns = gfns_va;
    op.u.read_memory.buf = buf;
    op.u.read_memory.nr = nr;
    h_write(dom0, opva, &op, sizeof(op));
    return h_call(v0, HYPERCALL_domctl, opva, 0, 0, 0, 0);
}

/* A paused domU of 16 frames, frame g filled with bytes g * 3 + i. */
static struct domain *filled_domu(void)
{
    struct domain *d = h_domain_raw(16, false);
    static unsigned char page[HESTIA_PAGE_SIZE];
    for (uint64_t g = 0; g < 16; g++) {
        for (unsigned i = 0; i < sizeof(page); i++)
            page[i] = (unsigned char)(g * 3 + i);
        REQUIRE(gfn_copy_to(d, gfn(g), 0, page, sizeof(page)) == 0);
    }
    return d;
}

TEST_CASE(read_memory_batch_in_given_order)
{
    setup();
    struct domain *d = filled_domu();
    uint64_t gfns[3] = {7, 0, 15};
    uint64_t gva = h_put(dom0, gfns, sizeof(gfns));
    uint64_t buf = h_buf(dom0, 3 * HESTIA_PAGE_SIZE);
    CHECK_EQ(read_mem(d->id, gva, buf, 3), 0);
    static unsigned char got[3 * HESTIA_PAGE_SIZE];
    h_read(dom0, got, buf, sizeof(got));
    for (unsigned k = 0; k < 3; k++)
        for (unsigned i = 0; i < HESTIA_PAGE_SIZE; i++)
            if (got[k * HESTIA_PAGE_SIZE + i] != (unsigned char)(gfns[k] * 3 + i)) {
                CHECK_EQ(got[k * HESTIA_PAGE_SIZE + i], (unsigned char)(gfns[k] * 3 + i));
                return;
            }
}

TEST_CASE(read_memory_refusals_copy_nothing)
{
    setup();
    struct domain *d = filled_domu();
    uint64_t gfns[2] = {1, 2};
    uint64_t gva = h_put(dom0, gfns, sizeof(gfns));
    uint64_t buf = h_buf(dom0, DOMCTL_READ_MAX_GFNS * HESTIA_PAGE_SIZE);
    static unsigned char zero[2 * HESTIA_PAGE_SIZE], got[2 * HESTIA_PAGE_SIZE];
    h_write(dom0, buf, zero, sizeof(zero));
    CHECK_EQ(read_mem(d->id, gva, buf, 0), -HESTIA_EINVAL);
    CHECK_EQ(read_mem(d->id, gva, buf, DOMCTL_READ_MAX_GFNS + 1), -HESTIA_E2BIG);
    CHECK_EQ(read_mem(d->id, H_VA_UNMAPPED, buf, 2), -HESTIA_EFAULT);
    CHECK_EQ(read_mem(d->id, gva, H_VA_HYP, 2), -HESTIA_EFAULT);
    CHECK_EQ(read_mem(600, gva, buf, 2), -HESTIA_ESRCH);
    CHECK_EQ(read_mem(DOMID_SELF, gva, buf, 2), -HESTIA_EINVAL); /* not itself */
    /* Second gfn beyond the limit: the first frame is not copied either. */
    gfns[1] = p2m_gfn_limit(d);
    h_write(dom0, gva, gfns, sizeof(gfns));
    CHECK_EQ(read_mem(d->id, gva, buf, 2), -HESTIA_EINVAL);
    gfns[1] = ~0ull;
    h_write(dom0, gva, gfns, sizeof(gfns));
    CHECK_EQ(read_mem(d->id, gva, buf, 2), -HESTIA_EINVAL);
    /* A released (unpopulated) frame. */
    REQUIRE(p2m_release(d, gfn(5)) == 0);
    gfns[1] = 5;
    h_write(dom0, gva, gfns, sizeof(gfns));
    CHECK_EQ(read_mem(d->id, gva, buf, 2), -HESTIA_EFAULT);
    h_read(dom0, got, buf, sizeof(got));
    CHECK(memcmp(got, zero, sizeof(got)) == 0);
}

TEST_CASE(read_memory_needs_paused_target)
{
    setup();
    struct domain *d = filled_domu();
    uint64_t g = 3;
    uint64_t gva = h_put(dom0, &g, sizeof(g));
    uint64_t buf = h_buf(dom0, HESTIA_PAGE_SIZE);
    REQUIRE(domain_unpause(d) == 0);
    CHECK_EQ(read_mem(d->id, gva, buf, 1), -HESTIA_EBUSY);
    REQUIRE(domain_pause(d) == 0);
    CHECK_EQ(read_mem(d->id, gva, buf, 1), 0);
    REQUIRE(domain_shutdown(d, SHUTDOWN_poweroff) == 0);
    CHECK_EQ(read_mem(d->id, gva, buf, 1), -HESTIA_EINVAL);
}

TEST_CASE(read_memory_from_domu_eperm)
{
    setup();
    struct domain *d = filled_domu();
    struct domain *u = h_domain(16, false);
    uint64_t p = h_buf(u, sizeof(struct hestia_domctl));
    uint64_t g = 3;
    uint64_t gva = h_put(u, &g, sizeof(g));
    uint64_t buf = h_buf(u, HESTIA_PAGE_SIZE);
    struct hestia_domctl op;
    h_domctl_init(&op, DOMCTL_read_memory, d->id);
    op.u.read_memory.gfns = gva;
    op.u.read_memory.buf = buf;
    op.u.read_memory.nr = 1;
    h_write(u, p, &op, sizeof(op));
    CHECK_EQ(h_call(h_vcpu(u), HYPERCALL_domctl, p, 0, 0, 0, 0), -HESTIA_EPERM);
}

static long get_maps(hestia_domid_t id, uint32_t space, uint64_t start, uint64_t buf,
                     uint32_t max, struct domctl_get_mappings *out)
{
    struct hestia_domctl op;
    h_domctl_init(&op, DOMCTL_get_mappings, id);
    op.u.get_mappings.buf = buf;
    op.u.get_mappings.start_va = start;
    op.u.get_mappings.space = space;
    op.u.get_mappings.max = max;
    long rc = h_domctl(v0, opva, &op);
    if (out)
        *out = op.u.get_mappings;
    return rc;
}

TEST_CASE(get_mappings_lists_gfns_in_pages)
{
    setup();
    struct domain *d = h_domain(32, false);
    /* Three frames at H_BUF_VA.., gfns from the top down; one read-only at +0x10000. */
    h_buf(d, 3 * HESTIA_PAGE_SIZE);
    REQUIRE(pvmmu_map_frame(d, 0, guest_va(H_BUF_VA + 0x10000), p2m_lookup(d, gfn(5)),
                            MMU_PERM_READ) == 0);
    REQUIRE(domain_pause(d) == 0);
    uint64_t buf = h_buf(dom0, DOMCTL_MAPPINGS_MAX * sizeof(struct domctl_mapping));
    struct domctl_mapping m[8];
    struct domctl_get_mappings g;
    /* Two at a time: the list goes on at the third mapping's va. */
    CHECK_EQ(get_maps(d->id, 0, H_BUF_VA, buf, 2, &g), 0);
    CHECK_EQ(g.nr, 2);
    CHECK_EQ(g.more, 1);
    CHECK_EQ(g.next_va, H_BUF_VA + 2 * HESTIA_PAGE_SIZE);
    h_read(dom0, m, buf, 2 * sizeof(m[0]));
    CHECK_EQ(m[0].va, H_BUF_VA);
    CHECK_EQ(m[1].va, H_BUF_VA + HESTIA_PAGE_SIZE);
    CHECK_EQ(m[0].kind, DOMCTL_MAPPING_OWN);
    CHECK(mfn_eq(p2m_lookup(d, gfn(m[0].gfn)), p2m_lookup(d, gfn(31))) ||
          mfn_eq(p2m_lookup(d, gfn(m[0].gfn)), p2m_lookup(d, gfn(29))));
    CHECK((m[0].perms & MMU_PERM_WRITE) != 0);
    CHECK_EQ(get_maps(d->id, 0, g.next_va, buf, 8, &g), 0);
    CHECK_EQ(g.nr, 2);
    CHECK_EQ(g.more, 0);
    h_read(dom0, m, buf, 2 * sizeof(m[0]));
    CHECK_EQ(m[1].va, H_BUF_VA + 0x10000);
    CHECK_EQ(m[1].gfn, 5);
    CHECK_EQ(m[1].kind, DOMCTL_MAPPING_OWN);
    CHECK_EQ(m[1].perms & MMU_PERM_WRITE, 0);
    /* Every listed own gfn maps back to the frame the space holds. */
    for (unsigned i = 0; i < 2; i++) {
        mfn_t got;
        unsigned perms;
        REQUIRE(hal_as_lookup(pvmmu_kernel_space(d), guest_va(m[i].va), &got, &perms) == 0);
        CHECK(mfn_eq(got, p2m_lookup(d, gfn(m[i].gfn))));
    }
}

TEST_CASE(get_mappings_refusals)
{
    setup();
    struct domain *d = h_domain(32, false);
    h_buf(d, HESTIA_PAGE_SIZE);
    uint64_t buf = h_buf(dom0, 4 * sizeof(struct domctl_mapping));
    CHECK_EQ(get_maps(d->id, 0, 0, buf, 4, NULL), -HESTIA_EBUSY); /* running */
    REQUIRE(domain_pause(d) == 0);
    CHECK_EQ(get_maps(d->id, 0, 0, buf, 0, NULL), -HESTIA_EINVAL);
    CHECK_EQ(get_maps(d->id, 0, 0, buf, DOMCTL_MAPPINGS_MAX + 1, NULL), -HESTIA_E2BIG);
    CHECK_EQ(get_maps(d->id, 7, 0, buf, 4, NULL), -HESTIA_EBADF); /* no such user space */
    CHECK_EQ(get_maps(d->id, MMU_MAX_USER_AS + 1, 0, buf, 4, NULL), -HESTIA_EBADF);
    CHECK_EQ(get_maps(d->id, 0, 0, H_VA_HYP, 4, NULL), -HESTIA_EFAULT);
    CHECK_EQ(get_maps(DOMID_SELF, 0, 0, buf, 4, NULL), -HESTIA_EINVAL);
    /* A domU asking: EPERM. */
    struct domain *u = h_domain(16, false);
    uint64_t p = h_buf(u, sizeof(struct hestia_domctl));
    struct hestia_domctl op;
    h_domctl_init(&op, DOMCTL_get_mappings, d->id);
    op.u.get_mappings.max = 1;
    h_write(u, p, &op, sizeof(op));
    CHECK_EQ(h_call(h_vcpu(u), HYPERCALL_domctl, p, 0, 0, 0, 0), -HESTIA_EPERM);
}

TEST_CASE(p2m_gfn_of_is_the_reverse_of_lookup)
{
    setup();
    struct domain *d = h_domain_raw(16, false);
    struct domain *e = h_domain_raw(16, false);
    for (uint64_t g = 0; g < 16; g++) {
        uint64_t back = ~0ull;
        CHECK(p2m_gfn_of(d, p2m_lookup(d, gfn(g)), &back));
        CHECK_EQ(back, g);
        CHECK(!p2m_gfn_of(e, p2m_lookup(d, gfn(g)), &back)); /* not e's */
    }
    mfn_t m = p2m_lookup(d, gfn(4));
    REQUIRE(p2m_release(d, gfn(4)) == 0);
    uint64_t back;
    CHECK(!p2m_gfn_of(d, m, &back));
    REQUIRE(p2m_populate(d, gfn(4)) == 0);
    CHECK(p2m_gfn_of(d, p2m_lookup(d, gfn(4)), &back));
    CHECK_EQ(back, 4);
}
