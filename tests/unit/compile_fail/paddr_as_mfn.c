/* SPDX-License-Identifier: MIT */
/* Must not compile: a physical address where a frame number is expected (shift it first).
 */
#include <hal/mmu.h>

void *typed_bad(paddr_t pa)
{
    return hal_frame_to_virt(pa);
}
