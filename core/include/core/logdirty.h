/* SPDX-License-Identifier: MIT */
/*
 * Log-dirty: which gfns of a domain were written since the toolstack last
 * asked (DOMCTL_log_dirty, docs/migration.md).  The page tables keep the
 * dirty state of each mapping (hardware dirty bits on x86, write-protect
 * and fault in the software format of ppc and ia64: hal_as_dirty_clear);
 * this module turns it into a per-gfn bitmap and adds the writes that do
 * not go through the domain's own mappings: the hypervisor's copies into
 * guest memory, grant copies, and other domains' writable grant mappings.
 */
#ifndef CORE_LOGDIRTY_H
#define CORE_LOGDIRTY_H

#include <hestia/domctl.h>

#include "domain.h"

/* DOMCTL_log_dirty: the op in l (its OUT fields filled for PEEK_CLEAN). */
long domctl_log_dirty(struct vcpu *v, struct domain *d, struct domctl_log_dirty *l);

/* Whether d is being tracked (d may be NULL). */
bool logdirty_enabled(const struct domain *d);

/*
 * logdirty_enabled() for a d known to be non-NULL, inline: the map and
 * unmap paths (core/pvmmu.c, core/grant.c) ask before every harvest or
 * mark, and while no migration runs the call was their whole cost.
 * Without the NULL test: in the out-of-line function too it cost grant
 * map + unmap 15 instructions.
 */
static inline bool logdirty_on(const struct domain *d)
{
    return d->logdirty != NULL;
}

/* gfn of d was written (by the hypervisor or through a path no page table sees). */
void logdirty_mark_gfn(struct domain *d, uint64_t gfn);

/* mfn, if it is a frame of d, was written. */
void logdirty_mark_mfn(struct domain *d, mfn_t mfn);

/*
 * A mapping of d is about to be made, removed or re-protected: counted
 * while d is tracked (DOMCTL_LOG_DIRTY_MAPPINGS_GEN), so the toolstack can
 * send the address spaces during pre-copy.  logdirty_harvest() counts too.
 */
void logdirty_mappings_changed(struct domain *d);

/*
 * Collect the dirty state of as's mappings in [start, end) into d's bitmap
 * before the mappings change (unmap, protect, space destroyed): the
 * page-table bits would be lost with them; counts as a mapping change
 * (logdirty_mappings_changed).  No-op when d is not tracked.
 */
void logdirty_harvest(struct domain *d, struct hal_as *as, guest_va_t start,
                      guest_va_t end);

/* Free d's tracking state (domain teardown). */
void logdirty_domain_destroy(struct domain *d);

#endif
