/* SPDX-License-Identifier: MIT */
/*
 * Where entry.S lands: hypervisor faults (dump and panic), interrupts,
 * guest exceptions (reflected through core_guest_trap), hypercalls and
 * guest system calls.
 */
#include <pc/pc.h>
#include <x86_64/arch.h>
#include <x86_common/io.h>

static void dump(const struct x86_64_frame *f)
{
    const char *n = pc_vector_name(f->vector);
    core_printf("\n*** x86_64 exception %s (vector %lu) error %lx\n", n,
                (unsigned long)f->vector, (unsigned long)f->error);
    core_printf("rip %016lx cs %lx rflags %lx rsp %016lx ss %lx\n", (unsigned long)f->rip,
                (unsigned long)f->cs, (unsigned long)f->rflags, (unsigned long)f->rsp,
                (unsigned long)f->ss);
    core_printf("cr2 %016lx cr3 %016lx cr0 %lx\n", (unsigned long)read_cr2(),
                (unsigned long)read_cr3(), (unsigned long)read_cr0());
    core_printf("rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", (unsigned long)f->rax,
                (unsigned long)f->rbx, (unsigned long)f->rcx, (unsigned long)f->rdx);
    core_printf("rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", (unsigned long)f->rsi,
                (unsigned long)f->rdi, (unsigned long)f->rbp, (unsigned long)f->r8);
    core_printf("r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", (unsigned long)f->r9,
                (unsigned long)f->r10, (unsigned long)f->r11, (unsigned long)f->r12);
    core_printf("r13 %016lx r14 %016lx r15 %016lx\n", (unsigned long)f->r13,
                (unsigned long)f->r14, (unsigned long)f->r15);
}

/* Interrupt in hal_cpu_idle, or a fault of the hypervisor itself. */
void x86_64_trap_hyp(struct x86_64_frame *f)
{
    if (x86_64_extable_fixup(f)) /* a guest copy's access faulted (guest_copy.c) */
        return;
    if (pc_hyp_trap(f->vector))
        return;
    dump(f);
    core_panic("hypervisor fault");
}

/* Guest exit through the IDT (f is the running vCPU's frame). */
void x86_64_trap_guest(struct x86_64_frame *f)
{
    struct hal_vcpu *hv = x86_64_this_cpu()->current;
    if (!hv) {
        dump(f);
        core_panic("x86_64: guest exit without a current vCPU");
    }
    /* IST vectors (#DB, NMI, #MC, #DF) saved the frame on their own stack. */
    if (f != &hv->frame) {
        hv->frame = *f;
        f = &hv->frame;
    }
    struct vcpu *v = hv->v;
    unsigned long vec = f->vector;
    if (vec == X86_EXC_NM) {
        x86_64_fpu_trap();
    } else if (vec == VEC_INT80 && hv->in_user) {
        core_guest_syscall(v);
    } else if (vec >= X86_NR_EXCEPTIONS && vec != VEC_INT80) {
        pc_handle_irq(vec);
    } else if (vec == X86_EXC_NMI || vec == X86_EXC_DF || vec == X86_EXC_MC) {
        dump(f);
        core_panic("x86_64: machine check / NMI / double fault from a guest");
    } else {
        uint64_t addr = 0, err = f->error;
        unsigned kind = vec == VEC_INT80
                            ? HESTIA_TRAP_PROTECTION
                            : pc_guest_trap_kind(v, vec, guest_va(f->rip), true);
        if (vec == X86_EXC_PF) {
            addr = read_cr2();
            err = pc_pf_error(f->error, hv->in_user);
        }
        core_guest_trap(v, kind, (unsigned)vec, err, addr);
    }
    hal_vcpu_run(core_resume_vcpu());
}

/*
 * syscall: a hypercall in guest-kernel mode; in guest-user mode a system
 * call for the guest kernel (the HAL knows the mode, the guest cannot fake it).
 */
void x86_64_syscall(struct x86_64_frame *f, struct hal_cpu *c)
{
    struct hal_vcpu *hv = c->current;
    /*
     * f is the frame at TSS.RSP0 (never NULL) and the frame is hv's first
     * member: one compare also catches no current vCPU.
     */
    _Static_assert(__builtin_offsetof(struct hal_vcpu, frame) == 0, "frame first");
    if ((uintptr_t)f != (uintptr_t)hv)
        core_panic("x86_64: syscall without a current vCPU");
    if (hv->in_user) {
        core_guest_syscall(hv->v);
        x86_64_run(c, core_resume_vcpu());
    }
    /*
     * The fast path: the hypercall and the run loop's decision under one
     * lock, the arguments read in place (the frame starts with them).
     */
    x86_64_run(c, core_hypercall_resume(c->id, hv->v, f->rax, (const uint64_t *)(void *)f));
}
