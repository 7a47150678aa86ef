/* SPDX-License-Identifier: MIT */
/* The paravirtual MMU: HYPERCALL_mmu_op and the address-space helpers. */
#include "harness.h"

#include "../../core/mm/mm_internal.h"

TEST_SUITE("pvmmu");

/* Far from H_BUF_VA and from any initial mapping the domain code makes. */
#define VA 0x300000000ull
#define UVA 0x10000000ull

/* One guest buffer per domain for batches (h_buf takes fresh gfns each time). */
#define MAX_OPS 16
static struct domain *buf_dom;
static uint64_t buf_ops, buf_done;

/* A paused domain for a case; forgets the previous case's batch buffer. */
static struct domain *new_dom(uint64_t pages)
{
    buf_dom = NULL;
    return h_domain_raw(pages, false);
}

/* Submit ops as one batch; ops are read back (as_create writes them). */
static long mmu(struct domain *d, struct mmu_op *ops, unsigned n, uint64_t *done)
{
    REQUIRE(n <= MAX_OPS);
    if (buf_dom != d) {
        buf_dom = d;
        buf_ops = h_buf(d, MAX_OPS * sizeof(*ops) + sizeof(uint64_t));
        buf_done = buf_ops + MAX_OPS * sizeof(*ops);
    }
    uint64_t ova = buf_ops, dva = buf_done;
    h_write(d, ova, ops, n * sizeof(*ops));
    uint64_t poison = 0xdeadbeef;
    h_write(d, dva, &poison, sizeof(poison));
    long rc = h_call(h_vcpu(d), HYPERCALL_mmu_op, ova, n, dva, 0, 0);
    h_read(d, ops, ova, n * sizeof(*ops));
    if (done)
        h_read(d, done, dva, sizeof(*done));
    return rc;
}

static long one(struct domain *d, uint32_t cmd, uint64_t as, uint64_t va, uint64_t gfn,
                uint32_t perms)
{
    struct mmu_op op = {.cmd = cmd, .perms = perms, .as = as, .va = va, .gfn = gfn};
    return mmu(d, &op, 1, NULL);
}

static bool lookup(struct hal_as *as, uint64_t va, mfn_t *m, unsigned *perms)
{
    return as && hal_as_lookup(as, guest_va(va), m, perms) == 0;
}

#define RW (MMU_PERM_READ | MMU_PERM_WRITE)

TEST_CASE(map_unmap_protect)
{
    struct domain *d = new_dom(32);
    mfn_t m = p2m_lookup(d, gfn(3));
    unsigned r0 = frame_refcount(m);
    CHECK_EQ(one(d, MMUOP_map, 0, VA, 3, RW), 0);
    mfn_t got;
    unsigned perms;
    CHECK(lookup(pvmmu_kernel_space(d), VA, &got, &perms));
    CHECK_MFN_EQ(got, m);
    CHECK_EQ(perms, RW);
    CHECK_EQ(frame_refcount(m), r0 + 1);
    /* The guest sees the frame's contents there. */
    uint32_t x = 0x1234567;
    CHECK_EQ(gfn_copy_to(d, gfn(3), 8, &x, sizeof(x)), 0);
    uint32_t y = 0;
    CHECK_EQ(hal_copy_from_guest(h_vcpu(d), &y, guest_va(VA + 8), sizeof(y)), 0);
    CHECK_EQ(y, x);

    CHECK_EQ(one(d, MMUOP_map, 0, VA, 4, RW), -HESTIA_EEXIST);
    CHECK_EQ(one(d, MMUOP_protect, 0, VA, 0, MMU_PERM_READ), 0);
    CHECK(lookup(pvmmu_kernel_space(d), VA, &got, &perms));
    CHECK_EQ(perms, MMU_PERM_READ);
    CHECK_EQ(hal_copy_to_guest(h_vcpu(d), guest_va(VA), &x, sizeof(x)), -HESTIA_EFAULT);
    CHECK_EQ(one(d, MMUOP_protect, 0, VA, 0, MMU_PERM_USER | MMU_PERM_READ),
             -HESTIA_EINVAL);
    CHECK_EQ(one(d, MMUOP_protect, 0, VA + HAL_PAGE_SIZE, 0, MMU_PERM_READ),
             -HESTIA_ENOENT);

    CHECK_EQ(one(d, MMUOP_unmap, 0, VA, 0, 0), 0);
    CHECK(!lookup(pvmmu_kernel_space(d), VA, NULL, NULL));
    CHECK_EQ(frame_refcount(m), r0);
    CHECK_EQ(one(d, MMUOP_unmap, 0, VA, 0, 0), -HESTIA_ENOENT);
}

