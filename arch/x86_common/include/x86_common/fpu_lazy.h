/* SPDX-License-Identifier: MIT */
/*
 * The lazy FPU across CPUs, one rule for both x86 backends: a vCPU's
 * x87/SSE registers stay in the FPU of the CPU it used them on (that
 * CPU's fpu_owner; the vCPU's fpu_on names the CPU, id + 1) until another
 * vCPU takes that FPU or the vCPU needs them elsewhere; then the CPU that
 * holds them saves them into the vCPU's fxsave image, at a cross-CPU call
 * (core_cpu_call) if it is another CPU.
 *
 * Included by each backend's vcpu.c once its struct hal_cpu / hal_vcpu
 * are defined (fields fpu_owner; fxsave, fpu_on), after it defined:
 *   X86_FPU_THIS_CPU()  this CPU's struct hal_cpu *
 *   X86_FPU_SAVE(img)   the save instruction of its mode into img
 *                       (fxsave in 32-bit mode, fxsave64 in long mode)
 *   X86_FPU_FORGOTTEN(c) what else the backend forgets once c's FPU holds
 *                       no one's state (x86_64: the entry it may skip)
 */
#ifndef X86_COMMON_FPU_LAZY_H
#define X86_COMMON_FPU_LAZY_H

#include <x86_common/cr.h>

/* c's FPU registers back into their owner's image; c's FPU then holds no one's. */
static inline void x86_fpu_save_owner(struct hal_cpu *c)
{
    X86_FPU_SAVE(c->fpu_owner->fxsave);
    __atomic_store_n(&c->fpu_owner->fpu_on, 0u, __ATOMIC_RELEASE);
    c->fpu_owner = NULL;
}

/* On the CPU whose FPU holds arg's state (a cross-CPU call): save it there. */
static void x86_fpu_release(void *arg)
{
    struct hal_cpu *c = X86_FPU_THIS_CPU();
    if (c->fpu_owner != arg)
        return; /* saved meanwhile (another vCPU took the FPU) */
    /*
     * CR0.TS back as it was, not set: this call may have been answered
     * inside an FPU take on this CPU (its wait in core_cpu_call()), between
     * the take clearing TS and its fxrstor, which would then #NM in the
     * hypervisor.  Elsewhere the interrupted context either did not own
     * the FPU (a guest runs with TS clear only while it is fpu_owner, and
     * arg is not running here) or is the hypervisor, whose next entry sets
     * TS from fpu_owner (X86_FPU_FORGOTTEN).
     */
    unsigned long cr0 = read_cr0();
    write_cr0(cr0 & ~X86_CR0_TS);
    x86_fpu_save_owner(c);
    write_cr0(cr0);
    X86_FPU_FORGOTTEN(c);
}

/*
 * hv's registers are wanted on CPU c (it runs there next, or a domctl
 * reads or replaces them): if they are live in another CPU's FPU, have
 * that CPU save them first, or c would load a stale image and the other
 * CPU could later write the stale state back over newer.
 */
static inline void x86_fpu_follow(struct hal_cpu *c, struct hal_vcpu *hv)
{
    unsigned on = __atomic_load_n(&hv->fpu_on, __ATOMIC_ACQUIRE);
    if (on && on != c->id + 1)
        core_cpu_call(on - 1, x86_fpu_release, hv);
}

#endif
