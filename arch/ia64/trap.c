/* SPDX-License-Identifier: MIT */
/*
 * Guest exits (ivt.S has saved the state into the running vCPU): break
 * 0x1000 hypercalls and system calls, TLB refills from the space's table,
 * the timer interrupt, and faults reflected to the guest.  Every
 * privileged instruction a guest tries raises a privileged-operation (or
 * privileged-register) fault here, since guests never run at PL0; it is
 * refused with HESTIA_TRAP_PRIV_OP.
 */
#include <hal/hal.h>
#include <hestia/arch/ia64.h>
#include <hestia/trap.h>

#include <ia64/arch.h>

#define ISR_X (1ull << 32)
#define ISR_W (1ull << 33)

static void advance_ip(struct hal_vcpu *hv)
{
    unsigned ri = (unsigned)(hv->ipsr >> PSR_RI_SHIFT) & 3;
    hv->ipsr &= ~(3ull << PSR_RI_SHIFT);
    if (ri >= 2)
        hv->iip += 16;
    else
        hv->ipsr |= (uint64_t)(ri + 1) << PSR_RI_SHIFT;
}

/*
 * Pending external interrupts: acknowledge them all; the timer, device
 * lines and IPIs (smp.c) go to core.  Returns whether a device line or an
 * IPI was delivered: either may have made a vCPU runnable, so an idle CPU
 * must go back to the scheduler (hal_cpu_idle) instead of waiting on.
 */
bool ia64_poll_interrupts(bool *timer)
{
    bool woke = false;
    for (;;) {
        uint64_t vec;
        __asm__ volatile("mov %0 = cr.ivr\n\t;;\n\tsrlz.d\n\t;;" : "=r"(vec)::"memory");
        if (vec == 15)
            return woke;
        if (vec == IA64_TIMER_VECTOR)
            *timer = true;
        else if (vec == IA64_IPI_VECTOR) {
            __asm__ volatile("mov cr.eoi = r0\n\t;;\n\tsrlz.d\n\t;;" ::: "memory");
            ia64_pirq_remote_eois(); /* after the IPI's own EOI: the device's is next */
            core_ipi_interrupt();    /* after the EOI: a new IPI interrupts again */
            woke = true;
            continue;
        } else if (ia64_pirq_vector((unsigned)vec)) {
            woke = true;
            continue; /* a device line for dom0: in service until its EOI (pirq.c) */
        }
        __asm__ volatile("mov cr.eoi = r0\n\t;;\n\tsrlz.d\n\t;;" ::: "memory");
    }
}

static void ext_interrupt(void)
{
    bool timer = false;
    ia64_poll_interrupts(&timer);
    int c = hal_console_getc();
    if (c >= 0)
        core_console_input(c);
    if (timer)
        core_timer_interrupt();
}

static void page_fault(struct vcpu *v, struct hal_vcpu *hv, unsigned err)
{
    core_guest_trap(v, HESTIA_TRAP_PAGE_FAULT, (unsigned)hv->vector, err, hv->ifa);
}

static unsigned fault_bits(const struct hal_vcpu *hv)
{
    return ((hv->isr & ISR_W) ? HESTIA_PF_WRITE : 0) |
           ((hv->isr & ISR_X) ? HESTIA_PF_EXEC : 0) |
           (hal_vcpu_in_user(hv) ? HESTIA_PF_USER : 0);
}

/*
 * break 0x1000 from the guest kernel (a hypercall) or from a guest user
 * task (a system call, delivered to the guest kernel): most exits, tested
 * before the vector switch's compare chain.
 */
static HAL_NORETURN void break_call(struct hal_vcpu *hv, struct vcpu *v)
{
    advance_ip(hv);
    /* The delivery and the run loop's decision under one lock, too (core/trap.c). */
    if (((hv->ipsr >> PSR_CPL_SHIFT) & 3) == HESTIA_IA64_CPL_USER)
        hal_vcpu_run(core_guest_syscall_resume(ia64_this_cpu()->id, v));
    /* The call and the run loop's decision under one lock (core/hypercall.c). */
    uint64_t args[5] = {hv->gr[14], hv->gr[15], hv->gr[16], hv->gr[17], hv->gr[18]};
    hal_vcpu_run(core_hypercall_resume(ia64_this_cpu()->id, v, hv->gr[2], args));
}

