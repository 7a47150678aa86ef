/* SPDX-License-Identifier: MIT */
/*
 * The machine frame allocator.
 *
 * Every frame of the RAM regions handed over at boot has a frame_info
 * (owner, reference count, heap tag) and a bit in a use bitmap.  Both
 * tables are carved from the start of the first region large enough for
 * them, so nothing is needed from the arch beyond the direct map.
 * Single frames are taken round robin from a hint; contiguous runs are
 * searched within one region because the direct map is only known to be
 * linear inside a region.
 *
 * Mapping references are taken and dropped without the frame lock (every
 * map and unmap takes or drops one): refs is changed by compare-and-swap
 * only, and REFS_DEAD in it says the frame is no domain's (free, the
 * hypervisor's, orphaned), so no reference can be taken.  What decides on
 * the count (freeing, orphaning) holds the lock and sets REFS_DEAD in the
 * same atomic step that reads the count (retire()), so no reference comes
 * in between; the one drop that needs the lock is an orphan's last
 * (put_last()).  The owner changes only under the lock.
 */
#include <core/domain.h>
#include <core/lib.h>
#include <core/mm.h>
#include <hal/mmu.h>

#include "mm_internal.h"

/*
 * Under AddressSanitizer (host unit tests) free frames are poisoned, so
 * any access through the direct map to a frame that is not allocated --
 * a use after free of guest memory or of a page table -- is reported.
 */
#if defined(__SANITIZE_ADDRESS__)
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#define POISON_FRAME(mfn) __asan_poison_memory_region(hal_frame_to_virt(mfn), HAL_PAGE_SIZE)
#define UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define POISON_FRAME(mfn) ((void)(mfn))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

struct frame_info {
    uint16_t owner; /* domid or FRAME_OWNER_*; written under mm.lock */
    uint16_t tag;   /* FRAME_TAG_* for hypervisor frames */
    uint32_t refs;  /* mapping references (REFS_COUNT) and REFS_DEAD: atomics only */
    uint32_t aux;   /* tag data (heap block length); a domain frame's gfn (p2m.c) */
};

/* refs: set while the frame is no domain's (free, hypervisor, orphan): no new reference. */
#define REFS_DEAD 0x80000000u
#define REFS_COUNT 0x7fffffffu /* the count; at this value a new reference is refused */

struct ram_region {
    uint64_t base;       /* first frame number */
    unsigned long nr;    /* frames */
    unsigned long first; /* index of base in the frame tables */
};

static struct {
    spinlock_t lock;
    unsigned nr_regions;
    unsigned biggest; /* the region frame_index() tries first (most frames are there) */
    struct ram_region regions[HAL_MAX_RAM_REGIONS];
    struct frame_info *info; /* one per managed frame */
    uint64_t *used;          /* bitmap, 1 = allocated */
    unsigned long total;
    unsigned long nfree;
    unsigned long hint; /* index where the next single search starts */
    unsigned long hyp;  /* allocated frames owned by FRAME_OWNER_HYP */
    unsigned long pt;   /* HAL structure (page-table) frames: core_frame_alloc */
    /*
     * frame_info_of()'s inline try, the biggest region: its first frame,
     * its size, and where frame 0's info would be if the region began
     * there (an address to add to, never read for a frame outside it).
     */
    uint64_t big_base;
    unsigned long big_nr;
    uintptr_t big_info0;
} mm;

/* frame_index() beyond the biggest region. */
static __attribute__((noinline)) long frame_index_slow(uint64_t mfn)
{
    for (unsigned i = 0; i < mm.nr_regions; i++) {
        const struct ram_region *r = &mm.regions[i];
        if (mfn >= r->base && mfn - r->base < r->nr)
            return (long)(r->first + (mfn - r->base));
    }
    return -1;
}

/*
 * Frame table index of mfn, or -1 if the allocator does not manage it.
 * Every frame reference and guest copy asks: the biggest region first,
 * inline and without a loop.
 */
static inline long frame_index(mfn_t frame)
{
    uint64_t mfn = mfn_val(frame);
    const struct ram_region *big = &mm.regions[mm.biggest];
    if (mfn - big->base < big->nr) /* unsigned: also false below big->base */
        return (long)(big->first + (mfn - big->base));
    return frame_index_slow(mfn);
}

/*
 * The frame's info, or NULL if the allocator does not manage it: the
 * biggest region without the index (a reference, its owner check and its
 * put each ask, ~4 instructions fewer than frame_index()'s each).
 */
