/* SPDX-License-Identifier: MIT */
/*
 * Grant tables.
 *
 * The granter's entries live in its own frames (GNTTABOP_setup_table);
 * the hypervisor reads them through the direct map of those frames, which
 * it keeps referenced so the guest cannot release them underneath.  Every
 * active mapping has a record in the mapper's handle table, linked into
 * the granter's list of mappings of its frames; the record holds a frame
 * reference (pvmmu_map_referenced) until it is unmapped, so a granted
 * frame outlives both a revoked entry and a dead granter.
 *
 * One global lock serializes all grant operations: they touch two domains
 * at once and are rare compared with event channels.  Lock order: grant
 * lock, then a domain's MMU lock (pvmmu), then the frame lock.
 *
 * Batches: the hypercall returns 0 once every op was read and its status
 * written back; each op's own result is in its status field.  A guest
 * pointer that cannot be read or written stops the batch with -EFAULT.
 */
#include <core/domain.h>
#include <core/grant.h>
#include <core/lib.h>
#include <core/logdirty.h>
#include <core/mm.h>
#include <core/pvmmu.h>
#include <hal/entry.h>
#include <hal/guest_copy.h>
#include <hal/mmu.h>

#include "mm/mm_internal.h"

#define GRANT_MAX_REFS (GRANT_MAX_TABLE_FRAMES * GRANT_ENTRIES_PER_PAGE)

struct grant_map {
    struct domain *mapper;
    struct domain *granter;    /* NULL once the granter is destroyed */
    struct grant_map *next_of; /* in the granter's list */
    struct grant_map *prev_of;
    grant_ref_t ref;
    bool readonly;
    uint64_t as;
    guest_va_t va;
    mfn_t mfn;
};

struct grant_dom {
    /* As granter: the table frames (referenced) and who maps my frames. */
    unsigned nr_frames;
    mfn_t table[GRANT_MAX_TABLE_FRAMES];
    /* Their direct-map addresses: entry_of() on every map and unmap makes no HAL call. */
    struct grant_entry *entries[GRANT_MAX_TABLE_FRAMES];
    struct grant_map *maps_of;
    unsigned nr_maps_of;
    /* As mapper: handle -> record, allocated on first map. */
    struct grant_map **handles;
    unsigned nr_held;
    /* The last record unmapped, kept for the next map (a map/unmap cycle allocates
     * nothing). */
    struct grant_map *spare;
};

static spinlock_t grant_lock = SPINLOCK_INIT;

int grant_domain_init(struct domain *d)
{
    struct grant_dom *g = core_heap_alloc(sizeof(*g));
    if (!g)
        return -HESTIA_ENOMEM;
    d->grant = g;
    return 0;
}

/*
 * The entry's first 32-bit word holds flags and domid; updating flags with
 * a compare-and-swap on it keeps the guest's concurrent writes intact.
 */
union entry_word {
    uint32_t w;
    struct {
        uint16_t flags;
        hestia_domid_t domid;
    } s;
};

/* Table frame i of granter g is mfn (referenced by the caller). */
static void set_table_frame(struct grant_dom *g, unsigned i, mfn_t mfn)
{
    g->table[i] = mfn;
    g->entries[i] = hal_frame_to_virt(mfn);
}

static volatile struct grant_entry *entry_of(struct grant_dom *g, grant_ref_t ref)
{
    if (ref >= g->nr_frames * GRANT_ENTRIES_PER_PAGE)
        return NULL;
    return &g->entries[ref / GRANT_ENTRIES_PER_PAGE][ref % GRANT_ENTRIES_PER_PAGE];
}

static union entry_word read_word(volatile struct grant_entry *e)
{
    union entry_word u;
    u.w = __atomic_load_n((volatile uint32_t *)e, __ATOMIC_ACQUIRE);
    return u;
}

