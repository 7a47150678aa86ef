/* SPDX-License-Identifier: MIT */
/*
 * GDT, TSS and IDT (all in the trampoline: a guest's tables map them
 * read-only), control registers of the boot CPU.
 *
 * Every descriptor is created with its accessed bit set: the CPU would
 * otherwise write it on the first segment load, and the GDT is read-only
 * while a guest runs.  Guest segments are flat with a 3 GiB limit.
 */
#include <pc/pc.h>
#include <x86_common/desc.h>
#include <x86_common/io.h>

#include <x86/arch.h>

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

struct desc_ptr {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

#define TRAMP_DATA __attribute__((section(".tramp.data"), aligned(64)))
static uint64_t gdt[GDT_ENTRIES] TRAMP_DATA;
static struct tss32 tss TRAMP_DATA;
static struct gate32 idt[256] TRAMP_DATA;

#define DESC_ACCESSED 0x01u
#define GATE_INTR(dpl) (0x8e | ((dpl) << 5))
#define GUEST_LIMIT ((uint32_t)(HESTIA_X86_HYPERVISOR_START >> 12) - 1) /* 4 KiB units */

bool x86_nx;

static void set_gate(unsigned vec, unsigned dpl)
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
    static uint32_t cur_entry = 1, cur_stack;
    if (entry == cur_entry && stack == cur_stack)
        return;
    cur_entry = entry;
    cur_stack = stack;
    if (!entry || entry >= (uint32_t)HESTIA_X86_HYPERVISOR_START) {
        set_gate(VEC_INT80, 3);
        tss.esp1 = 0; /* the trampoline is readable: leave no other guest's stack there */
        tss.ss1 = 0;
        return;
    }
    idt[VEC_INT80].off_lo = (uint16_t)entry;
    idt[VEC_INT80].sel = SEL_GK_CODE;
    idt[VEC_INT80].type = 0xef; /* present, DPL 3, 32-bit trap gate */
    idt[VEC_INT80].off_hi = (uint16_t)(entry >> 16);
    tss.ss1 = SEL_GK_DATA;
    tss.esp1 = stack;
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

void x86_cpu_init(void)
{
    gdt[SEL_KCODE / 8] = seg(0xfffff, 0, DESC_CODE);
    gdt[SEL_KDATA / 8] = seg(0xfffff, 0, DESC_DATA);
    gdt[SEL_GK_CODE / 8] = seg(GUEST_LIMIT, 1, DESC_CODE);
    gdt[SEL_GK_DATA / 8] = seg(GUEST_LIMIT, 1, DESC_DATA);
    gdt[SEL_GU_CODE / 8] = seg(GUEST_LIMIT, 3, DESC_CODE);
    gdt[SEL_GU_DATA / 8] = seg(GUEST_LIMIT, 3, DESC_DATA);
    /* No I/O bitmap: iomap_base beyond the limit, so in/out from ring 1/3 fault. */
    tss.ss0 = SEL_KDATA;
    tss.esp0 = (uint32_t)(uintptr_t)(x86_entry_stack + ENTRY_STACK_SIZE);
    tss.iomap_base = sizeof(tss);
    gdt[SEL_TSS / 8] =
        x86_desc((uint32_t)(uintptr_t)&tss, sizeof(tss) - 1, DESC_P | DESC_TSS_AVAIL, 0);

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
    __asm__ volatile("ltr %w0" : : "r"(SEL_TSS));
    x86_cpus[0].id = 0;
    x86_cpus[0].hyp_stack_top = (uint32_t)(uintptr_t)boot_stack_top;

    for (unsigned v = 0; v < X86_NR_VECTORS; v++)
        set_gate(v, 0);
    set_gate(X86_EXC_BP, 3);    /* int3 from anywhere */
    x86_set_syscall_gate(0, 0); /* system calls from guest user mode */
    set_gate(VEC_HYPERCALL, 1); /* hypercalls: ring 1 only */
    struct desc_ptr idtr = {sizeof(idt) - 1, (uint32_t)(uintptr_t)idt};
    __asm__ volatile("lidt %0" : : "m"(idtr));

    /* OSFXSR | OSXMMEXCPT when the CPU has fxsave; NX when it has it. */
    uint32_t a, b, c, d;
    cpuid(1, &a, &b, &c, &d);
    if (d & (1u << 24))
        write_cr4(read_cr4() | (1u << 9) | (1u << 10));
    cpuid(0x80000000u, &a, &b, &c, &d);
    if (a >= 0x80000001u) {
        cpuid(0x80000001u, &a, &b, &c, &d);
        if (d & (1u << 20)) {
            wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
            x86_nx = true;
        }
    }
}
