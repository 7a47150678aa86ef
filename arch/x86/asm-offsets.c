/* SPDX-License-Identifier: MIT */
/*
 * The layout numbers tramp.S uses, generated (tools/asm_offsets.py ->
 * asm-offsets.h) so no offset is typed by hand in assembly.  The
 * assertions tie tramp.S's push order (pusha, then ds, es, fs, gs; the
 * stub's vector and error below what the CPU pushes) to struct x86_frame.
 */
#include <hal/asm_offsets.h>

#include <x86/arch.h>

#define FRAME_SLOT(field) (offsetof(struct x86_frame, field) / 4)
_Static_assert(FRAME_SLOT(gs) == 0 && FRAME_SLOT(ds) == 3, "segment pushes");
_Static_assert(FRAME_SLOT(edi) == 4 && FRAME_SLOT(eax) == 11, "pusha order");
_Static_assert(FRAME_SLOT(vector) == 12 && FRAME_SLOT(error) == 13, "vector, error");
_Static_assert(FRAME_SLOT(eip) == 14 && FRAME_SLOT(ss) == 18, "hardware frame");

void x86_asm_offsets(void);

void x86_asm_offsets(void)
{
    ASM_OFFSET(FRAME_CS, offsetof(struct x86_frame, cs));
    /* What POP_FRAME_IRET skips between popa and iret: vector and error. */
    ASM_OFFSET(FRAME_VECTOR_ERROR_SIZE,
               offsetof(struct x86_frame, eip) - offsetof(struct x86_frame, vector));
    ASM_OFFSET(SEL_KDATA, SEL_KDATA);
}
