/* SPDX-License-Identifier: MIT */
/*
 * vCPU state, guest entry and guest memory copies.  Both guest modes run
 * in problem state and space 1; hv->in_user is the mode.  The virtual MSR
 * the guest kernel sees through the emulated mfmsr/mtmsr/wrtee/wrteei has
 * one bit of its own, EE, and that bit is the event mask in vcpu_info (as
 * Xen/ia64's vpsr.i is its shared interrupt mask): one state, two ways to
 * read and write it, so a guest may mask with `wrteei 0` or with a store.
 */
#include <core/domain.h>
#include <hal/hal.h>
#include <hestia/arch/ppc.h>
#include <hestia/errno.h>
#include <hestia/trap.h>

#include <ppc/arch.h>

struct hal_vcpu *hal_vcpu_create(struct vcpu *v)
{
    struct hal_vcpu *hv = core_heap_alloc(sizeof(*hv));
    if (!hv)
        return NULL;
    __builtin_memset(hv, 0, sizeof(*hv));
    hv->v = v;
    hv->vinfo = v->info;
    hv->frame.msr = GUEST_MSR;
    return hv;
}

void hal_vcpu_destroy(struct hal_vcpu *hv)
{
    if (!hv)
        return;
    for (unsigned i = 0; i < HAL_MAX_CPUS; i++) {
        if (ppc_cpu(i)->current == hv)
            ppc_cpu(i)->current = NULL;
        if (ppc_cpu(i)->spr_owner == hv)
            ppc_cpu(i)->spr_owner = NULL; /* its SPRs are nobody's now */
    }
    core_heap_free(hv);
}

static bool pc_ok(uint64_t pc)
{
    return pc < 0x100000000ull && !(pc & 3);
}

void hal_vcpu_init_entry(struct hal_vcpu *hv, guest_va_t entry_va, guest_va_t stack_va,
                         guest_va_t arg_va)
{
    uint64_t entry = guest_va_val(entry_va), stack = guest_va_val(stack_va),
             arg = guest_va_val(arg_va);
    __builtin_memset(&hv->frame, 0, sizeof(hv->frame));
    hv->frame.pc = pc_ok(entry) ? (uint32_t)entry : 0;
    hv->frame.gpr[1] = (uint32_t)stack;
    hv->frame.gpr[3] = (uint32_t)arg;
    hv->frame.msr = GUEST_MSR;
    hv->in_user = false; /* events masked: core's domain_start_vcpu sets the mask */
    hv->sys_info = NULL;
}

void hal_vcpu_set_spaces(struct hal_vcpu *hv, struct hal_as *kernel, struct hal_as *user)
{
    hv->kernel = kernel;
    hv->user = user;
}

void hal_vcpu_get_spaces(const struct hal_vcpu *hv, struct hal_as **kernel,
                         struct hal_as **user)
{
    *kernel = hv->kernel;
    *user = hv->user;
}

bool hal_vcpu_in_user(const struct hal_vcpu *hv)
{
    return hv->in_user;
}

void hal_vcpu_set_result(struct hal_vcpu *hv, long result)
{
    hv->frame.gpr[3] = (uint32_t)result;
}

void hal_vcpu_get_context(const struct hal_vcpu *hv, struct hestia_trap_record *rec)
{
    const struct ppc_frame *f = &hv->frame;
    uint64_t *r = rec->regs;
    for (unsigned i = 0; i < 32; i++)
        r[HESTIA_PPC_REG_GPR(i)] = f->gpr[i];
    r[HESTIA_PPC_REG_PC] = f->pc;
    r[HESTIA_PPC_REG_MSR] =
        hv->in_user ? HESTIA_PPC_MSR_PR | HESTIA_PPC_MSR_EE : ppc_vmsr_read(hv);
    r[HESTIA_PPC_REG_CR] = f->cr;
    r[HESTIA_PPC_REG_LR] = f->lr;
    r[HESTIA_PPC_REG_CTR] = f->ctr;
    r[HESTIA_PPC_REG_XER] = f->xer;
    r[HESTIA_PPC_REG_MODE] = hv->in_user ? HESTIA_PPC_MODE_USER : HESTIA_PPC_MODE_KERNEL;
    r[HESTIA_PPC_REG_DEAR] = f->dear;
    r[HESTIA_PPC_REG_ESR] = f->esr;
}

