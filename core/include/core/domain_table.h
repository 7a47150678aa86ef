/* SPDX-License-Identifier: MIT */
/*
 * The domain table (core/domain_table.c): domid -> domain in O(1), domid
 * allocation in O(1) (lowest free id, found through a two-level bitmap),
 * listing in O(domains + HESTIA_MAX_DOMAINS / 64).  docs/density.md.
 *
 * An id is reserved (taken, no domain yet) while its domain is built, so
 * two creators never get the same one; a destroyed domain's id comes back
 * only after its teardown, so nothing of it (frames are owned by domid)
 * is ever confused with a new domain's.  Its own lock; callers hold none.
 */
#ifndef CORE_DOMAIN_TABLE_H
#define CORE_DOMAIN_TABLE_H

#include "domain.h"

/* Forget everything (boot, and between host tests). */
void domtab_reset(void);

/* Reserve id 0 if want_zero and it is free, else the lowest free id >= 1:
 * the id, or -HESTIA_ENOSPC. */
int domtab_reserve(bool want_zero);

/* Give back a reserved id whose domain never got published, or whose domain is gone. */
void domtab_release(hestia_domid_t id);

/* Make d (its id reserved) visible to lookups. */
void domtab_publish(struct domain *d);

/* Hide d from lookups; its id stays reserved until domtab_release(). */
void domtab_unpublish(struct domain *d);

/* The published domain with this id, or NULL. */
struct domain *domtab_find(hestia_domid_t id);

/* The published domain with the lowest id >= id, or NULL. */
struct domain *domtab_next(hestia_domid_t id);

/* Published domains. */
unsigned domtab_count(void);

#endif
