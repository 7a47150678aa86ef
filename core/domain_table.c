/* SPDX-License-Identifier: MIT */
/*
 * The domain table: an array of HESTIA_MAX_DOMAINS pointers indexed by
 * domid (8 KiB on 64-bit arches, the only memory that grows with the
 * maximum rather than the number of domains) and a bitmap of ids in use
 * with a summary word whose bit w says "word w is full".  Finding the
 * lowest free id is two count-trailing-zeros, whatever the number of
 * domains; the old sorted list made creating the n-th domain and every
 * lookup O(n).  docs/density.md has the figures.
 */
#include <core/domain_table.h>
#include <core/lib.h>

#define ID_WORDS (HESTIA_MAX_DOMAINS / 64)
_Static_assert(HESTIA_MAX_DOMAINS % 64 == 0, "whole bitmap words");
_Static_assert(ID_WORDS <= 32, "the summary is one 32-bit word");

static struct {
    spinlock_t lock;
    struct domain *by_id[HESTIA_MAX_DOMAINS];
    uint64_t used[ID_WORDS]; /* reserved or published ids */
    uint32_t full;           /* bit w: used[w] has no free id */
    unsigned published;
} tab;

void domtab_reset(void)
{
    memset(&tab, 0, sizeof(tab));
    tab.lock = (spinlock_t)SPINLOCK_INIT;
}

static bool id_taken(unsigned id)
{
    return (tab.used[id / 64] >> (id % 64)) & 1;
}

static void take_id(unsigned id)
{
    tab.used[id / 64] |= 1ull << (id % 64);
    if (tab.used[id / 64] == ~0ull)
        tab.full |= 1u << (id / 64);
}

int domtab_reserve(bool want_zero)
{
    unsigned long f = spin_lock_irqsave(&tab.lock);
    int id = -HESTIA_ENOSPC;
    if (want_zero && !id_taken(0)) {
        id = 0;
    } else {
        /* Id 0 is dom0's: ask for the lowest free id with 0 counted as taken. */
        uint64_t w0 = tab.used[0] | 1;
        uint32_t full = tab.full | (w0 == ~0ull ? 1u : 0u);
        uint32_t avail = ~full & (ID_WORDS == 32 ? ~0u : (1u << ID_WORDS) - 1);
        if (avail) {
            unsigned w = (unsigned)__builtin_ctz(avail);
            uint64_t bits = w == 0 ? w0 : tab.used[w];
            id = (int)(w * 64 + (unsigned)__builtin_ctzll(~bits));
        }
    }
    if (id >= 0)
        take_id((unsigned)id);
    spin_unlock_irqrestore(&tab.lock, f);
    return id;
}

void domtab_release(hestia_domid_t id)
{
    if (id >= HESTIA_MAX_DOMAINS)
        return;
    unsigned long f = spin_lock_irqsave(&tab.lock);
    BUG_ON(tab.by_id[id] != NULL);
    tab.used[id / 64] &= ~(1ull << (id % 64));
    tab.full &= ~(1u << (id / 64));
    spin_unlock_irqrestore(&tab.lock, f);
}

void domtab_publish(struct domain *d)
{
    unsigned long f = spin_lock_irqsave(&tab.lock);
    BUG_ON(d->id >= HESTIA_MAX_DOMAINS || !id_taken(d->id) || tab.by_id[d->id]);
    tab.by_id[d->id] = d;
    tab.published++;
    spin_unlock_irqrestore(&tab.lock, f);
}

void domtab_unpublish(struct domain *d)
{
    unsigned long f = spin_lock_irqsave(&tab.lock);
    if (d->id < HESTIA_MAX_DOMAINS && tab.by_id[d->id] == d) {
        tab.by_id[d->id] = NULL;
        tab.published--;
    }
    spin_unlock_irqrestore(&tab.lock, f);
}

struct domain *domtab_find(hestia_domid_t id)
{
    if (id >= HESTIA_MAX_DOMAINS)
        return NULL;
    return __atomic_load_n(&tab.by_id[id], __ATOMIC_ACQUIRE);
}

struct domain *domtab_next(hestia_domid_t id)
{
    unsigned long f = spin_lock_irqsave(&tab.lock);
    struct domain *found = NULL;
    for (unsigned i = id; i < HESTIA_MAX_DOMAINS && !found;) {
        uint64_t bits = tab.used[i / 64] >> (i % 64);
        if (!bits) {
            i = (i / 64 + 1) * 64; /* no id taken in the rest of this word */
            continue;
        }
        i += (unsigned)__builtin_ctzll(bits);
        found = tab.by_id[i]; /* NULL for a reserved id: go on */
        i++;
    }
    spin_unlock_irqrestore(&tab.lock, f);
    return found;
}

unsigned domtab_count(void)
{
    return __atomic_load_n(&tab.published, __ATOMIC_RELAXED);
}
