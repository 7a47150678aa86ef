/* SPDX-License-Identifier: MIT */
/*
 * hal_copy_from_guest / hal_copy_to_guest on x86 (hal/guest_copy.h).
 *
 * The hypervisor runs on its own CR3 (no guest mapping), so a copy is
 * always the software walk: each page translated in the vCPU's kernel
 * space, then its current user space (hal_walk_translate), and reached
 * through the direct map.  What this file adds over hal/lib/guest_copy.c,
 * which the other walking backends use: the spaces are read from the
 * vCPU here (no hal_vcpu_get_spaces call), and a copy within one page,
 * which every hypercall argument and a PV MMU batch's chunk is, moves
 * with one string instruction (rep movsl: one instruction per word;
 * lib/mem.c's memcpy is ~3.4 per word, 870 of a 32-page batch's).  A copy
 * across pages is hal_walk_copy_from / _to's.  The checks are the walk's
 * (hal_walk_translate: the permission, RAM only), so what fails here
 * failed there.
 */
#include <hal/entry.h>
#include <hal/guest_copy.h>
#include <hestia/errno.h>
#include <hestia/mmu.h>

#include <x86/arch.h>

/* DF is clear in the hypervisor (tramp.S: cld). */
static inline void copy_bytes(void *dst, const void *src, size_t n)
{
    size_t words = n / 4, bytes = n % 4;
    __asm__ volatile("rep movsl\n\t"
                     "mov %3, %2\n\t"
                     "rep movsb"
                     : "+D"(dst), "+S"(src), "+c"(words)
                     : "r"(bytes)
                     : "memory");
}

/* [va, va + len) is 1 to HAL_PAGE_SIZE bytes in one page (no wrap-around either). */
static inline bool one_page(guest_va_t va, size_t len)
{
    return len - 1 < HAL_PAGE_SIZE - (size_t)(guest_va_val(va) & (HAL_PAGE_SIZE - 1));
}

int hal_copy_from_guest(struct vcpu *v, void *dst, guest_va_t src, size_t len)
{
    struct hal_vcpu *hv = core_vcpu_hal(v);
    if (!hv || !hv->kernel)
        return -HESTIA_EFAULT;
    if (!one_page(src, len))
        return hal_walk_copy_from(hv->kernel, hv->user, dst, src, len);
    mfn_t frame;
    const void *p = hal_walk_translate(hv->kernel, hv->user, src, MMU_PERM_READ, &frame);
    if (!p)
        return -HESTIA_EFAULT;
    copy_bytes(dst, p, len);
    return 0;
}

int hal_copy_to_guest(struct vcpu *v, guest_va_t dst, const void *src, size_t len)
{
    struct hal_vcpu *hv = core_vcpu_hal(v);
    if (!hv || !hv->kernel)
        return -HESTIA_EFAULT;
    if (!one_page(dst, len))
        return hal_walk_copy_to(hv->kernel, hv->user, dst, src, len);
    mfn_t frame;
    void *p = hal_walk_translate(hv->kernel, hv->user, dst, MMU_PERM_WRITE, &frame);
    if (!p)
        return -HESTIA_EFAULT;
    copy_bytes(p, src, len);
    core_frame_written(frame); /* no page table saw this write (migration) */
    return 0;
}
