/* SPDX-License-Identifier: MIT */
/*
 * A domain's pseudo-physical memory: the gfn -> mfn map, its accounting
 * and HYPERCALL_memory_op.
 *
 * The map is a flat array of 32-bit mfns (4 bytes per gfn keeps a small
 * domain's hypervisor memory small).  gfns run to twice max_pages so a
 * guest that released frames can populate elsewhere (holes), while
 * nr_pages can never pass max_pages.
 */
#include <core/domain.h>
#include <core/lib.h>
#include <core/logdirty.h>
#include <core/mm.h>
#include <hal/guest_copy.h>
#include <hal/mmu.h>

#include "mm_internal.h"

/* Largest max_pages a domain may have (16 GiB of 4 KiB frames). */
#define P2M_MAX_PAGES (1ull << 22)

int p2m_init(struct domain *d, uint64_t nr_pages, uint64_t max_pages)
{
    if (!d || d->mm || max_pages == 0 || nr_pages > max_pages || max_pages > P2M_MAX_PAGES)
        return -HESTIA_EINVAL;
    struct mm_dom *m = core_heap_alloc(sizeof(*m));
    if (!m)
        return -HESTIA_ENOMEM;
    m->gfn_limit = max_pages * 2;
    m->max_pages = max_pages;
    m->pt_limit = mm_pt_limit_for(max_pages);
    m->p2m = core_heap_alloc((size_t)m->gfn_limit * sizeof(uint32_t));
    if (!m->p2m) {
        core_heap_free(m);
        return -HESTIA_ENOMEM;
    }
    for (uint64_t g = 0; g < m->gfn_limit; g++)
        m->p2m[g] = P2M_EMPTY;
    for (uint64_t g = 0; g < nr_pages; g++) {
        mfn_t mfn = frame_alloc_owner(d->id);
        if (mfn_eq(mfn, MFN_INVALID)) {
            for (uint64_t k = 0; k < g; k++)
                frame_free(mfn(m->p2m[k]));
            core_heap_free(m->p2m);
            core_heap_free(m);
            return -HESTIA_ENOMEM;
        }
        m->p2m[g] = (uint32_t)mfn_val(mfn);
        frame_set_tag(mfn, FRAME_TAG_NONE, (uint32_t)g); /* gfn for p2m_gfn_of */
    }
    m->nr_pages = nr_pages;
    d->mm = m;
    return 0;
}

void p2m_teardown(struct domain *d)
{
    struct mm_dom *m = d ? d->mm : NULL;
    if (!m)
        return;
    for (uint64_t g = 0; g < m->gfn_limit; g++) {
        if (m->p2m[g] == P2M_EMPTY)
            continue;
        /* A frame still mapped (by a grantee) is orphaned, not freed. */
        frame_release(mfn(m->p2m[g]));
        m->p2m[g] = P2M_EMPTY;
    }
    d->mm = NULL;
    core_heap_free(m->p2m);
    core_heap_free(m);
}

mfn_t p2m_lookup(struct domain *d, gfn_t gfn)
{
    struct mm_dom *m = d ? d->mm : NULL;
    if (!m || gfn_val(gfn) >= m->gfn_limit)
        return MFN_INVALID;
    uint32_t e = m->p2m[gfn_val(gfn)];
    return e == P2M_EMPTY ? MFN_INVALID : mfn(e);
}

int p2m_release(struct domain *d, gfn_t g)
{
    struct mm_dom *m = d ? d->mm : NULL;
    uint64_t gfn = gfn_val(g);
    if (!m || gfn >= m->gfn_limit)
        return -HESTIA_EINVAL;
    unsigned long flags = spin_lock_irqsave(&m->lock);
    int rc;
    uint32_t e = m->p2m[gfn];
    if (e == P2M_EMPTY) {
        rc = -HESTIA_ENOENT;
    } else {
        rc = frame_free_unref(mfn(e));
        if (rc == 0) {
            m->p2m[gfn] = P2M_EMPTY;
            m->nr_pages--;
        }
    }
    spin_unlock_irqrestore(&m->lock, flags);
    return rc;
}

int p2m_populate(struct domain *d, gfn_t g)
{
    struct mm_dom *m = d ? d->mm : NULL;
    uint64_t gfn = gfn_val(g);
    if (!m || gfn >= m->gfn_limit)
        return -HESTIA_EINVAL;
    unsigned long flags = spin_lock_irqsave(&m->lock);
    int rc = 0;
    if (m->p2m[gfn] != P2M_EMPTY) {
        rc = -HESTIA_EEXIST;
    } else if (m->nr_pages >= m->max_pages) {
        rc = -HESTIA_ENOMEM;
    } else {
        mfn_t mfn = frame_alloc_owner(d->id);
        if (mfn_eq(mfn, MFN_INVALID)) {
            rc = -HESTIA_ENOMEM;
        } else {
            m->p2m[gfn] = (uint32_t)mfn_val(mfn);
            frame_set_tag(mfn, FRAME_TAG_NONE, (uint32_t)gfn); /* gfn for p2m_gfn_of */
            m->nr_pages++;
        }
    }
    spin_unlock_irqrestore(&m->lock, flags);
    if (rc == 0)
        logdirty_mark_gfn(d, gfn); /* new (zeroed) contents */
    return rc;
}

