/* SPDX-License-Identifier: MIT */
/*
 * Where tramp.S lands: hypervisor faults (dump and panic), interrupts,
 * guest exceptions (reflected through core_guest_trap), hypercalls
 * (int 0x82 from ring 1) and system calls (int 0x80 from ring 3).
 */
#include <pc/pc.h>
#include <x86_common/io.h>

#include <x86/arch.h>

/*
 * System calls (int 0x80 from ring 3) go straight to the guest kernel
 * through a trap gate once the hypervisor knows where: the first one of a
 * vCPU (and the first after any kernel-stack change) comes here and is
 * delivered through the trap record by core; hal_vcpu_enter_handler then
 * caches the syscall entry and kernel stack, and hal_vcpu_run points the
 * gate and TSS.ESP1 at them.  Any set_callbacks or set_kernel_stack call
 * bumps the generation of the caller's kernel space (one per domain) and
 * sends the next system call of each of the domain's vCPUs through the
 * hypervisor again: the gate never uses a stale stack.
 */

static void dump(const struct x86_frame *f)
{
    core_printf("\n*** x86 exception %s (vector %u) error %x\n", pc_vector_name(f->vector),
                f->vector, f->error);
    core_printf("eip %08x cs %x eflags %x esp %08x ss %x\n", f->eip, f->cs, f->eflags,
                (f->cs & 3) ? f->esp : 0, (f->cs & 3) ? f->ss : 0);
    core_printf("cr2 %08lx cr3 %08lx cr0 %lx\n", read_cr2(), read_cr3(), read_cr0());
    core_printf("eax %08x ebx %08x ecx %08x edx %08x\n", f->eax, f->ebx, f->ecx, f->edx);
    core_printf("esi %08x edi %08x ebp %08x ds %x es %x\n", f->esi, f->edi, f->ebp,
                f->ds & 0xffff, f->es & 0xffff);
}

/* Interrupt in hal_cpu_idle, or a fault of the hypervisor itself. */
void x86_trap_hyp(struct x86_frame *f)
{
    if (pc_hyp_trap(f->vector))
        return;
    dump(f);
    core_panic("hypervisor fault");
}

/* Guest exit through the IDT: f is on the entry stack. */
void x86_trap_guest(struct x86_frame *f)
{
    struct hal_cpu *c = x86_this_cpu();
    struct hal_vcpu *hv = c->current;
    if (!hv) {
        dump(f);
        core_panic("x86: guest exit without a current vCPU");
    }
    x86_frame_copy(&hv->frame, f);
    f = &hv->frame;
    struct vcpu *v = hv->v;
    unsigned long vec = f->vector;
    bool user = (f->cs & 3) == 3;
    if (vec == VEC_HYPERCALL && !user) {
        /*
         * The fast path (x86_64 and the others have it too): the call and
         * the run loop's decision under one taking of the hypervisor lock.
         */
        const uint64_t args[5] = {f->ebx, f->ecx, f->edx, f->esi, f->edi};
        x86_run(c, core_hypercall_resume(c->id, v, f->eax, args));
    }
    if (vec == X86_EXC_NM) {
        x86_fpu_trap();
    } else if (vec == VEC_INT80 && user) {
        hv->delivering_syscall = true;
        core_guest_syscall(v);
        hv->delivering_syscall = false;
    } else if (vec >= X86_NR_EXCEPTIONS && vec != VEC_INT80 && vec != VEC_HYPERCALL) {
        pc_handle_irq(vec);
    } else if (vec == X86_EXC_NMI || vec == X86_EXC_DF || vec == X86_EXC_MC) {
        dump(f);
        core_panic("x86: machine check / NMI / double fault from a guest");
    } else {
        uint64_t addr = 0, err = f->error;
        /* int 0x80 from ring 1, int 0x82 from ring 3: a closed gate, as #GP would be. */
        unsigned kind = vec >= X86_NR_EXCEPTIONS
                            ? HESTIA_TRAP_PROTECTION
                            : pc_guest_trap_kind(v, vec, guest_va(f->eip), false);
        if (vec == X86_EXC_PF) {
            addr = read_cr2();
            err = pc_pf_error(f->error, user);
        }
        core_guest_trap(v, kind, (unsigned)vec, err, addr);
    }
    hal_vcpu_run(core_resume_vcpu());
}
