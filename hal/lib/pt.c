/* SPDX-License-Identifier: MIT */
/*
 * The page-table engine (hal/pt.h): the hal_as_* rules written once over
 * an arch's struct pt_format.  Every operation validates first and only
 * then edits, so an error leaves the tables exactly as they were; the one
 * exception is that map may leave behind empty intermediate tables it
 * created before failing to allocate a deeper one (they hold no mapping,
 * are counted in frames and freed with the space).
 *
 * This file is compiled in one of two ways (hal/lib/pt_hal.c includes it):
 * for a backend, PT_FMT(s) is the arch's one format as a constant whose
 * initializer and hooks are in the same translation unit, so the compiler
 * folds the geometry, inlines the PTE hooks and unrolls the walks: the
 * code is as direct as a hand-written walk for that format.  For the host
 * (unit tests run several formats in one program) PT_FMT(s) reads s->fmt.
 */
#include <hal/hal.h>
#include <hal/pt.h>
#include <hestia/errno.h>
#include <hestia/mmu.h>

#ifndef PT_FMT
#define PT_FMT(s) ((s)->fmt)
#endif

static inline unsigned level_shift(const struct pt_format *f, unsigned level)
{
    unsigned shift = HAL_PAGE_SHIFT;
    for (unsigned l = 0; l < level; l++)
        shift += f->index_bits[l];
    return shift;
}

static unsigned level_entries(const struct pt_format *f, unsigned level)
{
    if (level == f->levels - 1)
        return f->root_guest_entries;
    return 1u << f->index_bits[level];
}

/*
 * Per-level shift and index mask of a walk: constants of the format in a
 * backend build, else the values pt_init() precomputed in the space (the
 * host walks several formats with one copy of the code).
 */
#ifdef PT_FMT_CONSTANT
#define SHIFT(s, l) level_shift(PT_FMT(s), l)
#define INDEX_MASK(s, l) ((1u << PT_FMT(s)->index_bits[l]) - 1)
#define VA_SHIFT(s) level_shift(PT_FMT(s), PT_FMT(s)->levels)
#else
#define SHIFT(s, l) ((s)->shift[l])
#define INDEX_MASK(s, l) ((s)->index_mask[l])
#define VA_SHIFT(s) ((s)->va_shift)
#endif

/* Decoding is data, not hooks: it is on every step of every walk. */
static inline bool present(const struct pt_format *f, pte_t pte)
{
    return pte & f->present_bit;
}

static inline mfn_t frame(const struct pt_format *f, pte_t pte)
{
    return mfn((pte & f->frame_mask) >> HAL_PAGE_SHIFT);
}

/*
 * The table an entry names.  hal_frame_to_virt() is linear over the frames
 * core_frame_alloc() hands out on every backend (a direct map), so the
 * space keeps its offset, learnt from the first table frame, instead of
 * calling it on every step of every walk.
 */
static void learn_direct_map(struct pt_space *s, mfn_t m)
{
    s->direct_map =
        (uintptr_t)hal_frame_to_virt(m) - (uintptr_t)(mfn_val(m) << HAL_PAGE_SHIFT);
}

static pte_t *table_of(const struct pt_space *s, pte_t entry)
{
    return (pte_t *)(s->direct_map + (uintptr_t)(entry & PT_FMT(s)->frame_mask));
}

bool pt_perms_ok(unsigned perms)
{
    return !(perms & ~(unsigned)(MMU_PERM_ALL | HAL_MAP_UNCACHED)) &&
           (perms & (MMU_PERM_READ | MMU_PERM_WRITE | MMU_PERM_EXEC));
}

static bool va_ok(const struct pt_space *s, pt_va_t va)
{
    return !(va & (HAL_PAGE_SIZE - 1)) && pt_va_allowed(PT_FMT(s), s->kind, va);
}