static inline struct frame_info *frame_info_of(mfn_t frame)
{
    uint64_t m = mfn_val(frame);
    if (__builtin_expect(m - mm.big_base < mm.big_nr, 1)) {
        struct frame_info *fi =
            (struct frame_info *)(mm.big_info0 + (uintptr_t)m * sizeof(struct frame_info));
        if (!fi)
            __builtin_unreachable(); /* so the callers' NULL test is not on this path */
        return fi;
    }
    long idx = frame_index_slow(m);
    return idx < 0 ? NULL : &mm.info[idx];
}

static mfn_t index_to_mfn(unsigned long idx)
{
    for (unsigned i = 0; i < mm.nr_regions; i++) {
        const struct ram_region *r = &mm.regions[i];
        if (idx >= r->first && idx - r->first < r->nr)
            return mfn(r->base + (idx - r->first));
    }
    return MFN_INVALID;
}

static bool bit_test(unsigned long i)
{
    return (mm.used[i / 64] >> (i % 64)) & 1;
}

static void bit_set(unsigned long i)
{
    mm.used[i / 64] |= (uint64_t)1 << (i % 64);
}

static void bit_clear(unsigned long i)
{
    mm.used[i / 64] &= ~((uint64_t)1 << (i % 64));
}

/* First clear bit in [from, to), or to if none. Skips full words. */
static unsigned long find_clear(unsigned long from, unsigned long to)
{
    unsigned long i = from;
    while (i < to) {
        if (i % 64 == 0 && to - i >= 64 && mm.used[i / 64] == ~(uint64_t)0) {
            i += 64;
            continue;
        }
        if (!bit_test(i))
            return i;
        i++;
    }
    return to;
}

static void take(unsigned long idx, unsigned owner)
{
    BUG_ON(bit_test(idx));
    bit_set(idx);
    __atomic_store_n(&mm.info[idx].owner, (uint16_t)owner, __ATOMIC_RELAXED);
    if (owner == FRAME_OWNER_HYP)
        mm.hyp++;
    mm.info[idx].tag = FRAME_TAG_NONE;
    mm.info[idx].aux = 0;
    /* Gettable once the owner is visible (get_ref reads refs, then the owner). */
    __atomic_store_n(&mm.info[idx].refs, owner < FRAME_OWNER_ORPHAN ? 0 : REFS_DEAD,
                     __ATOMIC_RELEASE);
    mm.nfree--;
}

static void give_back(unsigned long idx)
{
    BUG_ON(!bit_test(idx));
    POISON_FRAME(index_to_mfn(idx));
    bit_clear(idx);
    if (mm.info[idx].owner == FRAME_OWNER_HYP)
        mm.hyp--;
    __atomic_store_n(&mm.info[idx].refs, REFS_DEAD, __ATOMIC_RELAXED);
    __atomic_store_n(&mm.info[idx].owner, FRAME_OWNER_FREE, __ATOMIC_RELAXED);
    mm.info[idx].tag = FRAME_TAG_NONE;
    mm.info[idx].aux = 0;
    mm.nfree++;
}

/*
 * The frame leaves its domain (mm.lock held): no reference can be taken
 * from now on.  Returns the references left, read in the same atomic
 * step (0: give it back; else it becomes an orphan, freed by the last
 * frame_put()).
 */
static uint32_t retire(unsigned long idx)
{
    return __atomic_fetch_or(&mm.info[idx].refs, REFS_DEAD, __ATOMIC_ACQ_REL) & REFS_COUNT;
}

/* A frame with references left becomes an orphan (mm.lock held, after retire()). */
static void orphan(unsigned long idx)
{
    if (mm.info[idx].owner == FRAME_OWNER_HYP)
        mm.hyp--;
    __atomic_store_n(&mm.info[idx].owner, FRAME_OWNER_ORPHAN, __ATOMIC_RELAXED);
}

