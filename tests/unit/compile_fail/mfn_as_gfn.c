/* SPDX-License-Identifier: MIT */
/* Must not compile: a machine frame where a guest frame is expected. */
#include <core/mm.h>

mfn_t typed_bad(struct domain *d, mfn_t m)
{
    return p2m_lookup(d, m);
}
