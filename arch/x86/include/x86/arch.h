/* SPDX-License-Identifier: MIT */
/*
 * The 32-bit backend's internals: memory layout, selectors, the register
 * frame, and the arch halves of struct hal_vcpu and struct hal_as.
 */
#ifndef X86_ARCH_H
#define X86_ARCH_H

#include <hal/hal.h>
#include <hestia/arch/x86.h>
#include <hestia/hestia.h>
#include <x86_common/cr.h>
#include <x86_common/desc.h>
#include <x86_common/vectors.h>

#include <x86/pte.h>

/*
 * Hypervisor view (its own CR3, loaded by the trampoline on every entry):
 *   [0, 3 GiB)                 direct map of physical memory (2 MiB pages)
 *   [0xfc000000, 0xfe000000)   the image: physical [0, 32 MiB) (KERNEL_VBASE + phys)
 *   0xfec00000, 0xfee00000     I/O APIC, local APIC (uncached)
 * Guest view (per-vCPU PDPT while a guest runs):
 *   PDPT[0]  current user space  [4 KiB, 1 GiB)
 *   PDPT[1..2] kernel space      [1 GiB, 3 GiB)
 *   PDPT[3]  the trampoline PD: only the read-only trampoline pages (IDT,
 *            GDT, TSS, entry stubs) and this CPU's entry stack.
 */
#define KERNEL_VBASE 0xfc000000u
#define DIRECTMAP_SIZE 0xc0000000ull
#define IMAGE_MAP_SIZE (32u << 20)

/* GDT selectors (index << 3 | RPL). */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_GK_CODE HESTIA_X86_KERNEL_CS /* 0x19: ring 1 */
#define SEL_GK_DATA HESTIA_X86_KERNEL_SS /* 0x21: ring 1 */
#define SEL_GU_CODE HESTIA_X86_USER_CS   /* 0x2b: ring 3 */
#define SEL_GU_DATA HESTIA_X86_USER_DS   /* 0x33: ring 3, also DS/ES of ring 1 */
#define SEL_TSS 0x38                     /* CPU n's TSS is at SEL_TSS + n * TSS_DESC_SIZE */
#define TSS_DESC_SIZE 8
#define GDT_ENTRIES (SEL_TSS / 8 + HAL_MAX_CPUS)

#define VEC_HYPERCALL HESTIA_X86_HYPERCALL_VECTOR
#define VEC_INT80 0x80

/*
 * The register frame, lowest address first: what tramp.S pushes below the
 * CPU's interrupt frame.  esp/ss are only valid for an exit from ring 1/3.
 */
struct x86_frame {
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;
    uint32_t vector, error;
    uint32_t eip, cs, eflags, esp, ss;
};

struct hal_as {
    struct pt_space pt; /* the engine's view; pt.root is pdpt */
    pte_t pdpt[4]; /* software root: slot -> page directory (vcpu.c composes the view) */
    uint64_t
        kstack_gen; /* kernel space: bumped when the domain may change a kernel stack */
};

struct hal_vcpu {
    struct x86_frame frame;
    uint8_t fxsave[512] __attribute__((aligned(16)));
    struct vcpu *v;
    struct hal_as *kernel, *user;
    uint64_t *pdpt; /* the guest view: 4 entries, in its own frame */
    /*
     * The direct int 0x80 gate (see trap.c): the guest's syscall entry and
     * kernel stack as the hypervisor last delivered a system call, valid
     * while the kernel space is sys_as and its kstack_gen is sys_gen.
     */
    uint32_t sys_entry, sys_stack;
    const struct hal_as *sys_as;
    uint64_t sys_gen;
    bool delivering_syscall;
    mfn_t pdpt_mfn;
    /*
     * The CPU whose trampoline directory pdpt[3] names (~0u: none yet).
     * pdpt[0..2] are written by hal_vcpu_set_spaces: a space's page
     * directories are fixed from its creation to its destruction, so they
     * change only with the spaces, not on every entry.
     */
    unsigned pdpt_cpu;
    /* 1 + the CPU whose FPU holds this vCPU's live state (its fpu_owner); 0: in fxsave. */
    unsigned fpu_on;
};

/* The entry stack (one page per CPU) is in the trampoline, mapped read-write. */
#define ENTRY_STACK_SIZE 4096

struct tss32 {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap_base;
} __attribute__((packed));

struct gate32 {
    uint16_t off_lo, sel;
    uint8_t zero, type;
    uint16_t off_hi;
} __attribute__((packed));

/*
 * What only CPU n's guest view maps of the hypervisor besides the shared
 * trampoline (cpu.c, mmu.c): its entry stack (read-write: TSS.ESP0) and
 * the page with its IDT and TSS (read-only; the int 0x80 gate and
 * TSS.SS1:ESP1 name the vCPU running there).  Each CPU's pages are at
 * their own address, as in the hypervisor's view, so the hypervisor
 * writes them directly; another CPU's pages are simply absent from this
 * CPU's trampoline page table, so a ring-1 guest here cannot reach the
 * stack a guest of another domain is pushing exit frames onto there.
 */
struct x86_cpu_pages {
    uint8_t entry_stack[ENTRY_STACK_SIZE];
    struct gate32 idt[256] __attribute__((aligned(4096)));
    struct tss32 tss;
} __attribute__((aligned(4096)));
_Static_assert(sizeof(struct x86_cpu_pages) == 2 * 4096, "two pages per CPU");
/* In the trampoline (.tramp.percpu), one per possible CPU. */
extern struct x86_cpu_pages x86_cpu_pages[HAL_MAX_CPUS];

