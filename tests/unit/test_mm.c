/* SPDX-License-Identifier: MIT */
/* Frame allocator, reference counts, heap and the p2m map (core/mm). */
#include "harness.h"

#include "../../core/mm/mm_internal.h"

TEST_SUITE("mm");

/* Every frame the allocator hands out, for exhaustion tests. */
static mfn_t all[HOST_RAM_FRAMES];

/* Take every free frame; returns how many. */
static unsigned long grab_all(void)
{
    unsigned long n = 0;
    mfn_t m;
    while (n < HOST_RAM_FRAMES && !mfn_eq((m = frame_alloc()), MFN_INVALID))
        all[n++] = m;
    return n;
}

static void release_all(unsigned long n)
{
    for (unsigned long i = 0; i < n; i++)
        if (!mfn_eq(all[i], MFN_INVALID))
            frame_free(all[i]);
}

static bool frame_is_zero(mfn_t m)
{
    const uint8_t *p = hal_frame_to_virt(m);
    for (size_t i = 0; i < HAL_PAGE_SIZE; i++)
        if (p[i])
            return false;
    return true;
}

/* A domain made by hand, so p2m tests do not depend on domain_create's choices. */
static struct domain fake;

static struct domain *fake_domain(hestia_domid_t id)
{
    memset(&fake, 0, sizeof(fake));
    fake.id = id;
    return &fake;
}

TEST_CASE(init_counts)
{
    const struct hal_boot_info *bi = h_boot_info();
    uint64_t frames = 0;
    for (unsigned i = 0; i < bi->nr_ram; i++)
        frames += bi->ram[i].size >> HAL_PAGE_SHIFT;
    CHECK_EQ(mm_total_frames(), frames);
    /* The frame table itself lives in RAM: some frames are never free. */
    CHECK(mm_free_frames() < mm_total_frames());
    CHECK(mm_free_frames() > mm_total_frames() / 2);
}

TEST_CASE(alloc_free)
{
    unsigned long n0 = mm_free_frames();
    mfn_t m = frame_alloc();
    REQUIRE(!mfn_eq(m, MFN_INVALID));
    CHECK(frame_valid(m));
    CHECK_EQ(frame_owner(m), FRAME_OWNER_HYP);
    CHECK_EQ(mm_free_frames(), n0 - 1);
    CHECK(frame_is_zero(m));
    CHECK_MFN_EQ(hal_virt_to_frame(hal_frame_to_virt(m)), m);
    frame_free(m);
    CHECK_EQ(mm_free_frames(), n0);
    CHECK_EQ(frame_owner(m), FRAME_OWNER_FREE);
    CHECK(!frame_valid(mfn(0)));
    CHECK(!frame_valid(mfn(HOST_RAM_BASE_MFN + HOST_RAM_FRAMES)));
}

TEST_CASE(exhaustion_and_reuse)
{
    unsigned long n0 = mm_free_frames();
    unsigned long n = grab_all();
    CHECK_EQ(n, n0);
    CHECK_EQ(mm_free_frames(), 0);
    CHECK_MFN_EQ(frame_alloc(), MFN_INVALID);
    CHECK_MFN_EQ(frame_alloc_contig(2), MFN_INVALID);
    CHECK(core_heap_alloc(5000) == NULL);
    CHECK_MFN_EQ(core_frame_alloc(NULL), MFN_INVALID);
    /* Dirty a frame, give it back: the same one returns, zeroed. */
    memset(hal_frame_to_virt(all[7]), 0xaa, HAL_PAGE_SIZE);
    frame_free(all[7]);
    CHECK_EQ(mm_free_frames(), 1);
    mfn_t again = frame_alloc();
    CHECK_MFN_EQ(again, all[7]);
    CHECK(frame_is_zero(again));
    release_all(n);
    CHECK_EQ(mm_free_frames(), n0);
}

TEST_CASE(contiguous)
{
    unsigned long n0 = mm_free_frames();
    mfn_t m = frame_alloc_contig(8);
    REQUIRE(!mfn_eq(m, MFN_INVALID));
    for (unsigned i = 0; i < 8; i++) {
        mfn_t mi = mfn(mfn_val(m) + i);
        CHECK_EQ(frame_owner(mi), FRAME_OWNER_HYP);
        CHECK(frame_is_zero(mi));
        CHECK((uint8_t *)hal_frame_to_virt(mi) ==
              (uint8_t *)hal_frame_to_virt(m) + i * HAL_PAGE_SIZE);
    }
    CHECK_EQ(mm_free_frames(), n0 - 8);
    frame_free_contig(m, 8);
    CHECK_EQ(mm_free_frames(), n0);
    CHECK_MFN_EQ(frame_alloc_contig(0), MFN_INVALID);
}

