/* SPDX-License-Identifier: MIT */
/*
 * Domain references across CPUs.
 *
 * Everything in core/ runs under the hypervisor lock (core/hyplock.c), so
 * a domain found by domain_lookup() stays valid until the entry point that
 * looked it up returns: lookups take no reference, the hypercall path pays
 * nothing.  What outlives one entry point is a CPU running one of the
 * domain's vCPUs: between the guest exit and the next pass of its run loop
 * it uses the vCPU's registers and address space without the lock.  So the
 * run loop holds a reference on the domain of its current vCPU
 * (run.c:set_current), and domain_destroy() tears the domain down only
 * when no CPU holds one; otherwise the last CPU to switch away finishes it.
 * With one CPU the destroying CPU runs dom0, so the teardown is immediate.
 */
#include <core/domain.h>
#include <core/smp.h>

void domain_cpu_get(struct domain *d)
{
    d->cpu_refs++;
}

void domain_cpu_put(struct domain *d)
{
    if (--d->cpu_refs == 0 && d->teardown_deferred) {
        d->teardown_deferred = false;
        domain_finish_destroy(d);
    }
}

bool domain_defer_destroy(struct domain *d)
{
    if (!d->cpu_refs)
        return false;
    d->teardown_deferred = true;
    return true;
}
