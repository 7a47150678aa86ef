/* SPDX-License-Identifier: MIT */
/*
 * HVM domains (DOMCTL_CREATE_HVM, docs/hvm.md): a domain like any other
 * (scheduler, events, pause, destroy, accounting) whose memory is a
 * guest-physical address space over its own frames and whose vCPUs the
 * HAL runs under the CPU's virtualization extensions (hal/hvm.h).
 */
#ifndef CORE_HVM_H
#define CORE_HVM_H

#include "domain.h"

struct domctl_hvm_start;

/*
 * Make the freshly created d (vCPUs down) an HVM domain: the
 * guest-physical space maps gfn N at N * page for every populated gfn,
 * each vCPU becomes an HVM vCPU.  Errors: -HESTIA_ENOSYS (no HVM on this
 * machine), -HESTIA_ENOMEM; the caller destroys d on error.
 */
int hvm_domain_init(struct domain *d);

/* Drop the guest-physical space (after the vCPUs are gone). */
void hvm_domain_destroy(struct domain *d);

/* DOMCTL_hvm_start_vcpu: validate and start; errors as in domctl.h. */
long hvm_start_vcpu(struct domain *d, const struct domctl_hvm_start *s);

#endif
