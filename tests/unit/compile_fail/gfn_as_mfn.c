/* SPDX-License-Identifier: MIT */
/* Must not compile: a guest frame where a machine frame is expected. */
#include <core/mm.h>

int typed_bad(gfn_t g)
{
    return frame_get(g);
}
