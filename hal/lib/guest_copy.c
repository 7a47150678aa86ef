/* SPDX-License-Identifier: MIT */
/*
 * hal_copy_from_guest / hal_copy_to_guest for every backend (interface in
 * hal/guest_copy.h): the vCPU's kernel and current user space, from
 * hal_vcpu_get_spaces(), walked in software by hal_walk_copy_*.  What an
 * arch supplies is the translation those use (hal_as_lookup) and which
 * spaces a vCPU sees.  An arch that copies through its own fault-fixup
 * path leaves this file out of its meson list (x86_64: hal_lib_common_sources
 * and arch/x86_64/guest_copy.c).
 */
#include <hal/entry.h>
#include <hal/guest_copy.h>
#include <hal/vcpu.h>
#include <hestia/errno.h>

/* v's spaces; false (nothing to copy through) for a vCPU without a kernel space. */
static bool spaces_of(struct vcpu *v, struct hal_as **kernel, struct hal_as **user)
{
    struct hal_vcpu *hv = core_vcpu_hal(v);
    if (!hv)
        return false;
    hal_vcpu_get_spaces(hv, kernel, user);
    return *kernel != NULL;
}

int hal_copy_from_guest(struct vcpu *v, void *dst, guest_va_t src, size_t len)
{
    struct hal_as *kernel, *user;
    if (!spaces_of(v, &kernel, &user))
        return -HESTIA_EFAULT;
    return hal_walk_copy_from(kernel, user, dst, src, len);
}

int hal_copy_to_guest(struct vcpu *v, guest_va_t dst, const void *src, size_t len)
{
    struct hal_as *kernel, *user;
    if (!spaces_of(v, &kernel, &user))
        return -HESTIA_EFAULT;
    return hal_walk_copy_to(kernel, user, dst, src, len);
}