int pt_init(struct pt_space *s, const struct pt_format *fmt, struct domain *d,
            enum hal_as_kind kind, pte_t *root)
{
    s->fmt = fmt;
    if (PT_FMT(s) != fmt)
        return -HESTIA_EINVAL; /* a backend's engine is compiled for its one format */
    s->dom = d;
    s->kind = kind;
    s->frames = 0;
    s->root_mfn = MFN_INVALID;
    s->loaded_cpus =
        1; /* conservative until the vCPU code reports loads: every CPU (one) */
    s->root = root;
    /* One level: the leaves are in the root, which no walk records. */
    s->tables_lo = fmt->levels > 1 ? ~(pt_va_t)0 : 0;
    s->tables_hi = fmt->levels > 1 ? 0 : ~(pt_va_t)0;
    /*
     * Only user spaces, made and destroyed per process, track their leaves:
     * the kernel and guest-physical spaces go with the domain, and their
     * maps (grant maps included) skip the two tests.
     */
    s->leaves_lo = kind == HAL_AS_PV_USER ? ~(pt_va_t)0 : 0;
    s->leaves_hi = kind == HAL_AS_PV_USER ? 0 : ~(pt_va_t)0;
    s->direct_copy = true;
    s->va_shift = level_shift(fmt, fmt->levels);
    for (unsigned l = 0; l < fmt->levels; l++) {
        s->shift[l] = (unsigned char)level_shift(fmt, l);
        s->index_mask[l] = (1u << fmt->index_bits[l]) - 1;
    }
    if (!root) {
        s->root_mfn = core_frame_alloc(d);
        if (mfn_eq(s->root_mfn, MFN_INVALID))
            return -HESTIA_ENOMEM;
        s->root = hal_frame_to_virt(s->root_mfn);
        learn_direct_map(s, s->root_mfn);
        s->frames = 1;
    }
    return 0;
}

void *pt_space_new(size_t size, const struct pt_format *fmt, struct domain *d,
                   enum hal_as_kind kind, size_t root_offset)
{
    if (!fmt->windows[kind][0].end)
        return NULL;
    char *as = core_heap_alloc(size);
    if (!as)
        return NULL;
    if (pt_init((struct pt_space *)(void *)as, fmt, d, kind,
                root_offset ? (pte_t *)(void *)(as + root_offset) : NULL)) {
        core_heap_free(as);
        return NULL;
    }
    return as;
}

/*
 * Take back a chain of tables a failed walk created: *e (at level l) is
 * the first entry it filled in, each table below holds only the next one.
 * The caches may have walked through them: flush va.
 */
static void undo_tables(struct pt_space *s, pte_t *e, unsigned l, pt_va_t va)
{
    const struct pt_format *f = PT_FMT(s);
    mfn_t chain[PT_MAX_LEVELS];
    unsigned n = 0;
    for (pte_t *cur = e; n < PT_MAX_LEVELS && present(f, *cur); l--) {
        chain[n++] = frame(f, *cur);
        if (l == 1)
            break;
        pte_t *below = table_of(s, *cur);
        unsigned shift = HAL_PAGE_SHIFT;
        for (unsigned k = 0; k < l - 1; k++)
            shift += f->index_bits[k];
        cur = &below[(va >> shift) & ((1u << f->index_bits[l - 1]) - 1)];
    }
    *e = 0;
    pt_flush(s, va);
    while (n) {
        core_frame_free(s->dom, chain[--n]);
        s->frames--;
    }
}

/*
 * The entry at `level` for va, creating missing tables above it if create
 * (else NULL when one is missing).  *err: -HESTIA_ENOMEM on allocation
 * failure, after taking back the tables this walk created (nothing
 * changes on error: no empty table stays charged to the domain).
 */
static pte_t *walk(struct pt_space *s, pt_va_t va, unsigned level, bool create, int *err)
{
    const struct pt_format *f = PT_FMT(s);
    pte_t *table = s->root;
    unsigned shift = s->va_shift;
    pte_t *created = NULL; /* the first entry this walk filled in, at created_level */
    unsigned created_level = 0;
    for (unsigned l = f->levels - 1; l > level; l--) {
        shift -= f->index_bits[l];
        pte_t *e = &table[(va >> shift) & ((1u << f->index_bits[l]) - 1)];
        if (!present(f, *e)) {
            if (!create)
                return NULL;
            mfn_t m = core_frame_alloc(s->dom);
            if (mfn_eq(m, MFN_INVALID)) {
                if (created)
                    undo_tables(s, created, created_level, va);
                *err = -HESTIA_ENOMEM;
                return NULL;
            }
            s->frames++;
            learn_direct_map(s, m);
            *e = f->table(s->kind, m);
            if (!created) {
                created = e;
                created_level = l;
            }
            if (f->table_added)
                f->table_added(s, l, va);
        }
        table = table_of(s, *e);
    }
    if (created) {
        /* The deepest table made covers the 2^shift bytes around va (pt_space). */
        pt_va_t first = shift < 64 ? va & ~(((pt_va_t)1 << shift) - 1) : 0;
        pt_va_t last = shift < 64 ? first + (((pt_va_t)1 << shift) - 1) : ~(pt_va_t)0;
        if (first < s->tables_lo)
            s->tables_lo = first;
        if (last > s->tables_hi)
            s->tables_hi = last;
    }
    shift -= f->index_bits[level];
    return &table[(va >> shift) & ((1u << f->index_bits[level]) - 1)];
}