TEST_CASE(bad_arguments)
{
    struct domain *d = new_dom(32);
    CHECK_EQ(one(d, MMUOP_map, 0, VA + 8, 3, RW), -HESTIA_EINVAL);   /* alignment */
    CHECK_EQ(one(d, MMUOP_map, 0, H_VA_HYP, 3, RW), -HESTIA_EINVAL); /* hypervisor */
    CHECK_EQ(one(d, MMUOP_map, 0, H_VA_NONCANON, 3, RW), -HESTIA_EINVAL);
    CHECK_EQ(one(d, MMUOP_map, 0, VA, p2m_gfn_limit(d), RW), -HESTIA_EINVAL); /* not ours */
    CHECK_EQ(one(d, MMUOP_map, 0, VA, ~(uint64_t)0, RW), -HESTIA_EINVAL);
    CHECK_EQ(one(d, MMUOP_map, 0, VA, 3, 0), -HESTIA_EINVAL);         /* no access */
    CHECK_EQ(one(d, MMUOP_map, 0, VA, 3, 0x10 | RW), -HESTIA_EINVAL); /* unknown bit */
    CHECK_EQ(one(d, MMUOP_map, 0, VA, 3, MMU_PERM_USER | RW), -HESTIA_EINVAL);
    CHECK_EQ(one(d, MMUOP_map, 7, VA, 3, MMU_PERM_USER | RW), -HESTIA_EBADF); /* no space */
    CHECK_EQ(one(d, MMUOP_map, 1000, VA, 3, MMU_PERM_USER | RW), -HESTIA_EBADF);
    CHECK_EQ(one(d, MMUOP_unmap, 0, VA + 1, 0, 0), -HESTIA_EINVAL);
    CHECK_EQ(one(d, MMUOP_unmap, 0, H_VA_HYP, 0, 0), -HESTIA_EINVAL);
    CHECK_EQ(one(d, 77, 0, VA, 3, RW), -HESTIA_ENOSYS);
    CHECK(!lookup(pvmmu_kernel_space(d), VA, NULL, NULL));
}

TEST_CASE(unpopulated_gfn)
{
    struct domain *d = new_dom(32);
    REQUIRE(p2m_release(d, gfn(5)) == 0);
    CHECK_EQ(one(d, MMUOP_map, 0, VA, 5, RW), -HESTIA_ENOENT);
    CHECK(!lookup(pvmmu_kernel_space(d), VA, NULL, NULL));
}

