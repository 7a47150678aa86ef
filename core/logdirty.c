/* SPDX-License-Identifier: MIT */
/*
 * Log-dirty tracking for live migration (DOMCTL_log_dirty, docs/migration.md).
 *
 * The dirty state of guest writes lives in the page tables, per mapping:
 * the hardware dirty bit on x86 / x86_64, the software format's dirty bit
 * (kept by write-protect and fault) on ppc and ia64.  hal_as_dirty_clear()
 * reads and clears it; this file maps each dirty mapping's frame back to
 * its gfn (p2m_gfn_of) and ORs it into a per-gfn bitmap.  That bitmap also
 * collects what the page tables of the domain never see: the hypervisor's
 * writes into its memory (guest copies, gfn_copy_to, grant copies), and
 * mappings that go away before the next peek (unmap, protect, destroyed
 * spaces, other domains' writable grant mappings) whose bits would be lost.
 */
#include <core/domain.h>
#include <core/grant.h>
#include <core/logdirty.h>
#include <core/mm.h>
#include <core/pvmmu.h>
#include <hal/entry.h>
#include <hal/guest_copy.h>
#include <hal/mmu.h>

struct logdirty {
    uint64_t nr_gfns; /* the domain's gfn range when tracking began */
    uint8_t *bits;    /* bit g % 8 of byte g / 8: gfn g written */
    /*
     * Mapping changes since enable (DOMCTL_LOG_DIRTY_MAPPINGS_GEN): the
     * toolstack reads the address spaces during pre-copy and, at the pause,
     * reads them again only if this moved.  Bumped before the change, under
     * the hypervisor lock every hypercall holds, so a reader that saw the
     * old value read the spaces before the change.  A word, not a u64:
     * 32-bit targets have no 64-bit atomics, and only equality is asked.
     */
    unsigned long mapgen;
};

/* Domains being tracked: the hypervisor's copy path asks nothing while 0. */
static unsigned tracked_domains;

static size_t bitmap_bytes(uint64_t nr_gfns)
{
    return (size_t)((nr_gfns + 7) / 8);
}

bool logdirty_enabled(const struct domain *d)
{
    return d && logdirty_on(d);
}

void logdirty_mark_gfn(struct domain *d, uint64_t g)
{
    struct logdirty *l = d ? d->logdirty : NULL;
    if (l && g < l->nr_gfns)
        __atomic_or_fetch(&l->bits[g / 8], (uint8_t)(1u << (g % 8)), __ATOMIC_RELAXED);
}

void logdirty_mark_mfn(struct domain *d, mfn_t mfn)
{
    uint64_t g;
    if (logdirty_enabled(d) && p2m_gfn_of(d, mfn, &g))
        logdirty_mark_gfn(d, g);
}

/* The HAL's note (hal/entry.h) that the hypervisor wrote frame mfn for a guest. */
void core_frame_written(mfn_t mfn)
{
    if (!__atomic_load_n(&tracked_domains, __ATOMIC_RELAXED))
        return;
    unsigned owner = frame_owner(mfn);
    if (owner < HESTIA_MAX_DOMAINS)
        logdirty_mark_mfn(domain_lookup((hestia_domid_t)owner), mfn);
}

static int mark_mapping(void *ctx, guest_va_t va, mfn_t mfn, unsigned perms)
{
    (void)va;
    (void)perms;
    logdirty_mark_mfn(ctx, mfn); /* a foreign frame (a grant) is not d's: ignored */
    return 0;
}

void logdirty_mappings_changed(struct domain *d)
{
    if (d->logdirty)
        __atomic_add_fetch(&d->logdirty->mapgen, 1, __ATOMIC_RELAXED);
}

void logdirty_harvest(struct domain *d, struct hal_as *as, guest_va_t start, guest_va_t end)
{
    /* Every caller is about to unmap, re-protect or destroy: a mapping change. */
    logdirty_mappings_changed(d);
    if (logdirty_enabled(d) && as)
        hal_as_dirty_clear(as, start, end, mark_mapping, d);
}