TEST_CASE(contiguous_fragmented)
{
    unsigned long n = grab_all();
    REQUIRE(n > 64);
    /* Free every other frame of the first 40, and one run of 4 further on. */
    for (unsigned long i = 0; i < 40; i += 2) {
        frame_free(all[i]);
        all[i] = MFN_INVALID;
    }
    mfn_t run = MFN_INVALID;
    for (unsigned long i = 40; i + 4 < n; i++) {
        if (mfn_val(all[i + 3]) == mfn_val(all[i]) + 3) {
            run = all[i];
            for (unsigned k = 0; k < 4; k++) {
                frame_free(all[i + k]);
                all[i + k] = MFN_INVALID;
            }
            break;
        }
    }
    REQUIRE(!mfn_eq(run, MFN_INVALID));
    CHECK_MFN_EQ(frame_alloc_contig(5), MFN_INVALID);
    mfn_t got = frame_alloc_contig(4);
    CHECK_MFN_EQ(got, run);
    if (!mfn_eq(got, MFN_INVALID))
        frame_free_contig(got, 4);
    release_all(n);
}

TEST_CASE(refcounts_and_orphans)
{
    unsigned long n0 = mm_free_frames();
    struct domain *d = fake_domain(42);
    REQUIRE(p2m_init(d, 4, 4) == 0);
    mfn_t m = p2m_lookup(d, gfn(2));
    REQUIRE(!mfn_eq(m, MFN_INVALID));
    CHECK_EQ(frame_owner(m), 42);
    CHECK_EQ(frame_refcount(m), 0);
    CHECK_EQ(frame_get(m), 0);
    CHECK_EQ(frame_get(m), 0);
    CHECK_EQ(frame_refcount(m), 2);
    frame_put(m);
    CHECK_EQ(frame_refcount(m), 1);
    /* No references on hypervisor, free or unknown frames. */
    mfn_t h = frame_alloc();
    CHECK_EQ(frame_get(h), -HESTIA_EINVAL);
    frame_free(h);
    CHECK_EQ(frame_get(h), -HESTIA_EINVAL);
    CHECK_EQ(frame_get(mfn(0)), -HESTIA_EINVAL);
    CHECK_EQ(frame_get_owned(m, 43), -HESTIA_EINVAL);
    CHECK_EQ(frame_get_owned(m, 42), 0);
    frame_put(m);
    /* A referenced frame cannot be released... */
    CHECK_EQ(p2m_release(d, gfn(2)), -HESTIA_EBUSY);
    CHECK_MFN_EQ(p2m_lookup(d, gfn(2)), m);
    /* ...and survives its owner as an orphan until the last put. */
    p2m_teardown(d);
    CHECK(d->mm == NULL);
    CHECK_EQ(frame_owner(m), FRAME_OWNER_ORPHAN);
    CHECK_EQ(frame_get(m), -HESTIA_EINVAL);
    CHECK_EQ(mm_free_frames() + 1, n0);
    frame_put(m);
    CHECK_EQ(frame_owner(m), FRAME_OWNER_FREE);
    CHECK_EQ(mm_free_frames(), n0);
}

TEST_CASE(heap_sizes)
{
    unsigned long n0 = mm_free_frames();
    static const size_t sizes[] = {1,    8,    15,   16,   17,   100,
                                   1000, 1024, 1025, 4096, 4097, 20000};
    void *p[ARRAY_SIZE(sizes)];
    for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
        p[i] = core_heap_alloc(sizes[i]);
        REQUIRE(p[i] != NULL);
        CHECK(((uintptr_t)p[i] & 15) == 0);
        const uint8_t *b = p[i];
        bool zero = true;
        for (size_t k = 0; k < sizes[i]; k++)
            zero = zero && b[k] == 0;
        CHECK(zero);
        memset(p[i], 0x5a + i, sizes[i]);
    }
    /* No allocation overlapped another. */
    for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
        const uint8_t *b = p[i];
        for (size_t k = 0; k < sizes[i]; k++)
            if (b[k] != (uint8_t)(0x5a + i)) {
                CHECK(b[k] == (uint8_t)(0x5a + i));
                break;
            }
    }
    CHECK(mm_free_frames() < n0);
    for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++)
        core_heap_free(p[i]);
    CHECK_EQ(mm_free_frames(), n0);
    core_heap_free(NULL);
}

