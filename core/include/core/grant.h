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

#endif