TEST_CASE(user_spaces)
{
    struct domain *d = new_dom(32);
    struct vcpu *v = h_vcpu(d);
    mfn_t m = p2m_lookup(d, gfn(6));
    unsigned r0 = frame_refcount(m);
    struct mmu_op op = {.cmd = MMUOP_as_create, .as = 0xffff};
    CHECK_EQ(mmu(d, &op, 1, NULL), 0);
    uint64_t h = op.as;
    CHECK(h >= 1 && h <= MMU_MAX_USER_AS);
    CHECK(pvmmu_space(d, h) != NULL);
    CHECK(pvmmu_space(d, h) != pvmmu_kernel_space(d));
    CHECK_EQ(one(d, MMUOP_map, h, UVA, 6, RW), -HESTIA_EINVAL); /* needs USER */
    CHECK_EQ(one(d, MMUOP_map, h, UVA, 6, MMU_PERM_USER | RW), 0);
    CHECK_EQ(one(d, MMUOP_map, h, UVA + HAL_PAGE_SIZE, 6, MMU_PERM_USER | MMU_PERM_READ),
             0);
    CHECK_EQ(frame_refcount(m), r0 + 2);
    CHECK(pvmmu_current_user_space(v) == NULL);
    CHECK_EQ(one(d, MMUOP_as_switch, h, 0, 0, 0), 0);
    CHECK(pvmmu_current_user_space(v) == pvmmu_space(d, h));
    CHECK(v->hal->user == pvmmu_space(d, h));
    CHECK(v->hal->kernel == pvmmu_kernel_space(d));
    /* Guest copies see the current user space too. */
    uint32_t x = 0xfeedf00d, y = 0;
    CHECK_EQ(gfn_copy_to(d, gfn(6), 0, &x, sizeof(x)), 0);
    CHECK_EQ(hal_copy_from_guest(v, &y, guest_va(UVA), sizeof(y)), 0);
    CHECK_EQ(y, x);
    CHECK_EQ(one(d, MMUOP_flush, h, UVA, 0, 0), 0);
    CHECK_EQ(one(d, MMUOP_flush, h, MMU_FLUSH_ALL, 0, 0), 0);
    CHECK_EQ(one(d, MMUOP_flush, 0, MMU_FLUSH_ALL, 0, 0), 0);
    CHECK_EQ(one(d, MMUOP_flush, h, UVA + 3, 0, 0), -HESTIA_EINVAL);
    CHECK_EQ(one(d, MMUOP_flush, h + 1, UVA, 0, 0), -HESTIA_EBADF);
    /* Destroying the current space switches the vCPU away first. */
    CHECK_EQ(one(d, MMUOP_as_destroy, h, 0, 0, 0), 0);
    CHECK(pvmmu_space(d, h) == NULL);
    CHECK(pvmmu_current_user_space(v) == NULL);
    CHECK(v->hal->user == NULL);
    CHECK_EQ(frame_refcount(m), r0);
    CHECK_EQ(one(d, MMUOP_as_switch, h, 0, 0, 0), -HESTIA_EBADF);
    CHECK_EQ(one(d, MMUOP_as_destroy, h, 0, 0, 0), -HESTIA_EBADF);
    CHECK_EQ(one(d, MMUOP_as_destroy, 0, 0, 0, 0), -HESTIA_EINVAL);
    CHECK_EQ(one(d, MMUOP_as_switch, 0, 0, 0, 0), 0);
}

TEST_CASE(user_space_table_full)
{
    struct domain *d = new_dom(32);
    unsigned long pt0 = mm_pt_frames(d);
    for (unsigned i = 0; i < MMU_MAX_USER_AS; i++) {
        struct mmu_op op = {.cmd = MMUOP_as_create};
        REQUIRE(mmu(d, &op, 1, NULL) == 0);
        CHECK_EQ(op.as, i + 1);
    }
    CHECK(mm_pt_frames(d) >= pt0 + MMU_MAX_USER_AS);
    struct mmu_op op = {.cmd = MMUOP_as_create};
    CHECK_EQ(mmu(d, &op, 1, NULL), -HESTIA_ENOSPC);
    CHECK_EQ(one(d, MMUOP_as_destroy, 17, 0, 0, 0), 0);
    op.as = 0;
    CHECK_EQ(mmu(d, &op, 1, NULL), 0);
    CHECK_EQ(op.as, 17);
}

