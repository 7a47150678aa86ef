/* SPDX-License-Identifier: MIT */
/* The save / restore domain-control operations (core/domctl_save.c). */
#ifndef CORE_DOMCTL_SAVE_H
#define CORE_DOMCTL_SAVE_H

#include <hestia/domctl.h>

#include "domain.h"

/*
 * Whether d may be read or changed for save / restore by caller: another
 * domain, alive, paused by DOMCTL_pause and on no CPU.  *err says why not
 * (-HESTIA_EINVAL, -HESTIA_EBUSY).
 */
bool domctl_save_target_ok(const struct vcpu *caller, const struct domain *d, long *err);

/* DOMCTL_read_memory (domctl.h). */
long domctl_read_memory(struct vcpu *v, struct domain *d,
                        const struct domctl_read_memory *r);

/* DOMCTL_get_mappings (domctl.h): fills g's OUT fields; the caller copies g back. */
long domctl_get_mappings(struct vcpu *v, struct domain *d, struct domctl_get_mappings *g);

/*
 * Restore (core/domctl_restore.c, rules in hestia/domctl.h):
 * DOMCTL_get_domain_state fills s->size (OUT) and the record;
 * DOMCTL_set_domain_state, DOMCTL_set_mappings need a domain created with
 * DOMCTL_CREATE_RESTORE and not unpaused since.  domctl_restore_vcpu is
 * DOMCTL_set_vcpu_state on a not yet started vCPU of such a domain
 * (domctl_restore_starts says when): it starts the vCPU from the record.
 */
long domctl_get_domain_state(struct vcpu *v, struct domain *d,
                             struct domctl_domain_state *s);
long domctl_set_domain_state(struct vcpu *v, struct domain *d,
                             const struct domctl_domain_state *s);
long domctl_set_mappings(struct vcpu *v, struct domain *d,
                         const struct domctl_set_mappings *s);
long domctl_restore_vcpu(struct vcpu *v, struct domain *d,
                         const struct domctl_vcpu_state *s);
bool domctl_restore_starts(const struct domain *d, uint32_t vcpu);

#endif