/*
 * The leaf slot for va, or NULL if a table on the way is missing: walk()
 * without creating, kept small (lookup, unmap and protect are hot paths:
 * every guest copy looks its pages up).
 */
static inline __attribute__((always_inline)) pte_t *find(struct pt_space *s, pt_va_t va)
{
    const struct pt_format *f = PT_FMT(s);
    pte_t *table = s->root;
    /*
     * On a 32-bit hypervisor a 64-bit shift by a variable costs several
     * instructions; formats whose tables cover 32 bits (x86 PAE, ppc) walk
     * with 32-bit arithmetic.  The test is constant on a 64-bit build.
     */
    if (sizeof(uintptr_t) < sizeof(pt_va_t) && VA_SHIFT(s) <= 32) {
        uint32_t va32 = (uint32_t)va;
#pragma GCC unroll 4
        for (unsigned l = f->levels - 1; l > 0; l--) {
            pte_t e = table[(va32 >> SHIFT(s, l)) & INDEX_MASK(s, l)];
            if (!(e & f->present_bit))
                return NULL;
            table = (pte_t *)(s->direct_map + (uintptr_t)(e & f->frame_mask));
        }
    } else {
#pragma GCC unroll 4
        for (unsigned l = f->levels - 1; l > 0; l--) {
            pte_t e = table[(va >> SHIFT(s, l)) & INDEX_MASK(s, l)];
            if (!(e & f->present_bit))
                return NULL;
            table = (pte_t *)(s->direct_map + (uintptr_t)(e & f->frame_mask));
        }
    }
    return &table[(va >> HAL_PAGE_SHIFT) & INDEX_MASK(s, 0)];
}

/* The present leaf for va, or NULL. */
static inline __attribute__((always_inline)) pte_t *leaf_at(struct pt_space *s, pt_va_t va)
{
    pte_t *pte = find(s, va);
    return pte && present(PT_FMT(s), *pte) ? pte : NULL;
}

pte_t *pt_find_leaf(struct pt_space *s, pt_va_t va)
{
    return va_ok(s, va) ? leaf_at(s, va) : NULL;
}

int pt_prealloc(struct pt_space *s, pt_va_t va, unsigned level)
{
    int err = 0;
    if (level >= PT_FMT(s)->levels)
        return -HESTIA_EINVAL;
    return walk(s, va, level, true, &err) ? 0 : err;
}

struct remote_flush {
    struct pt_space *s;
    pt_va_t va;
};

static void flush_here(void *arg)
{
    const struct remote_flush *r = arg;
    PT_FMT(r->s)->flush_local(r->s, r->va);
}

/* The other CPUs of cpus (a 32-bit mask: a 64-bit ctz is a libgcc call on 32-bit CPUs). */
static __attribute__((noinline)) void flush_remote(struct pt_space *s, pt_va_t va,
                                                   uint32_t cpus)
{
    struct remote_flush r = {s, va};
    for (; cpus; cpus &= cpus - 1)
        core_cpu_call((unsigned)__builtin_ctz(cpus), flush_here, &r);
}

/*
 * Flush va (valid in s, or MMU_FLUSH_ALL) on every CPU that may cache s:
 * this one directly, the others through core_cpu_call() (an IPI; it
 * returns once they flushed, so an unmap or downgrade is complete
 * everywhere before the hypercall returns).  The others out of line: the
 * usual space is loaded on this CPU alone.
 */