TEST_CASE(batch_stops_at_first_error)
{
    struct domain *d = new_dom(32);
    struct mmu_op ops[4] = {
        {.cmd = MMUOP_map, .perms = RW, .va = VA, .gfn = 1},
        {.cmd = MMUOP_map, .perms = RW, .va = VA + HAL_PAGE_SIZE, .gfn = 2},
        {.cmd = MMUOP_map, .perms = RW, .va = VA + 2 * HAL_PAGE_SIZE + 4, .gfn = 3},
        {.cmd = MMUOP_map, .perms = RW, .va = VA + 3 * HAL_PAGE_SIZE, .gfn = 4},
    };
    uint64_t done = 99;
    CHECK_EQ(mmu(d, ops, 4, &done), -HESTIA_EINVAL);
    CHECK_EQ(done, 2);
    struct hal_as *k = pvmmu_kernel_space(d);
    CHECK(lookup(k, VA, NULL, NULL));
    CHECK(lookup(k, VA + HAL_PAGE_SIZE, NULL, NULL));
    CHECK(!lookup(k, VA + 3 * HAL_PAGE_SIZE, NULL, NULL));
    /* A clean batch reports every op done. */
    struct mmu_op un[2] = {{.cmd = MMUOP_unmap, .va = VA},
                           {.cmd = MMUOP_unmap, .va = VA + HAL_PAGE_SIZE}};
    CHECK_EQ(mmu(d, un, 2, &done), 0);
    CHECK_EQ(done, 2);
    CHECK(!lookup(k, VA, NULL, NULL));
}

TEST_CASE(wild_pointers)
{
    struct domain *d = new_dom(32);
    struct vcpu *v = h_vcpu(d);
    uint64_t dva = h_buf(d, sizeof(uint64_t));
    uint64_t done = 55;
    h_write(d, dva, &done, sizeof(done));
    CHECK_EQ(h_call(v, HYPERCALL_mmu_op, H_VA_UNMAPPED, 3, dva, 0, 0), -HESTIA_EFAULT);
    h_read(d, &done, dva, sizeof(done));
    CHECK_EQ(done, 0);
    CHECK_EQ(h_call(v, HYPERCALL_mmu_op, H_VA_HYP, 1, 0, 0, 0), -HESTIA_EFAULT);
    CHECK_EQ(h_call(v, HYPERCALL_mmu_op, H_VA_UNMAPPED, MMU_MAX_BATCH + 1, 0, 0, 0),
             -HESTIA_E2BIG);
    CHECK_EQ(h_call(v, HYPERCALL_mmu_op, H_VA_UNMAPPED, 0, 0, 0, 0), 0);
    /* The op runs, but done cannot be written: -EFAULT. */
    struct mmu_op op = {.cmd = MMUOP_map, .perms = RW, .va = VA, .gfn = 2};
    uint64_t ova = h_put(d, &op, sizeof(op));
    CHECK_EQ(h_call(v, HYPERCALL_mmu_op, ova, 1, H_VA_HYP, 0, 0), -HESTIA_EFAULT);
    /* Ops straddling the end of the mapped buffer: the first runs, then -EFAULT. */
    uint64_t end = h_buf(d, HAL_PAGE_SIZE);
    struct mmu_op last = {.cmd = MMUOP_flush, .va = MMU_FLUSH_ALL};
    uint64_t at = end + HAL_PAGE_SIZE - sizeof(last);
    h_write(d, at, &last, sizeof(last));
    CHECK_EQ(h_call(v, HYPERCALL_mmu_op, at, 2, dva, 0, 0), -HESTIA_EFAULT);
    h_read(d, &done, dva, sizeof(done));
    CHECK_EQ(done, 1);
}

TEST_CASE(as_create_result_unwritable)
{
    struct domain *d = new_dom(32);
    struct mmu_op op = {.cmd = MMUOP_as_create};
    uint64_t ro = h_buf_perms(d, sizeof(op), MMU_PERM_READ);
    h_write(d, ro, &op, sizeof(op));
    unsigned long pt = mm_pt_frames(d);
    CHECK_EQ(h_call(h_vcpu(d), HYPERCALL_mmu_op, ro, 1, 0, 0, 0), -HESTIA_EFAULT);
    /* The space made for it was destroyed again. */
    CHECK(pvmmu_space(d, 1) == NULL);
    CHECK_EQ(mm_pt_frames(d), pt);
}

