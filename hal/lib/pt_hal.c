/* SPDX-License-Identifier: MIT */
/*
 * The hal_as_* functions of hal/mmu.h for backends built on the page-table
 * engine (hal/pt.h): each is the engine call on the space's pt_space.
 * Linked only by those backends and the host HAL (hal_pt_sources in
 * hal/meson.build).
 *
 * This file also compiles the engine itself (pt.c).  A backend names its
 * format's source and object (HAL_PT_FORMAT_SOURCE, HAL_PT_FORMAT, set in
 * its meson.build); the engine then sees that format as a constant and is
 * compiled for it alone: geometry folded, PTE hooks inlined, no indirect
 * call on the map / unmap / lookup paths.  One implementation, compiled
 * for one format per backend and for every format on the host.
 */
#ifdef HAL_PT_FORMAT_SOURCE
#include HAL_PT_FORMAT_SOURCE
#define PT_FMT(s) ((void)(s), &HAL_PT_FORMAT)
#define PT_FMT_CONSTANT 1
#define HAL_FMT (&HAL_PT_FORMAT)
#else
#define HAL_FMT hal_pt_format
#endif

#include "pt.c"

/* The PV windows are the format's (hal_guest_va_ok has no kind parameter: PV only). */
bool hal_guest_va_ok(guest_va_t va, bool user)
{
    return !(guest_va_val(va) & (HAL_PAGE_SIZE - 1)) &&
           pt_va_allowed(HAL_FMT, user ? HAL_AS_PV_USER : HAL_AS_PV_KERNEL,
                         guest_va_val(va));
}

int hal_as_map(struct hal_as *as, guest_va_t va, mfn_t mfn, unsigned perms)
{
    return engine_map(hal_as_pt(as), guest_va_val(va), mfn, perms);
}

int hal_as_unmap(struct hal_as *as, guest_va_t va, mfn_t *old)
{
    return engine_unmap(hal_as_pt(as), guest_va_val(va), old, NULL, NULL);
}

int hal_as_unmap_if(struct hal_as *as, guest_va_t va, mfn_t *old,
                    bool (*allow)(void *ctx, mfn_t mfn), void *ctx)
{
    return engine_unmap(hal_as_pt(as), guest_va_val(va), old, allow, ctx);
}

int hal_as_protect(struct hal_as *as, guest_va_t va, unsigned perms)
{
    return engine_protect(hal_as_pt(as), guest_va_val(va), perms);
}

int hal_as_lookup(struct hal_as *as, guest_va_t va, mfn_t *mfn, unsigned *perms)
{
    return as ? engine_lookup(hal_as_pt(as), guest_va_val(va), mfn, perms) : -HESTIA_ENOENT;
}

void *hal_walk_translate(struct hal_as *kernel, struct hal_as *user, guest_va_t va,
                         unsigned need, mfn_t *frame)
{
    mfn_t mfn;
    unsigned perms;
    pt_va_t a = guest_va_val(va);
    if ((!kernel || engine_lookup(hal_as_pt(kernel), a, &mfn, &perms) != 0) &&
        (!user || engine_lookup(hal_as_pt(user), a, &mfn, &perms) != 0))
        return NULL;
    if ((perms & need) != need || !core_frame_is_ram(mfn))
        return NULL; /* forbidden access, or device memory (hal/entry.h) */
    *frame = mfn;
    return (unsigned char *)hal_frame_to_virt(mfn) + (a & (HAL_PAGE_SIZE - 1));
}

void hal_as_set_direct_copy(struct hal_as *kernel, bool ok)
{
    hal_as_pt(kernel)->direct_copy = ok;
}

void hal_as_flush(struct hal_as *as, guest_va_t va)
{
    pt_flush(hal_as_pt(as), guest_va_val(va));
}

unsigned long hal_as_frames(const struct hal_as *as)
{
    return as ? hal_as_pt((struct hal_as *)as)->frames : 0;
}

int hal_as_list(struct hal_as *as, guest_va_t start, guest_va_t end, hal_mapping_fn fn,
                void *ctx)
{
    return pt_list(hal_as_pt(as), guest_va_val(start), guest_va_val(end), fn, ctx);
}

long hal_as_write_protect(struct hal_as *as, guest_va_t start, guest_va_t end)
{
    return pt_write_protect(hal_as_pt(as), guest_va_val(start), guest_va_val(end));
}

long hal_as_dirty_clear(struct hal_as *as, guest_va_t start, guest_va_t end,
                        hal_mapping_fn fn, void *ctx)
{
    return pt_dirty_clear(hal_as_pt(as), guest_va_val(start), guest_va_val(end), fn, ctx);
}

int hal_as_write_fault(struct hal_as *as, guest_va_t va)
{
    return as ? pt_write_fault(hal_as_pt(as), guest_va_val(va)) : -HESTIA_ENOENT;
}