static inline void flush_checked(struct pt_space *s, pt_va_t va)
{
    const struct pt_format *f = PT_FMT(s);
    if (f->flush_cpus) {
        f->flush_cpus(s, va);
        return;
    }
    if (!f->flush_local)
        return;
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* the entry's store before the mask's load */
    uint32_t cpus = __atomic_load_n(&s->loaded_cpus, __ATOMIC_SEQ_CST);
    if (!cpus)
        return;
    uint32_t self = 1u << hal_cpu_id();
    if (cpus & self)
        f->flush_local(s, va);
    if (cpus & ~self)
        flush_remote(s, va, cpus & ~self);
}

void pt_flush(struct pt_space *s, pt_va_t va)
{
    if (va != MMU_FLUSH_ALL && !va_ok(s, va & ~(pt_va_t)(HAL_PAGE_SIZE - 1)))
        va = MMU_FLUSH_ALL;
    flush_checked(s, va);
}

/* A new leaf: without a hardware dirty bit, a writable page starts dirty. */
static pte_t make_leaf(const struct pt_space *s, mfn_t mfn, unsigned perms,
                       pte_t keep_dirty)
{
    const struct pt_format *f = PT_FMT(s);
    pte_t pte = f->leaf(s->kind, mfn, perms) | keep_dirty;
    if (!f->hw_dirty && (perms & MMU_PERM_WRITE))
        pte |= f->dirty_bit;
    return pte;
}

/*
 * Widen the span of mapped leaves (pt_space.leaves_lo/hi) to take in va.
 * On a 32-bit hypervisor over a format whose VAs fit 32 bits (x86 PAE,
 * ppc) the tests compare the low words: a 64-bit compare costs several
 * instructions there, on every map (grant map + unmap +22 on ppc).
 */
static inline __attribute__((always_inline)) void note_leaf(struct pt_space *s, pt_va_t va)
{
    if (sizeof(uintptr_t) < sizeof(pt_va_t) && VA_SHIFT(s) <= 32) {
        if ((uint32_t)va < (uint32_t)s->leaves_lo)
            s->leaves_lo = va;
        if ((uint32_t)va > (uint32_t)s->leaves_hi)
            s->leaves_hi = va;
        return;
    }
    if (va < s->leaves_lo)
        s->leaves_lo = va;
    if (va > s->leaves_hi)
        s->leaves_hi = va;
}

/* The leaf for a valid va, perms and mfn at its free or taken slot pte. */
static inline __attribute__((always_inline)) int
map_leaf(struct pt_space *s, pte_t *pte, pt_va_t va, mfn_t mfn, unsigned perms)
{
    if (present(PT_FMT(s), *pte))
        return -HESTIA_EEXIST;
    *pte = make_leaf(s, mfn, perms, 0);
    if (s->kind == HAL_AS_PV_USER) /* the others keep the whole span (pt_init) */
        note_leaf(s, va);
    /* No TLB caches "not present"; x86 paging-structure caches might, hence the flag. */
    if (PT_FMT(s)->flush_on_map)
        flush_checked(s, va);
    return 0;
}

/*
 * A map that needs tables made first: out of line, so a map into tables
 * that exist (the usual one) makes no call and saves no register.
 */
static __attribute__((noinline)) int map_new_tables(struct pt_space *s, pt_va_t va,
                                                    mfn_t mfn, unsigned perms)
{
    int err = 0;
    pte_t *pte = walk(s, va, 0, true, &err);
    return pte ? map_leaf(s, pte, va, mfn, perms) : err;
}

static inline __attribute__((always_inline)) int engine_map(struct pt_space *s, pt_va_t va,
                                                            mfn_t mfn, unsigned perms)
{
    if (!va_ok(s, va) || !pt_perms_ok(perms) || mfn_val(mfn) >= PT_FMT(s)->max_mfn)
        return -HESTIA_EINVAL;
    pte_t *pte = find(s, va);
    if (!pte)
        return map_new_tables(s, va, mfn, perms);
    return map_leaf(s, pte, va, mfn, perms);
}

int pt_map(struct pt_space *s, pt_va_t va, mfn_t mfn, unsigned perms)
{
    return engine_map(s, va, mfn, perms);
}

