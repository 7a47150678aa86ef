/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor heap: power-of-two size classes carved from single
 * frames (slabs), and whole contiguous frames for anything larger.
 *
 * A slab page starts with a small header (its class, its free list, links
 * in its class's list of pages with room) so that freeing is O(1): the
 * page of an object is its address rounded down.  Large blocks are page
 * aligned and their length sits in the frame table (FRAME_TAG_LARGE), so a
 * page-aligned pointer is always a large block and never a slab object.
 * An empty slab page goes back to the frame allocator at once, so a
 * domain's memory returns in full when it is destroyed.
 */
#include <core/lib.h>
#include <core/mm.h>
#include <hal/mmu.h>

#include "mm_internal.h"

#define HEAP_MIN_SHIFT 4  /* 16 bytes */
#define HEAP_MAX_SHIFT 10 /* 1024 bytes: larger requests take whole frames */
#define HEAP_CLASSES (HEAP_MAX_SHIFT - HEAP_MIN_SHIFT + 1)

struct slab_free {
    struct slab_free *next;
};

struct slab {
    struct slab_free *free; /* free objects of this page */
    struct slab *next;      /* in the class's list of pages with room */
    struct slab *prev;
    uint32_t inuse;
    uint32_t cls;
    bool listed;
};

#define SLAB_HDR ALIGN_UP(sizeof(struct slab), (size_t)16)

/*
 * Objects of a class are aligned to their size up to HEAP_SLAB_ALIGN: the
 * first one starts at SLAB_HDR rounded up to that (it costs no object in
 * any class).  Larger alignments take whole (page-aligned) frames.
 */
#define HEAP_SLAB_ALIGN 64

static struct {
    spinlock_t lock;
    struct slab *partial[HEAP_CLASSES]; /* pages with at least one free object */
    size_t bytes;                       /* in use, size classes rounded up (memstat) */
} heap;

static size_t class_size(unsigned cls)
{
    return (size_t)1 << (cls + HEAP_MIN_SHIFT);
}

static size_t class_align(unsigned cls)
{
    size_t sz = class_size(cls);
    return sz < HEAP_SLAB_ALIGN ? sz : HEAP_SLAB_ALIGN;
}

/* Offset of a class's first object in its slab page. */
static size_t class_first(unsigned cls)
{
    return ALIGN_UP((size_t)SLAB_HDR, class_align(cls));
}

static unsigned class_objects(unsigned cls)
{
    return (unsigned)((HAL_PAGE_SIZE - class_first(cls)) / class_size(cls));
}

static void list_add(struct slab *s)
{
    s->prev = NULL;
    s->next = heap.partial[s->cls];
    if (s->next)
        s->next->prev = s;
    heap.partial[s->cls] = s;
    s->listed = true;
}

static void list_del(struct slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        heap.partial[s->cls] = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
    s->listed = false;
}

/* A new slab page for cls, all objects free; NULL when out of frames. */
static struct slab *slab_new(unsigned cls)
{
    mfn_t mfn = frame_alloc();
    if (mfn_eq(mfn, MFN_INVALID))
        return NULL;
    frame_set_tag(mfn, FRAME_TAG_SLAB, cls);
    uint8_t *page = hal_frame_to_virt(mfn);
    struct slab *s = (struct slab *)page;
    s->cls = cls;
    s->inuse = 0;
    s->free = NULL;
    size_t sz = class_size(cls);
    /* Thread the free list in address order (last object pushed first). */
    for (unsigned i = class_objects(cls); i-- > 0;) {
        struct slab_free *o = (struct slab_free *)(page + class_first(cls) + i * sz);
        o->next = s->free;
        s->free = o;
    }
    return s;
}

static void *large_alloc(size_t size)
{
    unsigned long n = (unsigned long)(ALIGN_UP(size, HAL_PAGE_SIZE) >> HAL_PAGE_SHIFT);
    if (n > UINT32_MAX)
        return NULL;
    mfn_t mfn = frame_alloc_contig(n);
    if (mfn_eq(mfn, MFN_INVALID))
        return NULL;
    frame_set_tag(mfn, FRAME_TAG_LARGE, (uint32_t)n);
    __atomic_fetch_add(&heap.bytes, n * HAL_PAGE_SIZE, __ATOMIC_RELAXED);
    return hal_frame_to_virt(mfn); /* zeroed by the allocator */
}

void *core_heap_alloc(size_t size)
{
    return core_heap_alloc_aligned(size, 1);
}

void *core_heap_alloc_aligned(size_t size, size_t align)
{
    if (align == 0 || (align & (align - 1)) || align > HAL_PAGE_SIZE)
        return NULL;
    if (size == 0)
        size = 1;
    if (align > HEAP_SLAB_ALIGN && size <= ((size_t)1 << HEAP_MAX_SHIFT))
        size = ((size_t)1 << HEAP_MAX_SHIFT) + 1; /* a whole frame: page aligned */
    if (size < align)
        size = align; /* a class at least align big is aligned to align */
    if (size > ((size_t)1 << HEAP_MAX_SHIFT)) {
        if (size > SIZE_MAX - HAL_PAGE_SIZE)
            return NULL;
        return large_alloc(size);
    }
    unsigned cls = 0;
    while (class_size(cls) < size)
        cls++;

    unsigned long flags = spin_lock_irqsave(&heap.lock);
    struct slab *s = heap.partial[cls];
    if (!s) {
        /* frame.c takes its own lock; the order is always heap then frames. */
        s = slab_new(cls);
        if (!s) {
            spin_unlock_irqrestore(&heap.lock, flags);
            return NULL;
        }
        list_add(s);
    }
    struct slab_free *o = s->free;
    s->free = o->next;
    s->inuse++;
    __atomic_fetch_add(&heap.bytes, class_size(cls), __ATOMIC_RELAXED);
    if (!s->free)
        list_del(s);
    spin_unlock_irqrestore(&heap.lock, flags);
    memset(o, 0, class_size(cls));
    return o;
}

void core_heap_free(void *p)
{
    if (!p)
        return;
    uintptr_t addr = (uintptr_t)p;
    uintptr_t page_addr = addr & ~((uintptr_t)HAL_PAGE_SIZE - 1);
    mfn_t mfn = hal_virt_to_frame((const void *)page_addr);
    uint32_t aux = 0;
    unsigned tag = frame_tag(mfn, &aux);

    if (addr == page_addr) {
        BUG_ON(tag != FRAME_TAG_LARGE);
        frame_set_tag(mfn, FRAME_TAG_NONE, 0);
        __atomic_fetch_sub(&heap.bytes, (size_t)aux * HAL_PAGE_SIZE, __ATOMIC_RELAXED);
        frame_free_contig(mfn, aux);
        return;
    }
    BUG_ON(tag != FRAME_TAG_SLAB);
    struct slab *s = (struct slab *)page_addr;
    BUG_ON(addr - page_addr < class_first(s->cls) ||
           (addr - page_addr - class_first(s->cls)) % class_size(s->cls) != 0);

    unsigned long flags = spin_lock_irqsave(&heap.lock);
    BUG_ON(s->inuse == 0);
    struct slab_free *o = p;
    o->next = s->free;
    s->free = o;
    s->inuse--;
    __atomic_fetch_sub(&heap.bytes, class_size(s->cls), __ATOMIC_RELAXED);
    bool release = false;
    if (s->inuse == 0) {
        if (s->listed)
            list_del(s);
        release = true;
    } else if (!s->listed) {
        list_add(s);
    }
    spin_unlock_irqrestore(&heap.lock, flags);
    if (release) {
        frame_set_tag(mfn, FRAME_TAG_NONE, 0);
        frame_free(mfn);
    }
}

/*
 * Forget every slab: mm_init() calls it when the frame allocator is
 * reinitialised (unit tests), since the pages the lists point to are gone.
 */
size_t heap_bytes_in_use(void)
{
    return __atomic_load_n(&heap.bytes, __ATOMIC_RELAXED);
}

void heap_reset(void)
{
    memset(&heap, 0, sizeof(heap));
}
