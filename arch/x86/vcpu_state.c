/* SPDX-License-Identifier: MIT */
/*
 * The whole vCPU state (hal_vcpu_save_state / hal_vcpu_load_state): the
 * trap-record registers, the data segment selectors the guest loaded, and
 * the 32-bit FXSAVE image (x87, MXCSR, XMM0-7).
 *
 * The FPU is switched lazily (vcpu.c): while a vCPU owns a CPU's FPU, its
 * current x87/SSE registers are in the FPU and hv->fxsave is stale.  Save
 * reads the live registers (CR0.TS cleared for the fxsave) without moving
 * the ownership; load writes hv->fxsave and drops the ownership, so the
 * vCPU's next FPU instruction traps (#NM) and loads the new image.  With
 * several CPUs the registers may be live in the FPU of the CPU the vCPU
 * last ran on: both first have that CPU save them (x86_fpu_pull).
 */
#include <hestia/errno.h>

#include <x86/arch.h>

#define CR0_TS (1u << 3)
#define BODY_REGS_BYTES (sizeof(uint64_t) * HESTIA_TRAP_REGS)

/* Another CPU holds hv's FPU registers: they cannot be read or replaced from here. */
static bool fpu_live_elsewhere(const struct hal_vcpu *hv)
{
    const struct hal_cpu *me = x86_this_cpu();
    for (unsigned i = 0; i < HAL_MAX_CPUS; i++) {
        const struct hal_cpu *c = x86_cpu(i);
        if (c != me && c->fpu_owner == hv)
            return true;
    }
    return false;
}

int hal_vcpu_save_state(const struct hal_vcpu *hv, struct hestia_vcpu_state *st)
{
    x86_fpu_pull(
        (struct hal_vcpu *)hv); /* its FPU, if still in another CPU's, comes home */
    if (fpu_live_elsewhere(hv))
        return -HESTIA_EBUSY;
    hal_vcpu_state_begin(st, HESTIA_VCPU_ARCH_X86, HESTIA_X86_VCPU_STATE_SIZE);
    struct hestia_x86_vcpu_state *b = (struct hestia_x86_vcpu_state *)&st->body;
    struct hestia_trap_record rec = {0};
    hal_vcpu_get_context(hv, &rec);
    __builtin_memcpy(b->regs, rec.regs, BODY_REGS_BYTES);

    /* fxsave needs 16-byte alignment, which the hypervisor stack does not promise. */
    uint8_t buf[512 + 15];
    uint8_t *live = (uint8_t *)(((uintptr_t)buf + 15) & ~(uintptr_t)15);
    const uint8_t *fx = hv->fxsave;
    if (x86_this_cpu()->fpu_owner == hv) {
        uint32_t cr0 = read_cr0();
        write_cr0(cr0 & ~CR0_TS);
        __asm__ volatile("fxsave %0" : "=m"(*(uint8_t(*)[512])live));
        write_cr0(cr0);
        fx = live;
    }
    __builtin_memcpy(b->fxsave, fx, HESTIA_X86_FXSAVE_STATE_END);
    return 0;
}

/*
 * A data selector the guest may hold: null, the ring-3 data segment, or in
 * kernel mode the ring-1 one.  Anything else could name a hypervisor
 * segment: the return path loads DS..GS while still in ring 0.
 */
static bool data_selector_ok(uint64_t sel, bool user)
{
    return sel == 0 || sel == HESTIA_X86_USER_DS || (!user && sel == HESTIA_X86_KERNEL_SS);
}

int hal_vcpu_load_state(struct hal_vcpu *hv, const struct hestia_vcpu_state *st)
{
    if (hal_vcpu_state_check(st, HESTIA_VCPU_ARCH_X86, HESTIA_X86_VCPU_STATE_SIZE))
        return -HESTIA_EINVAL;
    const struct hestia_x86_vcpu_state *b = (const struct hestia_x86_vcpu_state *)&st->body;
    if (!hal_vcpu_state_zero(&b->regs[HESTIA_X86_NR_REGS],
                             sizeof(uint64_t) * (HESTIA_TRAP_REGS - HESTIA_X86_NR_REGS)))
        return -HESTIA_EINVAL;
    bool user = b->regs[HESTIA_X86_REG_MODE] == HESTIA_X86_MODE_USER;
    static const unsigned segs[4] = {HESTIA_X86_REG_DS, HESTIA_X86_REG_ES,
                                     HESTIA_X86_REG_FS, HESTIA_X86_REG_GS};
    for (unsigned i = 0; i < 4; i++)
        if (!data_selector_ok(b->regs[segs[i]], user))
            return -HESTIA_EINVAL;
    /* fxrstor of a reserved MXCSR bit is a #GP in ring 0: refuse it here. */
    uint32_t mxcsr;
    __builtin_memcpy(&mxcsr, b->fxsave + HESTIA_X86_FXSAVE_MXCSR, sizeof(mxcsr));
    if (mxcsr & ~x86_mxcsr_mask())
        return -HESTIA_EINVAL;
    x86_fpu_pull(
        (struct hal_vcpu *)hv); /* its FPU, if still in another CPU's, comes home */
    if (fpu_live_elsewhere(hv))
        return -HESTIA_EBUSY;
    struct hestia_trap_record rec = {0};
    __builtin_memcpy(rec.regs, b->regs, BODY_REGS_BYTES);
    /* The last check; changes nothing on error. */
    int mode = hal_vcpu_set_context(hv, &rec);
    if (mode < 0)
        return mode;
    struct x86_frame *f = &hv->frame;
    f->ds = (uint32_t)b->regs[HESTIA_X86_REG_DS];
    f->es = (uint32_t)b->regs[HESTIA_X86_REG_ES];
    f->fs = (uint32_t)b->regs[HESTIA_X86_REG_FS];
    f->gs = (uint32_t)b->regs[HESTIA_X86_REG_GS];
    __builtin_memcpy(hv->fxsave, b->fxsave, HESTIA_X86_FXSAVE_STATE_END);
    __builtin_memset(hv->fxsave + HESTIA_X86_FXSAVE_STATE_END, 0,
                     sizeof(hv->fxsave) - HESTIA_X86_FXSAVE_STATE_END);
    struct hal_cpu *me = x86_this_cpu();
    if (me->fpu_owner == hv) {
        me->fpu_owner = NULL; /* its FPU registers are the old image now */
        hv->fpu_on = 0;
    }
    return mode;
}