/* allow: NULL, or asked about the frame before anything changes (hal_as_unmap_if). */
static inline __attribute__((always_inline)) int
engine_unmap(struct pt_space *s, pt_va_t va, mfn_t *old,
             bool (*allow)(void *ctx, mfn_t mfn), void *ctx)
{
    if (!va_ok(s, va))
        return -HESTIA_EINVAL;
    pte_t *pte = leaf_at(s, va);
    if (!pte)
        return -HESTIA_ENOENT;
    mfn_t m = frame(PT_FMT(s), *pte);
    if (allow && !allow(ctx, m))
        return -HESTIA_EPERM;
    if (old)
        *old = m;
    *pte = 0;
    flush_checked(s, va);
    return 0;
}

int pt_unmap(struct pt_space *s, pt_va_t va, mfn_t *old)
{
    return engine_unmap(s, va, old, NULL, NULL);
}

static inline __attribute__((always_inline)) int engine_protect(struct pt_space *s,
                                                                pt_va_t va, unsigned perms)
{
    if (!va_ok(s, va) || !pt_perms_ok(perms))
        return -HESTIA_EINVAL;
    pte_t *pte = leaf_at(s, va);
    if (!pte)
        return -HESTIA_ENOENT;
    /* Device memory stays uncached: the memory type is not the guest's to change. */
    perms |= PT_FMT(s)->perms(*pte) & HAL_MAP_UNCACHED;
    *pte = make_leaf(s, frame(PT_FMT(s), *pte), perms, *pte & PT_FMT(s)->dirty_bit);
    flush_checked(s, va);
    return 0;
}

int pt_protect(struct pt_space *s, pt_va_t va, unsigned perms)
{
    return engine_protect(s, va, perms);
}

static inline __attribute__((always_inline)) int
engine_lookup(struct pt_space *s, pt_va_t va, mfn_t *mfn, unsigned *perms)
{
    va &= ~(pt_va_t)(HAL_PAGE_SIZE - 1);
    if (!s || !va_ok(s, va))
        return -HESTIA_ENOENT;
    pte_t *pte = leaf_at(s, va);
    if (!pte)
        return -HESTIA_ENOENT;
    if (mfn)
        *mfn = frame(PT_FMT(s), *pte);
    if (perms)
        *perms = PT_FMT(s)->perms(*pte);
    return 0;
}

int pt_lookup(struct pt_space *s, pt_va_t va, mfn_t *mfn, unsigned *perms)
{
    return engine_lookup(s, va, mfn, perms);
}

/* What a visit does to one present leaf; returns non-zero to stop. */
typedef int (*leaf_visit_fn)(struct pt_space *s, pte_t *pte, pt_va_t va, void *arg);

/*
 * The entries of table (at level, covering VAs from base) that reach into
 * [start, last]: indexes [*first, return value).  Computed, not tested
 * entry by entry: most tables of a space are almost empty.
 */
static unsigned index_range(const struct pt_format *f, unsigned level, pt_va_t base,
                            pt_va_t start, pt_va_t last, unsigned *first)
{
    unsigned shift = level_shift(f, level), n = level_entries(f, level);
    pt_va_t lo = start > base ? (start - base) >> shift : 0;
    pt_va_t hi = (last - base) >> shift; /* last >= base: the caller's entry reached it */
    *first = lo < n ? (unsigned)lo : n;
    return hi < n ? (unsigned)hi + 1 : n;
}

/*
 * Visit the present leaves with start <= va <= last under table (at level,
 * covering VAs from base), in increasing va order.
 */
static int visit(struct pt_space *s, pte_t *table, unsigned level, pt_va_t base,
                 pt_va_t start, pt_va_t last, leaf_visit_fn fn, void *arg)
{
    const struct pt_format *f = PT_FMT(s);
    unsigned shift = level_shift(f, level), i,
             end = index_range(f, level, base, start, last, &i);
    for (; i < end; i++) {
        if (!present(f, table[i]))
            continue;
        pt_va_t va = base + ((pt_va_t)i << shift);
        int rc = level
                     ? visit(s, table_of(s, table[i]), level - 1, va, start, last, fn, arg)
                     : fn(s, &table[i], va, arg);
        if (rc)
            return rc;
    }
    return 0;
}