TEST_CASE(heap_aligned)
{
    unsigned long n0 = mm_free_frames();
    static const size_t sizes[] = {1, 16, 100, 700, 900, 1000, 1024, 3000, 5000};
    static const size_t aligns[] = {1, 8, 16, 32, 64, 128, 512, HAL_PAGE_SIZE};
    void *p[ARRAY_SIZE(sizes) * ARRAY_SIZE(aligns)];
    unsigned n = 0;
    for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
        for (unsigned a = 0; a < ARRAY_SIZE(aligns); a++) {
            uint8_t *q = core_heap_alloc_aligned(sizes[i], aligns[a]);
            REQUIRE(q != NULL);
            if ((uintptr_t)q % aligns[a] != 0)
                harness_fail(__FILE__, __LINE__, "size %zu align %zu gave %p", sizes[i],
                             aligns[a], (void *)q);
            bool zero = true;
            for (size_t k = 0; k < sizes[i]; k++)
                zero = zero && q[k] == 0;
            CHECK(zero);
            memset(q, 0xa5, sizes[i]); /* the whole size is usable (ASan would see) */
            p[n++] = q;
        }
    }
    for (unsigned i = 0; i < n; i++)
        core_heap_free(p[i]);
    CHECK_EQ(mm_free_frames(), n0);
    /* Alignments that are no power of two, or beyond a page, are refused. */
    CHECK(core_heap_alloc_aligned(64, 0) == NULL);
    CHECK(core_heap_alloc_aligned(64, 24) == NULL);
    CHECK(core_heap_alloc_aligned(64, 2 * HAL_PAGE_SIZE) == NULL);
    CHECK_EQ(mm_free_frames(), n0);
}

TEST_CASE(heap_reuse)
{
    void *keep = core_heap_alloc(64);
    void *p = core_heap_alloc(64);
    REQUIRE(keep && p);
    memset(p, 0xff, 64);
    core_heap_free(p);
    void *q = core_heap_alloc(64);
    CHECK(q == p);
    CHECK(((uint8_t *)q)[10] == 0);
    core_heap_free(q);
    core_heap_free(keep);
}

TEST_CASE(heap_many)
{
    unsigned long n0 = mm_free_frames();
    static void *objs[2000];
    for (unsigned i = 0; i < ARRAY_SIZE(objs); i++) {
        objs[i] = core_heap_alloc(48);
        REQUIRE(objs[i] != NULL);
        *(uint32_t *)objs[i] = i;
    }
    /* 64-byte class: about 63 per frame, not one frame each. */
    CHECK(n0 - mm_free_frames() <= ARRAY_SIZE(objs) / 60 + 2);
    for (unsigned i = 0; i < ARRAY_SIZE(objs); i++)
        CHECK_EQ(*(uint32_t *)objs[i], i);
    for (unsigned i = 0; i < ARRAY_SIZE(objs); i += 2)
        core_heap_free(objs[i]);
    for (unsigned i = 1; i < ARRAY_SIZE(objs); i += 2)
        core_heap_free(objs[i]);
    CHECK_EQ(mm_free_frames(), n0);
}

TEST_CASE(p2m_populate_release_limits)
{
    unsigned long n0 = mm_free_frames();
    struct domain *d = fake_domain(7);
    CHECK_EQ(p2m_init(d, 5, 4), -HESTIA_EINVAL);
    CHECK_EQ(p2m_init(d, 0, 0), -HESTIA_EINVAL);
    REQUIRE(p2m_init(d, 4, 6) == 0);
    CHECK_EQ(p2m_init(d, 4, 6), -HESTIA_EINVAL); /* already has one */
    CHECK_EQ(p2m_nr_pages(d), 4);
    CHECK_EQ(p2m_max_pages(d), 6);
    uint64_t limit = p2m_gfn_limit(d);
    CHECK(limit >= 6);
    CHECK(n0 - mm_free_frames() >= 4); /* the frames, plus the map itself */
    CHECK_MFN_EQ(p2m_lookup(d, gfn(4)), MFN_INVALID);
    CHECK_MFN_EQ(p2m_lookup(d, gfn(limit)), MFN_INVALID);
    CHECK_EQ(p2m_populate(d, gfn(0)), -HESTIA_EEXIST);
    CHECK_EQ(p2m_populate(d, gfn(4)), 0);
    CHECK_EQ(p2m_populate(d, gfn(5)), 0);
    CHECK_EQ(frame_owner(p2m_lookup(d, gfn(5))), 7);
    /* At max_pages: no more, wherever the gfn. */
    CHECK_EQ(p2m_populate(d, gfn(6)), -HESTIA_ENOMEM);
    CHECK_EQ(p2m_populate(d, gfn(limit)), -HESTIA_EINVAL);
    CHECK_EQ(p2m_release(d, gfn(1)), 0);
    CHECK_EQ(p2m_release(d, gfn(1)), -HESTIA_ENOENT);
    CHECK_EQ(p2m_release(d, gfn(limit)), -HESTIA_EINVAL);
    CHECK_EQ(p2m_nr_pages(d), 5);
    /* A hole was made: a gfn above the old end can be populated. */
    CHECK_EQ(p2m_populate(d, gfn(limit - 1)), 0);
    CHECK_EQ(p2m_nr_pages(d), 6);
    p2m_teardown(d);
    CHECK_EQ(mm_free_frames(), n0);
    CHECK_MFN_EQ(p2m_lookup(d, gfn(0)), MFN_INVALID);
}

