/* SPDX-License-Identifier: MIT */
/*
 * Guest copies by walking the address-space tables in software: each page
 * is translated with hal_walk_translate() (kernel space first, then the
 * current user space) and reached through the hypervisor's direct map.  Nothing is
 * dereferenced through the guest's own addresses, so a bad pointer can only
 * produce -HESTIA_EFAULT.
 */
#include <hal/entry.h>
#include <hal/guest_copy.h>
#include <hal/mmu.h>
#include <hestia/errno.h>
#include <hestia/mmu.h>

void *memcpy(void *dst, const void *src, size_t n);

/*
 * Small copies (hypercall argument structs, which are word aligned) inline,
 * a word at a time, then bytes: every hypercall with a struct argument comes
 * through here and a call would cost it.  Pages and other large chunks go
 * to lib/mem.c's memcpy, four words an iteration: the one-word loop was
 * about 6.5 instructions per 4 bytes on x86, 6.9 ms of the 12 ms a 4 MiB
 * save spent in DOMCTL_read_memory (docs/benchmarks.md).
 */
static void copy(unsigned char *d, const unsigned char *s, size_t n)
{
    if (n >= 256) {
        memcpy(d, s, n);
        return;
    }
    if (!(((uintptr_t)d | (uintptr_t)s) & (sizeof(uintptr_t) - 1))) {
        for (; n >= sizeof(uintptr_t); n -= sizeof(uintptr_t)) {
            *(uintptr_t *)(void *)d = *(const uintptr_t *)(const void *)s;
            d += sizeof(uintptr_t);
            s += sizeof(uintptr_t);
        }
    }
    while (n--)
        *d++ = *s++;
}

static bool range_ok(guest_va_t va, size_t len)
{
    return guest_va_val(va) + (uint64_t)len >= guest_va_val(va); /* no wrap-around */
}

/*
 * Whether [va, va + len) is 1 to HAL_PAGE_SIZE bytes in one page: one
 * translation.  Hypercall arguments (a struct, a port) almost always are;
 * the loops below keep the general case out of their way.
 */
static inline bool one_page(guest_va_t va, size_t len)
{
    return len - 1 < HAL_PAGE_SIZE - (size_t)(guest_va_val(va) & (HAL_PAGE_SIZE - 1));
}

static __attribute__((noinline)) int copy_from_pages(struct hal_as *kernel,
                                                     struct hal_as *user, void *dst,
                                                     guest_va_t src, size_t len)
{
    unsigned char *d = dst;
    while (len) {
        size_t chunk = HAL_PAGE_SIZE - (size_t)(guest_va_val(src) & (HAL_PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        mfn_t frame;
        const unsigned char *p =
            hal_walk_translate(kernel, user, src, MMU_PERM_READ, &frame);
        if (!p)
            return -HESTIA_EFAULT;
        copy(d, p, chunk);
        d += chunk;
        src = guest_va_add(src, chunk);
        len -= chunk;
    }
    return 0;
}

int hal_walk_copy_from(struct hal_as *kernel, struct hal_as *user, void *dst,
                       guest_va_t src, size_t len)
{
    if (!range_ok(src, len))
        return -HESTIA_EFAULT;
    if (!one_page(src, len))
        return copy_from_pages(kernel, user, dst, src, len);
    mfn_t frame;
    const unsigned char *p = hal_walk_translate(kernel, user, src, MMU_PERM_READ, &frame);
    if (!p)
        return -HESTIA_EFAULT;
    copy(dst, p, len);
    return 0;
}

static __attribute__((noinline)) int copy_to_pages(struct hal_as *kernel,
                                                   struct hal_as *user, guest_va_t dst,
                                                   const void *src, size_t len)
{
    const unsigned char *s = src;
    while (len) {
        size_t chunk = HAL_PAGE_SIZE - (size_t)(guest_va_val(dst) & (HAL_PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        mfn_t frame;
        unsigned char *p = hal_walk_translate(kernel, user, dst, MMU_PERM_WRITE, &frame);
        if (!p)
            return -HESTIA_EFAULT;
        copy(p, s, chunk);
        /* No page table saw this write: log-dirty must hear of it (migration). */
        core_frame_written(frame);
        s += chunk;
        dst = guest_va_add(dst, chunk);
        len -= chunk;
    }
    return 0;
}

int hal_walk_copy_to(struct hal_as *kernel, struct hal_as *user, guest_va_t dst,
                     const void *src, size_t len)
{
    if (!range_ok(dst, len))
        return -HESTIA_EFAULT;
    if (!one_page(dst, len))
        return copy_to_pages(kernel, user, dst, src, len);
    mfn_t frame;
    unsigned char *p = hal_walk_translate(kernel, user, dst, MMU_PERM_WRITE, &frame);
    if (!p)
        return -HESTIA_EFAULT;
    copy(p, src, len);
    core_frame_written(frame); /* no page table saw this write (migration) */
    return 0;
}
