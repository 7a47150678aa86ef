/* SPDX-License-Identifier: MIT */
/* Must not compile: a hypercall argument (a bare integer) used as a guest VA unconverted.
 */
#include <hal/guest_copy.h>

int typed_bad(struct vcpu *v, uint64_t arg, void *dst)
{
    return hal_copy_from_guest(v, dst, arg, 8);
}
