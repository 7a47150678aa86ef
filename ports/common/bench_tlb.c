/* SPDX-License-Identifier: MIT */
/*
 * The TLB refill benchmark (dom0 test=bench, run from bench.c): what one
 * TLB miss of a mapped page costs the guest.  One frame is mapped at
 * TLB_BENCH_PAGES consecutive kernel pages, more than any arch's TLB holds
 * for data (ppc e500v2's TLB0: 512 entries; ia64sim: 64 data TC entries;
 * x86 has hardware walkers and caches page-table entries), and the pages
 * are read in turn, so on the software-refilled arches every read misses.
 * The same number of reads of one page (always a hit) is subtracted:
 * `tlb-refill` is the refill alone, per miss.  The frame holds a mark
 * written through the first mapping, which every read must see.
 */
#include <port/toolstack.h>

#define TLB_BENCH_PAGES 1024u
#define TLB_BENCH_ROUNDS 4u
#define TLB_BENCH_MARK 0x7e57u

/* Reads the first word of pages pages, step apart from va; returns the words' AND. */
__attribute__((noinline)) static uint32_t touch(uintptr_t va, uintptr_t step,
                                                unsigned pages)
{
    uint32_t all = ~0u;
    for (unsigned r = 0; r < TLB_BENCH_ROUNDS; r++)
        for (unsigned i = 0; i < pages; i++)
            all &= *(volatile uint32_t *)(va + i * step);
    return all;
}

void bench_tlb_refill(void);
void bench_tlb_refill(void)
{
    long g = frame_alloc();
    uintptr_t va = kva_alloc(TLB_BENCH_PAGES);
    long err = g < 0 ? g : 0;
    unsigned mapped = 0;
    for (; err == 0 && mapped < TLB_BENCH_PAGES; mapped++)
        err = mmu_map(0, va + mapped * HESTIA_PAGE_SIZE, (uint64_t)g,
                      MMU_PERM_READ | MMU_PERM_WRITE);
    if (err) {
        test_report("bench.tlb", TR_FAIL, "mapping page %u: %ld", mapped, err);
    } else {
        *(volatile uint32_t *)va = TLB_BENCH_MARK;
        /* Warm: the tables' lines, the code. */
        touch(va, HESTIA_PAGE_SIZE, TLB_BENCH_PAGES);
        uint64_t t0 = time_now_ns();
        uint32_t many = touch(va, HESTIA_PAGE_SIZE, TLB_BENCH_PAGES);
        uint64_t t1 = time_now_ns();
        uint32_t one = touch(va, 0, TLB_BENCH_PAGES);
        uint64_t t2 = time_now_ns();
        uint64_t misses = (uint64_t)TLB_BENCH_PAGES * TLB_BENCH_ROUNDS;
        uint64_t spread = t1 - t0, same = t2 - t1;
        bench_report("tlb-refill", spread > same ? (spread - same) / misses : 0, "ns");
        bool seen = many == TLB_BENCH_MARK && one == TLB_BENCH_MARK;
        test_report("bench.tlb", seen ? TR_PASS : TR_FAIL,
                    "%u pages: read %x and %x, wrote %x", TLB_BENCH_PAGES, many, one,
                    TLB_BENCH_MARK);
    }
    for (unsigned i = 0; i < mapped; i++)
        mmu_unmap(0, va + i * HESTIA_PAGE_SIZE);
    if (g >= 0)
        frame_free((uint64_t)g);
}