/* Read and clear the dirty state of every address space of d (fn NULL: just clear). */
static void harvest_all(struct domain *d, hal_mapping_fn fn)
{
    for (uint64_t h = 0; h <= MMU_MAX_USER_AS; h++) {
        struct hal_as *as = pvmmu_space(d, h);
        if (as)
            hal_as_dirty_clear(as, guest_va(0), guest_va(~(uint64_t)0), fn, d);
    }
}

static long enable(struct domain *d)
{
    if (d->logdirty)
        return -HESTIA_EALREADY;
    struct logdirty *l = core_heap_alloc(sizeof(*l));
    if (!l)
        return -HESTIA_ENOMEM;
    l->nr_gfns = p2m_gfn_limit(d);
    l->mapgen = 0;
    l->bits = core_heap_alloc(bitmap_bytes(l->nr_gfns) ? bitmap_bytes(l->nr_gfns) : 1);
    if (!l->bits) {
        core_heap_free(l);
        return -HESTIA_ENOMEM;
    }
    memset(l->bits, 0, bitmap_bytes(l->nr_gfns));
    /* Forget what was written before: from now on every page counts as clean. */
    harvest_all(d, NULL);
    d->logdirty = l;
    __atomic_add_fetch(&tracked_domains, 1, __ATOMIC_RELAXED);
    return 0;
}

void logdirty_domain_destroy(struct domain *d)
{
    struct logdirty *l = d->logdirty;
    if (!l)
        return;
    d->logdirty = NULL;
    __atomic_sub_fetch(&tracked_domains, 1, __ATOMIC_RELAXED);
    core_heap_free(l->bits);
    core_heap_free(l);
}

static uint64_t count_bits(const uint8_t *bits, size_t bytes)
{
    /* By nibbles: __builtin_popcount is a libgcc call on some of our targets. */
    static const uint8_t nibble[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};
    uint64_t n = 0;
    for (size_t i = 0; i < bytes; i++)
        n += nibble[bits[i] & 15] + nibble[bits[i] >> 4];
    return n;
}

static long peek_clean(struct vcpu *v, struct domain *d, struct domctl_log_dirty *op)
{
    struct logdirty *l = d->logdirty;
    uint64_t have = op->nr_gfns;
    op->nr_gfns = l->nr_gfns;
    if (have < l->nr_gfns)
        return -HESTIA_ENOSPC; /* nr_gfns now says how many bits are needed */
    harvest_all(d, mark_mapping);
    /* Frames other domains map writable through grants: written behind our back. */
    grant_mark_mapped_writable(d);
    size_t bytes = bitmap_bytes(l->nr_gfns);
    op->dirty = count_bits(l->bits, bytes);
    /* The bitmap is cleared only once the caller has it: a bad pointer loses nothing. */
    if (hal_copy_to_guest(v, guest_va(op->bitmap), l->bits, bytes))
        return -HESTIA_EFAULT;
    memset(l->bits, 0, bytes);
    return 0;
}

long domctl_log_dirty(struct vcpu *v, struct domain *d, struct domctl_log_dirty *op)
{
    if (d == v->domain || d->is_shutdown || d->dying || op->pad)
        return -HESTIA_EINVAL;
    switch (op->op) {
    case DOMCTL_LOG_DIRTY_ENABLE:
        return enable(d);
    case DOMCTL_LOG_DIRTY_PEEK_CLEAN:
        if (!d->logdirty)
            return -HESTIA_EINVAL;
        return peek_clean(v, d, op);
    case DOMCTL_LOG_DIRTY_MAPPINGS_GEN:
        if (!d->logdirty)
            return -HESTIA_EINVAL;
        op->dirty = __atomic_load_n(&d->logdirty->mapgen, __ATOMIC_RELAXED);
        return 0;
    case DOMCTL_LOG_DIRTY_DISABLE:
        if (!d->logdirty)
            return -HESTIA_EINVAL;
        logdirty_domain_destroy(d);
        return 0;
    default:
        return -HESTIA_EINVAL;
    }
}
