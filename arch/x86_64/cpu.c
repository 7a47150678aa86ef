/* SPDX-License-Identifier: MIT */
/*
 * GDT, TSS, IDT, syscall MSRs and control registers of every CPU.  One GDT
 * holds a TSS descriptor per CPU (SEL_TSS + 16 n, so the task register
 * names the CPU); the IDT is shared; each CPU has its own TSS and IST
 * stacks.
 */
#include <pc/pc.h>
#include <x86_64/arch.h>
#include <x86_common/desc.h>
#include <x86_common/io.h>

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

struct gate64 {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, reserved;
} __attribute__((packed));

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

static uint64_t gdt[SEL_TSS / 8 + 2 * HAL_MAX_CPUS] __attribute__((aligned(16)));
static struct tss64 tss[HAL_MAX_CPUS] __attribute__((aligned(16)));
static struct gate64 idt[256] __attribute__((aligned(16)));
/* IST stacks: #DF (blown stack), #DB/NMI/#MC (may hit before syscall_entry switched RSP).
 */
static struct {
    uint8_t df[4096], db[4096], nmi[4096];
} ist_stacks[HAL_MAX_CPUS] __attribute__((aligned(16)));

#define GATE_INTR 0x8e      /* present, DPL 0, 64-bit interrupt gate */
#define GATE_INTR_USER 0xee /* same, callable from ring 3 with int n */

static void set_gate(unsigned vec, uint64_t handler, uint8_t type, uint8_t ist)
{
    struct gate64 *g = &idt[vec];
    g->off_lo = (uint16_t)handler;
    g->sel = SEL_KCODE;
    g->ist = ist;
    g->type = type;
    g->off_mid = (uint16_t)(handler >> 16);
    g->off_hi = (uint32_t)(handler >> 32);
    g->reserved = 0;
}

/* The entry stub of vector vec (entry.S, X86_VECTOR_STUBS). */
static uint64_t stub(unsigned vec)
{
    return (uint64_t)(x86_64_vector_base + X86_VECTOR_STUB_SIZE * vec);
}

struct hal_cpu x86_64_cpus[HAL_MAX_CPUS];

struct hal_cpu *x86_64_cpu(unsigned id)
{
    return &x86_64_cpus[id < HAL_MAX_CPUS ? id : 0];
}

struct hal_cpu *hal_this_cpu(void)
{
    return x86_64_this_cpu();
}

/* CPU n's TSS is at SEL_TSS + 16 n: only ever loaded by x86_64_cpu_init. */
unsigned hal_cpu_id(void)
{
    return x86_cpu_index_from_tr(SEL_TSS, 16);
}

/* The GDT's shared descriptors and the IDT: once, on the boot CPU. */
static void build_shared_tables(void)
{
    gdt[SEL_KCODE / 8] =
        x86_desc(0, 0xfffff, DESC_P | DESC_DPL(0) | DESC_CODE, DESC_G | DESC_L);
    gdt[SEL_KDATA / 8] =
        x86_desc(0, 0xfffff, DESC_P | DESC_DPL(0) | DESC_DATA, DESC_G | DESC_DB);
    gdt[SEL_UDATA / 8] =
        x86_desc(0, 0xfffff, DESC_P | DESC_DPL(3) | DESC_DATA, DESC_G | DESC_DB);
    gdt[SEL_UCODE / 8] =
        x86_desc(0, 0xfffff, DESC_P | DESC_DPL(3) | DESC_CODE, DESC_G | DESC_L);
    for (unsigned v = 0; v < X86_NR_VECTORS; v++)
        set_gate(v, stub(v), GATE_INTR, 0);
    /* A double fault may come from a blown stack: give it its own. */
    set_gate(X86_EXC_DF, stub(X86_EXC_DF), GATE_INTR, 1);
    /*
     * A guest that sets TF and executes syscall gets its #DB delivered in
     * ring 0 at syscall_entry, before RSP is ours: never push onto the
     * guest's stack.  Same for NMI and #MC.
     */
    set_gate(X86_EXC_DB, stub(X86_EXC_DB), GATE_INTR, 2);
    set_gate(X86_EXC_NMI, stub(X86_EXC_NMI), GATE_INTR, 3);
    set_gate(X86_EXC_MC, stub(X86_EXC_MC), GATE_INTR, 3);
    /* Ring 3 may raise these with int n; every other int n is a #GP. */
    set_gate(X86_EXC_BP, stub(X86_EXC_BP), GATE_INTR_USER, 0);
    set_gate(VEC_INT80, stub(VEC_INT80), GATE_INTR_USER, 0);
}

