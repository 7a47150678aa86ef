/* SPDX-License-Identifier: MIT */
/* DOMCTL_vcpu_affinity (core/domctl_affinity.c). */
#ifndef CORE_DOMCTL_AFFINITY_H
#define CORE_DOMCTL_AFFINITY_H

#include "domain.h"

/* op was copied in from the guest at ptr; the answer is copied back there. */
long domctl_affinity(struct vcpu *v, struct hestia_domctl *op, uint64_t ptr);

#endif
