/* SPDX-License-Identifier: MIT */
/*
 * DOMCTL_vcpu_affinity (include/public/hestia/domctl.h): which physical
 * CPUs a domain's vCPUs may run on; the scheduler keeps it
 * (sched_set_affinity).  dom0's console: `sched <dom> cpus=0-1`.
 */
#include <core/cpu.h>
#include <core/domain.h>
#include <core/domctl_affinity.h>
#include <core/sched.h>
#include <hal/guest_copy.h>

long domctl_affinity(struct vcpu *v, struct hestia_domctl *op, uint64_t ptr)
{
    struct domain *d = op->domid == DOMID_SELF ? v->domain : domain_lookup(op->domid);
    if (!d)
        return -HESTIA_ESRCH;
    struct domctl_affinity *a = &op->u.affinity;
    bool all = a->vcpu == DOMCTL_AFFINITY_ALL_VCPUS;
    if (!all && (a->vcpu >= d->nr_vcpus || !d->vcpus[a->vcpu]))
        return -HESTIA_EINVAL;
    if (a->cpus) {
        long rc = sched_set_affinity(d, all ? SCHED_ALL_VCPUS : a->vcpu, a->cpus);
        if (rc)
            return rc;
    }
    a->cpus = sched_get_affinity(d, all ? 0 : a->vcpu);
    a->online = cpu_count() >= 32 ? ~0u : (1u << cpu_count()) - 1;
    a->pad = 0;
    op->domid = d->id;
    return hal_copy_to_guest(v, guest_va(ptr), op, sizeof(*op)) ? -HESTIA_EFAULT : 0;
}
