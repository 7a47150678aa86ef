/* SPDX-License-Identifier: MIT */
/*
 * The page-table engine (hal/lib/pt.c): one implementation of the
 * hal_as_* rules over a radix tree of tables whose shape and entry format
 * the arch describes in a struct pt_format.  Backends and the host HAL
 * include this header; core/ does not (it sees only hal/mmu.h).
 *
 * What the engine does once for every format: validation (va allowed for
 * the space's kind, page alignment, perms, frame range), walking and
 * creating intermediate tables, the map / unmap / protect / lookup rules
 * and their errors (nothing changes on error), listing, write-protect,
 * dirty read-and-clear, destroy, table-frame accounting and the TLB flush
 * over the CPUs that have the space loaded.
 *
 * What the arch supplies: the geometry (levels, index bits per level,
 * how many root entries belong to guests) and guest windows per kind, as
 * data; the PTE hooks (encode a leaf from frame + MMU_PERM_*, encode a
 * table entry, decode perms); present and frame decoding as a bit and a
 * mask; the dirty bit and whether the MMU sets it; the local TLB flush.
 * docs/porting.md says what a porter writes.
 */
#ifndef HAL_PT_H
#define HAL_PT_H

#include "mmu.h"

typedef uint64_t pte_t;
/*
 * A guest VA inside the engine: a plain integer, because walking is
 * arithmetic on it.  The typed interface is hal_as_* (hal/mmu.h, guest_va_t);
 * hal/lib/pt_hal.c converts at that boundary.
 */
typedef uint64_t pt_va_t;

#define PT_MAX_LEVELS 5
#define PT_WINDOWS 2

struct pt_window {
    pt_va_t start, end;
};

struct pt_space;

/*
 * An arch's page-table format.  Level 0 holds leaves (one page each);
 * level levels-1 is the root.  Every hook is pure (no side effects) except
 * flush and table_added.
 */
struct pt_format {
    const char *name;
    unsigned levels;
    unsigned index_bits[PT_MAX_LEVELS]; /* per level, level 0 first */
    unsigned root_guest_entries; /* root entries the engine owns (rest: hypervisor) */
    uint64_t max_mfn;            /* frame numbers >= this cannot be mapped */
    /*
     * Optional: the address bits above the tables' reach that every VA of
     * a space of this kind carries (ia64: the region number), so listing
     * and destroy report whole VAs.  Absent: 0.
     */
    pt_va_t (*va_base)(enum hal_as_kind kind);
    /*
     * The guest windows: per enum hal_as_kind, up to PT_WINDOWS ranges
     * [start, end) of VAs a space of that kind may map (end 0: unused; a
     * kind with none is not supported).  Data, not a hook: every call checks.
     */
    struct pt_window windows[3][PT_WINDOWS];
    /* Leaf entry for mfn with MMU_PERM_* perms (already validated). */
    pte_t (*leaf)(enum hal_as_kind kind, mfn_t mfn, unsigned perms);
    /* Entry at level > 0 pointing at the table in frame mfn. */
    pte_t (*table)(enum hal_as_kind kind, mfn_t mfn);
    /* Decoding, as masks (it is on every walk step): present, and the frame bits. */
    pte_t present_bit;
    /* (pte & frame_mask) >> HAL_PAGE_SHIFT: the frame of a leaf or table entry. */
    pte_t frame_mask;
    unsigned (*perms)(pte_t pte); /* MMU_PERM_* exactly as mapped */
    /*
     * Dirty tracking.  dirty_bit: the bit that says "written".  With
     * hw_dirty the MMU sets it on a write; without, the engine emulates
     * it by write-protect-and-fault: write_bit is the bit that lets the
     * hardware (or TLB refill) allow writes, cleared when dirty state is
     * read so that the next write faults into pt_write_fault().
     */
    bool hw_dirty;
    pte_t dirty_bit;
    pte_t write_bit; /* only used without hw_dirty */
    /* Optional: a table entry was created at level (x86_64 tracks top-level changes). */
    void (*table_added)(struct pt_space *s, unsigned level, pt_va_t va);
    /* Optional: drop this CPU's cached translation of va (MMU_FLUSH_ALL: all). */
    void (*flush_local)(struct pt_space *s, pt_va_t va);
    /*
     * Optional: drop va's translations (MMU_FLUSH_ALL: all) on every CPU
     * that may cache s, instead of the engine's flush_local on each CPU of
     * loaded_cpus (ppc: a space can take a new TLB tag rather than
     * interrupt CPUs that only hold old entries).  Returns once no CPU can
     * use them.
     */
    void (*flush_cpus)(struct pt_space *s, pt_va_t va);
    /*
     * Flush after a map too, not only after a change: for an MMU that may
     * cache a "not present" (x86 does not: arch/x86_64/pte.c).
     */
    bool flush_on_map;
};

