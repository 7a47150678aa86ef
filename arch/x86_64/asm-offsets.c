/* SPDX-License-Identifier: MIT */
/*
 * The layout numbers and constants entry.S and boot.S use, generated
 * (tools/asm_offsets.py -> asm-offsets.h) from their C definitions, so no
 * offset or constant is typed by hand in assembly.  The
 * assertions tie entry.S's push order (PUSH_GPRS, then vector and error,
 * then what the CPU pushes) to struct x86_64_frame.
 */
#include <hal/asm_offsets.h>
#include <pc/pc.h>
#include <x86_64/arch.h>
#include <x86_common/io.h>

#define FRAME_SLOT(field) (offsetof(struct x86_64_frame, field) / 8)
_Static_assert(FRAME_SLOT(rdi) == 0 && FRAME_SLOT(rsi) == 1 && FRAME_SLOT(rdx) == 2 &&
                   FRAME_SLOT(r10) == 3 && FRAME_SLOT(r8) == 4 && FRAME_SLOT(r15) == 14,
               "PUSH_GPRS order");
_Static_assert(FRAME_SLOT(vector) == 15 && FRAME_SLOT(error) == 16, "vector, error");
_Static_assert(FRAME_SLOT(rip) == 17 && FRAME_SLOT(ss) == 21, "hardware frame");
_Static_assert(sizeof(struct x86_64_frame) == 22 * 8, "frame size");

void x86_64_asm_offsets(void);

void x86_64_asm_offsets(void)
{
    ASM_OFFSET(FRAME_CS, offsetof(struct x86_64_frame, cs));
    ASM_OFFSET(FRAME_SIZE, sizeof(struct x86_64_frame));
    /* What the exit to a guest skips between the registers and iretq: vector and error. */
    ASM_OFFSET(FRAME_VECTOR_ERROR_SIZE,
               offsetof(struct x86_64_frame, rip) - offsetof(struct x86_64_frame, vector));
    ASM_OFFSET(SEL_RPL, X86_SEL_RPL);
    ASM_OFFSET(GUEST_CS, HESTIA_X86_64_GUEST_CS);
    ASM_OFFSET(GUEST_SS, HESTIA_X86_64_GUEST_SS);
    ASM_OFFSET(VEC_SYSCALL, VEC_SYSCALL);
    ASM_OFFSET(CPU_FRAME_TOP, offsetof(struct hal_cpu, frame_top));
    ASM_OFFSET(CPU_SELF, offsetof(struct hal_cpu, self));
    ASM_OFFSET(CPU_HYP_STACK_TOP, offsetof(struct hal_cpu, hyp_stack_top));
    ASM_OFFSET(CPU_SYSCALL_RSP, offsetof(struct hal_cpu, syscall_rsp));

    /* boot.S: the boot page tables (arch.h's layout), long mode, the boot GDT. */
    ASM_OFFSET(KERNEL_VBASE, KERNEL_VBASE);
    ASM_OFFSET(PAGE_SIZE, HAL_PAGE_SIZE);
    ASM_OFFSET(LARGE_PAGE_SHIFT, X86_LARGE_PAGE_SHIFT);
    ASM_OFFSET(BOOT_PDE, PTE_P | PTE_W | PTE_PS | PTE_G);
    ASM_OFFSET(BOOT_PDE_UNCACHED, PTE_PWT | PTE_PCD);
    ASM_OFFSET(BOOT_TABLE, PTE_P | PTE_W);
    ASM_OFFSET(BOOT_DIRECTMAP_PDES, DIRECTMAP_SIZE >> X86_LARGE_PAGE_SHIFT);
    ASM_OFFSET(BOOT_MMIO_PDE, PC_MMIO_START >> X86_LARGE_PAGE_SHIFT);
    ASM_OFFSET(BOOT_IMAGE_PDPTE, (KERNEL_VBASE >> 30) & 511);
    ASM_OFFSET(BOOT_IMAGE_PML4E, (KERNEL_VBASE >> 39) & 511);
    ASM_OFFSET(BOOT_DIRECTMAP_PML4E, (DIRECTMAP_BASE >> 39) & 511);
    ASM_OFFSET(BOOT_CR4, X86_CR4_PAE | X86_CR4_PGE);
    ASM_OFFSET(BOOT_CR0, X86_CR0_PG | X86_CR0_WP | X86_CR0_NE | X86_CR0_MP | X86_CR0_PE);
    ASM_OFFSET(X86_CR0_EM, X86_CR0_EM);
    ASM_OFFSET(MSR_EFER, MSR_EFER);
    ASM_OFFSET(BOOT_EFER, EFER_LME | EFER_NXE | EFER_SCE);
    ASM_OFFSET(SEL_KCODE, SEL_KCODE);
    ASM_OFFSET(SEL_KDATA, SEL_KDATA);
    ASM_OFFSET(BOOT_GDT_CODE64,
               X86_DESC(0, 0xfffff, DESC_P | DESC_DPL(0) | DESC_CODE, DESC_G | DESC_L));
    /* smpboot.S: the secondary CPUs' trampoline (smp.c copies it there). */
    ASM_OFFSET(TRAMPOLINE_PHYS, PC_SMP_TRAMPOLINE_PHYS);
    ASM_OFFSET(TRAMP_GDT_CODE32,
               X86_DESC(0, 0xfffff, DESC_P | DESC_DPL(0) | DESC_CODE, DESC_G | DESC_DB));
    ASM_OFFSET(TRAMP_GDT_DATA32,
               X86_DESC(0, 0xfffff, DESC_P | DESC_DPL(0) | DESC_DATA, DESC_G | DESC_DB));
    ASM_OFFSET(BOOT_GDT_DATA,
               X86_DESC(0, 0xfffff, DESC_P | DESC_DPL(0) | DESC_DATA, DESC_G | DESC_DB));
}
