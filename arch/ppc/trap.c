/* SPDX-License-Identifier: MIT */
/*
 * Where every exception lands (entry.S): hypervisor faults (dump, panic),
 * guest TLB misses (refilled from the software page table), hypercalls and
 * guest system calls, the decrementer, privileged instructions (emulated on
 * the virtual MSR, whose EE is the event mask, or refused) and guest exceptions
 * (core_guest_trap).
 */
#include <core/domain.h>
#include <hal/hal.h>
#include <hestia/arch/ppc.h>
#include <hestia/trap.h>

#include <ppc/arch.h>

/* A guest's trap record carries the IVOR number as arch_vector (the public names). */
_Static_assert(HESTIA_PPC_IVOR_DSI == PPC_IVOR_DSI && HESTIA_PPC_IVOR_ISI == PPC_IVOR_ISI &&
                   HESTIA_PPC_IVOR_ALIGN == PPC_IVOR_ALIGNMENT &&
                   HESTIA_PPC_IVOR_PROGRAM == PPC_IVOR_PROGRAM &&
                   HESTIA_PPC_IVOR_SYSCALL == PPC_IVOR_SYSCALL &&
                   HESTIA_PPC_IVOR_DTLB == PPC_IVOR_DTLB &&
                   HESTIA_PPC_IVOR_ITLB == PPC_IVOR_ITLB &&
                   HESTIA_PPC_IVOR_SPE == PPC_IVOR_SPE_UNAVAIL,
               "the guest ABI's IVOR numbers are the CPU's");

static void dump(const struct ppc_frame *f)
{
    core_printf("\n*** ppc exception IVOR%u pc %08x msr %08x dear %08x esr %08x\n",
                f->vector, f->pc, f->msr, f->dear, f->esr);
    core_printf("lr %08x ctr %08x cr %08x xer %08x\n", f->lr, f->ctr, f->cr, f->xer);
    for (unsigned i = 0; i < 32; i += 4)
        core_printf("r%-2u %08x %08x %08x %08x\n", i, f->gpr[i], f->gpr[i + 1],
                    f->gpr[i + 2], f->gpr[i + 3]);
}

/* X-form extended opcodes (primary opcode 31). */
#define XO_MFMSR 83
#define XO_WRTEE 131
#define XO_MTMSR 146
#define XO_WRTEEI 163

enum priv { PRIV_REFUSED, PRIV_DONE, PRIV_UPCALL };

/*
 * A privileged instruction in guest-kernel mode: the MSR accesses work on
 * the virtual MSR, whose only bit of the guest's is EE, the event mask
 * (PR, IS, DS, ME... read 0 and writes to them are ignored); everything
 * else is refused.  PRIV_UPCALL: EE was set with an event pending; as a
 * native wrteei 1 takes a pending external interrupt at once, the upcall
 * comes before the next instruction (the run loop's exit injects it).
 */
static enum priv emulate_priv(struct hal_vcpu *hv)
{
    struct ppc_frame *f = &hv->frame;
    uint32_t insn;
    if (hv->in_user || hal_copy_from_guest(hv->v, &insn, guest_va(f->pc), 4) != 0 ||
        insn >> 26 != 31)
        return PRIV_REFUSED;
    unsigned rt = (insn >> 21) & 31;
    bool due = false;
    switch ((insn >> 1) & 0x3ff) {
    case XO_MFMSR:
        f->gpr[rt] = ppc_vmsr_read(hv);
        break;
    case XO_MTMSR:
    case XO_WRTEE:
        due = ppc_vmsr_set_ee(hv, f->gpr[rt] & HESTIA_PPC_MSR_EE);
        break;
    case XO_WRTEEI:
        due = ppc_vmsr_set_ee(hv, insn & HESTIA_PPC_MSR_EE);
        break;
    default:
        return PRIV_REFUSED;
    }
    f->pc += 4;
    return due ? PRIV_UPCALL : PRIV_DONE;
}

