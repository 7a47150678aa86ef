/* SPDX-License-Identifier: MIT */
/*
 * GDT, TSS and IDT (all in the trampoline: a guest's tables map them
 * read-only), control registers of each CPU.  The GDT is shared (it holds
 * every CPU's TSS descriptor); each CPU has its own IDT and TSS in its
 * struct x86_cpu_pages, because the int 0x80 gate and TSS.ESP1 name the
 * vCPU running on that CPU.
 *
 * Every descriptor is created with its accessed bit set: the CPU would
 * otherwise write it on the first segment load, and the GDT is read-only
 * while a guest runs.  Guest segments are flat with a 3 GiB limit.
 */
#include <pc/pc.h>
#include <x86_common/desc.h>
#include <x86_common/io.h>

#include <x86/arch.h>

struct desc_ptr {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

/* Shared by every CPU, last in the shared trampoline (linker.ld). */
static uint64_t gdt[GDT_ENTRIES] __attribute__((section(".tramp.gdt"), aligned(64)));
/* Per CPU, each mapped only in its own CPU's guest views (mmu.c). */
struct x86_cpu_pages x86_cpu_pages[HAL_MAX_CPUS] __attribute__((section(".tramp.percpu")));

#define DESC_ACCESSED 0x01u
#define GATE_INTR(dpl) (0x8e | ((dpl) << 5))
#define GUEST_LIMIT ((uint32_t)(HESTIA_X86_HYPERVISOR_START >> 12) - 1) /* 4 KiB units */

bool x86_nx;

static void set_gate(struct gate32 *idt, unsigned vec, unsigned dpl)
{
    uint32_t handler = (uint32_t)(uintptr_t)(x86_vector_base + X86_VECTOR_STUB_SIZE * vec);
    idt[vec].off_lo = (uint16_t)handler;
    idt[vec].sel = SEL_KCODE;
    idt[vec].zero = 0;
    idt[vec].type = (uint8_t)GATE_INTR(dpl);
    idt[vec].off_hi = (uint16_t)(handler >> 16);
}

/*
 * int 0x80 from ring 3: straight to the guest kernel (a DPL-3 trap gate to
 * its ring-1 code segment, stack from TSS.SS1:ESP1) when the running vCPU's
 * entry and stack are known, else into the hypervisor like any exception.
 * The gate's selector is ring 1 and its offset below 3 GiB: it cannot
 * reach ring 0 or the hypervisor.
 */
void x86_set_syscall_gate(uint32_t entry, uint32_t stack)
{
    struct hal_cpu *c = x86_this_cpu();
    if (entry == c->gate_entry && stack == c->gate_stack)
        return;
    c->gate_entry = entry;
    c->gate_stack = stack;
    struct gate32 *idt = c->pages->idt;
    struct tss32 *t = &c->pages->tss;
    if (!entry || entry >= (uint32_t)HESTIA_X86_HYPERVISOR_START) {
        set_gate(idt, VEC_INT80, 3);
        t->esp1 = 0; /* the trampoline is readable: leave no other guest's stack there */
        t->ss1 = 0;
        return;
    }
    idt[VEC_INT80].off_lo = (uint16_t)entry;
    idt[VEC_INT80].sel = SEL_GK_CODE;
    idt[VEC_INT80].type = 0xef; /* present, DPL 3, 32-bit trap gate */
    idt[VEC_INT80].off_hi = (uint16_t)(entry >> 16);
    t->ss1 = SEL_GK_DATA;
    t->esp1 = stack;
}

static uint64_t seg(uint32_t limit, unsigned dpl, unsigned type)
{
    return x86_desc(0, limit, DESC_P | DESC_DPL(dpl) | type | DESC_ACCESSED,
                    DESC_G | DESC_DB);
}

struct hal_cpu x86_cpus[HAL_MAX_CPUS];

struct hal_cpu *x86_cpu(unsigned id)
{
    return &x86_cpus[id < HAL_MAX_CPUS ? id : 0];
}

struct hal_cpu *hal_this_cpu(void)
{
    return x86_this_cpu();
}

/* CPU n's TSS is at SEL_TSS + 8 n: only ever loaded by x86_cpu_init. */
unsigned hal_cpu_id(void)
{
    return x86_cpu_index_from_tr(SEL_TSS, TSS_DESC_SIZE);
}

/* The descriptors every CPU shares. */
static void build_gdt(void)
{
    gdt[SEL_KCODE / 8] = seg(0xfffff, 0, DESC_CODE);
    gdt[SEL_KDATA / 8] = seg(0xfffff, 0, DESC_DATA);
    gdt[SEL_GK_CODE / 8] = seg(GUEST_LIMIT, 1, DESC_CODE);
    gdt[SEL_GK_DATA / 8] = seg(GUEST_LIMIT, 1, DESC_DATA);
    gdt[SEL_GU_CODE / 8] = seg(GUEST_LIMIT, 3, DESC_CODE);
    gdt[SEL_GU_DATA / 8] = seg(GUEST_LIMIT, 3, DESC_DATA);
}

void x86_cpu_init(void)
{
    build_gdt();
    x86_cpu_init_secondary(0, (uint32_t)(uintptr_t)boot_stack_top);
}

void x86_cpu_init_secondary(unsigned cpu, uint32_t hyp_stack_top)
{
    struct x86_cpu_pages *p = &x86_cpu_pages[cpu];
    struct hal_cpu *c = &x86_cpus[cpu];
    /* No I/O bitmap: iomap_base beyond the limit, so in/out from ring 1/3 fault. */
    p->tss.ss0 = SEL_KDATA;
    p->tss.esp0 = (uint32_t)(uintptr_t)(p->entry_stack + ENTRY_STACK_SIZE);
    p->tss.iomap_base = sizeof(p->tss);
    unsigned sel = SEL_TSS + TSS_DESC_SIZE * cpu;
    gdt[sel / 8] = x86_desc((uint32_t)(uintptr_t)&p->tss, sizeof(p->tss) - 1,
                            DESC_P | DESC_TSS_AVAIL, 0);

    struct desc_ptr gdtr = {sizeof(gdt) - 1, (uint32_t)(uintptr_t)gdt};
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n"
                     "1:\n\t"
                     "mov %2, %%ds\n\t"
                     "mov %2, %%es\n\t"
                     "mov %2, %%ss\n\t"
                     "mov %3, %%fs\n\t"
                     "mov %3, %%gs"
                     :
                     : "m"(gdtr), "i"(SEL_KCODE), "r"((uint32_t)SEL_KDATA), "r"(0u)
                     : "memory");
    /* ltr marks the descriptor busy: done now, while the GDT is writable. */
    __asm__ volatile("ltr %w0" : : "r"((uint16_t)sel));
    c->id = cpu;
    c->hyp_stack_top = hyp_stack_top;
    c->pages = p;
    c->gate_entry = 1; /* no gate yet: the next x86_set_syscall_gate writes it */

    for (unsigned v = 0; v < X86_NR_VECTORS; v++)
        set_gate(p->idt, v, 0);
    set_gate(p->idt, X86_EXC_BP, 3);    /* int3 from anywhere */
    x86_set_syscall_gate(0, 0);         /* system calls from guest user mode */
    set_gate(p->idt, VEC_HYPERCALL, 1); /* hypercalls: ring 1 only */
    struct desc_ptr idtr = {sizeof(p->idt) - 1, (uint32_t)(uintptr_t)p->idt};
    __asm__ volatile("lidt %0" : : "m"(idtr));

    /* OSFXSR | OSXMMEXCPT when the CPU has fxsave; NX when it has it. */
    uint32_t a, b, cx, d;
    cpuid(1, &a, &b, &cx, &d);
    if (d & (1u << 24))
        write_cr4(read_cr4() | (1u << 9) | (1u << 10));
    cpuid(0x80000000u, &a, &b, &cx, &d);
    if (a >= 0x80000001u) {
        cpuid(0x80000001u, &a, &b, &cx, &d);
        if (d & (1u << 20)) {
            wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
            x86_nx = true;
        }
    }
    x86_mmu_cpu_init(cpu); /* after x86_nx: the entry stack is no-execute */
}