/* [start, end) met with the VAs the space's tables cover, as an inclusive range. */
static bool clip(const struct pt_space *s, pt_va_t base, pt_va_t *start, pt_va_t end,
                 pt_va_t *last)
{
    if (*start >= end || s->tables_lo > s->tables_hi)
        return false;
    *last = end - 1 < s->tables_hi ? end - 1 : s->tables_hi;
    if (*start < s->tables_lo)
        *start = s->tables_lo;
    if (*start < base)
        *start = base;
    return *start <= *last;
}

static int visit_range(struct pt_space *s, pt_va_t start, pt_va_t end, leaf_visit_fn fn,
                       void *arg)
{
    pt_va_t last;
    if (!s)
        return 0;
    pt_va_t base = PT_FMT(s)->va_base ? PT_FMT(s)->va_base(s->kind) : 0;
    if (!clip(s, base, &start, end, &last))
        return 0;
    return visit(s, s->root, PT_FMT(s)->levels - 1, base, start, last, fn, arg);
}

struct report {
    hal_mapping_fn fn;
    hal_unmap_fn dropped;
    void *ctx;
    long count;
    bool keep; /* destroy_below: leave the tables in place (pt_clear) */
};

static int list_one(struct pt_space *s, pte_t *pte, pt_va_t va, void *arg)
{
    struct report *r = arg;
    return r->fn(r->ctx, guest_va(va), frame(PT_FMT(s), *pte), PT_FMT(s)->perms(*pte));
}

int pt_list(struct pt_space *s, pt_va_t start, pt_va_t end, hal_mapping_fn fn, void *ctx)
{
    struct report r = {.fn = fn, .ctx = ctx};
    return visit_range(s, start, end, list_one, &r);
}

static int protect_one(struct pt_space *s, pte_t *pte, pt_va_t va, void *arg)
{
    struct report *r = arg;
    unsigned perms = PT_FMT(s)->perms(*pte);
    if (!(perms & MMU_PERM_WRITE))
        return 0;
    perms &= ~(unsigned)MMU_PERM_WRITE;
    /* Read-only and nothing else left (a write-only page): keep it readable. */
    if (!(perms & (MMU_PERM_READ | MMU_PERM_EXEC)))
        perms |= MMU_PERM_READ;
    *pte = make_leaf(s, frame(PT_FMT(s), *pte), perms, *pte & PT_FMT(s)->dirty_bit);
    flush_checked(s, va);
    r->count++;
    return 0;
}

long pt_write_protect(struct pt_space *s, pt_va_t start, pt_va_t end)
{
    struct report r = {0};
    visit_range(s, start, end, protect_one, &r);
    return r.count;
}

static int dirty_one(struct pt_space *s, pte_t *pte, pt_va_t va, void *arg)
{
    const struct pt_format *f = PT_FMT(s);
    struct report *r = arg;
    if (!(*pte & f->dirty_bit))
        return 0;
    /* Without a hardware bit the next write must fault to be seen. */
    *pte &= ~(f->dirty_bit | (f->hw_dirty ? 0 : f->write_bit));
    flush_checked(s, va);
    r->count++;
    return r->fn ? r->fn(r->ctx, guest_va(va), frame(f, *pte), f->perms(*pte)) : 0;
}

long pt_dirty_clear(struct pt_space *s, pt_va_t start, pt_va_t end, hal_mapping_fn fn,
                    void *ctx)
{
    struct report r = {.fn = fn, .ctx = ctx};
    int rc = visit_range(s, start, end, dirty_one, &r);
    if (rc)
        return rc > 0 ? -rc : rc;
    return r.count;
}

int pt_write_fault(struct pt_space *s, pt_va_t va)
{
    va &= ~(pt_va_t)(HAL_PAGE_SIZE - 1);
    if (!s || PT_FMT(s)->hw_dirty || !va_ok(s, va))
        return -HESTIA_ENOENT;
    pte_t *pte = leaf_at(s, va);
    if (!pte || !(PT_FMT(s)->perms(*pte) & MMU_PERM_WRITE) || (*pte & PT_FMT(s)->write_bit))
        return -HESTIA_ENOENT;
    *pte |= PT_FMT(s)->write_bit | PT_FMT(s)->dirty_bit;
    flush_checked(s, va);
    return 0;
}