void ia64_trap(struct hal_vcpu *hv)
{
    struct vcpu *v = hv->v;
    unsigned vec = (unsigned)hv->vector;
    if (__builtin_expect(vec == IA64_IVT_BREAK && hv->iim == HESTIA_IA64_HYPERCALL_BREAK,
                         1))
        break_call(hv, v);
    switch (vec) {
    case IA64_IVT_BREAK:
        /* Any other break immediate (0x1000 took break_call). */
        core_guest_trap(v, HESTIA_TRAP_BREAKPOINT, vec, hv->iim, hv->iip);
        break;
    case IA64_IVT_EXTINT:
        ext_interrupt();
        break;
    case IA64_IVT_ITLB:
    case IA64_IVT_DTLB:
    case IA64_IVT_ALT_ITLB:
    case IA64_IVT_ALT_DTLB: {
        bool exec = vec == IA64_IVT_ITLB || vec == IA64_IVT_ALT_ITLB;
        uint64_t va = exec ? hv->iip : hv->ifa;
        int r = ia64_tlb_miss(hv, va, exec, !exec && (hv->isr & ISR_W));
        if (r < 0) {
            hv->ifa = va;
            page_fault(v, hv, (unsigned)(-r - 1));
        }
        break;
    }
    case IA64_IVT_DAR:
        /* A write to a page write-protected for log-dirty: not the guest's fault. */
        if ((hv->isr & ISR_W) && ia64_dirty_write_fault(hv, hv->ifa))
            break;
        /* fall through */
    case IA64_IVT_PAGE_NP:
    case IA64_IVT_KEY_PERM:
    case IA64_IVT_IAR:
    case IA64_IVT_DIRTY:
    case IA64_IVT_IACCESS:
    case IA64_IVT_DACCESS:
        if (vec == IA64_IVT_IAR || vec == IA64_IVT_IACCESS)
            hv->ifa = hv->iip;
        page_fault(v, hv,
                   fault_bits(hv) | HESTIA_PF_PRESENT |
                       (vec == IA64_IVT_IAR ? HESTIA_PF_EXEC : 0));
        break;
    case IA64_IVT_GENEX: {
        unsigned code = (unsigned)(hv->isr >> 4) & 15;
        unsigned kind =
            code == 1 || code == 2 ? HESTIA_TRAP_PRIV_OP : HESTIA_TRAP_INVALID_OP;
        core_guest_trap(v, kind, vec, hv->isr, hv->iip);
        break;
    }
    case IA64_IVT_UNALIGNED:
        core_guest_trap(v, HESTIA_TRAP_ALIGNMENT, vec, hv->isr, hv->ifa);
        break;
    case IA64_IVT_DISFP:
        if (ia64_fph_claim(hv))
            hal_vcpu_run(hv); /* f32-f127 are hv's now: retry the instruction */
        core_guest_trap(v, HESTIA_TRAP_FP, vec, hv->isr, hv->iip);
        break;
    default:
        core_guest_trap(v, HESTIA_TRAP_OTHER, vec, hv->isr, hv->ifa);
        break;
    }
    hal_vcpu_run(core_resume_vcpu());
}

HAL_NORETURN void ia64_hyp_fault_c(uint64_t vec, uint64_t iip, uint64_t isr, uint64_t ifa);

HAL_NORETURN void ia64_hyp_fault_c(uint64_t vec, uint64_t iip, uint64_t isr, uint64_t ifa)
{
    core_panic("hypervisor fault: vector %lx at ip %lx isr %lx ifa %lx", (unsigned long)vec,
               (unsigned long)iip, (unsigned long)isr, (unsigned long)ifa);
}
