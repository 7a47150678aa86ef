/* SPDX-License-Identifier: MIT */
/*
 * The whole vCPU state (hal_vcpu_save_state / hal_vcpu_load_state): the
 * body struct hestia_ppc_vcpu_state of include/public/hestia/arch/ppc.h:
 * the trap-record registers plus USPRG0 and SPEFSCR, which may still be in
 * a CPU (vcpu.c): saving fetches them into the frame first, loading makes
 * every CPU forget its copy.  A kernel-mode MSR[EE] is the event mask
 * (vcpu.c): saved as the mask is, loaded into the mask.
 */
#include <hal/hal.h>
#include <hestia/arch/ppc.h>
#include <hestia/errno.h>

#include <ppc/arch.h>

#define HIGH_HALF 0xffffffff00000000ull

int hal_vcpu_save_state(const struct hal_vcpu *hv, struct hestia_vcpu_state *st)
{
    ppc_sprs_sync((struct hal_vcpu *)hv); /* logically unchanged: the copy is refreshed */
    hal_vcpu_state_begin(st, HESTIA_VCPU_ARCH_PPC, HESTIA_PPC_VCPU_STATE_SIZE);
    struct hestia_ppc_vcpu_state *b = (struct hestia_ppc_vcpu_state *)&st->body;
    struct hestia_trap_record rec = {0};
    hal_vcpu_get_context(hv, &rec);
    for (unsigned i = 0; i < HESTIA_PPC_NR_REGS; i++)
        b->regs[i] = rec.regs[i];
    b->usprg0 = hv->frame.usprg0;
    b->spefscr = hv->frame.spefscr;
    return 0;
}

/* Every slot is a 32-bit register; the MSR slot holds only what get_context puts there. */
static int check_body(const struct hestia_ppc_vcpu_state *b)
{
    const uint64_t *r = b->regs;
    for (unsigned i = 0; i < HESTIA_PPC_NR_REGS; i++)
        if (r[i] & HIGH_HALF)
            return -HESTIA_EINVAL;
    uint64_t msr_ok = r[HESTIA_PPC_REG_MODE] == HESTIA_PPC_MODE_USER
                          ? HESTIA_PPC_MSR_EE | HESTIA_PPC_MSR_PR
                          : HESTIA_PPC_MSR_EE;
    if ((r[HESTIA_PPC_REG_MSR] & ~msr_ok) || ((b->usprg0 | b->spefscr) & HIGH_HALF) ||
        !hal_vcpu_state_zero(&r[HESTIA_PPC_NR_REGS],
                             sizeof(uint64_t) * (HESTIA_TRAP_REGS - HESTIA_PPC_NR_REGS)) ||
        !hal_vcpu_state_zero(b->reserved, sizeof(b->reserved)))
        return -HESTIA_EINVAL;
    return 0;
}

int hal_vcpu_load_state(struct hal_vcpu *hv, const struct hestia_vcpu_state *st)
{
    if (hal_vcpu_state_check(st, HESTIA_VCPU_ARCH_PPC, HESTIA_PPC_VCPU_STATE_SIZE))
        return -HESTIA_EINVAL;
    const struct hestia_ppc_vcpu_state *b = (const struct hestia_ppc_vcpu_state *)&st->body;
    if (check_body(b))
        return -HESTIA_EINVAL;
    struct hestia_trap_record rec = {0};
    for (unsigned i = 0; i < HESTIA_PPC_NR_REGS; i++)
        rec.regs[i] = b->regs[i];
    int mode =
        hal_vcpu_set_context(hv, &rec); /* the trap_return checks; nothing on error */
    if (mode < 0)
        return mode;
    /* Not loaded by trap_return (the next exception sets them): kept so a record reads
     * back. */
    hv->frame.dear = (uint32_t)b->regs[HESTIA_PPC_REG_DEAR];
    hv->frame.esr = (uint32_t)b->regs[HESTIA_PPC_REG_ESR];
    hv->frame.usprg0 = (uint32_t)b->usprg0;
    hv->frame.spefscr = (uint32_t)b->spefscr;
    ppc_sprs_loaded(hv);
    /* No flags come with the state: a kernel context's MSR[EE] is the mask (its upcall,
     * if one is due, comes at the vCPU's next entry). */
    if (mode == 0)
        ppc_vmsr_set_ee(hv, b->regs[HESTIA_PPC_REG_MSR] & HESTIA_PPC_MSR_EE);
    return mode;
}