/*
 * Drop the leaves under table (at level, covering VAs from base) that lie
 * in [start, last] and free the tables below it (unless r->keep: then
 * they stay linked, emptied of leaves): one pass, the range the space's
 * tables cover (pt_space.tables_lo/hi).
 */
static void destroy_below(struct pt_space *s, pte_t *table, unsigned level, pt_va_t base,
                          pt_va_t start, pt_va_t last, struct report *r)
{
    const struct pt_format *f = PT_FMT(s);
    if (level == 0) {
        /*
         * Leaves lie only in [leaves_lo, leaves_hi] (pt_space): a process's
         * leaf table holds a few pages in 512 slots, and testing every slot
         * was ~5000 instructions of its destroy on x86_64 (h-proc64).
         */
        if (start < s->leaves_lo)
            start = s->leaves_lo;
        if (last > s->leaves_hi)
            last = s->leaves_hi;
        if (start > last || last < base)
            return;
    }
    unsigned shift = level_shift(f, level), i,
             end = index_range(f, level, base, start, last, &i);
    for (; i < end; i++) {
        /*
         * Above the leaves (clipped to their span), eight empty (zero)
         * entries are passed over in one test: a space's upper tables are
         * almost empty (x86's four page directories are made with the
         * space: 2048 entries).
         */
        if (level && !(i & 7) && i + 8 <= end &&
            !(table[i] | table[i + 1] | table[i + 2] | table[i + 3] | table[i + 4] |
              table[i + 5] | table[i + 6] | table[i + 7])) {
            i += 7;
            continue;
        }
        pte_t e = table[i];
        if (!present(f, e))
            continue;
        pt_va_t va = base + ((pt_va_t)i << shift);
        if (level == 0) {
            table[i] = 0;
            if (r->dropped)
                r->dropped(r->ctx, guest_va(va), frame(f, e));
            continue;
        }
        destroy_below(s, table_of(s, e), level - 1, va, start, last, r);
        if (r->keep)
            continue;
        table[i] = 0;
        core_frame_free(s->dom, frame(f, e));
        s->frames--;
    }
}

void pt_clear(struct pt_space *s, hal_unmap_fn dropped, void *ctx)
{
    struct report r = {.dropped = dropped, .ctx = ctx, .keep = true};
    pt_va_t base = PT_FMT(s)->va_base ? PT_FMT(s)->va_base(s->kind) : 0;
    /*
     * The tables stay, so only the entries over the leaf span matter, at
     * every level, not only the leaves' (clipped there by destroy_below):
     * x86's user directory, made with the space, covers its whole
     * gigabyte (512 entries tested eight at a time were ~2500 instructions
     * of each x86 process).  Leaves lie inside the tables' span, so the
     * leaf span alone is the range; none: leaves_lo > leaves_hi.
     */
    pt_va_t start = s->leaves_lo < base ? base : s->leaves_lo, last = s->leaves_hi;
    if (start <= last)
        destroy_below(s, s->root, PT_FMT(s)->levels - 1, base, start, last, &r);
    /* The tables (tables_lo/hi) stay; a user space's next maps widen its leaf span again.
     */
    if (s->kind == HAL_AS_PV_USER) {
        s->leaves_lo = ~(pt_va_t)0;
        s->leaves_hi = 0;
    }
}

void pt_destroy(struct pt_space *s, hal_unmap_fn dropped, void *ctx)
{
    struct report r = {.dropped = dropped, .ctx = ctx};
    pt_va_t base = PT_FMT(s)->va_base ? PT_FMT(s)->va_base(s->kind) : 0, start = 0, last;
    if (clip(s, base, &start, ~(pt_va_t)0, &last))
        destroy_below(s, s->root, PT_FMT(s)->levels - 1, base, start, last, &r);
    s->tables_lo = ~(pt_va_t)0;
    s->tables_hi = 0;
    s->leaves_lo = ~(pt_va_t)0;
    s->leaves_hi = 0;
    if (!mfn_eq(s->root_mfn, MFN_INVALID)) {
        core_frame_free(s->dom, s->root_mfn);
        s->frames--;
        s->root_mfn = MFN_INVALID;
    }
}