/* Set and clear bits of the entry's flags atomically. */
static void update_flags(volatile struct grant_entry *e, uint16_t set, uint16_t clear)
{
    volatile uint32_t *w = (volatile uint32_t *)e;
    union entry_word old = read_word(e), nw;
    do {
        nw = old;
        nw.s.flags = (uint16_t)((nw.s.flags | set) & ~clear);
    } while (!__atomic_compare_exchange_n(w, &old.w, nw.w, false, __ATOMIC_ACQ_REL,
                                          __ATOMIC_ACQUIRE));
}

/* The table lives in the granter's frames: its flag updates are writes log-dirty must see.
 */
static void entry_written(struct domain *granter, grant_ref_t ref)
{
    struct grant_dom *g = granter->grant;
    if (logdirty_on(granter) && ref < g->nr_frames * GRANT_ENTRIES_PER_PAGE)
        logdirty_mark_mfn(granter, g->table[ref / GRANT_ENTRIES_PER_PAGE]);
}

/* Recompute GTF_reading/GTF_writing of ref from the active mappings. */
static void refresh_flags(struct domain *granter, grant_ref_t ref)
{
    struct grant_dom *g = granter->grant;
    volatile struct grant_entry *e = entry_of(g, ref);
    if (!e)
        return;
    bool reading = false, writing = false;
    for (struct grant_map *r = g->maps_of; r; r = r->next_of) {
        if (r->ref != ref)
            continue;
        reading = true;
        if (!r->readonly)
            writing = true;
    }
    uint16_t set = (uint16_t)((reading ? GTF_reading : 0) | (writing ? GTF_writing : 0));
    uint16_t clear = (uint16_t)((reading ? 0 : GTF_reading) | (writing ? 0 : GTF_writing));
    update_flags(e, set, clear);
    entry_written(granter, ref);
}

static void link_of(struct grant_dom *g, struct grant_map *r)
{
    r->prev_of = NULL;
    r->next_of = g->maps_of;
    if (r->next_of)
        r->next_of->prev_of = r;
    g->maps_of = r;
    g->nr_maps_of++;
}

static void unlink_of(struct grant_dom *g, struct grant_map *r)
{
    if (r->prev_of)
        r->prev_of->next_of = r->next_of;
    else
        g->maps_of = r->next_of;
    if (r->next_of)
        r->next_of->prev_of = r->prev_of;
    r->next_of = r->prev_of = NULL;
    g->nr_maps_of--;
}

void grant_mark_mapped_writable(struct domain *d)
{
    struct grant_dom *g = d->grant;
    if (!g || !logdirty_enabled(d))
        return;
    unsigned long flags = spin_lock_irqsave(&grant_lock);
    for (struct grant_map *r = g->maps_of; r; r = r->next_of)
        if (!r->readonly)
            logdirty_mark_mfn(d, r->mfn);
    spin_unlock_irqrestore(&grant_lock, flags);
}

/* A mapping record of mapper g: the spare if there is one.  Grant lock held. */
static struct grant_map *record_alloc(struct grant_dom *g)
{
    struct grant_map *r = g->spare;
    if (!r)
        return core_heap_alloc(sizeof(*r));
    g->spare = NULL;
    return r;
}

static void record_free(struct grant_dom *g, struct grant_map *r)
{
    if (g->spare)
        core_heap_free(r);
    else
        g->spare = r;
}

/* Remove mapping record h of d: unmap, update the granter, free. Grant lock held. */
static int release_handle(struct domain *d, grant_handle_t h)
{
    struct grant_dom *g = d->grant;
    struct grant_map *r = g->handles[h];
    mfn_t old = MFN_INVALID;
    /* r->va was checked when mapped; the mapping's reference comes back to us. */
    int rc = pvmmu_unmap_referenced(d, r->as, r->va, &old);
    /* hal_as_map never replaces a mapping, and mmu_op refuses foreign frames. */
    BUG_ON(rc == 0 && !mfn_eq(old, r->mfn));
    if (rc == 0)
        frame_put(old); /* a granted frame is RAM (frame_get_owned at map time) */
    if (r->granter) {
        /* Writes through the mapper's page table are not in the granter's. */
        if (!r->readonly && logdirty_on(r->granter))
            logdirty_mark_mfn(r->granter, r->mfn);
        unlink_of(r->granter->grant, r);
        refresh_flags(r->granter, r->ref);
    }
    g->handles[h] = NULL;
    g->nr_held--;
    record_free(g, r);
    return rc;
}

