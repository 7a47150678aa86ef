/* SPDX-License-Identifier: MIT */
/* Control: the right kinds compile (so the failures below are the types, not the setup). */
#include <core/mm.h>
#include <hal/guest_copy.h>
#include <hal/mmu.h>

mfn_t typed_ok(struct domain *d, gfn_t g)
{
    mfn_t m = p2m_lookup(d, g);
    return mfn_eq(m, MFN_INVALID) ? mfn(0) : m;
}

int typed_va_ok(struct vcpu *v, struct hal_as *as, uint64_t arg, void *dst, mfn_t m)
{
    if (hal_as_map(as, guest_va(arg), m, 1))
        return -1;
    return hal_copy_from_guest(v, dst, guest_va_add(guest_va(arg), 8), 8);
}

void *typed_pa_ok(paddr_t pa)
{
    return hal_frame_to_virt(mfn(paddr_val(pa) >> HAL_PAGE_SHIFT));
}
