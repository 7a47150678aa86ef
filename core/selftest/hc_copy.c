/* SPDX-License-Identifier: MIT */
/*
 * Conformance: hal_copy_to_guest / hal_copy_from_guest (hal/guest_copy.h)
 * through the fixture vCPU's spaces: across page boundaries onto frames
 * that are not adjacent in machine memory, and at unmapped, read-only,
 * hypervisor and out-of-range addresses (-EFAULT, nothing written past
 * the fault, nothing read from beyond it, no byte past len touched).
 */
#include "hc.h"

#define FILL 0xcc     /* guest frames before a copy */
#define CANARY 0xee   /* hypervisor buffers before a copy */
#define FAR_BYTE 0x77 /* the frame beyond a hole */

/* Machine frames far apart (the fixture domain's pages 0, 5 and 9). */
static const unsigned frame_of_page[3] = {0, 5, 9};

static unsigned char src_buf[2 * HAL_PAGE_SIZE + 256];
static unsigned char dst_buf[2 * HAL_PAGE_SIZE + 256 + 64];

static unsigned char *frame_ptr(struct hc *t, unsigned page)
{
    return hal_frame_to_virt(hc_frame(t, frame_of_page[page]));
}

/*
 * A kernel space with pages 0..2 at base mapped with perms[i] (0: hole)
 * onto frames filled with FILL; made the vCPU's spaces (no user space).
 */
static struct hal_as *setup(struct hc *t, uint64_t *base, const unsigned perms[3])
{
    struct hal_as *k = hc_space(t, HAL_AS_PV_KERNEL);
    if (!k)
        return NULL;
    *base = hc_base(t, HAL_AS_PV_KERNEL);
    for (unsigned i = 0; i < 3 && !hc_failed(t); i++) {
        memset(frame_ptr(t, i), FILL, HAL_PAGE_SIZE);
        if (perms[i])
            HC_RC(t,
                  hal_as_map(k, guest_va(*base + i * PAGE), hc_frame(t, frame_of_page[i]),
                             perms[i]),
                  0);
    }
    for (size_t i = 0; i < sizeof(src_buf); i++)
        src_buf[i] = (unsigned char)(i * 7 + 1);
    hc_vcpu_use_spaces(t, k, NULL);
    return hc_failed(t) ? NULL : k;
}

/* Guest bytes [off, off+len) of the 3-page window equal src (else FILL untouched). */
static void expect_guest(struct hc *t, int line, size_t off, size_t len,
                         const unsigned char *src)
{
    for (size_t g = 0; g < 3 * HAL_PAGE_SIZE; g++) {
        unsigned char got = frame_ptr(t, (unsigned)(g / HAL_PAGE_SIZE))[g % HAL_PAGE_SIZE];
        unsigned char want = g >= off && g < off + len ? src[g - off] : FILL;
        if (got != want) {
            hc_fail(t, line,
                    "guest byte 0x%lx is 0x%x, want 0x%x (copy of %lu bytes at 0x%lx)",
                    (unsigned long)g, got, want, (unsigned long)len, (unsigned long)off);
            return;
        }
    }
}

static void clear_dst(void)
{
    memset(dst_buf, CANARY, sizeof(dst_buf));
}

/* No byte of dst_buf at or past len was written. */
static void expect_canary_from(struct hc *t, int line, size_t len)
{
    for (size_t i = len; i < sizeof(dst_buf); i++)
        if (dst_buf[i] != CANARY) {
            hc_fail(t, line, "byte %lu written by a copy of %lu bytes", (unsigned long)i,
                    (unsigned long)len);
            return;
        }
}