/* CPU cpu's TSS, its descriptor, and everything loaded into this CPU's registers. */
static void load_tables(unsigned cpu, uint64_t stack_top)
{
    /* TSS descriptor (16 bytes); no I/O bitmap: iomap_base beyond the limit. */
    struct tss64 *t = &tss[cpu];
    uint64_t base = (uint64_t)t;
    t->iomap_base = sizeof(*t);
    t->ist[0] = (uint64_t)(ist_stacks[cpu].df + sizeof(ist_stacks[cpu].df));
    t->ist[1] = (uint64_t)(ist_stacks[cpu].db + sizeof(ist_stacks[cpu].db));
    t->ist[2] = (uint64_t)(ist_stacks[cpu].nmi + sizeof(ist_stacks[cpu].nmi));
    unsigned sel = SEL_TSS + 16 * cpu;
    gdt[sel / 8] = x86_desc((uint32_t)base, sizeof(*t) - 1, DESC_P | DESC_TSS_AVAIL, 0);
    gdt[sel / 8 + 1] = base >> 32;

    struct desc_ptr gdtr = {sizeof(gdt) - 1, (uint64_t)gdt};
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "mov %2, %%ds\n\t"
                     "mov %2, %%es\n\t"
                     "mov %2, %%ss"
                     :
                     : "m"(gdtr), "i"(SEL_KCODE), "r"((uint32_t)SEL_KDATA)
                     : "rax", "memory");
    __asm__ volatile("ltr %w0" : : "r"((uint16_t)sel));
    x86_64_cpus[cpu].id = cpu;
    x86_64_cpus[cpu].self = &x86_64_cpus[cpu];
    x86_64_cpus[cpu].hyp_stack_top = stack_top;
    x86_64_cpus[cpu].tss_rsp0 =
        (x86_64_u64_a4 *)(void *)((char *)&tss[cpu] + offsetof(struct tss64, rsp));
    /* The hypervisor's GS: this CPU's struct (entry.S swapgs-es it with the guest's). */
    wrmsr(MSR_GS_BASE, (uint64_t)&x86_64_cpus[cpu]);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
    struct desc_ptr idtr = {sizeof(idt) - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" : : "m"(idtr));
}

void x86_64_cpu_init(void)
{
    build_shared_tables();
    x86_64_cpu_init_secondary(0, (uint64_t)boot_stack_top);
}

void x86_64_cpu_init_secondary(unsigned cpu, uint64_t stack_top)
{
    load_tables(cpu, stack_top);

    /* syscall: ring 0 CS 0x08/SS 0x10; sysret base 0x18 -> SS 0x23, CS 0x2b. */
    wrmsr(MSR_STAR, ((uint64_t)0x18 << 48) | ((uint64_t)SEL_KCODE << 32));
    wrmsr(MSR_LSTAR, (uint64_t)x86_64_syscall_entry);
    /* No compat-mode code segment exists, but never leave CSTAR dangling. */
    wrmsr(MSR_CSTAR, (uint64_t)x86_64_syscall_entry);
    /* Clear IF, TF, DF, AC, NT on entry. */
    wrmsr(MSR_FMASK, 0x47700);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE | EFER_NXE);

    /* OSFXSR | OSXMMEXCPT for guests' SSE; SMEP/SMAP when the CPU has them. */
    uint64_t cr4 = read_cr4();
    cr4 |= (1u << 9) | (1u << 10);
    uint32_t a, b, c, d;
    cpuid(0, &a, &b, &c, &d);
    if (a >= 7) {
        cpuid(7, &a, &b, &c, &d);
        if (b & (1u << 7))
            cr4 |= 1u << 20; /* SMEP */
        if (b & (1u << 20))
            cr4 |= 1u << 21; /* SMAP: only guest_copy.c touches guest pages (stac / clac) */
    }
    write_cr4(cr4);
}
