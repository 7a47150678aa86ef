/* SPDX-License-Identifier: MIT */
/*
 * Host HAL address spaces: the page-table engine (hal/lib/pt.c) over the
 * software format ppc and ia64 refill their TLBs from (hal/pt_soft.h), in
 * real frames of the simulated RAM, so accounting, listing and dirty
 * tracking behave as on a backend.  Guest-physical spaces are allowed too
 * (the host has no hardware; the engine does not care).
 */
#include <hal/pt_soft.h>
#include <host/host.h>

struct hal_as {
    struct pt_space pt;
};

/* 4 levels of 512 entries over [0, 2^48); the upper half of the root is the hypervisor's.
 */
const struct pt_format host_pt_format = {
    .name = "host-soft",
    .levels = 4,
    .index_bits = {9, 9, 9, 9},
    .root_guest_entries = 256,
    .max_mfn = HOST_RAM_BASE_MFN + HOST_RAM_FRAMES,
    /* Kernel, user and guest-physical spaces share one window on the host. */
    .windows =
        {
            [HAL_AS_PV_KERNEL] = {{0, HOST_GUEST_VA_LIMIT}},
            [HAL_AS_PV_USER] = {{0, HOST_GUEST_VA_LIMIT}},
            [HAL_AS_GUEST_PHYS] = {{0, HOST_GUEST_VA_LIMIT}},
        },
    PT_SOFT_HOOKS,
};

const struct pt_format *const hal_pt_format = &host_pt_format;

PT_SPACE_FIRST(struct hal_as);

struct hal_as *hal_as_create(struct domain *d, enum hal_as_kind kind)
{
    return pt_space_new(sizeof(struct hal_as), &host_pt_format, d, kind, 0);
}

void hal_as_destroy(struct hal_as *as, hal_unmap_fn dropped, void *ctx)
{
    if (!as)
        return;
    pt_destroy(&as->pt, dropped, ctx);
    core_heap_free(as);
}

/* No CPU caches a host space: the engine's clear is all. */
bool hal_as_clear(struct hal_as *as, hal_unmap_fn dropped, void *ctx)
{
    if (!pt_keepable(&as->pt))
        return false;
    pt_clear(&as->pt, dropped, ctx);
    return true;
}

void hal_guest_layout(struct hal_guest_layout *layout)
{
    layout->virt_base = guest_va(0x40000000ull);      /* 1 GiB, as the x86_64 port */
    layout->shared_info_va = guest_va(0x3ffff000ull); /* the page just below */
}