static void t_cross_page(struct hc *t, unsigned arg)
{
    (void)arg;
    static const unsigned perms[3] = {R | W, R | W, R | W};
    uint64_t base;
    if (!setup(t, &base, perms))
        return;
    struct vcpu *v = hc_vcpu(t);
    /* Across one boundary. */
    HC_RC(t, hal_copy_to_guest(v, guest_va(base + PAGE - 20), src_buf, 64), 0);
    expect_guest(t, __LINE__, HAL_PAGE_SIZE - 20, 64, src_buf);
    clear_dst();
    HC_RC(t, hal_copy_from_guest(v, dst_buf, guest_va(base + PAGE - 20), 64), 0);
    HC_CHECK(t, !memcmp(dst_buf, src_buf, 64), "read back differs across a page boundary");
    expect_canary_from(t, __LINE__, 64);
    /* Across two, starting and ending mid-page. */
    for (unsigned i = 0; i < 3; i++)
        memset(frame_ptr(t, i), FILL, HAL_PAGE_SIZE);
    size_t len = 2 * HAL_PAGE_SIZE + 100;
    HC_RC(t, hal_copy_to_guest(v, guest_va(base + 50), src_buf, len), 0);
    expect_guest(t, __LINE__, 50, len, src_buf);
    clear_dst();
    HC_RC(t, hal_copy_from_guest(v, dst_buf, guest_va(base + 50), len), 0);
    HC_CHECK(t, !memcmp(dst_buf, src_buf, len), "read back differs across two boundaries");
    expect_canary_from(t, __LINE__, len);
    /* One byte at the very end of a page, and a whole aligned page. */
    unsigned char next = frame_ptr(t, 2)[0], prev = frame_ptr(t, 1)[HAL_PAGE_SIZE - 2];
    HC_RC(t, hal_copy_to_guest(v, guest_va(base + 2 * PAGE - 1), "Z", 1), 0);
    HC_CHECK(t,
             frame_ptr(t, 1)[HAL_PAGE_SIZE - 1] == 'Z' && frame_ptr(t, 2)[0] == next &&
                 frame_ptr(t, 1)[HAL_PAGE_SIZE - 2] == prev,
             "a one-byte copy to the end of a page wrote elsewhere");
    clear_dst();
    HC_RC(t, hal_copy_from_guest(v, dst_buf, guest_va(base + PAGE), HAL_PAGE_SIZE), 0);
    HC_CHECK(t, !memcmp(dst_buf, frame_ptr(t, 1), HAL_PAGE_SIZE),
             "whole-page read differs");
    expect_canary_from(t, __LINE__, HAL_PAGE_SIZE);
    hc_note(t, "64 bytes over one boundary, %lu over two, onto frames 0/5/9 of the domain",
            (unsigned long)len);
}

/* A hole in the middle: the copy stops there. */
static void t_unmapped(struct hc *t, unsigned arg)
{
    (void)arg;
    static const unsigned perms[3] = {R | W, 0, R | W};
    uint64_t base;
    if (!setup(t, &base, perms))
        return;
    struct vcpu *v = hc_vcpu(t);
    memset(frame_ptr(t, 2), FAR_BYTE, HAL_PAGE_SIZE);
    size_t len = HAL_PAGE_SIZE + 16;
    HC_RC(t, hal_copy_to_guest(v, guest_va(base + PAGE - 8), src_buf, len), -HESTIA_EFAULT);
    for (size_t i = 0; i < HAL_PAGE_SIZE; i++)
        if (frame_ptr(t, 2)[i] != FAR_BYTE) {
            hc_fail(t, __LINE__,
                    "a copy that faulted wrote byte %lu of the page after the hole",
                    (unsigned long)i);
            break;
        }
    HC_CHECK(t, frame_ptr(t, 1)[0] == FILL, "the frame behind the hole was written");
    HC_RC(t, hal_copy_to_guest(v, guest_va(base + PAGE + 100), src_buf, 8), -HESTIA_EFAULT);
    clear_dst();
    HC_RC(t, hal_copy_from_guest(v, dst_buf, guest_va(base + PAGE - 8), len),
          -HESTIA_EFAULT);
    for (size_t i = 8; i < len; i++)
        if (dst_buf[i] == FAR_BYTE) {
            hc_fail(t, __LINE__,
                    "a read that faulted at the hole returned byte %lu from beyond it",
                    (unsigned long)i);
            break;
        }
    expect_canary_from(t, __LINE__, len);
    clear_dst();
    HC_RC(t, hal_copy_from_guest(v, dst_buf, guest_va(base + PAGE), 4), -HESTIA_EFAULT);
    expect_canary_from(t, __LINE__, 4);
    /* The mapped pages on both sides still work. */
    HC_RC(t, hal_copy_from_guest(v, dst_buf, guest_va(base + 2 * PAGE), 16), 0);
    HC_CHECK(t, dst_buf[0] == FAR_BYTE && dst_buf[15] == FAR_BYTE,
             "page after the hole unreadable");
    hc_note(t, "EFAULT at the hole in both directions, nothing past it written or read");
}

/* Writes to a read-only page fail and leave it alone; reads work. */
static void t_read_only(struct hc *t, unsigned arg)
{
    (void)arg;
    static const unsigned perms[3] = {R | W, R, R | W};
    uint64_t base;
    if (!setup(t, &base, perms))
        return;
    struct vcpu *v = hc_vcpu(t);
    HC_RC(t, hal_copy_to_guest(v, guest_va(base + PAGE - 4), src_buf, 8), -HESTIA_EFAULT);
    HC_RC(t, hal_copy_to_guest(v, guest_va(base + PAGE + 40), src_buf, 8), -HESTIA_EFAULT);
    HC_RC(t, hal_copy_to_guest(v, guest_va(base + 2 * PAGE - 4), src_buf, 8),
          -HESTIA_EFAULT);
    for (size_t i = 0; i < HAL_PAGE_SIZE; i++)
        if (frame_ptr(t, 1)[i] != FILL) {
            hc_fail(t, __LINE__, "byte %lu of a read-only page was written",
                    (unsigned long)i);
            break;
        }
    clear_dst();
    HC_RC(t, hal_copy_from_guest(v, dst_buf, guest_va(base + PAGE - 4), 8), 0);
    HC_CHECK(t, dst_buf[4] == FILL && dst_buf[7] == FILL, "read-only page read wrong");
    expect_canary_from(t, __LINE__, 8);
    hc_note(t, "EFAULT on writes into or across a read-only page, which stays untouched");
}

