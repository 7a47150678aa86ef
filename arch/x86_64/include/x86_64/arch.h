/* SPDX-License-Identifier: MIT */
/*
 * x86_64 backend internals: memory layout, selectors, the register frame,
 * and the arch halves of struct hal_vcpu and struct hal_as.
 */
#ifndef X86_64_ARCH_H
#define X86_64_ARCH_H

#include <hal/hal.h>
#include <hestia/arch/x86_64.h>
#include <hestia/hestia.h>
#include <x86_64/pte.h>
#include <x86_common/cr.h>
#include <x86_common/desc.h>
#include <x86_common/vectors.h>

/*
 * Virtual layout of the hypervisor (upper half only; the lower half is the
 * guests'):
 *   0xffff800000000000  direct map of physical [0, DIRECTMAP_SIZE), 2 MiB pages
 *   0xffffffff80000000  the image (-mcmodel=kernel), physical 0 + offset
 */
#define KERNEL_VBASE 0xffffffff80000000ull
#define DIRECTMAP_BASE 0xffff800000000000ull
#define DIRECTMAP_SIZE (4ull << 30)
#define PML4_HYP_FIRST 256 /* slots 256..511 are the hypervisor's, shared everywhere */

/* GDT selectors.  0x18 stays null: sysret's layout needs the slot, nobody may use it. */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x20 /* | 3 = HESTIA_X86_64_GUEST_SS */
#define SEL_UCODE 0x28 /* | 3 = HESTIA_X86_64_GUEST_CS */
#define SEL_TSS 0x30

/* Pseudo vector numbers for entries that are not IDT vectors. */
#define VEC_SYSCALL 0x100
#define VEC_INT80 0x80

/*
 * The register frame, lowest address first.  Its top half is what the CPU
 * pushes on an interrupt from ring 3: TSS.RSP0 points just past the frame
 * of the running vCPU, so a guest exit saves the guest registers straight
 * into its struct hal_vcpu (entry.S pushes the rest).
 */