TEST_CASE(page_table_limit)
{
    struct domain *d = new_dom(32);
    unsigned r0 = frame_refcount(p2m_lookup(d, gfn(1)));
    /* Use up the domain's page-table quota, then nothing new can be built. */
    static mfn_t held[4096];
    unsigned n = 0;
    mfn_t m;
    while (n < ARRAY_SIZE(held) && !mfn_eq((m = core_frame_alloc(d)), MFN_INVALID))
        held[n++] = m;
    CHECK(n > 0 && n < ARRAY_SIZE(held));
    CHECK_EQ(mm_pt_frames(d), mm_pt_limit_for(p2m_max_pages(d)));
    /* A VA far from every existing table needs a new one. */
    CHECK_EQ(pvmmu_map_frame(d, 0, guest_va(0x7000000000ull), p2m_lookup(d, gfn(1)), RW),
             -HESTIA_ENOMEM);
    CHECK_EQ(frame_refcount(p2m_lookup(d, gfn(1))), r0);
    for (unsigned i = 0; i < n; i++)
        core_frame_free(d, held[i]);
    CHECK_EQ(pvmmu_map_frame(d, 0, guest_va(0x7000000000ull), p2m_lookup(d, gfn(1)), RW),
             0);
}

TEST_CASE(destroy_drops_references)
{
    unsigned long free0 = mm_free_frames();
    struct domain *d = new_dom(32);
    mfn_t m = p2m_lookup(d, gfn(9));
    REQUIRE(pvmmu_map_frame(d, 0, guest_va(VA), m, RW) == 0);
    REQUIRE(pvmmu_map_frame(d, 0, guest_va(VA + HAL_PAGE_SIZE), m, MMU_PERM_READ) == 0);
    struct mmu_op ops[2] = {{.cmd = MMUOP_as_create}, {.cmd = MMUOP_as_switch, .as = 1}};
    REQUIRE(mmu(d, ops, 2, NULL) == 0);
    REQUIRE(pvmmu_map_frame(d, 1, guest_va(UVA), m, MMU_PERM_USER | RW) == 0);
    CHECK(frame_refcount(m) >= 3);
    CHECK_EQ(domain_destroy(d), 0);
    CHECK_EQ(frame_owner(m), FRAME_OWNER_FREE);
    CHECK_EQ(mm_free_frames(), free0);
}

TEST_CASE(destroyed_space_kept_for_the_next)
{
    struct domain *d = new_dom(32);
    mfn_t m = p2m_lookup(d, gfn(9));
    unsigned r0 = frame_refcount(m);
    unsigned long pt0 = mm_pt_frames(d);
    struct mmu_op op = {.cmd = MMUOP_as_create};
    REQUIRE(mmu(d, &op, 1, NULL) == 0);
    uint64_t h = op.as;
    struct hal_as *as = pvmmu_space(d, h);
    CHECK_EQ(one(d, MMUOP_map, h, UVA, 9, MMU_PERM_USER | RW), 0);
    CHECK_EQ(one(d, MMUOP_map, h, UVA + HAL_PAGE_SIZE, 9, MMU_PERM_USER | RW), 0);
    unsigned long pt1 = mm_pt_frames(d);
    CHECK(pt1 > pt0);
    CHECK_EQ(frame_refcount(m), r0 + 2);
    /* Destroyed: the references go, the tables stay (the spare). */
    CHECK_EQ(one(d, MMUOP_as_destroy, h, 0, 0, 0), 0);
    CHECK(pvmmu_space(d, h) == NULL);
    CHECK_EQ(frame_refcount(m), r0);
    CHECK_EQ(mm_pt_frames(d), pt1);
    /* The next space is the same one, empty, and builds no table. */
    op = (struct mmu_op){.cmd = MMUOP_as_create};
    REQUIRE(mmu(d, &op, 1, NULL) == 0);
    CHECK(pvmmu_space(d, op.as) == as);
    CHECK(!lookup(as, UVA, NULL, NULL));
    CHECK(!lookup(as, UVA + HAL_PAGE_SIZE, NULL, NULL));
    CHECK_EQ(one(d, MMUOP_map, op.as, UVA + HAL_PAGE_SIZE, 9, MMU_PERM_USER | RW), 0);
    CHECK_EQ(mm_pt_frames(d), pt1);
    /* One spare at most: a second destroyed space is freed. */
    struct mmu_op two = {.cmd = MMUOP_as_create};
    REQUIRE(mmu(d, &two, 1, NULL) == 0);
    CHECK(mm_pt_frames(d) > pt1);
    CHECK_EQ(one(d, MMUOP_as_destroy, op.as, 0, 0, 0), 0);
    CHECK_EQ(one(d, MMUOP_as_destroy, two.as, 0, 0, 0), 0);
    CHECK_EQ(mm_pt_frames(d), pt1);
    CHECK_EQ(frame_refcount(m), r0);
}