static struct domain *resolve(struct vcpu *v, hestia_domid_t id)
{
    if (id == DOMID_SELF || id == v->domain->id)
        return v->domain;
    return domain_lookup(id);
}

static int map_one(struct vcpu *v, struct gnttab_map_grant_ref *op)
{
    struct domain *d = v->domain;
    struct grant_dom *g = d->grant;
    op->handle = 0;
    if (op->flags & ~(uint32_t)GNTMAP_readonly)
        return -HESTIA_EINVAL;
    if (op->dom == DOMID_SELF || op->dom == d->id)
        return -HESTIA_EINVAL; /* own frames are mapped with mmu_op */
    struct domain *granter = domain_lookup(op->dom);
    if (!granter || granter->dying || !granter->grant)
        return -HESTIA_ESRCH;
    /* Whether space op->as exists is asked once, under the MMU lock, by the map below. */
    if (op->as > MMU_MAX_USER_AS)
        return -HESTIA_EBADF;
    if (!IS_ALIGNED(op->host_va, (uint64_t)HAL_PAGE_SIZE) ||
        !hal_guest_va_ok(guest_va(op->host_va), op->as != 0))
        return -HESTIA_EINVAL;
    volatile struct grant_entry *e = entry_of(granter->grant, op->ref);
    if (!e)
        return -HESTIA_EINVAL;
    union entry_word w = read_word(e);
    if (!(w.s.flags & GTF_permit_access))
        return -HESTIA_ENOENT;
    if (w.s.domid != d->id)
        return -HESTIA_EPERM;
    bool readonly = (op->flags & GNTMAP_readonly) != 0;
    if ((w.s.flags & GTF_readonly) && !readonly)
        return -HESTIA_EACCES;
    mfn_t mfn = p2m_lookup(granter, gfn(__atomic_load_n(&e->gfn, __ATOMIC_ACQUIRE)));
    if (mfn_eq(mfn, MFN_INVALID) || frame_get_owned(mfn, granter->id))
        return -HESTIA_EINVAL;

    int rc = 0;
    unsigned h = 0;
    struct grant_map *r = NULL;
    if (!g->handles) {
        g->handles = core_heap_alloc(GRANT_MAX_HANDLES * sizeof(*g->handles));
        if (!g->handles)
            rc = -HESTIA_ENOMEM;
    }
    if (rc == 0) {
        for (h = 0; h < GRANT_MAX_HANDLES; h++)
            if (!g->handles[h])
                break;
        if (h == GRANT_MAX_HANDLES)
            rc = -HESTIA_ENOSPC;
    }
    if (rc == 0) {
        r = record_alloc(g);
        if (!r)
            rc = -HESTIA_ENOMEM;
    }
    if (rc == 0) {
        /* va checked above; perms valid for op->as by construction. */
        unsigned perms =
            MMU_PERM_READ | (readonly ? 0 : MMU_PERM_WRITE) | (op->as ? MMU_PERM_USER : 0);
        rc = pvmmu_map_referenced(d, op->as, guest_va(op->host_va), mfn, perms);
    }
    if (rc) {
        frame_put(mfn); /* else the reference taken above is the mapping's */
        if (r)
            record_free(g, r);
        return rc;
    }
    r->mapper = d;
    r->granter = granter;
    r->ref = op->ref;
    r->readonly = readonly;
    r->as = op->as;
    r->va = guest_va(op->host_va);
    r->mfn = mfn;
    g->handles[h] = r;
    g->nr_held++;
    link_of(granter->grant, r);
    update_flags(e, (uint16_t)(GTF_reading | (readonly ? 0 : GTF_writing)), 0);
    entry_written(granter, op->ref);
    op->handle = h;
    return 0;
}

