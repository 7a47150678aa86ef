/* SPDX-License-Identifier: MIT */
/*
 * core/domain_table.c (the domid table and allocator) and DOMCTL_memstat
 * (core/memstat.c): what the density scenario relies on.
 */
#include "harness.h"

#include <core/domain_table.h>
#include <core/memstat.h>

TEST_SUITE("density");

TEST_CASE(ids_lowest_free_and_reserved_until_released)
{
    CHECK_EQ(domtab_reserve(true), 0);
    CHECK_EQ(domtab_reserve(true), 1); /* 0 taken: the lowest free from 1 */
    CHECK_EQ(domtab_reserve(false), 2);
    CHECK_EQ(domtab_reserve(false), 3);
    domtab_release(2);
    CHECK_EQ(domtab_reserve(false), 2);
    /* Reserved ids are taken but not visible. */
    CHECK(domtab_find(2) == NULL);
    CHECK(domtab_next(0) == NULL);
    CHECK_EQ(domtab_count(), 0);
}

TEST_CASE(ids_run_out_at_max_and_come_back)
{
    CHECK_EQ(domtab_reserve(true), 0);
    for (int i = 1; i < HESTIA_MAX_DOMAINS; i++)
        CHECK_EQ(domtab_reserve(false), i);
    CHECK_EQ(domtab_reserve(false), -HESTIA_ENOSPC);
    CHECK_EQ(domtab_reserve(true), -HESTIA_ENOSPC);
    domtab_release(700);
    domtab_release(65);
    CHECK_EQ(domtab_reserve(false), 65);
    CHECK_EQ(domtab_reserve(false), 700);
    CHECK_EQ(domtab_reserve(false), -HESTIA_ENOSPC);
    domtab_release(0);
    CHECK_EQ(domtab_reserve(false), -HESTIA_ENOSPC); /* 0 only for dom0 */
    CHECK_EQ(domtab_reserve(true), 0);
}

TEST_CASE(lookup_and_next_skip_gaps_and_reserved)
{
    struct domain *d[5];
    for (int i = 0; i < 5; i++)
        d[i] = h_domain_raw(2, false); /* ids 1..5 */
    CHECK_EQ(d[4]->id, 5);
    CHECK_EQ(domain_destroy(d[1]), 0); /* id 2 */
    CHECK(domain_lookup(2) == NULL);
    CHECK(domain_lookup(3) == d[2]);
    CHECK(domain_next(2) == d[2]);
    int r = domtab_reserve(false); /* id 2 again, reserved only */
    CHECK_EQ(r, 2);
    CHECK(domain_next(2) == d[2]);
    CHECK(domain_next(6) == NULL);
    CHECK(domain_next(HESTIA_MAX_DOMAINS - 1) == NULL);
    CHECK_EQ(domain_count(), 4);
    domtab_release(2);
}

TEST_CASE(many_domains_then_all_memory_back)
{
    unsigned long before = mm_free_frames();
    size_t heap0 = heap_bytes_in_use();
    unsigned long hyp0 = mm_hyp_frames();
    static struct domain *d[200];
    unsigned n = 0;
    for (; n < ARRAY_SIZE(d); n++) {
        if (domain_create(4, 1, false, &d[n]) != 0)
            break;
    }
    CHECK(n >= 100);
    CHECK_EQ(domain_count(), n);
    CHECK(domain_lookup((hestia_domid_t)n) == d[n - 1]);
    CHECK(mm_hyp_frames() > hyp0);
    CHECK(heap_bytes_in_use() > heap0);
    for (unsigned i = 0; i < n; i++)
        CHECK_EQ(domain_destroy(d[i]), 0);
    CHECK_EQ(domain_count(), 0);
    CHECK_EQ(mm_free_frames(), before);
    CHECK_EQ(mm_hyp_frames(), hyp0);
    CHECK_EQ(heap_bytes_in_use(), heap0);
}

static long memstat_call(struct domain *d, struct hestia_domctl *op)
{
    uint64_t va = h_buf(d, sizeof(*op));
    h_domctl_init(op, DOMCTL_memstat, 0);
    return h_domctl(h_vcpu(d), va, op);
}

TEST_CASE(memstat_reports_what_mm_counts)
{
    struct domain *z = h_domain(64, true);
    struct hestia_domctl op;
    CHECK_EQ(memstat_call(z, &op), 0);
    CHECK_EQ(op.u.memstat.total_frames, mm_total_frames());
    CHECK_EQ(op.u.memstat.free_frames, mm_free_frames());
    CHECK_EQ(op.u.memstat.hyp_frames, mm_hyp_frames());
    CHECK_EQ(op.u.memstat.pt_frames, mm_pt_frames_total());
    CHECK(op.u.memstat.pt_frames > 0);
    CHECK_EQ(op.u.memstat.nr_domains, 1);
    CHECK(op.u.memstat.heap_bytes > 0);
    /* Only dom0 may ask. */
    struct domain *u = h_domain(64, false);
    CHECK_EQ(memstat_call(u, &op), -HESTIA_EPERM);
}
