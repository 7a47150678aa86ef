/* SPDX-License-Identifier: MIT */
/* HYPERCALL_memory_op through the dispatcher. */
#include "harness.h"

TEST_SUITE("memory");

static long memop(struct vcpu *v, uint64_t cmd, uint64_t ptr)
{
    return h_call(v, HYPERCALL_memory_op, cmd, ptr, 0, 0, 0);
}

/* Run a release/populate range op; *done gets what the guest reads back. */
static long range_op(struct domain *d, uint64_t cmd, uint64_t gfn, uint64_t count,
                     uint64_t *done)
{
    struct memop_range r = {.gfn = gfn, .count = count, .done = 0xdead};
    uint64_t va = h_put(d, &r, sizeof(r));
    long rc = memop(h_vcpu(d), cmd, va);
    h_read(d, &r, va, sizeof(r));
    *done = r.done;
    return rc;
}

TEST_CASE(get_info)
{
    struct domain *d = h_domain_raw(32, false);
    uint64_t va = h_buf(d, sizeof(struct memop_info));
    CHECK_EQ(memop(h_vcpu(d), MEMOP_get_info, va), 0);
    struct memop_info info;
    h_read(d, &info, va, sizeof(info));
    CHECK_EQ(info.nr_pages, 32);
    CHECK_EQ(info.nr_pages, p2m_nr_pages(d));
    CHECK_EQ(info.max_pages, p2m_max_pages(d));
    CHECK_EQ(info.gfn_limit, p2m_gfn_limit(d));
    CHECK(info.gfn_limit >= info.max_pages);
    CHECK_EQ(memop(h_vcpu(d), MEMOP_get_info, H_VA_UNMAPPED), -HESTIA_EFAULT);
    CHECK_EQ(memop(h_vcpu(d), MEMOP_get_info, H_VA_HYP), -HESTIA_EFAULT);
    /* Read-only buffer: the hypervisor cannot write the result. */
    uint64_t ro = h_buf_perms(d, sizeof(info), MMU_PERM_READ);
    CHECK_EQ(memop(h_vcpu(d), MEMOP_get_info, ro), -HESTIA_EFAULT);
    CHECK_EQ(memop(h_vcpu(d), 99, va), -HESTIA_ENOSYS);
}

TEST_CASE(release_and_populate)
{
    struct domain *d = h_domain_raw(32, false);
    uint64_t nr0 = p2m_nr_pages(d);
    mfn_t m1 = p2m_lookup(d, gfn(1)), m3 = p2m_lookup(d, gfn(3));
    uint64_t done;
    CHECK_EQ(range_op(d, MEMOP_release, 1, 3, &done), 0);
    CHECK_EQ(done, 3);
    CHECK_EQ(p2m_nr_pages(d), nr0 - 3);
    CHECK_MFN_EQ(p2m_lookup(d, gfn(2)), MFN_INVALID);
    /* The frames went back to the allocator (unless reused since for buffers). */
    CHECK(frame_owner(m1) != d->id);
    CHECK(frame_owner(m3) != d->id);
    /* Releasing again stops at the first empty gfn. */
    CHECK_EQ(range_op(d, MEMOP_release, 0, 3, &done), -HESTIA_ENOENT);
    CHECK_EQ(done, 1);
    CHECK_EQ(range_op(d, MEMOP_populate, 0, 4, &done), 0);
    CHECK_EQ(done, 4);
    CHECK_EQ(p2m_nr_pages(d), nr0);
    mfn_t m = p2m_lookup(d, gfn(2));
    CHECK(!mfn_eq(m, MFN_INVALID));
    CHECK_EQ(frame_owner(m), d->id);
    CHECK_EQ(range_op(d, MEMOP_populate, 5, 1, &done), -HESTIA_EEXIST);
    CHECK_EQ(done, 0);
}

TEST_CASE(populate_beyond_max_pages)
{
    struct domain *d = h_domain_raw(16, false);
    uint64_t nr = p2m_nr_pages(d), max = p2m_max_pages(d);
    REQUIRE(max - nr < MEMOP_MAX_COUNT);
    uint64_t done;
    /* gfns above the populated ones: fine up to max_pages, then -ENOMEM. */
    CHECK_EQ(range_op(d, MEMOP_populate, nr, max - nr + 2, &done), -HESTIA_ENOMEM);
    CHECK_EQ(done, max - nr);
    CHECK_EQ(p2m_nr_pages(d), max);
    /* Out of the gfn range altogether. */
    CHECK_EQ(range_op(d, MEMOP_populate, p2m_gfn_limit(d), 1, &done), -HESTIA_EINVAL);
    CHECK_EQ(done, 0);
}

TEST_CASE(release_mapped_frame_busy)
{
    struct domain *d = h_domain_raw(16, false);
    /* Map gfn 4 in the kernel space: it is referenced now. */
    mfn_t m = p2m_lookup(d, gfn(4));
    REQUIRE(pvmmu_map_frame(d, 0, guest_va(0x300000000ull), m, MMU_PERM_READ) == 0);
    uint64_t done;
    CHECK_EQ(range_op(d, MEMOP_release, 2, 4, &done), -HESTIA_EBUSY);
    CHECK_EQ(done, 2);
    CHECK_MFN_EQ(p2m_lookup(d, gfn(4)), m);
    CHECK_EQ(frame_owner(m), d->id);
    mfn_t old;
    CHECK_EQ(pvmmu_unmap_frame(d, 0, guest_va(0x300000000ull), &old), 0);
    CHECK_MFN_EQ(old, m);
    CHECK_EQ(range_op(d, MEMOP_release, 4, 1, &done), 0);
    CHECK_EQ(done, 1);
}

TEST_CASE(range_bounds)
{
    struct domain *d = h_domain_raw(16, false);
    uint64_t nr = p2m_nr_pages(d);
    uint64_t done;
    CHECK_EQ(range_op(d, MEMOP_release, 0, MEMOP_MAX_COUNT + 1, &done), -HESTIA_E2BIG);
    CHECK_EQ(p2m_nr_pages(d), nr);
    CHECK_EQ(range_op(d, MEMOP_release, ~(uint64_t)0 - 1, 4, &done), -HESTIA_EINVAL);
    CHECK_EQ(range_op(d, MEMOP_release, 0, 0, &done), 0);
    CHECK_EQ(done, 0);
    CHECK_EQ(memop(h_vcpu(d), MEMOP_release, H_VA_UNMAPPED), -HESTIA_EFAULT);
    /* done cannot be written back: the op happened, the call reports -EFAULT. */
    struct memop_range r = {.gfn = 0, .count = 1};
    uint64_t ro = h_buf_perms(d, sizeof(r), MMU_PERM_READ);
    h_write(d, ro, &r, sizeof(r));
    CHECK_EQ(memop(h_vcpu(d), MEMOP_release, ro), -HESTIA_EFAULT);
    CHECK_MFN_EQ(p2m_lookup(d, gfn(0)), MFN_INVALID);
}

TEST_CASE(teardown_returns_memory)
{
    unsigned long free0 = mm_free_frames();
    struct domain *d = h_domain_raw(64, false);
    CHECK(mm_free_frames() + 64 <= free0);
    CHECK_EQ(domain_destroy(d), 0);
    CHECK_EQ(mm_free_frames(), free0);
}