_Static_assert(HAL_MAX_CPUS <= 32, "struct pt_space keeps loaded CPUs in 32 bits");

/* One address space as the engine sees it; embedded in the arch's struct hal_as. */
struct pt_space {
    const struct pt_format *fmt;
    struct domain *dom; /* table frames are charged to it */
    enum hal_as_kind kind;
    pte_t *root;          /* root table: a frame (root_mfn) or arch memory */
    mfn_t root_mfn;       /* MFN_INVALID when the arch supplied the root */
    unsigned long frames; /* table frames held, the root frame included */
    uintptr_t direct_map; /* hal_frame_to_virt(0), learnt from a table frame (pt.c) */
    /* Per level l, the entry index of va is (va >> shift[l]) & index_mask[l]. */
    unsigned char shift[PT_MAX_LEVELS];
    unsigned index_mask[PT_MAX_LEVELS];
    unsigned va_shift;    /* address bits the tables cover (page shift + index bits) */
    uint32_t loaded_cpus; /* bit n: CPU n may hold translations of this space */
    /*
     * Every table below the root lies over VAs in [tables_lo, tables_hi]
     * (empty while lo > hi): the walk that creates a table records the
     * span of the deepest table it made, so destroy and the range visits
     * look only there instead of at every entry of every level (a fresh
     * user space's destroy scanned 1800 empty entries on x86_64).  Never
     * shrinks: an unmap leaves its tables.
     */
    pt_va_t tables_lo, tables_hi;
    /*
     * Every leaf ever mapped lies in [leaves_lo, leaves_hi] (empty while
     * lo > hi; shrinks only when pt_clear empties the space): destroy
     * looks only there in the leaf tables.
     * Tracked for user spaces only; the other kinds keep [0, ~0].
     */
    pt_va_t leaves_lo, leaves_hi;
    bool direct_copy; /* hal_as_set_direct_copy(): a backend's guest copies may ask */
};

/*
 * Initialise s as an empty space of kind in format fmt owned by d.  root:
 * arch memory for the root table (zeroed, 1 << index_bits[levels-1]
 * entries), or NULL to take a frame from core_frame_alloc(d).  Returns 0
 * or -HESTIA_ENOMEM (s is then unusable and holds nothing).
 */
int pt_init(struct pt_space *s, const struct pt_format *fmt, struct domain *d,
            enum hal_as_kind kind, pte_t *root);

/*
 * Allocate a zeroed arch struct hal_as of size bytes that starts with its
 * struct pt_space, and pt_init() it; root_offset: where in it the arch
 * keeps its root array (0: the root is a frame).  NULL when out of memory
 * or when fmt has no window for kind (the arch does not support it).
 */
void *pt_space_new(size_t size, const struct pt_format *fmt, struct domain *d,
                   enum hal_as_kind kind, size_t root_offset);

/* Remove every mapping (dropped() for each) and free every table frame. */
void pt_destroy(struct pt_space *s, hal_unmap_fn dropped, void *ctx);

/*
 * Remove every mapping (dropped() for each) but keep every table frame,
 * linked and empty, for the space's next user (hal_as_clear).  No flush:
 * as for pt_destroy, the caller makes sure no CPU can reach the space.
 */
void pt_clear(struct pt_space *s, hal_unmap_fn dropped, void *ctx);

/*
 * The most table frames a space hal_as_clear keeps: a bigger one is
 * destroyed instead, so its share of the domain's page-table quota comes
 * back (a process's space is four on x86_64, two on x86).
 */
#define PT_KEEP_MAX_FRAMES 8

/* Whether hal_as_clear may keep s: a PV user space of at most PT_KEEP_MAX_FRAMES tables. */
static inline bool pt_keepable(const struct pt_space *s)
{
    return s->kind == HAL_AS_PV_USER && s->frames <= PT_KEEP_MAX_FRAMES;
}

