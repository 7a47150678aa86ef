/* SPDX-License-Identifier: MIT */
/*
 * DOMCTL_memstat: the hypervisor's memory figures for dom0 (the density
 * scenario measures per-domain cost and leaks with it; docs/density.md).
 * Read without a common lock: each figure is exact, the set is a snapshot
 * only while nothing else allocates.
 */
#include <core/domain.h>
#include <core/memstat.h>
#include <core/mm.h>
#include <hal/guest_copy.h>

long domctl_memstat(struct vcpu *v, struct hestia_domctl *op, uint64_t ptr)
{
    struct domctl_memstat *m = &op->u.memstat;
    memset(m, 0, sizeof(*m));
    m->total_frames = mm_total_frames();
    m->free_frames = mm_free_frames();
    m->hyp_frames = mm_hyp_frames();
    m->pt_frames = mm_pt_frames_total();
    m->heap_bytes = heap_bytes_in_use();
    m->nr_domains = domain_count();
    return hal_copy_to_guest(v, guest_va(ptr), op, sizeof(*op)) ? -HESTIA_EFAULT : 0;
}