void mm_init(const struct hal_boot_info *bi)
{
    memset(&mm, 0, sizeof(mm));
    heap_reset();
    /* Collect page-aligned, non-overlapping regions. */
    for (unsigned i = 0; i < bi->nr_ram && i < HAL_MAX_RAM_REGIONS; i++) {
        uint64_t start = ALIGN_UP(paddr_val(bi->ram[i].base), (uint64_t)HAL_PAGE_SIZE);
        uint64_t end =
            (paddr_val(bi->ram[i].base) + bi->ram[i].size) & ~((uint64_t)HAL_PAGE_SIZE - 1);
        if (bi->ram[i].size == 0 || end <= start)
            continue;
        uint64_t base = start >> HAL_PAGE_SHIFT;
        unsigned long nr = (unsigned long)((end - start) >> HAL_PAGE_SHIFT);
        /* p2m entries are 32 bits wide: frames beyond that are not used. */
        if (base >= P2M_EMPTY)
            continue;
        if (base + nr > P2M_EMPTY)
            nr = (unsigned long)(P2M_EMPTY - base);
        bool overlap = false;
        for (unsigned j = 0; j < mm.nr_regions; j++) {
            const struct ram_region *r = &mm.regions[j];
            if (base < r->base + r->nr && r->base < base + nr)
                overlap = true;
        }
        if (overlap)
            continue;
        mm.regions[mm.nr_regions].base = base;
        mm.regions[mm.nr_regions].nr = nr;
        mm.regions[mm.nr_regions].first = mm.total;
        if (nr > mm.regions[mm.biggest].nr)
            mm.biggest = mm.nr_regions;
        mm.nr_regions++;
        mm.total += nr;
    }
    if (mm.total == 0)
        return;
    for (unsigned i = 0; i < mm.nr_regions; i++)
        UNPOISON(hal_frame_to_virt(mfn(mm.regions[i].base)),
                 mm.regions[i].nr * HAL_PAGE_SIZE);

    /* The tables themselves: frame_info array, then the bitmap. */
    size_t info_bytes = ALIGN_UP(mm.total * sizeof(struct frame_info), (size_t)8);
    size_t map_bytes = ALIGN_UP(mm.total, 64ul) / 8;
    unsigned long meta =
        (unsigned long)(ALIGN_UP(info_bytes + map_bytes, HAL_PAGE_SIZE) >> HAL_PAGE_SHIFT);
    unsigned r;
    for (r = 0; r < mm.nr_regions; r++)
        if (mm.regions[r].nr > meta)
            break;
    if (r == mm.nr_regions) {
        memset(mm.regions, 0, sizeof(mm.regions)); /* frame_index's first try too */
        mm.nr_regions = 0;
        mm.total = 0;
        return;
    }
    uint8_t *base = hal_frame_to_virt(mfn(mm.regions[r].base));
    memset(base, 0, meta * HAL_PAGE_SIZE);
    mm.info = (struct frame_info *)base;
    const struct ram_region *big = &mm.regions[mm.biggest];
    mm.big_base = big->base;
    mm.big_nr = big->nr;
    mm.big_info0 = (uintptr_t)&mm.info[big->first] -
                   (uintptr_t)big->base * (uintptr_t)sizeof(struct frame_info);
    mm.used = (uint64_t *)(base + info_bytes);
    for (unsigned long i = 0; i < mm.total; i++) {
        mm.info[i].owner = FRAME_OWNER_FREE;
        mm.info[i].refs = REFS_DEAD;
    }
    mm.nfree = mm.total;
    for (unsigned long i = 0; i < meta; i++)
        take(mm.regions[r].first + i, FRAME_OWNER_HYP);
    mm.hint = 0;
    for (unsigned long i = 0; i < mm.total; i++)
        if (!bit_test(i))
            POISON_FRAME(index_to_mfn(i));
}

unsigned long mm_free_frames(void)
{
    return mm.nfree;
}

unsigned long mm_total_frames(void)
{
    return mm.total;
}

unsigned long mm_hyp_frames(void)
{
    return mm.hyp;
}

unsigned long mm_pt_frames_total(void)
{
    return mm.pt;
}

static void zero_frames(mfn_t mfn, unsigned long n)
{
    for (unsigned long i = 0; i < n; i++) {
        void *p = hal_frame_to_virt(mfn(mfn_val(mfn) + i));
        UNPOISON(p, HAL_PAGE_SIZE);
        memset(p, 0, HAL_PAGE_SIZE);
    }
}

mfn_t frame_alloc_owner(unsigned owner)
{
    unsigned long flags = spin_lock_irqsave(&mm.lock);
    if (mm.nfree == 0) {
        spin_unlock_irqrestore(&mm.lock, flags);
        return MFN_INVALID;
    }
    unsigned long idx = find_clear(mm.hint, mm.total);
    if (idx == mm.total)
        idx = find_clear(0, mm.hint);
    BUG_ON(idx >= mm.total);
    take(idx, owner);
    mm.hint = idx + 1 < mm.total ? idx + 1 : 0;
    spin_unlock_irqrestore(&mm.lock, flags);
    mfn_t mfn = index_to_mfn(idx);
    zero_frames(mfn, 1);
    return mfn;
}

mfn_t frame_alloc(void)
{
    return frame_alloc_owner(FRAME_OWNER_HYP);
}

