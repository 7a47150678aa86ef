/* SPDX-License-Identifier: MIT */
/*
 * Guest memory: a frame allocator over the free part of pseudo-physical
 * memory, and the PV MMU wrapper (batched mmu_op).
 */
#include <port/kernel.h>

#define MM_MAX_FRAMES (1u << 18) /* 1 GiB of guest memory */

uint64_t virt_base;
static uint32_t *used_map; /* a bit per frame, in the first free frames (mm_init) */
static uint64_t nr_frames;
static unsigned long nr_free;
static uint64_t search_hint;
static uintptr_t kva_next;
/* The allocator and kva_next: any vCPU, handlers included, may allocate. */
static spinlock_t mm_lock = SPINLOCK_INIT;

static bool frame_used(uint64_t g)
{
    return used_map[g / 32] & (1u << (g % 32));
}
static void mark(uint64_t g, bool used)
{
    if (used)
        used_map[g / 32] |= 1u << (g % 32);
    else
        used_map[g / 32] &= ~(1u << (g % 32));
}

static void reserve_range(uint64_t first, uint64_t count)
{
    for (uint64_t g = first; g < first + count && g < nr_frames; g++) {
        if (!frame_used(g)) {
            mark(g, true);
            nr_free--;
        }
    }
}

/* Does [g, g + n) hold the start-info page or a boot module? Then where they end. */
static uint64_t clash_end(uint64_t g, uint64_t n)
{
    const struct hestia_start_info *si = start_info;
    uintptr_t si_va = (uintptr_t)si;
    if (si_va >= virt_base && si_va < virt_base + nr_frames * HESTIA_PAGE_SIZE) {
        uint64_t sg = va_to_gfn(si);
        if (sg >= g && sg < g + n)
            return sg + 1;
    }
    for (unsigned i = 0; i < si->nr_modules && i < START_MAX_MODULES; i++) {
        uint64_t mg = si->modules[i].gfn;
        uint64_t mn = ALIGN_UP(si->modules[i].size, HESTIA_PAGE_SIZE) >> HESTIA_PAGE_SHIFT;
        if (mn && mg < g + n && g < mg + mn)
            return mg + mn;
    }
    return 0;
}

void mm_init(void)
{
    const struct hestia_start_info *si = start_info;
    nr_frames = si->nr_pages < MM_MAX_FRAMES ? si->nr_pages : MM_MAX_FRAMES;
    nr_free = (unsigned long)nr_frames;
    /*
     * Never trust first_free_gfn alone: also keep everything up to the end
     * of the image, the start-info page and the boot modules.
     */
    uint64_t first = si->first_free_gfn;
    uint64_t img_end =
        ALIGN_UP((uint64_t)(uintptr_t)__image_end - virt_base, HESTIA_PAGE_SIZE) >>
        HESTIA_PAGE_SHIFT;
    first = MAX(first, img_end);
    /*
     * The bitmap sized to this guest's memory, in the first free frames
     * clear of start info and modules: a static one for the largest guest
     * (1 GiB) was 32 KiB of every image's bss, 8 of a 64-page domU's pages.
     */
    uint64_t map_frames =
        ALIGN_UP((nr_frames + 31) / 32 * 4, HESTIA_PAGE_SIZE) >> HESTIA_PAGE_SHIFT;
    uint64_t map_gfn = first;
    for (uint64_t e; (e = clash_end(map_gfn, map_frames)) != 0;)
        map_gfn = e;
    if (map_gfn + map_frames > nr_frames)
        panic("no %llu free frames for the frame bitmap", (unsigned long long)map_frames);
    used_map = gfn_to_va(map_gfn);
    for (uint64_t i = 0; i < map_frames * (HESTIA_PAGE_SIZE / 4); i++)
        used_map[i] = 0;
    reserve_range(map_gfn, map_frames);
    reserve_range(0, first);
    uintptr_t si_va = (uintptr_t)si;
    if (si_va >= virt_base && si_va < virt_base + nr_frames * HESTIA_PAGE_SIZE)
        reserve_range(va_to_gfn(si), 1);
    for (unsigned i = 0; i < si->nr_modules && i < START_MAX_MODULES; i++)
        reserve_range(si->modules[i].gfn,
                      ALIGN_UP(si->modules[i].size, HESTIA_PAGE_SIZE) >> HESTIA_PAGE_SHIFT);
    search_hint = first;
    /*
     * Mappings go 1 GiB above the end of the direct window, or right after
     * it when the kernel window is too small for that gap (x86: it ends at
     * 3 GiB, where the shared-info page sits).
     */
    uint64_t direct_end = virt_base + ALIGN_UP(nr_frames * HESTIA_PAGE_SIZE, 1ull << 30);
    kva_next = (uintptr_t)(direct_end + (1ull << 30));
    if (direct_end + (1ull << 30) >= si->shared_info_va)
        kva_next = (uintptr_t)direct_end;
}

static void zero_frame(uint64_t g)
{
    uint64_t *p = gfn_to_va(g);
    for (unsigned i = 0; i < HESTIA_PAGE_SIZE / 8; i++)
        p[i] = 0;
}

