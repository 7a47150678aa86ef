/* SPDX-License-Identifier: MIT */
/*
 * VCPUOP_up: a guest starts another vCPU of its own domain (the guest-side
 * half of Xen's VCPUOP_initialise + VCPUOP_up in one call).  The checks are
 * the ones DOMCTL_start_vcpu makes for dom0, on the caller's own domain.
 */
#include <core/domain.h>
#include <core/vcpu_op.h>
#include <hal/guest_copy.h>
#include <hal/mmu.h>

/*
 * Two vCPUs of one domain may race to start the same third one on
 * different physical CPUs: the check of `started` and the start itself
 * happen under this lock.  Rare and short; taken before the scheduler's
 * locks (domain_start_vcpu wakes the vCPU), never inside them.
 */
static spinlock_t up_lock = SPINLOCK_INIT;

/* A non-zero guest-kernel address (the page it lies in is checked). */
static bool kernel_addr_ok(uint64_t va)
{
    return va != 0 && hal_guest_va_ok(guest_va(va & ~(uint64_t)(HAL_PAGE_SIZE - 1)), false);
}

long vcpu_op_up(struct vcpu *caller, struct vcpu *target, uint64_t ptr)
{
    struct domain *d = caller->domain;
    struct vcpu_up_args a;
    if (target->domain != d)
        return -HESTIA_ESRCH;
    if (d->hvm)
        return -HESTIA_ENOSYS; /* HVM vCPUs start through DOMCTL_hvm_start_vcpu */
    if (hal_copy_from_guest(caller, &a, guest_va(ptr), sizeof(a)))
        return -HESTIA_EFAULT;
    if (!kernel_addr_ok(a.entry) || !kernel_addr_ok(a.stack))
        return -HESTIA_EINVAL;
    unsigned long f = spin_lock_irqsave(&up_lock);
    long rc = target->started ? -HESTIA_EALREADY
                              : domain_start_vcpu(d, target->id, guest_va(a.entry),
                                                  guest_va(a.stack), guest_va(a.arg));
    spin_unlock_irqrestore(&up_lock, f);
    return rc;
}
