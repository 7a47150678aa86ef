/* SPDX-License-Identifier: MIT */
/* Must not compile: a bare integer where a machine frame is expected (say so with mfn()).
 */
#include <core/mm.h>

void typed_bad(uint64_t raw)
{
    frame_free(raw);
}
