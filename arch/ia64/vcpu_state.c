/* SPDX-License-Identifier: MIT */
/*
 * The whole vCPU state (hal_vcpu_save_state / hal_vcpu_load_state), first
 * cut: the trap-record registers only, loaded through the same sanitizing
 * path as HYPERCALL_trap_return.  The reserved part of the body (the
 * guest-visible state outside the trap record) is written 0 and must be 0
 * on load until this backend defines it.
 */
#include <hal/hal.h>
#include <hestia/arch/ia64.h>
#include <hestia/errno.h>

#include "ia64.h"

#define BODY_REGS_BYTES (sizeof(uint64_t) * HESTIA_TRAP_REGS)

int hal_vcpu_save_state(const struct hal_vcpu *hv, struct hestia_vcpu_state *st)
{
    hal_vcpu_state_begin(st, HESTIA_VCPU_ARCH_IA64, HESTIA_IA64_VCPU_STATE_SIZE);
    struct hestia_ia64_vcpu_state *b = (struct hestia_ia64_vcpu_state *)&st->body;
    struct hestia_trap_record rec = {0};
    hal_vcpu_get_context(hv, &rec);
    __builtin_memcpy(b->regs, rec.regs, BODY_REGS_BYTES);
    return 0;
}

int hal_vcpu_load_state(struct hal_vcpu *hv, const struct hestia_vcpu_state *st)
{
    if (hal_vcpu_state_check(st, HESTIA_VCPU_ARCH_IA64, HESTIA_IA64_VCPU_STATE_SIZE))
        return -HESTIA_EINVAL;
    const struct hestia_ia64_vcpu_state *b =
        (const struct hestia_ia64_vcpu_state *)&st->body;
    if (!hal_vcpu_state_zero(&b->regs[HESTIA_IA64_NR_REGS],
                             sizeof(uint64_t) * (HESTIA_TRAP_REGS - HESTIA_IA64_NR_REGS)) ||
        !hal_vcpu_state_zero(b->reserved, sizeof(b->reserved)))
        return -HESTIA_EINVAL;
    struct hestia_trap_record rec = {0};
    __builtin_memcpy(rec.regs, b->regs, BODY_REGS_BYTES);
    return hal_vcpu_set_context(hv, &rec); /* changes nothing on error */
}
