/* SPDX-License-Identifier: MIT */
/* Grant tables: HYPERCALL_grant_table_op between two (or three) domains. */
#include "harness.h"

TEST_SUITE("grant");

#define TABLE_GFN 10
#define VA 0x300000000ull
#define UVA 0x10000000ull
#define RW (MMU_PERM_READ | MMU_PERM_WRITE)

static struct domain *A, *B; /* granter, mapper */

/* One reusable guest buffer per domain (h_buf takes fresh gfns each time). */
static struct {
    struct domain *d;
    uint64_t va;
} bufs[4];

static uint64_t buf_of(struct domain *d)
{
    for (unsigned i = 0; i < ARRAY_SIZE(bufs); i++)
        if (bufs[i].d == d)
            return bufs[i].va;
    for (unsigned i = 0; i < ARRAY_SIZE(bufs); i++) {
        if (!bufs[i].d) {
            bufs[i].d = d;
            bufs[i].va = h_buf(d, 2 * HAL_PAGE_SIZE);
            return bufs[i].va;
        }
    }
    harness_abort(__FILE__, __LINE__, "out of buffers");
}

static struct domain *new_dom(void)
{
    return h_domain_raw(64, false);
}

/* A and B, with A's grant table in its frame TABLE_GFN. */
static void fixture(void)
{
    memset(bufs, 0, sizeof(bufs));
    A = new_dom();
    B = new_dom();
    REQUIRE(A->id != B->id);
}

/* Run a batch of count ops of size bytes; ops are read back. Returns the call's result. */
static long gnt(struct domain *d, uint64_t cmd, void *ops, size_t size, unsigned count)
{
    uint64_t va = buf_of(d);
    REQUIRE(size * count <= HAL_PAGE_SIZE);
    h_write(d, va, ops, size * count);
    long rc = h_call(h_vcpu(d), HYPERCALL_grant_table_op, cmd, va, count, 0, 0);
    h_read(d, ops, va, size * count);
    return rc;
}

static int setup_table(struct domain *d, const uint64_t *gfns, uint32_t n)
{
    uint64_t fva = buf_of(d) + HAL_PAGE_SIZE;
    h_write(d, fva, gfns, n * sizeof(uint64_t));
    struct gnttab_setup_table op = {.frames = fva, .nr_frames = n, .status = 1};
    REQUIRE(gnt(d, GNTTABOP_setup_table, &op, sizeof(op), 1) == 0);
    return op.status;
}

static void grant(struct domain *granter, grant_ref_t ref, hestia_domid_t to, uint32_t gfn,
                  uint16_t flags)
{
    struct grant_entry e = {.flags = flags, .domid = to, .gfn = gfn};
    REQUIRE(gfn_copy_to(granter, gfn(TABLE_GFN), ref * sizeof(e), &e, sizeof(e)) == 0);
}

static uint16_t entry_flags(struct domain *granter, grant_ref_t ref)
{
    struct grant_entry e;
    REQUIRE(gfn_copy_from(granter, &e, gfn(TABLE_GFN), ref * sizeof(e), sizeof(e)) == 0);
    return e.flags;
}

static int map(struct domain *d, hestia_domid_t dom, grant_ref_t ref, uint64_t va,
               uint64_t as, uint32_t flags, grant_handle_t *handle)
{
    struct gnttab_map_grant_ref op = {
        .host_va = va, .as = as, .flags = flags, .ref = ref, .dom = dom, .status = 1};
    REQUIRE(gnt(d, GNTTABOP_map_grant_ref, &op, sizeof(op), 1) == 0);
    if (handle)
        *handle = op.handle;
    return op.status;
}

static int unmap(struct domain *d, uint64_t va, uint64_t as, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref op = {
        .host_va = va, .as = as, .handle = handle, .status = 1};
    REQUIRE(gnt(d, GNTTABOP_unmap_grant_ref, &op, sizeof(op), 1) == 0);
    return op.status;
}

static bool mapped(struct domain *d, uint64_t as, uint64_t va, mfn_t *m, unsigned *perms)
{
    struct hal_as *s = pvmmu_space(d, as);
    return s && hal_as_lookup(s, guest_va(va), m, perms) == 0;
}