/* The hal_as_map/unmap/protect/lookup contracts of hal/mmu.h, on s. */
int pt_map(struct pt_space *s, pt_va_t va, mfn_t mfn, unsigned perms);
int pt_unmap(struct pt_space *s, pt_va_t va, mfn_t *old);
int pt_protect(struct pt_space *s, pt_va_t va, unsigned perms);
int pt_lookup(struct pt_space *s, pt_va_t va, mfn_t *mfn, unsigned *perms);

/* The hal_as_list / write_protect / dirty_clear contracts of hal/mmu.h, on s. */
int pt_list(struct pt_space *s, pt_va_t start, pt_va_t end, hal_mapping_fn fn, void *ctx);
long pt_write_protect(struct pt_space *s, pt_va_t start, pt_va_t end);
long pt_dirty_clear(struct pt_space *s, pt_va_t start, pt_va_t end, hal_mapping_fn fn,
                    void *ctx);
int pt_write_fault(struct pt_space *s, pt_va_t va);

/*
 * The present leaf entry for va (page aligned, allowed in s), or NULL.
 * For a software TLB refill and for tests that play the MMU (setting a
 * hardware dirty bit); everything else goes through the calls above.
 */
pte_t *pt_find_leaf(struct pt_space *s, pt_va_t va);

/*
 * Make sure the table at level (< levels) covering va exists, allocating the
 * tables above it as needed (x86 PAE: a space owns its page directories
 * from creation).  Returns 0 or -HESTIA_ENOMEM.
 */
int pt_prealloc(struct pt_space *s, pt_va_t va, unsigned level);

/*
 * Drop translations of va (MMU_FLUSH_ALL: the whole space) on every CPU
 * in s->loaded_cpus: this one directly, the others through
 * core_cpu_call() (an IPI), returning once all have.  A new space starts
 * with CPU 0 only; a backend that reports loads (x86_64) clears it and
 * then sets each CPU's bit itself.
 */
void pt_flush(struct pt_space *s, pt_va_t va);

/*
 * Record that cpu loaded / stopped using s (for pt_flush): loaded before
 * the load, unloaded after the CPU switched to another space (atomic).
 * Inline: every switch between spaces does both.  Ordering: a CPU sets
 * its bit before it loads s (a sequentially consistent RMW) and clears it
 * only after it loaded something else; a changer stores the entry, then
 * reads the mask (pt.c's flush_checked).  Either the changer sees the bit
 * and flushes that CPU, or that CPU's load comes after the store and
 * walks the new entry.
 */
static inline void pt_cpu_loaded(struct pt_space *s, unsigned cpu)
{
    __atomic_fetch_or(&s->loaded_cpus, 1u << cpu, __ATOMIC_SEQ_CST);
}

static inline void pt_cpu_unloaded(struct pt_space *s, unsigned cpu)
{
    __atomic_fetch_and(&s->loaded_cpus, ~(1u << cpu), __ATOMIC_SEQ_CST);
}

/*
 * Backends whose spaces are engine spaces link hal/lib/pt_hal.c, which
 * implements hal_guest_va_ok, hal_as_map, _unmap, _protect, _lookup,
 * _flush, _frames, _list, _write_protect, _dirty_clear and _write_fault
 * once; they put struct pt_space first in their struct hal_as (with a
 * static assertion) and define hal_as_create / hal_as_destroy themselves.
 * pt_hal.c also compiles the engine (pt.c): a backend passes
 * -DHAL_PT_FORMAT_SOURCE="<its pte.c>" -DHAL_PT_FORMAT=<its format> so the
 * engine is specialised for its format (pte.c is then not compiled on its
 * own); without them (the host) the engine reads each space's format.
 */
static inline struct pt_space *hal_as_pt(struct hal_as *as)
{
    return (struct pt_space *)(void *)as;
}

#define PT_SPACE_FIRST(type)                                                               \
    _Static_assert(offsetof(type, pt) == 0, "hal/lib/pt_hal.c finds struct pt_space "      \
                                            "first")

/* ... and name the format of their spaces (hal_guest_va_ok uses its windows). */
extern const struct pt_format *const hal_pt_format;

/* Whether page-aligned va lies in one of fmt's windows for kind. */
static inline bool pt_va_allowed(const struct pt_format *fmt, enum hal_as_kind kind,
                                 pt_va_t va)
{
    const struct pt_window *w = fmt->windows[kind];
    for (unsigned i = 0; i < PT_WINDOWS; i++)
        if (va >= w[i].start && va < w[i].end)
            return true;
    return false;
}

/* The MMU_PERM_* combination every format accepts: known bits, one of R/W/X. */
bool pt_perms_ok(unsigned perms);

#endif