int hal_vcpu_set_context(struct hal_vcpu *hv, const struct hestia_trap_record *rec)
{
    const uint64_t *r = rec->regs;
    uint64_t mode = r[HESTIA_PPC_REG_MODE];
    if (!pc_ok(r[HESTIA_PPC_REG_PC]) ||
        (mode != HESTIA_PPC_MODE_KERNEL && mode != HESTIA_PPC_MODE_USER))
        return -HESTIA_EINVAL;
    struct ppc_frame *f = &hv->frame;
    for (unsigned i = 0; i < 32; i++)
        f->gpr[i] = (uint32_t)r[HESTIA_PPC_REG_GPR(i)];
    f->pc = (uint32_t)r[HESTIA_PPC_REG_PC];
    f->cr = (uint32_t)r[HESTIA_PPC_REG_CR];
    f->lr = (uint32_t)r[HESTIA_PPC_REG_LR];
    f->ctr = (uint32_t)r[HESTIA_PPC_REG_CTR];
    f->xer = (uint32_t)r[HESTIA_PPC_REG_XER];
    /* The real MSR is never the guest's: problem state, space 1, EE on. */
    f->msr = GUEST_MSR;
    hv->in_user = mode == HESTIA_PPC_MODE_USER;
    /*
     * A kernel context's MSR[EE] is its event mask, which is left to the
     * caller: trap_return (core's do_trap_return, syscall.S) sets it from
     * TRAP_FLAG_EVENTS_ENABLED, so when a record's flag and its MSR[EE]
     * disagree the flag wins; a vcpu-state load, which has no flags, sets
     * it from MSR[EE] (vcpu_state.c).
     */
    return hv->in_user ? 1 : 0;
}

void hal_vcpu_enter_handler(struct hal_vcpu *hv, guest_va_t entry_va,
                            guest_va_t kernel_stack_va)
{
    uint64_t entry = guest_va_val(entry_va), kernel_stack = guest_va_val(kernel_stack_va);
    struct ppc_frame *f = &hv->frame;
    f->pc = pc_ok(entry) ? (uint32_t)entry : 0;
    f->gpr[1] = kernel_stack ? (uint32_t)kernel_stack : (f->gpr[1] - 256) & ~15u;
    f->msr = GUEST_MSR;
    hv->in_user = false; /* events masked on handler entry: core sets the mask */
    /* A system call delivered to a valid entry on the kernel stack: note them for
     * syscall.S. */
    if (hv->delivering_syscall && kernel_stack && f->pc) {
        hv->sys_entry = f->pc;
        hv->sys_stack = f->gpr[1];
        hv->sys_info = hv->sys_pending;
    }
}

uint32_t ppc_vmsr_read(const struct hal_vcpu *hv)
{
    return __atomic_load_n(&hv->vinfo->evtchn_upcall_mask, __ATOMIC_RELAXED)
               ? 0
               : HESTIA_PPC_MSR_EE;
}

bool ppc_vmsr_set_ee(struct hal_vcpu *hv, bool ee)
{
    struct vcpu_info *info = hv->vinfo;
    /* Ordered against the pending flag as sched_op_block's unmask: an event sent
     * meanwhile is either seen here or kicks this vCPU's CPU. */
    __atomic_store_n(&info->evtchn_upcall_mask, ee ? 0 : 1, __ATOMIC_SEQ_CST);
    return ee && __atomic_load_n(&info->evtchn_upcall_pending, __ATOMIC_SEQ_CST);
}

/* syscall.S's noted entry and kernel stack may be stale now: C delivers the next system
 * call.
 */
void hal_vcpu_callbacks_changed(struct hal_vcpu *hv)
{
    hv->sys_info = NULL;
}

/* USPRG0 and SPEFSCR go to the frame at every exit once several CPUs run (below). */
void hal_vcpu_switched_out(struct hal_vcpu *hv)
{
    (void)hv;
}

/*
 * USPRG0 and SPEFSCR.  On one CPU they stay in the CPU across exits and
 * change hands only when another vCPU is entered (spr_owner): no SPR
 * access on the common exit path.  Once a second CPU is up a vCPU may move
 * to it, so they are saved into the frame at every exit (ppc_sprs_exit)
 * and loaded at every entry instead.
 */
bool ppc_sprs_eager;

void ppc_sprs_exit_eager(struct hal_vcpu *hv)
{
    hv->frame.usprg0 = mfspr(SPR_USPRG0);
    hv->frame.spefscr = mfspr(SPR_SPEFSCR);
}

void ppc_sprs_sync(struct hal_vcpu *hv)
{
    if (!ppc_sprs_eager && ppc_this_cpu()->spr_owner == hv) {
        hv->frame.usprg0 = mfspr(SPR_USPRG0);
        hv->frame.spefscr = mfspr(SPR_SPEFSCR);
    }
}

void ppc_sprs_loaded(struct hal_vcpu *hv)
{
    if (ppc_this_cpu()->spr_owner == hv)
        ppc_this_cpu()->spr_owner = NULL; /* the next entry loads the frame's */
}

/* Give the CPU hv's USPRG0 and SPEFSCR; the previous owner's go back to it first. */
static void sprs_switch(struct hal_cpu *c, struct hal_vcpu *hv)
{
    if (!ppc_sprs_eager) {
        if (c->spr_owner == hv)
            return;
        if (c->spr_owner)
            ppc_sprs_sync(c->spr_owner);
        c->spr_owner = hv;
    }
    mtspr(SPR_USPRG0, hv->frame.usprg0);
    mtspr(SPR_SPEFSCR, hv->frame.spefscr);
}

void hal_vcpu_run(struct hal_vcpu *hv)
{
    struct hal_cpu *c = ppc_this_cpu();
    c->current = hv;
    c->entries++;
    sprs_switch(c, hv);
    ppc_load_pids(hv);
    hv->frame.msr = GUEST_MSR;
    ppc_enter_guest(&hv->frame);
}
