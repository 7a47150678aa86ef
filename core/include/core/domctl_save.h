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

#endif