mfn_t frame_alloc_contig(unsigned long n)
{
    if (n == 0)
        return MFN_INVALID;
    if (n == 1)
        return frame_alloc();
    unsigned long flags = spin_lock_irqsave(&mm.lock);
    mfn_t found = MFN_INVALID;
    for (unsigned r = 0; r < mm.nr_regions && mfn_eq(found, MFN_INVALID); r++) {
        const struct ram_region *reg = &mm.regions[r];
        unsigned long end = reg->first + reg->nr;
        unsigned long i = reg->first;
        while (i < end && end - i >= n) {
            i = find_clear(i, end);
            if (i >= end || end - i < n)
                break;
            unsigned long run = 1;
            while (run < n && !bit_test(i + run))
                run++;
            if (run == n) {
                for (unsigned long k = 0; k < n; k++)
                    take(i + k, FRAME_OWNER_HYP);
                found = mfn(reg->base + (i - reg->first));
                break;
            }
            i += run + 1;
        }
    }
    spin_unlock_irqrestore(&mm.lock, flags);
    if (!mfn_eq(found, MFN_INVALID))
        zero_frames(found, n);
    return found;
}

void frame_free(mfn_t mfn)
{
    frame_free_contig(mfn, 1);
}

void frame_free_contig(mfn_t mfn, unsigned long n)
{
    unsigned long flags = spin_lock_irqsave(&mm.lock);
    for (unsigned long k = 0; k < n; k++) {
        long idx = frame_index(mfn(mfn_val(mfn) + k));
        BUG_ON(idx < 0);
        BUG_ON(!bit_test((unsigned long)idx));
        if (retire((unsigned long)idx)) {
            /* Still mapped somewhere: the last frame_put() frees it. */
            orphan((unsigned long)idx);
            continue;
        }
        give_back((unsigned long)idx);
    }
    spin_unlock_irqrestore(&mm.lock, flags);
}

bool frame_release(mfn_t mfn)
{
    unsigned long flags = spin_lock_irqsave(&mm.lock);
    long idx = frame_index(mfn);
    BUG_ON(idx < 0 || !bit_test((unsigned long)idx));
    bool freed = false;
    if (retire((unsigned long)idx)) {
        orphan((unsigned long)idx);
    } else {
        give_back((unsigned long)idx);
        freed = true;
    }
    spin_unlock_irqrestore(&mm.lock, flags);
    return freed;
}