static int unmap_one(struct vcpu *v, const struct gnttab_unmap_grant_ref *op)
{
    struct grant_dom *g = v->domain->grant;
    if (op->handle >= GRANT_MAX_HANDLES)
        return -HESTIA_EBADF;
    struct grant_map *r = g->handles ? g->handles[op->handle] : NULL;
    if (!r)
        return -HESTIA_ENOENT;
    if (guest_va_val(r->va) != op->host_va || r->as != op->as)
        return -HESTIA_EINVAL;
    return release_handle(v->domain, op->handle);
}

static int setup_one(struct vcpu *v, const struct gnttab_setup_table *op)
{
    struct domain *d = v->domain;
    struct grant_dom *g = d->grant;
    if (op->nr_frames < 1 || op->nr_frames > GRANT_MAX_TABLE_FRAMES)
        return -HESTIA_EINVAL;
    if (g->nr_maps_of)
        return -HESTIA_EBUSY; /* records refer to entries of the current table */
    uint64_t gfns[GRANT_MAX_TABLE_FRAMES];
    if (hal_copy_from_guest(v, gfns, guest_va(op->frames), op->nr_frames * sizeof(gfns[0])))
        return -HESTIA_EFAULT;
    mfn_t mfns[GRANT_MAX_TABLE_FRAMES];
    for (unsigned i = 0; i < op->nr_frames; i++) {
        for (unsigned k = 0; k < i; k++)
            if (gfns[k] == gfns[i])
                return -HESTIA_EINVAL;
        mfns[i] = p2m_lookup(d, gfn(gfns[i]));
        if (mfn_eq(mfns[i], MFN_INVALID))
            return -HESTIA_EINVAL;
    }
    /* Pin the new frames so they cannot be released while we read them. */
    for (unsigned i = 0; i < op->nr_frames; i++) {
        if (frame_get_owned(mfns[i], d->id)) {
            while (i-- > 0)
                frame_put(mfns[i]);
            return -HESTIA_EINVAL;
        }
    }
    for (unsigned i = 0; i < g->nr_frames; i++)
        frame_put(g->table[i]);
    for (unsigned i = 0; i < op->nr_frames; i++)
        set_table_frame(g, i, mfns[i]);
    g->nr_frames = op->nr_frames;
    return 0;
}

/* One side of a copy: its frame, referenced, and whether it may be written. */
static int copy_side(struct vcpu *v, const struct gnttab_copy_ptr *p, bool gref, bool dest,
                     mfn_t *out)
{
    struct domain *d = v->domain;
    struct domain *owner = resolve(v, p->domid);
    if (!owner)
        return -HESTIA_ESRCH;
    mfn_t mfn;
    if (gref) {
        if (owner == d || owner->dying || !owner->grant)
            return -HESTIA_EINVAL;
        if (p->u > UINT32_MAX)
            return -HESTIA_EINVAL;
        volatile struct grant_entry *e = entry_of(owner->grant, (grant_ref_t)p->u);
        if (!e)
            return -HESTIA_EINVAL;
        union entry_word w = read_word(e);
        if (!(w.s.flags & GTF_permit_access))
            return -HESTIA_ENOENT;
        if (w.s.domid != d->id)
            return -HESTIA_EPERM;
        if (dest && (w.s.flags & GTF_readonly))
            return -HESTIA_EACCES;
        mfn = p2m_lookup(owner, gfn(__atomic_load_n(&e->gfn, __ATOMIC_ACQUIRE)));
    } else {
        if (owner != d)
            return -HESTIA_EPERM; /* a foreign frame needs a grant */
        mfn = p2m_lookup(d, gfn(p->u));
    }
    if (mfn_eq(mfn, MFN_INVALID) || frame_get_owned(mfn, owner->id))
        return -HESTIA_EINVAL;
    *out = mfn;
    return 0;
}