TEST_CASE(p2m_init_out_of_memory)
{
    unsigned long n0 = mm_free_frames();
    struct domain *d = fake_domain(8);
    CHECK_EQ(p2m_init(d, n0 + 10, n0 + 10), -HESTIA_ENOMEM);
    CHECK(d->mm == NULL);
    CHECK_EQ(mm_free_frames(), n0);
}

TEST_CASE(pt_frame_limit)
{
    unsigned long n0 = mm_free_frames();
    struct domain *d = fake_domain(9);
    REQUIRE(p2m_init(d, 4, 4) == 0);
    unsigned long limit = mm_pt_limit_for(4);
    unsigned long n = 0;
    mfn_t m;
    while (n < HOST_RAM_FRAMES && !mfn_eq((m = core_frame_alloc(d)), MFN_INVALID)) {
        CHECK(frame_is_zero(m));
        all[n++] = m;
    }
    CHECK_EQ(n, limit);
    CHECK_EQ(mm_pt_frames(d), limit);
    /* The hypervisor itself has no such limit. */
    m = core_frame_alloc(NULL);
    CHECK(!mfn_eq(m, MFN_INVALID));
    core_frame_free(NULL, m);
    core_frame_free(d, all[0]);
    CHECK_EQ(mm_pt_frames(d), limit - 1);
    all[0] = core_frame_alloc(d);
    CHECK(!mfn_eq(all[0], MFN_INVALID));
    for (unsigned long i = 0; i < n; i++)
        core_frame_free(d, all[i]);
    CHECK_EQ(mm_pt_frames(d), 0);
    p2m_teardown(d);
    CHECK_EQ(mm_free_frames(), n0);
}

TEST_CASE(gfn_copies)
{
    struct domain *d = fake_domain(10);
    REQUIRE(p2m_init(d, 4, 4) == 0);
    uint8_t src[300], dst[300];
    for (unsigned i = 0; i < sizeof(src); i++)
        src[i] = (uint8_t)(i * 7 + 1);
    /* Across the boundary of gfn 1 and 2, offset given in bytes from gfn 0. */
    CHECK_EQ(gfn_copy_to(d, gfn(0), HAL_PAGE_SIZE + 4000, src, sizeof(src)), 0);
    const uint8_t *g1 = hal_frame_to_virt(p2m_lookup(d, gfn(1)));
    const uint8_t *g2 = hal_frame_to_virt(p2m_lookup(d, gfn(2)));
    CHECK_EQ(g1[4000], src[0]);
    CHECK_EQ(g1[4095], src[95]);
    CHECK_EQ(g2[0], src[96]);
    CHECK_EQ(gfn_copy_from(d, dst, gfn(1), 4000, sizeof(dst)), 0);
    CHECK(memcmp(src, dst, sizeof(src)) == 0);
    /* Running off the populated memory fails. */
    CHECK_EQ(gfn_copy_to(d, gfn(3), 4000, src, sizeof(src)), -HESTIA_EFAULT);
    CHECK_EQ(p2m_release(d, gfn(2)), 0);
    CHECK_EQ(gfn_copy_from(d, dst, gfn(2), 0, 1), -HESTIA_EFAULT);
    CHECK_EQ(gfn_copy_from(d, dst, gfn(~(uint64_t)0), HAL_PAGE_SIZE, 1), -HESTIA_EFAULT);
    p2m_teardown(d);
}