int frame_free_unref(mfn_t mfn)
{
    unsigned long flags = spin_lock_irqsave(&mm.lock);
    long idx = frame_index(mfn);
    BUG_ON(idx < 0 || !bit_test((unsigned long)idx));
    int rc = -HESTIA_EBUSY;
    /* Retired only if no reference is left (one taken meanwhile makes the swap fail). */
    uint32_t r = __atomic_load_n(&mm.info[idx].refs, __ATOMIC_RELAXED);
    while (!(r & REFS_COUNT)) {
        if (__atomic_compare_exchange_n(&mm.info[idx].refs, &r, r | REFS_DEAD, false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
            give_back((unsigned long)idx);
            rc = 0;
            break;
        }
    }
    spin_unlock_irqrestore(&mm.lock, flags);
    return rc;
}

bool frame_valid(mfn_t mfn)
{
    return frame_index(mfn) >= 0;
}

bool core_frame_is_ram(mfn_t mfn)
{
    return frame_valid(mfn);
}

unsigned frame_owner(mfn_t mfn)
{
    const struct frame_info *fi = frame_info_of(mfn);
    return fi ? fi->owner : FRAME_OWNER_FREE;
}

/*
 * want: the required owner, or FRAME_OWNER_FREE for "any domain".  No
 * lock: a compare-and-swap on refs, which fails if the frame left its
 * domain (REFS_DEAD) or another reference came or went meanwhile.
 */
static int get_ref(mfn_t mfn, unsigned want)
{
    struct frame_info *fi = frame_info_of(mfn);
    if (!fi)
        return -HESTIA_EINVAL;
    uint32_t r = __atomic_load_n(&fi->refs, __ATOMIC_ACQUIRE);
    do {
        if (r & REFS_DEAD)
            return -HESTIA_EINVAL; /* free, the hypervisor's or an orphan */
        if (want != FRAME_OWNER_FREE &&
            __atomic_load_n(&fi->owner, __ATOMIC_RELAXED) != want)
            return -HESTIA_EINVAL;
        if (r == REFS_COUNT)
            return -HESTIA_EBUSY;
    } while (!__atomic_compare_exchange_n(&fi->refs, &r, r + 1, true, __ATOMIC_ACQ_REL,
                                          __ATOMIC_ACQUIRE));
    /*
     * Between the owner's test and the swap the frame could have been
     * freed and given to another domain with the same count (0): the
     * owner, asked again, says so; the reference goes back.
     */
    if (want != FRAME_OWNER_FREE &&
        __atomic_load_n(&fi->owner, __ATOMIC_ACQUIRE) != (uint16_t)want) {
        frame_put(mfn);
        return -HESTIA_EINVAL;
    }
    return 0;
}

int frame_get(mfn_t mfn)
{
    return get_ref(mfn, FRAME_OWNER_FREE);
}

int frame_get_owned(mfn_t mfn, unsigned owner)
{
    if (owner >= FRAME_OWNER_ORPHAN)
        return -HESTIA_EINVAL;
    return get_ref(mfn, owner);
}

/* An orphan's last reference: freed with it, under the lock (retire() may be running). */
static __attribute__((noinline)) void put_last(unsigned long idx)
{
    unsigned long flags = spin_lock_irqsave(&mm.lock);
    uint32_t r = __atomic_sub_fetch(&mm.info[idx].refs, 1, __ATOMIC_ACQ_REL);
    if (r == REFS_DEAD && mm.info[idx].owner == FRAME_OWNER_ORPHAN)
        give_back(idx);
    spin_unlock_irqrestore(&mm.lock, flags);
}

void frame_put(mfn_t mfn)
{
    struct frame_info *fi = frame_info_of(mfn);
    BUG_ON(!fi);
    uint32_t r = __atomic_load_n(&fi->refs, __ATOMIC_RELAXED);
    do {
        BUG_ON(!(r & REFS_COUNT));
        if (r == (REFS_DEAD | 1)) {
            put_last((unsigned long)(fi - mm.info));
            return;
        }
    } while (!__atomic_compare_exchange_n(&fi->refs, &r, r - 1, true, __ATOMIC_RELEASE,
                                          __ATOMIC_RELAXED));
}

unsigned frame_refcount(mfn_t mfn)
{
    long idx = frame_index(mfn);
    return idx < 0 ? 0 : __atomic_load_n(&mm.info[idx].refs, __ATOMIC_RELAXED) & REFS_COUNT;
}

void frame_set_tag(mfn_t mfn, unsigned tag, uint32_t aux)
{
    long idx = frame_index(mfn);
    BUG_ON(idx < 0);
    mm.info[idx].tag = (uint16_t)tag;
    mm.info[idx].aux = aux;
}

unsigned frame_tag(mfn_t mfn, uint32_t *aux)
{
    long idx = frame_index(mfn);
    if (idx < 0)
        return FRAME_TAG_NONE;
    if (aux)
        *aux = mm.info[idx].aux;
    return mm.info[idx].tag;
}

unsigned long mm_pt_limit_for(uint64_t max_pages)
{
    /*
     * Enough for every user space to have its own small tree plus one
     * table level per 512 mapped pages with room to spare; anything more
     * is a guest trying to spend hypervisor memory on page tables.
     */
    return 64ul + (unsigned long)(max_pages / 4) + MMU_MAX_USER_AS * 4ul;
}

mfn_t core_frame_alloc(struct domain *d)
{
    struct mm_dom *m = d ? d->mm : NULL;
    if (m) {
        unsigned long flags = spin_lock_irqsave(&mm.lock);
        bool over = m->pt_frames >= m->pt_limit;
        if (!over)
            m->pt_frames++;
        spin_unlock_irqrestore(&mm.lock, flags);
        if (over)
            return MFN_INVALID;
    }
    mfn_t mfn = frame_alloc();
    unsigned long flags = spin_lock_irqsave(&mm.lock);
    if (mfn_eq(mfn, MFN_INVALID) && m)
        m->pt_frames--;
    else if (!mfn_eq(mfn, MFN_INVALID))
        mm.pt++; /* every HAL structure frame, a domain's or not (memstat) */
    spin_unlock_irqrestore(&mm.lock, flags);
    return mfn;
}

void core_frame_free(struct domain *d, mfn_t mfn)
{
    struct mm_dom *m = d ? d->mm : NULL;
    unsigned long flags = spin_lock_irqsave(&mm.lock);
    if (m && m->pt_frames > 0)
        m->pt_frames--;
    if (mm.pt > 0)
        mm.pt--;
    spin_unlock_irqrestore(&mm.lock, flags);
    frame_free(mfn);
}
