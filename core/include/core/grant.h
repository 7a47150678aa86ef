/* SPDX-License-Identifier: MIT */
/*
 * Grant tables: the granter's entries live in its own memory; the
 * hypervisor keeps per-mapper handle records (who mapped which frame where,
 * read-only or not) and a frame reference for every active mapping.
 */
#ifndef CORE_GRANT_H
#define CORE_GRANT_H

#include "domain.h"

#define GRANT_MAX_HANDLES 256 /* active maps per mapping domain */

int grant_domain_init(struct domain *d);
/*
 * Unmap everything d mapped from others.  Frames d granted that are still
 * mapped elsewhere keep their references (and are orphaned by p2m_teardown).
 */
void grant_domain_destroy(struct domain *d);

/* HYPERCALL_grant_table_op(cmd, ptr, count). */
/*
 * Mark dirty (core/logdirty.c) every frame of d that another domain maps
 * writable through a grant right now: its writes are in the mapper's page
 * tables, not d's.  No-op unless d is tracked.
 */
void grant_mark_mapped_writable(struct domain *d);

long do_grant_table_op(struct vcpu *v, uint64_t cmd, uint64_t ptr, uint64_t count);

/* Active mappings d holds of others' frames / others hold of d's frames. */
unsigned grant_maps_held(struct domain *d);
unsigned grant_maps_of(struct domain *d);

/*
 * Restore (core/domctl_restore.c).  grant_save_table: the gfns of d's
 * grant-table frames, how many.  grant_load_table: make n gfns (checked:
 * below the limit, populated, owned, none twice; -HESTIA_EINVAL and
 * nothing changed otherwise) d's table, which must have none yet, and
 * clear GTF_reading / GTF_writing in every entry: nothing maps d's frames
 * on this host, the old mappers stayed behind.
 */
unsigned grant_save_table(struct domain *d, uint64_t gfns[GRANT_MAX_TABLE_FRAMES]);
int grant_check_table(struct domain *d, const uint64_t *gfns, unsigned n);
int grant_load_table(struct domain *d, const uint64_t *gfns, unsigned n);

#endif
