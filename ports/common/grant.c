/* SPDX-License-Identifier: MIT */
/* Grant tables: our entries live in frames we own; map/unmap/copy wrappers. */
#include <port/kernel.h>

static struct grant_entry *table;
static unsigned nr_entries;
static unsigned next_free = 1; /* ref 0 is never handed out; under free_lock */
/* Two vCPUs granting at once must not pick the same free entry. */
static spinlock_t free_lock = SPINLOCK_INIT;

long gnttab_init(unsigned frames)
{
    if (table)
        return 0;
    if (frames == 0 || frames > GRANT_MAX_TABLE_FRAMES)
        return -HESTIA_EINVAL;
    long g = frames_alloc(frames);
    if (g < 0)
        return g;
    uint64_t gfns[GRANT_MAX_TABLE_FRAMES];
    for (unsigned i = 0; i < frames; i++)
        gfns[i] = (uint64_t)g + i;
    struct gnttab_setup_table st = {.frames = (uintptr_t)gfns, .nr_frames = frames};
    long r = hc_grant(GNTTABOP_setup_table, &st, 1);
    if (r < 0 || st.status < 0) {
        frames_free((uint64_t)g, frames);
        return r < 0 ? r : st.status;
    }
    table = gfn_to_va((uint64_t)g);
    nr_entries = frames * (unsigned)GRANT_ENTRIES_PER_PAGE;
    return 0;
}

unsigned gnttab_capacity(void)
{
    return nr_entries;
}

long gnttab_grant(hestia_domid_t domid, uint64_t gfn, bool readonly)
{
    if (!table)
        return -HESTIA_EINVAL;
    unsigned long f = spin_lock_irqsave(&free_lock);
    for (unsigned n = 0; n < nr_entries; n++) {
        unsigned ref = next_free;
        next_free = next_free + 1 >= nr_entries ? 1 : next_free + 1;
        if (ref == 0 || table[ref].flags)
            continue;
        table[ref].domid = domid;
        table[ref].gfn = (uint32_t)gfn;
        arch_barrier();
        /* The flags go last: the entry is valid only once they are set. */
        __atomic_store_n(&table[ref].flags,
                         (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0)),
                         __ATOMIC_SEQ_CST);
        spin_unlock_irqrestore(&free_lock, f);
        return ref;
    }
    spin_unlock_irqrestore(&free_lock, f);
    return -HESTIA_ENOSPC;
}

long gnttab_end(grant_ref_t ref)
{
    if (!table || ref == 0 || ref >= nr_entries)
        return -HESTIA_EINVAL;
    /*
     * Clear the flags only if no mapping began since we looked: the
     * hypervisor sets GTF_reading / GTF_writing on the live entry when a
     * peer maps it, possibly on another CPU between our test and a plain
     * store, which would end a grant that is mapped.
     */
    uint16_t fl = __atomic_load_n(&table[ref].flags, __ATOMIC_SEQ_CST);
    do {
        if (fl & (GTF_reading | GTF_writing))
            return -HESTIA_EBUSY;
    } while (!__atomic_compare_exchange_n(&table[ref].flags, &fl, 0, false,
                                          __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    return 0;
}

long gnttab_map(hestia_domid_t dom, grant_ref_t ref, uintptr_t va, uint64_t as,
                bool readonly, grant_handle_t *handle)
{
    struct gnttab_map_grant_ref m = {
        .host_va = va,
        .as = as,
        .flags = readonly ? GNTMAP_readonly : 0,
        .ref = ref,
        .dom = dom,
    };
    long r = hc_grant(GNTTABOP_map_grant_ref, &m, 1);
    if (r < 0)
        return r;
    if (m.status < 0)
        return m.status;
    if (handle)
        *handle = m.handle;
    return 0;
}

long gnttab_unmap(uintptr_t va, uint64_t as, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref u = {.host_va = va, .as = as, .handle = handle};
    long r = hc_grant(GNTTABOP_unmap_grant_ref, &u, 1);
    if (r < 0)
        return r;
    return u.status;
}

long gnttab_copy_op(struct gnttab_copy *c)
{
    long r = hc_grant(GNTTABOP_copy, c, 1);
    if (r < 0)
        return r;
    return c->status;
}