uint64_t p2m_nr_pages(const struct domain *d)
{
    return d && d->mm ? d->mm->nr_pages : 0;
}

uint64_t p2m_max_pages(const struct domain *d)
{
    return d && d->mm ? d->mm->max_pages : 0;
}

uint64_t p2m_gfn_limit(const struct domain *d)
{
    return d && d->mm ? d->mm->gfn_limit : 0;
}

unsigned long mm_pt_frames(const struct domain *d)
{
    return d && d->mm ? d->mm->pt_frames : 0;
}

/*
 * Walk [gfn:offset, +len) frame by frame; offset may exceed a page.
 * to_guest selects the direction of the copy.
 */
static int gfn_copy(struct domain *d, gfn_t gfn, size_t offset, uint8_t *buf, size_t len,
                    bool to_guest)
{
    uint64_t g = gfn_val(gfn) + (offset >> HAL_PAGE_SHIFT);
    if (g < gfn_val(gfn))
        return -HESTIA_EFAULT;
    size_t off = offset & (HAL_PAGE_SIZE - 1);
    while (len > 0) {
        mfn_t mfn = p2m_lookup(d, gfn(g));
        if (mfn_eq(mfn, MFN_INVALID))
            return -HESTIA_EFAULT;
        size_t chunk = MIN(len, HAL_PAGE_SIZE - off);
        uint8_t *page = hal_frame_to_virt(mfn);
        if (to_guest)
            memcpy(page + off, buf, chunk);
        else
            memcpy(buf, page + off, chunk);
        buf += chunk;
        len -= chunk;
        off = 0;
        g++;
    }
    return 0;
}

int gfn_copy_to(struct domain *d, gfn_t gfn, size_t offset, const void *src, size_t len)
{
    int rc = gfn_copy(d, gfn, offset, (uint8_t *)(uintptr_t)src, len, true);
    /* A write no page table sees: tell log-dirty (migration). */
    if (rc == 0 && len && logdirty_enabled(d))
        for (uint64_t g = gfn_val(gfn);
             g <= gfn_val(gfn) + (offset + len - 1) / HAL_PAGE_SIZE; g++)
            logdirty_mark_gfn(d, g);
    return rc;
}

int gfn_copy_from(struct domain *d, void *dst, gfn_t gfn, size_t offset, size_t len)
{
    return gfn_copy(d, gfn, offset, dst, len, false);
}

static long memop_range(struct vcpu *v, uint64_t arg, bool populate)
{
    struct domain *d = v->domain;
    struct memop_range r;
    if (hal_copy_from_guest(v, &r, guest_va(arg), sizeof(r)))
        return -HESTIA_EFAULT;
    if (r.count > MEMOP_MAX_COUNT)
        return -HESTIA_E2BIG;
    if (r.gfn + r.count < r.gfn)
        return -HESTIA_EINVAL;
    long rc = 0;
    uint64_t done;
    for (done = 0; done < r.count; done++) {
        rc = populate ? p2m_populate(d, gfn(r.gfn + done))
                      : p2m_release(d, gfn(r.gfn + done));
        if (rc)
            break;
    }
    r.done = done;
    if (hal_copy_to_guest(v, guest_va(arg + offsetof(struct memop_range, done)), &r.done,
                          sizeof(r.done)))
        return -HESTIA_EFAULT;
    return rc;
}

long do_memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
    struct domain *d = v->domain;
    if (!d->mm)
        return -HESTIA_EINVAL;
    switch (cmd) {
    case MEMOP_get_info: {
        struct memop_info info;
        memset(&info, 0, sizeof(info));
        info.nr_pages = p2m_nr_pages(d);
        info.max_pages = p2m_max_pages(d);
        info.gfn_limit = p2m_gfn_limit(d);
        if (hal_copy_to_guest(v, guest_va(arg), &info, sizeof(info)))
            return -HESTIA_EFAULT;
        return 0;
    }
    case MEMOP_release:
        return memop_range(v, arg, false);
    case MEMOP_populate:
        return memop_range(v, arg, true);
    default:
        return -HESTIA_ENOSYS;
    }
}

bool p2m_gfn_of(struct domain *d, mfn_t mfn, uint64_t *gfn_out)
{
    struct mm_dom *m = d ? d->mm : NULL;
    uint32_t g;
    if (!m || frame_owner(mfn) != d->id || frame_tag(mfn, &g) != FRAME_TAG_NONE)
        return false;
    /* The frame table's note is a hint: the p2m has the last word. */
    unsigned long flags = spin_lock_irqsave(&m->lock);
    bool ok = g < m->gfn_limit && m->p2m[g] == (uint32_t)mfn_val(mfn);
    spin_unlock_irqrestore(&m->lock, flags);
    if (ok)
        *gfn_out = g;
    return ok;
}