TEST_CASE(map_initial)
{
    struct domain *d = new_dom(8);
    const uint64_t base = 0x100000000ull;
    CHECK_EQ(pvmmu_map_initial(d, guest_va(base + 4), RW), -HESTIA_EINVAL);
    CHECK_EQ(pvmmu_map_initial(d, guest_va(base), RW), 0);
    for (uint64_t g = 0; g < 8; g++) {
        mfn_t got;
        CHECK(lookup(pvmmu_kernel_space(d), base + g * HAL_PAGE_SIZE, &got, NULL));
        CHECK_MFN_EQ(got, p2m_lookup(d, gfn(g)));
    }
    CHECK(!lookup(pvmmu_kernel_space(d), base + 8 * HAL_PAGE_SIZE, NULL, NULL));
    /* Mapped memory cannot be given back. */
    CHECK_EQ(p2m_release(d, gfn(3)), -HESTIA_EBUSY);
}

TEST_CASE(shared_info_mapping)
{
    struct domain *d = new_dom(8);
    REQUIRE(d->shared_info != NULL);
    mfn_t si = d->shared_info_mfn;
    CHECK_EQ(pvmmu_map_frame(d, 0, guest_va(VA), si, RW), 0);
    CHECK_EQ(frame_refcount(si), 0);
    mfn_t got;
    CHECK(lookup(pvmmu_kernel_space(d), VA, &got, NULL));
    CHECK_MFN_EQ(got, si);
    /* The guest may unmap it again; other hypervisor frames cannot be mapped. */
    CHECK_EQ(one(d, MMUOP_unmap, 0, VA, 0, 0), 0);
    mfn_t h = frame_alloc();
    CHECK_EQ(pvmmu_map_frame(d, 0, guest_va(VA), h, RW), -HESTIA_EINVAL);
    frame_free(h);
}

TEST_CASE(destroy_space_current_on_other_vcpu)
{
    buf_dom = NULL;
    struct domain *d;
    REQUIRE(domain_create(32, 2, false, &d) == 0);
    REQUIRE(d->vcpus[1] != NULL);
    struct vcpu *v0 = d->vcpus[0], *v1 = d->vcpus[1];
    struct mmu_op op = {.cmd = MMUOP_as_create};
    REQUIRE(mmu(d, &op, 1, NULL) == 0);
    uint64_t h = op.as;
    /* vCPU 1 switches to it, vCPU 0 destroys it. */
    op = (struct mmu_op){.cmd = MMUOP_as_switch, .as = h};
    uint64_t ova = h_put(d, &op, sizeof(op));
    CHECK_EQ(h_call(v1, HYPERCALL_mmu_op, ova, 1, 0, 0, 0), 0);
    CHECK(pvmmu_current_user_space(v1) == pvmmu_space(d, h));
    CHECK(pvmmu_current_user_space(v0) == NULL);
    CHECK(v1->hal->user == pvmmu_space(d, h));
    op = (struct mmu_op){.cmd = MMUOP_as_destroy, .as = h};
    h_write(d, ova, &op, sizeof(op));
    CHECK_EQ(h_call(v0, HYPERCALL_mmu_op, ova, 1, 0, 0, 0), 0);
    CHECK(pvmmu_current_user_space(v1) == NULL);
    CHECK(v1->hal->user == NULL);
    CHECK(v1->hal->kernel == pvmmu_kernel_space(d));
    CHECK_EQ(domain_destroy(d), 0);
}