struct x86_64_frame {
    /* A hypercall's five arguments first, in order: core reads them in place. */
    uint64_t rdi, rsi, rdx, r10, r8;
    uint64_t r9, rax, rcx, r11, rbx, rbp, r12, r13, r14, r15;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

struct hal_as {
    struct pt_space pt; /* the engine's view: tables, kind, frames, loaded CPUs */
    uint64_t *pml4;     /* pt.root (direct-map pointer) */
    mfn_t pml4_mfn;     /* pt.root_mfn */
    uint64_t gen;       /* bumped when a top-level (PML4 / slot-0 PDPT) entry changes */
    unsigned top_slots; /* PML4 slots below the hypervisor's in use: [0, top_slots) */
};

struct hal_vcpu {
    /* Must stay first and 16-byte aligned: TSS.RSP0 = &frame + 1. */
    struct x86_64_frame frame;
    uint8_t fxsave[512] __attribute__((aligned(16)));
    bool fpu_used;   /* fxsave holds a state (else fninit on first use) */
    unsigned fpu_on; /* CPU id + 1 whose FPU last took this state, 0: none */
    bool in_user;
    struct vcpu *v;
    struct hal_as *kernel, *user;
    /* The kernel-mode view: kernel window + current user space + hypervisor. */
    uint64_t *kview_pml4, *kview_pdpt;
    mfn_t kview_pml4_mfn, kview_pdpt_mfn;
    bool kview_valid;
    const struct hal_as *kview_k, *kview_u;
    uint64_t kview_kgen, kview_ugen;
    bool kview_kpart;      /* the kernel part (PDPT 1..511) is kview_k's at kview_kgen */
    unsigned kview_uslots; /* PML4 slots [1, kview_uslots) may hold the user space's */
    const uint64_t *kview_kgen_at, *kview_ugen_at; /* &kernel->gen, &user->gen (or a 0) */
    struct svm_vcpu *svm; /* an HVM vCPU's state (svm/svm.h), NULL for PV */
} __attribute__((aligned(64)));

/* entry.S */
extern const char x86_64_vector_base[]; /* 16-byte stubs, one per vector */
void x86_64_syscall_entry(void);
HAL_NORETURN void x86_64_enter_guest(struct x86_64_frame *f);
extern char boot_stack_top[]; /* boot.S: the boot CPU's hypervisor stack */

/*
 * Per physical CPU arch state (hal/cpu.h).  CPU n loads the TSS at GDT
 * selector SEL_TSS + 16 * n, so the task register names the CPU (C code:
 * x86_64_this_cpu).  The entry path finds the same struct through GS:
 * while the hypervisor runs, GS base is this struct; entry.S swaps it with
 * the guest's (swapgs, KERNEL_GS_BASE) on every ring-3 entry and before
 * every iretq to ring 3.  C code never uses GS: an NMI or #DB can arrive
 * at syscall entry before the swap.
 */
/* A 64-bit field at a 4-byte boundary (the TSS's RSP0). */
typedef uint64_t x86_64_u64_a4 __attribute__((aligned(4)));

struct hal_cpu {
    unsigned id;
    struct hal_vcpu *current;   /* vCPU last entered by hal_vcpu_run */
    struct hal_vcpu *fpu_owner; /* vCPU whose state is in the FPU, or NULL */
    /* entry.S (offsets in the generated asm-offsets.h): */
    uint64_t frame_top;     /* TSS.RSP0 mirror: the running vCPU's frame end */
    uint64_t hyp_stack_top; /* hypervisor stack used after a guest exit */
    uint64_t syscall_rsp;   /* guest RSP while syscall entry builds the frame */
    struct hal_cpu *self;   /* this struct: the syscall entry passes it to C */
    /*
     * The PV vCPU whose kernel-mode entry state is loaded here: CR0.TS as
     * its FPU ownership wants, CR3 its kernel view, TSS.RSP0 its frame end
     * (set by x86_64_run_slow as it enters).  Whatever changes one of them
     * (a CR3 load, a new FPU owner) clears it: x86_64_entry_intact().
     */
    struct hal_vcpu *entered;
    /* PV spaces CR3 reaches now (their pt.loaded_cpus has our bit; vcpu.c). */
    struct hal_as *loaded_k, *loaded_u;
    /* This CPU's TSS.RSP0 (cpu.c; 4-byte aligned in the packed TSS), set on a vCPU switch.
     */
    x86_64_u64_a4 *tss_rsp0;
};

/* cpu.c: one struct hal_cpu per CPU, indexed by the task register. */
extern struct hal_cpu x86_64_cpus[HAL_MAX_CPUS];

/* hal_this_cpu() for the backend itself, inline (every exit uses it). */
static inline struct hal_cpu *x86_64_this_cpu(void)
{
    return &x86_64_cpus[x86_cpu_index_from_tr(SEL_TSS, 16)];
}

void x86_64_cpu_init(void); /* the boot CPU: shared tables, then its own */
/* CPU cpu (this one) with hypervisor stack stack_top: GDT/TSS/IDT, MSRs, CR4. */
void x86_64_cpu_init_secondary(unsigned cpu, uint64_t stack_top);
struct hal_cpu *x86_64_cpu(unsigned id); /* CPU id's state (any CPU) */

/* smp.c / smpboot.S: the trampoline pc_smp_boot() copies to PC_SMP_TRAMPOLINE_PHYS. */
extern const char x86_64_trampoline[], x86_64_trampoline_end[], x86_64_trampoline_cr3[];
void x86_64_ap_start(void);
/* Run fn(arg) on every other CPU that is up (a CR3 or FPU owner to forget). */
void x86_64_on_other_cpus(void (*fn)(void *arg), void *arg);

/* mmu.c */
void x86_64_mmu_init(void);
uint64_t x86_64_hyp_pml4e(unsigned slot);
void x86_64_unload_cr3(mfn_t table);
void x86_64_load_hyp_cr3(void);
uint64_t *x86_64_table(uint64_t entry); /* direct-map pointer to the table an entry names */

/* vcpu.c */
void x86_64_fpu_trap(void);
/* hal_vcpu_run() the whole way: CR0.TS, CR3, the kernel view, TSS.RSP0. */
HAL_NORETURN void x86_64_run_slow(struct hal_cpu *c, struct hal_vcpu *hv);
/* Make the FPU hold hv's state on CPU c, saving its owner's (lazy #NM, SVM entry). */
void x86_64_fpu_take(struct hal_cpu *c, struct hal_vcpu *hv);
/*
 * hv's FPU registers, if live in another CPU's FPU (it ran there last),
 * saved into hv->fxsave by that CPU (a cross-CPU call): the state domctls
 * read and replace a paused vCPU's FPU wherever it last ran.
 */
void x86_64_fpu_pull(struct hal_vcpu *hv);
void x86_64_vcpu_init(void);      /* boot: the clean FPU image, the empty user PML4 */
uint32_t x86_64_mxcsr_mask(void); /* MXCSR bits this CPU accepts (fxrstor #GPs on others) */

/* svm/svm.c: HVM vCPUs (hal/hvm.h) */
HAL_NORETURN void svm_run(struct hal_vcpu *hv);
void svm_vcpu_destroy(struct hal_vcpu *hv);

/* guest_copy.c: resume a faulting guest-copy access at its fix-up (f->rip); false: not one.
 */
bool x86_64_extable_fixup(struct x86_64_frame *f);

/* trap.c */
void x86_64_trap_hyp(struct x86_64_frame *f);
HAL_NORETURN void x86_64_trap_guest(struct x86_64_frame *f);
HAL_NORETURN void x86_64_syscall(struct x86_64_frame *f, struct hal_cpu *c);

/*
 * Whether everything x86_64_run_slow() sets up for entering hv on CPU c is
 * still so: c->entered is hv (CR0.TS, CR3, TSS.RSP0 as it left them, in
 * kernel mode), hv is still in kernel mode with RIP in the lower half, and
 * its kernel view is in step with its spaces (hal_vcpu_set_spaces clears
 * kview_valid, a top-level change bumps a space's gen).  Then only the
 * registers are left to load: a quiet hypercall's return.
 */
static inline bool x86_64_entry_intact(const struct hal_cpu *c, const struct hal_vcpu *hv)
{
    return c->entered == hv && !hv->in_user && hv->frame.rip < 0x0000800000000000ull &&
           hv->kview_valid && *hv->kview_kgen_at == hv->kview_kgen &&
           *hv->kview_ugen_at == hv->kview_ugen;
}

/* hal_vcpu_run() for a caller that has this CPU's struct c at hand. */
static inline HAL_NORETURN void x86_64_run(struct hal_cpu *c, struct hal_vcpu *hv)
{
    if (x86_64_entry_intact(c, hv))
        x86_64_enter_guest(&hv->frame);
    x86_64_run_slow(c, hv);
}

/* Physical address of a hypervisor pointer, as the number PTEs and CR3 are built from. */
static inline uint64_t virt_to_phys(const void *p)
{
    uint64_t a = (uint64_t)p;
    return a >= KERNEL_VBASE ? a - KERNEL_VBASE : a - DIRECTMAP_BASE;
}

#endif
