/* SPDX-License-Identifier: MIT */
/*
 * The HVM interface (hal/hvm.h) of an arch without hardware-assisted
 * virtualization (x86 32-bit, ppc e500, ia64, the host HAL): there is no
 * such vCPU, so every request is refused in words (-HESTIA_ENOSYS:
 * DOMCTL_CREATE_HVM "function not implemented" on this arch).
 */
#include <hal/hvm.h>
#include <hestia/errno.h>

bool hal_hvm_available(void)
{
    return false;
}

int hal_hvm_vcpu_init(struct hal_vcpu *hv, struct hal_as *gphys)
{
    (void)hv;
    (void)gphys;
    return -HESTIA_ENOSYS;
}

int hal_hvm_vcpu_start(struct hal_vcpu *hv, const struct domctl_hvm_start *s,
                       uint64_t limit_gpa)
{
    (void)hv;
    (void)s;
    (void)limit_gpa;
    return -HESTIA_ENOSYS;
}

uint64_t hal_hvm_exit_count(const struct hal_vcpu *hv, unsigned reason)
{
    (void)hv;
    (void)reason;
    return 0;
}
