/* SPDX-License-Identifier: MIT */
/*
 * The layout numbers entry.S uses, generated (tools/asm_offsets.py ->
 * asm-offsets.h) so no offset is typed by hand in assembly.  The
 * assertions tie entry.S's push order (PUSH_GPRS, then vector and error,
 * then what the CPU pushes) to struct x86_64_frame.
 */
#include <hal/asm_offsets.h>
#include <x86_64/arch.h>

#define FRAME_SLOT(field) (offsetof(struct x86_64_frame, field) / 8)
_Static_assert(FRAME_SLOT(r15) == 0 && FRAME_SLOT(rax) == 14, "PUSH_GPRS order");
_Static_assert(FRAME_SLOT(vector) == 15 && FRAME_SLOT(error) == 16, "vector, error");
_Static_assert(FRAME_SLOT(rip) == 17 && FRAME_SLOT(ss) == 21, "hardware frame");
_Static_assert(sizeof(struct x86_64_frame) == 22 * 8, "frame size");

void x86_64_asm_offsets(void);

void x86_64_asm_offsets(void)
{
    ASM_OFFSET(FRAME_CS, offsetof(struct x86_64_frame, cs));
    ASM_OFFSET(FRAME_SIZE, sizeof(struct x86_64_frame));
    ASM_OFFSET(GUEST_CS, HESTIA_X86_64_GUEST_CS);
    ASM_OFFSET(GUEST_SS, HESTIA_X86_64_GUEST_SS);
    ASM_OFFSET(VEC_SYSCALL, VEC_SYSCALL);
    ASM_OFFSET(CPU_FRAME_TOP, offsetof(struct hal_cpu, frame_top));
    ASM_OFFSET(CPU_HYP_STACK_TOP, offsetof(struct hal_cpu, hyp_stack_top));
    ASM_OFFSET(CPU_SYSCALL_RSP, offsetof(struct hal_cpu, syscall_rsp));
}
