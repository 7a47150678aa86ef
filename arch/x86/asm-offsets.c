/* SPDX-License-Identifier: MIT */
/*
 * The layout numbers and constants tramp.S and boot.S use, generated
 * (tools/asm_offsets.py -> asm-offsets.h) from their C definitions, so no
 * offset or constant is typed by hand in assembly.  The
 * assertions tie tramp.S's push order (pusha, then ds, es, fs, gs; the
 * stub's vector and error below what the CPU pushes) to struct x86_frame.
 */
#include <hal/asm_offsets.h>

#include <pc/pc.h>
#include <x86/arch.h>

#define FRAME_SLOT(field) (offsetof(struct x86_frame, field) / 4)
_Static_assert(FRAME_SLOT(gs) == 0 && FRAME_SLOT(ds) == 3, "segment pushes");
_Static_assert(FRAME_SLOT(edi) == 4 && FRAME_SLOT(eax) == 11, "pusha order");
_Static_assert(FRAME_SLOT(vector) == 12 && FRAME_SLOT(error) == 13, "vector, error");
_Static_assert(FRAME_SLOT(eip) == 14 && FRAME_SLOT(ss) == 18, "hardware frame");

_Static_assert((1u << __builtin_ctz(TSS_DESC_SIZE)) == TSS_DESC_SIZE, "shift, not divide");

void x86_asm_offsets(void);

void x86_asm_offsets(void)
{
    ASM_OFFSET(FRAME_CS, offsetof(struct x86_frame, cs));
    /* What POP_FRAME_IRET skips between popa and iret: vector and error. */
    ASM_OFFSET(FRAME_VECTOR_ERROR_SIZE,
               offsetof(struct x86_frame, eip) - offsetof(struct x86_frame, vector));
    ASM_OFFSET(SEL_KDATA, SEL_KDATA);
    ASM_OFFSET(SEL_RPL, X86_SEL_RPL);
    /* tramp.S: this CPU's struct hal_cpu from the task register. */
    ASM_OFFSET(SEL_TSS, SEL_TSS);
    ASM_OFFSET(TSS_DESC_SHIFT, __builtin_ctz(TSS_DESC_SIZE));
    ASM_OFFSET(CPU_SIZE, sizeof(struct hal_cpu));
    ASM_OFFSET(CPU_HYP_STACK_TOP, offsetof(struct hal_cpu, hyp_stack_top));

    /* boot.S: the hypervisor's page tables (arch.h's layout) and paging on. */
    ASM_OFFSET(KERNEL_VBASE, KERNEL_VBASE);
    ASM_OFFSET(PAGE_SIZE, HAL_PAGE_SIZE);
    ASM_OFFSET(LARGE_PAGE_SHIFT, X86_LARGE_PAGE_SHIFT);
    /* No PTE_G: nothing global may survive the CR3 switch to a guest view. */
    ASM_OFFSET(BOOT_PDE, PTE_P | PTE_W | PTE_PS);
    ASM_OFFSET(BOOT_PDE_UNCACHED, PTE_P | PTE_W | PTE_PS | PTE_PWT | PTE_PCD);
    ASM_OFFSET(BOOT_PDPTE, PTE_P); /* PAE PDPTEs carry only P */
    ASM_OFFSET(BOOT_DIRECTMAP_PDES, DIRECTMAP_SIZE >> X86_LARGE_PAGE_SHIFT);
    ASM_OFFSET(BOOT_IMAGE_PDES, IMAGE_MAP_SIZE >> X86_LARGE_PAGE_SHIFT);
    ASM_OFFSET(PC_IOAPIC_PHYS, PC_IOAPIC_PHYS);
    ASM_OFFSET(PC_LAPIC_PHYS, PC_LAPIC_PHYS);
    ASM_OFFSET(BOOT_CR4, X86_CR4_PAE);
    ASM_OFFSET(BOOT_CR0, X86_CR0_PG | X86_CR0_WP | X86_CR0_NE | X86_CR0_MP | X86_CR0_PE);
    ASM_OFFSET(X86_CR0_EM, X86_CR0_EM);
    /* smpboot.S: the secondary CPUs' trampoline (pc_smp_boot copies it there). */
    ASM_OFFSET(TRAMPOLINE_PHYS, PC_SMP_TRAMPOLINE_PHYS);
    ASM_OFFSET(TRAMP_GDT_CODE32,
               X86_DESC(0, 0xfffff, DESC_P | DESC_DPL(0) | DESC_CODE, DESC_G | DESC_DB));
    ASM_OFFSET(TRAMP_GDT_DATA32,
               X86_DESC(0, 0xfffff, DESC_P | DESC_DPL(0) | DESC_DATA, DESC_G | DESC_DB));
}