/* Take frames [first, first + n) (free) and zero them; lock held, dropped here. */
static long take_run(uint64_t first, unsigned n, unsigned long flags)
{
    for (uint64_t i = first; i < first + n; i++)
        mark(i, true);
    nr_free -= n;
    search_hint = first + n;
    spin_unlock_irqrestore(&mm_lock, flags);
    for (uint64_t i = first; i < first + n; i++)
        zero_frame(i);
    return (long)first;
}

long frames_alloc(unsigned n)
{
    if (!n)
        return -HESTIA_EINVAL;
    unsigned long flags = spin_lock_irqsave(&mm_lock);
    for (int pass = 0; pass < 2; pass++) {
        uint64_t start = pass ? 0 : search_hint;
        uint64_t run = 0;
        for (uint64_t g = start; g < nr_frames; g++) {
            run = frame_used(g) ? 0 : run + 1;
            if (run == n)
                return take_run(g + 1 - n, n, flags);
        }
    }
    spin_unlock_irqrestore(&mm_lock, flags);
    return -HESTIA_ENOMEM;
}

long frames_alloc_aligned(unsigned n, unsigned align)
{
    if (!n || !align)
        return -HESTIA_EINVAL;
    unsigned long flags = spin_lock_irqsave(&mm_lock);
    for (uint64_t first = 0; first + n <= nr_frames; first += align) {
        uint64_t i = 0;
        while (i < n && !frame_used(first + i))
            i++;
        if (i == n)
            return take_run(first, n, flags);
    }
    spin_unlock_irqrestore(&mm_lock, flags);
    return -HESTIA_ENOMEM;
}

long frame_alloc(void)
{
    return frames_alloc(1);
}

void frames_free(uint64_t gfn, unsigned n)
{
    unsigned long flags = spin_lock_irqsave(&mm_lock);
    for (uint64_t g = gfn; g < gfn + n; g++) {
        if (g >= nr_frames || !frame_used(g))
            panic("frame_free: gfn %llu not allocated", (unsigned long long)g);
        mark(g, false);
        nr_free++;
    }
    if (gfn < search_hint)
        search_hint = gfn;
    spin_unlock_irqrestore(&mm_lock, flags);
}

unsigned long frames_available(void)
{
    return nr_free;
}

uintptr_t kva_alloc(unsigned pages)
{
    unsigned long flags = spin_lock_irqsave(&mm_lock);
    uintptr_t va = kva_next;
    /* Leave an unmapped guard page after each allocation. */
    kva_next += ((uintptr_t)pages + 1) * HESTIA_PAGE_SIZE;
    spin_unlock_irqrestore(&mm_lock, flags);
    return va;
}

void mmu_add(struct mmu_batch *b, unsigned cmd, uint64_t as, uint64_t va, uint64_t gfn,
             unsigned perms)
{
    if (b->n == ARRAY_SIZE(b->ops))
        mmu_flush(b, NULL);
    struct mmu_op *op = &b->ops[b->n++];
    op->cmd = cmd;
    op->perms = perms;
    op->as = as;
    op->va = va;
    op->gfn = gfn;
}

long mmu_flush(struct mmu_batch *b, uint64_t *done)
{
    uint64_t d = 0;
    long r = b->n ? hc_mmu(b->ops, b->n, &d) : 0;
    if (done)
        *done = d;
    b->n = 0;
    return r;
}

/*
 * One op in the hypercall's arguments (HYPERCALL_mmu_one: nothing for the
 * hypervisor to copy in), or in memory when a 32-bit guest's gfn or
 * handle does not fit an argument.
 */
static long mmu_one(unsigned cmd, uint64_t as, uintptr_t va, uint64_t gfn, unsigned perms)
{
    if ((unsigned long)gfn == gfn && (unsigned long)as == as)
        return hc_mmu_one(as, va, gfn, perms, cmd);
    struct mmu_op op = {cmd, perms, as, va, gfn};
    return hc_mmu(&op, 1, NULL);
}

long mmu_map(uint64_t as, uintptr_t va, uint64_t gfn, unsigned perms)
{
    return mmu_one(MMUOP_map, as, va, gfn, perms);
}

long mmu_unmap(uint64_t as, uintptr_t va)
{
    return mmu_one(MMUOP_unmap, as, va, 0, 0);
}

long mmu_protect(uint64_t as, uintptr_t va, unsigned perms)
{
    return mmu_one(MMUOP_protect, as, va, 0, perms);
}

/* The register form returns the new handle. */
long mmu_as_create(uint64_t *as)
{
    long r = hc_mmu_one(0, 0, 0, 0, MMUOP_as_create);
    *as = r > 0 ? (uint64_t)r : 0;
    return r > 0 ? 0 : r;
}

long mmu_as_switch(uint64_t as)
{
    return mmu_one(MMUOP_as_switch, as, 0, 0, 0);
}
long mmu_as_destroy(uint64_t as)
{
    return mmu_one(MMUOP_as_destroy, as, 0, 0, 0);
}
