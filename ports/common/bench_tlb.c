/* SPDX-License-Identifier: MIT */
/*
 * The TLB refill benchmark (dom0 test=bench, run from bench.c): what one
 * TLB miss of a mapped page costs the guest.  One frame is mapped at many
 * kernel pages, more than the TLB can hold at once, and the pages are read
 * in turn, so on the software-refilled arches every read misses.  The same
 * number of reads of one page (always a hit) is subtracted: `tlb-refill` is
 * the refill alone, per miss.  The frame holds a mark written through the
 * first mapping, which every read must see.
 *
 * Every read must miss whatever else the loop touches, or the figure moves
 * with the guest's layout:
 *  - a fully associative TLB replaced in order (ia64sim: 64 data TC
 *    entries, FIFO; the default below): 1024 consecutive pages;
 *  - a set-associative one whose victim counter is shared by all sets
 *    (ppc e500v2's TLB0, port/arch_tlb.h): 1024 pages over all 128 sets
 *    missed only while nothing else did.  Each set gets 8 pages 128 misses
 *    apart, a multiple of the 4 ways, so they all land in one way; one miss
 *    of the loop's own code or stack (whose entry a bench page evicted)
 *    moves the counter, the next pages go to another way, the old way's
 *    page survives and the next round hits it (66, 76, 92 or 106 for one
 *    handler, by layout).  So there the pages all go into one set that the
 *    loop's code and stack pages are not in: nothing else misses, and with
 *    4 x ways pages in a set each is evicted long before it is read again
 *    even when a stray miss (a timer upcall) moves the counter.
 */
#include <port/toolstack.h>

#if __has_include(<port/arch_tlb.h>)
#include <port/arch_tlb.h>
#endif
#ifndef PORT_TLB_SETS
#define PORT_TLB_SETS 1u /* fully associative, or walked by hardware */
#define PORT_TLB_WAYS 64u
#endif

/* Reads per timed loop, and the pages they go round. */
#define TLB_BENCH_READS 4096u
#define TLB_BENCH_PAGES (PORT_TLB_SETS == 1 ? 1024u : 4u * PORT_TLB_WAYS)
#define TLB_BENCH_ROUNDS (TLB_BENCH_READS / TLB_BENCH_PAGES)
/* The pages are this far apart: one set (PORT_TLB_SETS pages of the same set index). */
#define TLB_BENCH_STRIDE ((uintptr_t)PORT_TLB_SETS * HESTIA_PAGE_SIZE)
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

static unsigned set_of(uintptr_t va)
{
    return (unsigned)((va / HESTIA_PAGE_SIZE) % PORT_TLB_SETS);
}

/*
 * The first page of the set the bench pages go into, at or after va: one
 * that no page of touch() or of the stack (sp, and its next page down, in
 * case touch's frame crosses) is in.  With one set there is no choice.
 */
static uintptr_t first_page(uintptr_t va, uintptr_t sp)
{
    uintptr_t code = (uintptr_t)touch;
    for (unsigned k = 0; k < PORT_TLB_SETS; k++) {
        uintptr_t p = va + (uintptr_t)k * HESTIA_PAGE_SIZE;
        unsigned s = set_of(p);
        if (PORT_TLB_SETS == 1 || (s != set_of(code) && s != set_of(code + 512) &&
                                   s != set_of(sp) && s != set_of(sp - HESTIA_PAGE_SIZE)))
            return p;
    }
    return va; /* not reached: at most four sets are taken */
}

void bench_tlb_refill(void);
void bench_tlb_refill(void)
{
    long g = frame_alloc();
    /* The pages sit TLB_BENCH_STRIDE apart after the first, which may be PORT_TLB_SETS-1
     * in. */
    unsigned span = (TLB_BENCH_PAGES - 1) * PORT_TLB_SETS + PORT_TLB_SETS;
    uintptr_t base = kva_alloc(span);
    volatile uint32_t here = 0;
    uintptr_t va = first_page(base, (uintptr_t)&here);
    long err = g < 0 ? g : 0;
    unsigned mapped = 0;
    for (; err == 0 && mapped < TLB_BENCH_PAGES; mapped++)
        err = mmu_map(0, va + mapped * TLB_BENCH_STRIDE, (uint64_t)g,
                      MMU_PERM_READ | MMU_PERM_WRITE);
    if (err) {
        test_report("bench.tlb", TR_FAIL, "mapping page %u: %ld", mapped, err);
    } else {
        *(volatile uint32_t *)va = TLB_BENCH_MARK;
        /* Warm: the tables' lines, the code. */
        touch(va, TLB_BENCH_STRIDE, TLB_BENCH_PAGES);
        uint64_t t0 = time_now_ns();
        uint32_t many = touch(va, TLB_BENCH_STRIDE, TLB_BENCH_PAGES);
        uint64_t t1 = time_now_ns();
        uint32_t one = touch(va, 0, TLB_BENCH_PAGES);
        uint64_t t2 = time_now_ns();
        uint64_t misses = (uint64_t)TLB_BENCH_PAGES * TLB_BENCH_ROUNDS;
        uint64_t spread = t1 - t0, same = t2 - t1;
        bench_report("tlb-refill", spread > same ? (spread - same) / misses : 0, "ns");
        bool seen = many == TLB_BENCH_MARK && one == TLB_BENCH_MARK;
        test_report("bench.tlb", seen ? TR_PASS : TR_FAIL,
                    "%u pages, %u apart: read %x and %x, wrote %x", TLB_BENCH_PAGES,
                    PORT_TLB_SETS, many, one, TLB_BENCH_MARK);
    }
    for (unsigned i = 0; i < mapped; i++)
        mmu_unmap(0, va + i * TLB_BENCH_STRIDE);
    if (g >= 0)
        frame_free((uint64_t)g);
}