static unsigned char hyp_data[64];

/* Pointers no guest mapping names: the hypervisor's own data, the top, wrap-around. */
static void t_bad_address(struct hc *t, unsigned arg)
{
    (void)arg;
    static const unsigned perms[3] = {R | W, R | W, R | W};
    uint64_t base;
    if (!setup(t, &base, perms))
        return;
    struct vcpu *v = hc_vcpu(t);
    memset(hyp_data, 0x11, sizeof(hyp_data));
    const uint64_t bad[] = {
        (uint64_t)(uintptr_t)hyp_data,
        (uint64_t)(uintptr_t)&t_bad_address,
        ~(uint64_t)0 & ~(PAGE - 1),
        ~(uint64_t)0 - 3,
        (uint64_t)1 << 47,
        (uint64_t)1 << 63,
        0,
    };
    for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
        /* The layout may put a guest page at 0 only if it is mapped: here it is not. */
        HC_RC(t, hal_copy_to_guest(v, guest_va(bad[i]), src_buf, 16), -HESTIA_EFAULT);
        clear_dst();
        HC_RC(t, hal_copy_from_guest(v, dst_buf, guest_va(bad[i]), 16), -HESTIA_EFAULT);
        expect_canary_from(t, __LINE__, 0);
    }
    for (unsigned i = 0; i < sizeof(hyp_data); i++)
        HC_CHECK(t, hyp_data[i] == 0x11, "hypervisor data written through a guest pointer");
    /* A range that wraps around the top of the address space. */
    HC_RC(t, hal_copy_from_guest(v, dst_buf, guest_va(~(uint64_t)0 - 7), 16),
          -HESTIA_EFAULT);
    HC_RC(t, hal_copy_to_guest(v, guest_va(~(uint64_t)0 - 7), src_buf, 16), -HESTIA_EFAULT);
    /* Ending exactly past the mapped window. */
    HC_RC(t, hal_copy_to_guest(v, guest_va(base + 3 * PAGE - 8), src_buf, 9),
          -HESTIA_EFAULT);
    hc_note(t,
            "%u bad pointers (hypervisor data and text, top, non-canonical, 0) and a "
            "wrapping range: EFAULT, nothing touched",
            (unsigned)ARRAY_SIZE(bad));
}

/* Copies reach the current user space too, and stop reaching it when it is not current. */
static void t_user_space(struct hc *t, unsigned arg)
{
    (void)arg;
    static const unsigned perms[3] = {R | W, 0, 0};
    uint64_t kbase;
    struct hal_as *k = setup(t, &kbase, perms);
    struct hal_as *u = k ? hc_space(t, HAL_AS_PV_USER) : NULL;
    if (!u)
        return;
    uint64_t ubase = hc_base(t, HAL_AS_PV_USER);
    if (hc_failed(t))
        return;
    struct vcpu *v = hc_vcpu(t);
    HC_RC(t,
          hal_as_map(u, guest_va(ubase + PAGE), hc_frame(t, frame_of_page[1]),
                     R | W | MMU_PERM_USER),
          0);
    hc_vcpu_use_spaces(t, k, u);
    HC_RC(t, hal_copy_to_guest(v, guest_va(ubase + PAGE + 10), src_buf, 32), 0);
    expect_guest(t, __LINE__, HAL_PAGE_SIZE + 10, 32, src_buf);
    clear_dst();
    HC_RC(t, hal_copy_from_guest(v, dst_buf, guest_va(ubase + PAGE + 10), 32), 0);
    HC_CHECK(t, !memcmp(dst_buf, src_buf, 32), "user page read back differs");
    HC_RC(t, hal_copy_from_guest(v, dst_buf, guest_va(kbase), 8), 0);
    hc_vcpu_use_spaces(t, k, NULL);
    HC_RC(t, hal_copy_from_guest(v, dst_buf, guest_va(ubase + PAGE + 10), 8),
          -HESTIA_EFAULT);
    HC_RC(t, hal_copy_to_guest(v, guest_va(ubase + PAGE + 10), src_buf, 8), -HESTIA_EFAULT);
    hc_note(t, "kernel + current user space; EFAULT once the user space is not current");
}

const struct hc_check hc_copy_checks[] = {
    {"copy.cross-page", t_cross_page, 0}, {"copy.unmapped", t_unmapped, 0},
    {"copy.read-only", t_read_only, 0},   {"copy.bad-address", t_bad_address, 0},
    {"copy.user-space", t_user_space, 0},
};
const unsigned hc_copy_nr = ARRAY_SIZE(hc_copy_checks);