static int copy_one(struct vcpu *v, const struct gnttab_copy *op)
{
    if (op->flags & ~(uint16_t)(GNTCOPY_source_gref | GNTCOPY_dest_gref))
        return -HESTIA_EINVAL;
    if ((uint32_t)op->source.offset + op->len > HAL_PAGE_SIZE ||
        (uint32_t)op->dest.offset + op->len > HAL_PAGE_SIZE)
        return -HESTIA_EINVAL;
    mfn_t src, dst;
    int rc = copy_side(v, &op->source, op->flags & GNTCOPY_source_gref, false, &src);
    if (rc)
        return rc;
    rc = copy_side(v, &op->dest, op->flags & GNTCOPY_dest_gref, true, &dst);
    if (rc) {
        frame_put(src);
        return rc;
    }
    uint8_t *s = hal_frame_to_virt(src);
    uint8_t *t = hal_frame_to_virt(dst);
    memmove(t + op->dest.offset, s + op->source.offset, op->len);
    core_frame_written(dst); /* log-dirty of dst's owner (migration) */
    frame_put(src);
    frame_put(dst);
    return 0;
}

/* Size of one op's structure, or 0 for an unknown command. */
static size_t op_size(uint64_t cmd)
{
    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        return sizeof(struct gnttab_map_grant_ref);
    case GNTTABOP_unmap_grant_ref:
        return sizeof(struct gnttab_unmap_grant_ref);
    case GNTTABOP_setup_table:
        return sizeof(struct gnttab_setup_table);
    case GNTTABOP_copy:
        return sizeof(struct gnttab_copy);
    case GNTTABOP_query_size:
        return sizeof(struct gnttab_query_size);
    default:
        return 0;
    }
}

/* Run one op in buf (a copy of the guest's struct); its status is set in buf. */
static void run_op(struct vcpu *v, uint64_t cmd, void *buf)
{
    struct grant_dom *g = v->domain->grant;
    switch (cmd) {
    case GNTTABOP_map_grant_ref: {
        struct gnttab_map_grant_ref *op = buf;
        op->status = map_one(v, op);
        break;
    }
    case GNTTABOP_unmap_grant_ref: {
        struct gnttab_unmap_grant_ref *op = buf;
        op->status = unmap_one(v, op);
        break;
    }
    case GNTTABOP_setup_table: {
        struct gnttab_setup_table *op = buf;
        op->status = setup_one(v, op);
        break;
    }
    case GNTTABOP_copy: {
        struct gnttab_copy *op = buf;
        op->status = copy_one(v, op);
        break;
    }
    case GNTTABOP_query_size: {
        struct gnttab_query_size *op = buf;
        op->nr_frames = g->nr_frames;
        op->max_nr_frames = GRANT_MAX_TABLE_FRAMES;
        op->status = 0;
        break;
    }
    }
}

long do_grant_table_op(struct vcpu *v, uint64_t cmd, uint64_t ptr, uint64_t count)
{
    if (!v->domain->grant)
        return -HESTIA_EINVAL;
    size_t size = op_size(cmd);
    if (size == 0)
        return -HESTIA_ENOSYS;
    if (count > GNTTAB_MAX_BATCH)
        return -HESTIA_E2BIG;
    union {
        struct gnttab_map_grant_ref map;
        struct gnttab_unmap_grant_ref unmap;
        struct gnttab_setup_table setup;
        struct gnttab_copy copy;
        struct gnttab_query_size query;
    } buf;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t addr = ptr + i * size;
        if (addr < ptr || hal_copy_from_guest(v, &buf, guest_va(addr), size))
            return -HESTIA_EFAULT;
        unsigned long flags = spin_lock_irqsave(&grant_lock);
        run_op(v, cmd, &buf);
        spin_unlock_irqrestore(&grant_lock, flags);
        /* Written back whole: the OUT fields sit in different places per op. */
        if (hal_copy_to_guest(v, guest_va(addr), &buf, size))
            return -HESTIA_EFAULT;
    }
    return 0;
}