/* A standard setup: table given, ref 3 -> B for gfn 20 with flags. */
static void fixture_granted(uint16_t flags)
{
    fixture();
    uint64_t t = TABLE_GFN;
    REQUIRE(setup_table(A, &t, 1) == 0);
    grant(A, 3, B->id, 20, (uint16_t)(GTF_permit_access | flags));
}

TEST_CASE(setup_and_query)
{
    fixture();
    struct gnttab_query_size q = {.status = 1};
    CHECK_EQ(gnt(A, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
    CHECK_EQ(q.status, 0);
    CHECK_EQ(q.nr_frames, 0);
    CHECK_EQ(q.max_nr_frames, GRANT_MAX_TABLE_FRAMES);
    uint64_t gfns[5] = {TABLE_GFN, 11, 12, 13, 14};
    CHECK_EQ(setup_table(A, gfns, 0), -HESTIA_EINVAL);
    CHECK_EQ(setup_table(A, gfns, 5), -HESTIA_EINVAL);
    uint64_t dup[2] = {TABLE_GFN, TABLE_GFN};
    CHECK_EQ(setup_table(A, dup, 2), -HESTIA_EINVAL);
    uint64_t bad[1] = {p2m_gfn_limit(A)};
    CHECK_EQ(setup_table(A, bad, 1), -HESTIA_EINVAL);
    REQUIRE(p2m_release(A, gfn(30)) == 0);
    uint64_t hole[1] = {30};
    CHECK_EQ(setup_table(A, hole, 1), -HESTIA_EINVAL);
    struct gnttab_setup_table wild = {.frames = H_VA_UNMAPPED, .nr_frames = 1};
    CHECK_EQ(gnt(A, GNTTABOP_setup_table, &wild, sizeof(wild), 1), 0);
    CHECK_EQ(wild.status, -HESTIA_EFAULT);
    CHECK_EQ(setup_table(A, gfns, 2), 0);
    CHECK_EQ(gnt(A, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
    CHECK_EQ(q.nr_frames, 2);
    /* The table frames are pinned while they are the table. */
    CHECK_EQ(p2m_release(A, gfn(TABLE_GFN)), -HESTIA_EBUSY);
    CHECK_EQ(setup_table(A, gfns + 2, 1), 0);
    CHECK_EQ(p2m_release(A, gfn(TABLE_GFN)), 0);
}

TEST_CASE(map_read_write)
{
    fixture_granted(0);
    mfn_t m = p2m_lookup(A, gfn(20));
    unsigned r0 = frame_refcount(m);
    grant_handle_t h = 999;
    CHECK_EQ(map(B, A->id, 3, VA, 0, 0, &h), 0);
    CHECK(h < GRANT_MAX_HANDLES);
    mfn_t got;
    unsigned perms;
    CHECK(mapped(B, 0, VA, &got, &perms));
    CHECK_MFN_EQ(got, m);
    CHECK_EQ(perms, RW);
    CHECK_EQ(frame_refcount(m), r0 + 1);
    CHECK_EQ(entry_flags(A, 3), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(grant_maps_held(B), 1);
    CHECK_EQ(grant_maps_of(A), 1);
    /* B writes, A sees it. */
    const char msg[] = "through the grant";
    CHECK_EQ(hal_copy_to_guest(h_vcpu(B), guest_va(VA + 64), msg, sizeof(msg)), 0);
    char back[sizeof(msg)];
    CHECK_EQ(gfn_copy_from(A, back, gfn(20), 64, sizeof(back)), 0);
    CHECK(memcmp(back, msg, sizeof(msg)) == 0);

    CHECK_EQ(unmap(B, VA, 0, h), 0);
    CHECK(!mapped(B, 0, VA, NULL, NULL));
    CHECK_EQ(frame_refcount(m), r0);
    CHECK_EQ(entry_flags(A, 3), GTF_permit_access);
    CHECK_EQ(grant_maps_held(B), 0);
    CHECK_EQ(grant_maps_of(A), 0);
}

TEST_CASE(map_read_only)
{
    fixture_granted(0);
    grant_handle_t h;
    CHECK_EQ(map(B, A->id, 3, VA, 0, GNTMAP_readonly, &h), 0);
    unsigned perms = 0;
    CHECK(mapped(B, 0, VA, NULL, &perms));
    CHECK_EQ(perms, MMU_PERM_READ);
    CHECK_EQ(entry_flags(A, 3), GTF_permit_access | GTF_reading);
    uint32_t x = 0x77;
    CHECK_EQ(gfn_copy_to(A, gfn(20), 0, &x, sizeof(x)), 0);
    uint32_t y = 0;
    CHECK_EQ(hal_copy_from_guest(h_vcpu(B), &y, guest_va(VA), sizeof(y)), 0);
    CHECK_EQ(y, x);
    CHECK_EQ(hal_copy_to_guest(h_vcpu(B), guest_va(VA), &x, sizeof(x)), -HESTIA_EFAULT);
    CHECK_EQ(unmap(B, VA, 0, h), 0);
}

TEST_CASE(write_to_readonly_grant_refused)
{
    fixture_granted(GTF_readonly);
    mfn_t m = p2m_lookup(A, gfn(20));
    unsigned r0 = frame_refcount(m);
    CHECK_EQ(map(B, A->id, 3, VA, 0, 0, NULL), -HESTIA_EACCES);
    CHECK(!mapped(B, 0, VA, NULL, NULL));
    CHECK_EQ(frame_refcount(m), r0);
    CHECK_EQ(entry_flags(A, 3), GTF_permit_access | GTF_readonly);
    grant_handle_t h;
    CHECK_EQ(map(B, A->id, 3, VA, 0, GNTMAP_readonly, &h), 0);
    CHECK_EQ(unmap(B, VA, 0, h), 0);
}

TEST_CASE(map_refused)
{
    fixture_granted(0);
    struct domain *C = new_dom();
    mfn_t m = p2m_lookup(A, gfn(20));
    unsigned r0 = frame_refcount(m);
    CHECK_EQ(map(C, A->id, 3, VA, 0, 0, NULL), -HESTIA_EPERM); /* granted to B, not C */
    grant(A, 4, B->id, 21, 0);                                 /* not permitted */
    CHECK_EQ(map(B, A->id, 4, VA, 0, 0, NULL), -HESTIA_ENOENT);
    CHECK_EQ(map(B, A->id, GRANT_ENTRIES_PER_PAGE, VA, 0, 0, NULL), -HESTIA_EINVAL);
    CHECK_EQ(map(B, A->id, 0xffffffffu, VA, 0, 0, NULL), -HESTIA_EINVAL);
    CHECK_EQ(map(B, C->id, 0, VA, 0, 0, NULL), -HESTIA_EINVAL); /* C has no table */
    CHECK_EQ(map(B, 1000, 3, VA, 0, 0, NULL), -HESTIA_ESRCH);
    CHECK_EQ(map(B, DOMID_SELF, 3, VA, 0, 0, NULL), -HESTIA_EINVAL);
    CHECK_EQ(map(B, B->id, 3, VA, 0, 0, NULL), -HESTIA_EINVAL);
    CHECK_EQ(map(B, A->id, 3, VA + 12, 0, 0, NULL), -HESTIA_EINVAL);
    CHECK_EQ(map(B, A->id, 3, H_VA_HYP, 0, 0, NULL), -HESTIA_EINVAL);
    CHECK_EQ(map(B, A->id, 3, VA, 5, 0, NULL), -HESTIA_EBADF);
    CHECK_EQ(map(B, A->id, 3, VA, 0, 0x80, NULL), -HESTIA_EINVAL);
    /* A granted gfn that is not populated. */
    grant(A, 5, B->id, 40, GTF_permit_access);
    REQUIRE(p2m_release(A, gfn(40)) == 0);
    CHECK_EQ(map(B, A->id, 5, VA, 0, 0, NULL), -HESTIA_EINVAL);
    CHECK(!mapped(B, 0, VA, NULL, NULL));
    CHECK_EQ(frame_refcount(m), r0);
    CHECK_EQ(grant_maps_held(B), 0);
    CHECK_EQ(entry_flags(A, 3), GTF_permit_access);
}

TEST_CASE(double_unmap)
{
    fixture_granted(0);
    grant_handle_t h;
    REQUIRE(map(B, A->id, 3, VA, 0, 0, &h) == 0);
    CHECK_EQ(unmap(B, VA + HAL_PAGE_SIZE, 0, h), -HESTIA_EINVAL);
    CHECK_EQ(unmap(B, VA, 1, h), -HESTIA_EINVAL);
    CHECK_EQ(unmap(B, VA, 0, GRANT_MAX_HANDLES), -HESTIA_EBADF);
    CHECK_EQ(unmap(A, VA, 0, h), -HESTIA_ENOENT); /* not A's handle */
    CHECK_EQ(unmap(B, VA, 0, h), 0);
    CHECK_EQ(unmap(B, VA, 0, h), -HESTIA_ENOENT);
}

TEST_CASE(unmap_while_mapped_elsewhere)
{
    fixture_granted(0);
    mfn_t m = p2m_lookup(A, gfn(20));
    unsigned r0 = frame_refcount(m);
    grant_handle_t h1, h2;
    REQUIRE(map(B, A->id, 3, VA, 0, GNTMAP_readonly, &h1) == 0);
    REQUIRE(map(B, A->id, 3, VA + HAL_PAGE_SIZE, 0, 0, &h2) == 0);
    CHECK(h1 != h2);
    CHECK_EQ(frame_refcount(m), r0 + 2);
    CHECK_EQ(grant_maps_of(A), 2);
    /* Dropping the writable one leaves a reader. */
    CHECK_EQ(unmap(B, VA + HAL_PAGE_SIZE, 0, h2), 0);
    CHECK_EQ(entry_flags(A, 3), GTF_permit_access | GTF_reading);
    CHECK_EQ(frame_refcount(m), r0 + 1);
    mfn_t got;
    CHECK(mapped(B, 0, VA, &got, NULL));
    CHECK_MFN_EQ(got, m);
    CHECK_EQ(unmap(B, VA, 0, h1), 0);
    CHECK_EQ(entry_flags(A, 3), GTF_permit_access);
    CHECK_EQ(frame_refcount(m), r0);
}

TEST_CASE(mmu_op_cannot_remove_grant_mapping)
{
    fixture_granted(0);
    grant_handle_t h;
    REQUIRE(map(B, A->id, 3, VA, 0, 0, &h) == 0);
    struct mmu_op op = {.cmd = MMUOP_unmap, .va = VA};
    uint64_t ova = h_put(B, &op, sizeof(op));
    CHECK_EQ(h_call(h_vcpu(B), HYPERCALL_mmu_op, ova, 1, 0, 0, 0), -HESTIA_EPERM);
    op.cmd = MMUOP_protect;
    op.perms = MMU_PERM_READ;
    h_write(B, ova, &op, sizeof(op));
    CHECK_EQ(h_call(h_vcpu(B), HYPERCALL_mmu_op, ova, 1, 0, 0, 0), -HESTIA_EPERM);
    /* The op in registers (HYPERCALL_mmu_one) is refused the same way. */
    CHECK_EQ(h_call(h_vcpu(B), HYPERCALL_mmu_one, 0, VA, 0, 0, MMUOP_unmap), -HESTIA_EPERM);
    CHECK_EQ(h_call(h_vcpu(B), HYPERCALL_mmu_one, 0, VA, 0, MMU_PERM_READ, MMUOP_protect),
             -HESTIA_EPERM);
    unsigned perms;
    CHECK(mapped(B, 0, VA, NULL, &perms));
    CHECK_EQ(perms, RW);
    CHECK_EQ(unmap(B, VA, 0, h), 0);
}

TEST_CASE(release_of_mapped_grant_busy)
{
    fixture_granted(0);
    grant_handle_t h;
    REQUIRE(map(B, A->id, 3, VA, 0, 0, &h) == 0);
    struct memop_range r = {.gfn = 20, .count = 1};
    uint64_t rva = h_put(A, &r, sizeof(r));
    CHECK_EQ(h_call(h_vcpu(A), HYPERCALL_memory_op, MEMOP_release, rva, 0, 0, 0),
             -HESTIA_EBUSY);
    CHECK(!mfn_eq(p2m_lookup(A, gfn(20)), MFN_INVALID));
    CHECK_EQ(unmap(B, VA, 0, h), 0);
    CHECK_EQ(h_call(h_vcpu(A), HYPERCALL_memory_op, MEMOP_release, rva, 0, 0, 0), 0);
    CHECK_MFN_EQ(p2m_lookup(A, gfn(20)), MFN_INVALID);
}

TEST_CASE(granter_destroyed_with_live_grant)
{
    fixture_granted(0);
    mfn_t m = p2m_lookup(A, gfn(20));
    grant_handle_t h;
    REQUIRE(map(B, A->id, 3, VA, 0, 0, &h) == 0);
    const char msg[] = "still here";
    CHECK_EQ(hal_copy_to_guest(h_vcpu(B), guest_va(VA), msg, sizeof(msg)), 0);
    CHECK_EQ(domain_destroy(A), 0);
    A = NULL;
    /* The frame outlives its owner while B maps it. */
    CHECK_EQ(frame_owner(m), FRAME_OWNER_ORPHAN);
    CHECK_EQ(frame_refcount(m), 1);
    char back[sizeof(msg)] = {0};
    CHECK_EQ(hal_copy_from_guest(h_vcpu(B), back, guest_va(VA), sizeof(back)), 0);
    CHECK(memcmp(back, msg, sizeof(msg)) == 0);
    CHECK_EQ(grant_maps_held(B), 1);
    unsigned long free0 = mm_free_frames();
    CHECK_EQ(unmap(B, VA, 0, h), 0);
    CHECK_EQ(frame_owner(m), FRAME_OWNER_FREE);
    CHECK_EQ(mm_free_frames(), free0 + 1);
    CHECK_EQ(grant_maps_held(B), 0);
}

TEST_CASE(mapper_destroyed_with_live_grant)
{
    fixture_granted(0);
    mfn_t m = p2m_lookup(A, gfn(20));
    unsigned r0 = frame_refcount(m);
    REQUIRE(map(B, A->id, 3, VA, 0, 0, NULL) == 0);
    REQUIRE(map(B, A->id, 3, VA + HAL_PAGE_SIZE, 0, GNTMAP_readonly, NULL) == 0);
    CHECK_EQ(domain_destroy(B), 0);
    B = NULL;
    CHECK_EQ(grant_maps_of(A), 0);
    CHECK_EQ(frame_refcount(m), r0);
    CHECK_EQ(entry_flags(A, 3), GTF_permit_access);
    CHECK_EQ(frame_owner(m), A->id);
}

static int copy(struct domain *d, struct gnttab_copy *op)
{
    op->status = 1;
    REQUIRE(gnt(d, GNTTABOP_copy, op, sizeof(*op), 1) == 0);
    return op->status;
}

TEST_CASE(copy_across_domains)
{
    fixture_granted(0);
    grant(A, 4, B->id, 21, GTF_permit_access);
    grant(A, 5, B->id, 22, GTF_permit_access | GTF_readonly);
    grant(A, 6, 999, 23, GTF_permit_access);
    uint8_t data[50];
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i + 3);
    REQUIRE(gfn_copy_to(B, gfn(5), 10, data, sizeof(data)) == 0);
    /* B's own gfn 5 -> A's granted gfn 21. */
    struct gnttab_copy op = {
        .source = {.u = 5, .domid = DOMID_SELF, .offset = 10},
        .dest = {.u = 4, .domid = A->id, .offset = 100},
        .len = sizeof(data),
        .flags = GNTCOPY_dest_gref,
    };
    CHECK_EQ(copy(B, &op), 0);
    uint8_t back[50];
    CHECK_EQ(gfn_copy_from(A, back, gfn(21), 100, sizeof(back)), 0);
    CHECK(memcmp(back, data, sizeof(data)) == 0);
    /* A's read-only grant -> B's gfn 6. */
    REQUIRE(gfn_copy_to(A, gfn(22), 0, "readonly", 9) == 0);
    struct gnttab_copy op2 = {
        .source = {.u = 5, .domid = A->id, .offset = 0},
        .dest = {.u = 6, .domid = DOMID_SELF, .offset = 4000},
        .len = 9,
        .flags = GNTCOPY_source_gref,
    };
    CHECK_EQ(copy(B, &op2), 0);
    char s[9];
    CHECK_EQ(gfn_copy_from(B, s, gfn(6), 4000, 9), 0);
    CHECK_STR(s, "readonly");

    struct gnttab_copy bad = op;
    bad.dest.u = 5; /* read-only grant as destination */
    CHECK_EQ(copy(B, &bad), -HESTIA_EACCES);
    bad = op;
    bad.dest.offset = 4090; /* runs off the page */
    CHECK_EQ(copy(B, &bad), -HESTIA_EINVAL);
    bad = op;
    bad.source.offset = 4080;
    CHECK_EQ(copy(B, &bad), -HESTIA_EINVAL);
    bad = op;
    bad.flags = 0; /* A's gfn without a grant */
    CHECK_EQ(copy(B, &bad), -HESTIA_EPERM);
    bad = op;
    bad.dest.u = 6; /* not granted to B */
    CHECK_EQ(copy(B, &bad), -HESTIA_EPERM);
    bad = op;
    bad.dest.u = 4096; /* beyond the table */
    CHECK_EQ(copy(B, &bad), -HESTIA_EINVAL);
    bad = op;
    bad.source.u = p2m_gfn_limit(B);
    CHECK_EQ(copy(B, &bad), -HESTIA_EINVAL);
    bad = op;
    bad.dest.domid = 1000;
    CHECK_EQ(copy(B, &bad), -HESTIA_ESRCH);
    bad = op;
    bad.flags = 0x80;
    CHECK_EQ(copy(B, &bad), -HESTIA_EINVAL);
    /* Nothing was referenced for good. */
    CHECK_EQ(frame_refcount(p2m_lookup(A, gfn(21))), 0);
}

TEST_CASE(batches)
{
    fixture_granted(0);
    grant(A, 4, B->id, 21, GTF_permit_access | GTF_readonly);
    struct gnttab_map_grant_ref ops[3] = {
        {.host_va = VA, .ref = 3, .dom = A->id, .status = 1},
        {.host_va = VA + HAL_PAGE_SIZE, .ref = 4, .dom = A->id, .status = 1}, /* ro grant */
        {.host_va = VA + 2 * HAL_PAGE_SIZE,
         .ref = 4,
         .dom = A->id,
         .flags = GNTMAP_readonly,
         .status = 1},
    };
    CHECK_EQ(gnt(B, GNTTABOP_map_grant_ref, ops, sizeof(ops[0]), 3), 0);
    CHECK_EQ(ops[0].status, 0);
    CHECK_EQ(ops[1].status, -HESTIA_EACCES);
    CHECK_EQ(ops[2].status, 0);
    CHECK(ops[0].handle != ops[2].handle);
    CHECK_EQ(grant_maps_held(B), 2);
    struct vcpu *v = h_vcpu(B);
    CHECK_EQ(h_call(v, HYPERCALL_grant_table_op, GNTTABOP_map_grant_ref, buf_of(B),
                    GNTTAB_MAX_BATCH + 1, 0, 0),
             -HESTIA_E2BIG);
    CHECK_EQ(
        h_call(v, HYPERCALL_grant_table_op, GNTTABOP_map_grant_ref, H_VA_UNMAPPED, 1, 0, 0),
        -HESTIA_EFAULT);
    CHECK_EQ(h_call(v, HYPERCALL_grant_table_op, GNTTABOP_copy, H_VA_HYP, 1, 0, 0),
             -HESTIA_EFAULT);
    CHECK_EQ(h_call(v, HYPERCALL_grant_table_op, 9, buf_of(B), 1, 0, 0), -HESTIA_ENOSYS);
    CHECK_EQ(h_call(v, HYPERCALL_grant_table_op, GNTTABOP_unmap_grant_ref, H_VA_UNMAPPED, 0,
                    0, 0),
             0);
    /* A read-only result buffer: the op runs, its status cannot be written. */
    struct gnttab_query_size q;
    uint64_t ro = h_buf_perms(B, sizeof(q), MMU_PERM_READ);
    CHECK_EQ(h_call(v, HYPERCALL_grant_table_op, GNTTABOP_query_size, ro, 1, 0, 0),
             -HESTIA_EFAULT);
    struct gnttab_unmap_grant_ref un[2] = {
        {.host_va = VA, .handle = ops[0].handle, .status = 1},
        {.host_va = VA + 2 * HAL_PAGE_SIZE, .handle = ops[2].handle, .status = 1},
    };
    CHECK_EQ(gnt(B, GNTTABOP_unmap_grant_ref, un, sizeof(un[0]), 2), 0);
    CHECK_EQ(un[0].status, 0);
    CHECK_EQ(un[1].status, 0);
    CHECK_EQ(grant_maps_held(B), 0);
}

TEST_CASE(handle_exhaustion)
{
    fixture_granted(GTF_readonly);
    static struct gnttab_map_grant_ref ops[GNTTAB_MAX_BATCH];
    grant_handle_t first = 0;
    for (unsigned b = 0; b < GRANT_MAX_HANDLES / GNTTAB_MAX_BATCH; b++) {
        for (unsigned i = 0; i < GNTTAB_MAX_BATCH; i++) {
            unsigned n = b * GNTTAB_MAX_BATCH + i;
            ops[i] = (struct gnttab_map_grant_ref){.host_va = VA + n * HAL_PAGE_SIZE,
                                                   .flags = GNTMAP_readonly,
                                                   .ref = 3,
                                                   .dom = A->id,
                                                   .status = 1};
        }
        REQUIRE(gnt(B, GNTTABOP_map_grant_ref, ops, sizeof(ops[0]), GNTTAB_MAX_BATCH) == 0);
        for (unsigned i = 0; i < GNTTAB_MAX_BATCH; i++)
            CHECK_EQ(ops[i].status, 0);
        if (b == 0)
            first = ops[0].handle;
    }
    CHECK_EQ(grant_maps_held(B), GRANT_MAX_HANDLES);
    uint64_t extra = VA + GRANT_MAX_HANDLES * HAL_PAGE_SIZE;
    CHECK_EQ(map(B, A->id, 3, extra, 0, GNTMAP_readonly, NULL), -HESTIA_ENOSPC);
    CHECK(!mapped(B, 0, extra, NULL, NULL));
    CHECK_EQ(frame_refcount(p2m_lookup(A, gfn(20))), GRANT_MAX_HANDLES);
    CHECK_EQ(unmap(B, VA, 0, first), 0);
    CHECK_EQ(map(B, A->id, 3, extra, 0, GNTMAP_readonly, NULL), 0);
    /* Destroying the mapper drops all of them. */
    CHECK_EQ(domain_destroy(B), 0);
    B = NULL;
    CHECK_EQ(frame_refcount(p2m_lookup(A, gfn(20))), 0);
    CHECK_EQ(entry_flags(A, 3), GTF_permit_access | GTF_readonly);
}

TEST_CASE(user_space_grant_dropped_with_space)
{
    fixture_granted(0);
    struct mmu_op op = {.cmd = MMUOP_as_create};
    uint64_t ova = h_put(B, &op, sizeof(op));
    REQUIRE(h_call(h_vcpu(B), HYPERCALL_mmu_op, ova, 1, 0, 0, 0) == 0);
    h_read(B, &op, ova, sizeof(op));
    uint64_t as = op.as;
    REQUIRE(as != 0);
    grant_handle_t h;
    CHECK_EQ(map(B, A->id, 3, UVA, as, 0, &h), 0);
    unsigned perms;
    CHECK(mapped(B, as, UVA, NULL, &perms));
    CHECK_EQ(perms, MMU_PERM_USER | RW);
    CHECK_EQ(unmap(B, UVA, 0, h), -HESTIA_EINVAL); /* wrong space */
    op = (struct mmu_op){.cmd = MMUOP_as_destroy, .as = as};
    h_write(B, ova, &op, sizeof(op));
    CHECK_EQ(h_call(h_vcpu(B), HYPERCALL_mmu_op, ova, 1, 0, 0, 0), 0);
    CHECK_EQ(grant_maps_held(B), 0);
    CHECK_EQ(grant_maps_of(A), 0);
    CHECK_EQ(entry_flags(A, 3), GTF_permit_access);
    CHECK_EQ(frame_refcount(p2m_lookup(A, gfn(20))), 0);
    CHECK_EQ(unmap(B, UVA, as, h), -HESTIA_ENOENT);
}

TEST_CASE(setup_table_busy_while_mapped)
{
    fixture_granted(0);
    grant_handle_t h;
    REQUIRE(map(B, A->id, 3, VA, 0, 0, &h) == 0);
    uint64_t t = 11;
    CHECK_EQ(setup_table(A, &t, 1), -HESTIA_EBUSY);
    CHECK_EQ(unmap(B, VA, 0, h), 0);
    CHECK_EQ(setup_table(A, &t, 1), 0);
}
