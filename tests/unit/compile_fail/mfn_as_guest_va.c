/* SPDX-License-Identifier: MIT */
/* Must not compile: a machine frame where a guest virtual address is expected. */
#include <hal/mmu.h>

int typed_bad(struct hal_as *as, mfn_t m)
{
    return hal_as_map(as, m, m, 1);
}
