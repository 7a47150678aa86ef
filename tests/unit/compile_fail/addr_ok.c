/* SPDX-License-Identifier: MIT */
/* Control: the right kinds compile (so the failures below are the types, not the setup). */
#include <core/mm.h>

mfn_t typed_ok(struct domain *d, gfn_t g)
{
    mfn_t m = p2m_lookup(d, g);
    return mfn_eq(m, MFN_INVALID) ? mfn(0) : m;
}
