/* SPDX-License-Identifier: MIT */
/* DOMCTL_memstat (core/memstat.c, hestia/domctl.h). */
#ifndef CORE_MEMSTAT_H
#define CORE_MEMSTAT_H

#include <hestia/domctl.h>

#include "domain.h"

/* Fill op->u.memstat and copy op back to the caller at ptr (-HESTIA_EFAULT). */
long domctl_memstat(struct vcpu *v, struct hestia_domctl *op, uint64_t ptr);

#endif