/* tramp.S */
extern const char x86_vector_base[]; /* 16-byte stubs, one per vector */
HAL_NORETURN void x86_enter_guest(uint32_t cr3, struct x86_frame *on_entry_stack);
/*
 * In the trampoline: the hypervisor's CR3.  Global, not per CPU: every CPU
 * runs the hypervisor on the same tables, and the exit path reads it under
 * the guest's CR3, where only the trampoline is mapped.
 */
extern uint32_t x86_hyp_cr3;
extern char __tramp_start[], __tramp_end[];
extern char boot_stack_top[]; /* boot.S: the boot CPU's hypervisor stack */

/* cpu.c */
/*
 * Per physical CPU arch state (hal/cpu.h).  CPU n loads the TSS at GDT
 * selector SEL_TSS + TSS_DESC_SIZE * n, so the task register names the CPU
 * (C: x86_this_cpu; tramp.S computes the same index after its CR3 switch).
 * Global: x86_hyp_cr3 (the same on every CPU, read before the switch).
 */
struct hal_cpu {
    unsigned id;
    struct hal_vcpu *current;   /* vCPU last entered by hal_vcpu_run */
    struct hal_vcpu *fpu_owner; /* vCPU whose state is in the FPU, or NULL */
    uint32_t hyp_stack_top;     /* tramp.S: the hypervisor stack after a guest exit */
    /* The kernel space (one per domain) whose guest last ran on the entry stack; NULL:
     * wiped. */
    const struct hal_as *entry_stack_owner;
    struct x86_cpu_pages *pages;     /* its entry stack, IDT and TSS */
    uint32_t gate_entry, gate_stack; /* what its int 0x80 gate and TSS.ESP1 hold now */
    /* Spaces whose pt.loaded_cpus has this CPU's bit (the TLB shootdown's reach; vcpu.c).
     */
    struct hal_as *loaded_k, *loaded_u;
};

/* cpu.c: one struct hal_cpu per CPU, indexed by the task register. */
extern struct hal_cpu x86_cpus[HAL_MAX_CPUS];

/* hal_this_cpu() for the backend itself, inline (every exit uses it). */
static inline struct hal_cpu *x86_this_cpu(void)
{
    return &x86_cpus[x86_cpu_index_from_tr(SEL_TSS, TSS_DESC_SIZE)];
}

void x86_cpu_init(void);
/* CPU cpu's GDT/TSS/IDT and control registers, on that CPU (the boot CPU: from
 * x86_cpu_init). */
void x86_cpu_init_secondary(unsigned cpu, uint32_t hyp_stack_top);
struct hal_cpu *x86_cpu(unsigned id); /* CPU id's state (any CPU) */
/* IDT vector 0x80: a ring-1 trap gate to entry with TSS.ESP1 = stack, or (entry 0) the
 * hypervisor. */
void x86_set_syscall_gate(uint32_t entry, uint32_t stack);
extern bool x86_nx; /* EFER.NXE is on: PTE_NX may be used */

/* mmu.c */
void x86_mmu_init(void);
/* mmu.c: the PDPT entry of an empty page directory (set by x86_mmu_init). */
extern uint64_t x86_empty_pdpte;
/* PDPT entry for slot of the guest view from as (NULL or not its slot: empty). */
static inline uint64_t x86_guest_pdpte(const struct hal_as *as, unsigned slot)
{
    if (as && (as->pdpt[slot] & PTE_P))
        return (as->pdpt[slot] & PTE_ADDR) | PTE_P;
    return x86_empty_pdpte;
}
uint64_t x86_tramp_pdpte(unsigned cpu); /* CPU cpu's trampoline directory */
void x86_mmu_cpu_init(unsigned cpu);    /* build it (before the CPU enters a guest) */

/* smp.c / smpboot.S: the trampoline pc_smp_boot() copies to PC_SMP_TRAMPOLINE_PHYS. */
extern const char x86_trampoline[], x86_trampoline_end[], x86_trampoline_cr3[];
void x86_ap_start(void);

/* vcpu.c */
void x86_fpu_init(void);
void x86_fpu_trap(void);
/*
 * hv's FPU registers, if live in another CPU's FPU (it ran there last),
 * saved into hv->fxsave by that CPU (a cross-CPU call): the state domctls
 * read and replace a paused vCPU's FPU wherever it last ran.
 */
void x86_fpu_pull(struct hal_vcpu *hv);
uint32_t x86_mxcsr_mask(void); /* MXCSR bits this CPU accepts (fxrstor #GPs on others) */

/*
 * hal_vcpu_run() for a caller that has this CPU's struct at hand (the
 * hypercall path in trap.c).
 */
HAL_NORETURN void x86_run(struct hal_cpu *c, struct hal_vcpu *hv);

/*
 * Copy a register frame (19 words) with one string move: the exit copies
 * it into the vCPU and the entry back onto the entry stack, and a loop of
 * loads and stores was ~75 instructions each way.  DF is clear in the
 * hypervisor (tramp.S: cld).
 */
static inline void x86_frame_copy(struct x86_frame *dst, const struct x86_frame *src)
{
    unsigned n = sizeof(*dst) / 4;
    __asm__ volatile("rep movsl" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

/* trap.c */
void x86_trap_hyp(struct x86_frame *f);
HAL_NORETURN void x86_trap_guest(struct x86_frame *f);

/*
 * Physical address of a hypervisor pointer (image or direct map), as the
 * number page-table entries and CR3 are built from (not a paddr_t).
 */
static inline uint64_t virt_to_phys(const void *p)
{
    uint32_t a = (uint32_t)(uintptr_t)p;
    return a >= KERNEL_VBASE ? a - KERNEL_VBASE : a;
}

#endif