/* Returns true when handled entirely here (the vCPU simply continues). */
static bool guest_exception(struct hal_vcpu *hv)
{
    struct ppc_frame *f = &hv->frame;
    struct vcpu *v = hv->v;
    uint64_t user = hv->in_user ? HESTIA_PF_USER : 0;
    switch (f->vector) {
    case HESTIA_PPC_IVOR_DTLB:
        if (ppc_tlb_refill(hv, f->dear))
            return true;
        core_guest_trap(v, HESTIA_TRAP_PAGE_FAULT, f->vector,
                        (f->esr & ESR_ST ? HESTIA_PF_WRITE : 0) | user, f->dear);
        return false;
    case HESTIA_PPC_IVOR_ITLB:
        if (ppc_tlb_refill(hv, f->pc))
            return true;
        core_guest_trap(v, HESTIA_TRAP_PAGE_FAULT, f->vector, HESTIA_PF_EXEC | user, f->pc);
        return false;
    case HESTIA_PPC_IVOR_DSI:
        /* A store to a page write-protected for log-dirty: not the guest's fault. */
        if ((f->esr & ESR_ST) && ppc_dirty_write_fault(hv, f->dear))
            return true;
        core_guest_trap(v, HESTIA_TRAP_PAGE_FAULT, f->vector,
                        HESTIA_PF_PRESENT | (f->esr & ESR_ST ? HESTIA_PF_WRITE : 0) | user,
                        f->dear);
        return false;
    case HESTIA_PPC_IVOR_ISI:
        core_guest_trap(v, HESTIA_TRAP_PAGE_FAULT, f->vector,
                        HESTIA_PF_PRESENT | HESTIA_PF_EXEC | user, f->pc);
        return false;
    case HESTIA_PPC_IVOR_ALIGN:
        core_guest_trap(v, HESTIA_TRAP_ALIGNMENT, f->vector, f->esr, f->dear);
        return false;
    case HESTIA_PPC_IVOR_PROGRAM:
        if (f->esr & ESR_PPR) {
            enum priv p = emulate_priv(hv);
            if (p == PRIV_DONE)
                return true;
            if (p == PRIV_REFUSED)
                core_guest_trap(v, HESTIA_TRAP_PRIV_OP, f->vector, f->esr, 0);
        } else if (f->esr & ESR_PTR) {
            core_guest_trap(v, HESTIA_TRAP_BREAKPOINT, f->vector, f->esr, 0);
        } else if (f->esr & ESR_PIL) {
            core_guest_trap(v, HESTIA_TRAP_INVALID_OP, f->vector, f->esr, 0);
        } else {
            core_guest_trap(v, HESTIA_TRAP_FP, f->vector, f->esr, 0);
        }
        return false;
    case HESTIA_PPC_IVOR_SYSCALL:
        if (hv->in_user) {
            /* Delivered here: its entry and stack let syscall.S reflect the next directly.
             */
            hv->delivering_syscall = true;
            hv->sys_pending = v->info;
            core_guest_syscall(v);
            hv->delivering_syscall = false;
        } else {
            /* The call and the run loop's decision under one lock (x86_64 does the same).
             */
            const uint64_t args[5] = {f->gpr[3], f->gpr[4], f->gpr[5], f->gpr[6],
                                      f->gpr[7]};
            hal_vcpu_run(core_hypercall_resume(ppc_this_cpu()->id, v, f->gpr[0], args));
        }
        return false;
    case PPC_IVOR_DECREMENTER:
        ppc_decrementer();
        return false;
    case PPC_IVOR_FP_UNAVAIL:
    case PPC_IVOR_APU_UNAVAIL:
    case PPC_IVOR_SPE_UNAVAIL: /* guests get no SPE */
    case PPC_IVOR_SPE_FP_DATA:
    case PPC_IVOR_SPE_FP_ROUND:
        core_guest_trap(v, HESTIA_TRAP_INVALID_OP, f->vector, f->esr, 0);
        return false;
    case PPC_IVOR_EXTERNAL: /* a device interrupt for dom0 (pirq.c) */
        ppc_mpic_poll();
        return false;
    default:
        dump(f);
        core_panic("ppc: unexpected interrupt IVOR%u from a guest", f->vector);
    }
}

HAL_NORETURN void ppc_exception(struct ppc_frame *f)
{
    struct hal_vcpu *hv = ppc_this_cpu()->current;
    if (!(f->msr & MSR_PR) || !hv || f != &hv->frame) {
        dump(f);
        core_panic("ppc: hypervisor fault");
    }
    ppc_sprs_exit(hv);
    /* A refill or an emulated instruction goes straight back. */
    if (guest_exception(hv))
        hal_vcpu_run(hv);
    hal_vcpu_run(core_resume_vcpu());
}