void grant_unmap_space(struct domain *d, uint64_t handle)
{
    struct grant_dom *g = d->grant;
    if (!g || !g->handles)
        return;
    unsigned long flags = spin_lock_irqsave(&grant_lock);
    for (unsigned h = 0; h < GRANT_MAX_HANDLES; h++)
        if (g->handles[h] && g->handles[h]->as == handle)
            release_handle(d, h);
    spin_unlock_irqrestore(&grant_lock, flags);
}

void grant_domain_destroy(struct domain *d)
{
    struct grant_dom *g = d->grant;
    if (!g)
        return;
    unsigned long flags = spin_lock_irqsave(&grant_lock);
    /* What d mapped from others. */
    if (g->handles) {
        for (unsigned h = 0; h < GRANT_MAX_HANDLES; h++)
            if (g->handles[h])
                release_handle(d, h);
        core_heap_free(g->handles);
        g->handles = NULL;
    }
    core_heap_free(g->spare);
    g->spare = NULL;
    /*
     * What others mapped of d: the records keep their frame references
     * (p2m_teardown orphans those frames) but forget d.
     */
    while (g->maps_of) {
        struct grant_map *r = g->maps_of;
        unlink_of(g, r);
        r->granter = NULL;
    }
    for (unsigned i = 0; i < g->nr_frames; i++)
        frame_put(g->table[i]);
    g->nr_frames = 0;
    d->grant = NULL;
    spin_unlock_irqrestore(&grant_lock, flags);
    core_heap_free(g);
}

unsigned grant_maps_held(struct domain *d)
{
    return d && d->grant ? d->grant->nr_held : 0;
}

unsigned grant_maps_of(struct domain *d)
{
    return d && d->grant ? d->grant->nr_maps_of : 0;
}

/* ---- restore (core/domctl_restore.c) ---- */

unsigned grant_save_table(struct domain *d, uint64_t gfns[GRANT_MAX_TABLE_FRAMES])
{
    struct grant_dom *g = d->grant;
    unsigned long flags = spin_lock_irqsave(&grant_lock);
    unsigned n = g ? g->nr_frames : 0;
    for (unsigned i = 0; i < n; i++)
        if (!p2m_gfn_of(d, g->table[i], &gfns[i]))
            gfns[i] = ~(uint64_t)0; /* cannot happen: the table frames are d's */
    spin_unlock_irqrestore(&grant_lock, flags);
    return n;
}

int grant_check_table(struct domain *d, const uint64_t *gfns, unsigned n)
{
    if (n > GRANT_MAX_TABLE_FRAMES || !d->grant || d->grant->nr_frames)
        return -HESTIA_EINVAL;
    uint64_t limit = p2m_gfn_limit(d);
    for (unsigned i = 0; i < n; i++) {
        if (gfns[i] >= limit || mfn_eq(p2m_lookup(d, gfn(gfns[i])), MFN_INVALID))
            return -HESTIA_EINVAL;
        for (unsigned k = 0; k < i; k++)
            if (gfns[k] == gfns[i])
                return -HESTIA_EINVAL;
    }
    return 0;
}

int grant_load_table(struct domain *d, const uint64_t *gfns, unsigned n)
{
    int rc = grant_check_table(d, gfns, n);
    if (rc)
        return rc;
    struct grant_dom *g = d->grant;
    mfn_t mfns[GRANT_MAX_TABLE_FRAMES];
    for (unsigned i = 0; i < n; i++) {
        mfns[i] = p2m_lookup(d, gfn(gfns[i]));
        if (frame_get_owned(mfns[i], d->id)) {
            while (i-- > 0)
                frame_put(mfns[i]);
            return -HESTIA_EINVAL;
        }
    }
    unsigned long flags = spin_lock_irqsave(&grant_lock);
    for (unsigned i = 0; i < n; i++)
        set_table_frame(g, i, mfns[i]);
    g->nr_frames = n;
    for (grant_ref_t ref = 0; ref < n * GRANT_ENTRIES_PER_PAGE; ref++)
        update_flags(entry_of(g, ref), 0, GTF_reading | GTF_writing);
    spin_unlock_irqrestore(&grant_lock, flags);
    return 0;
}
