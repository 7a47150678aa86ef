/* SPDX-License-Identifier: MIT */
/*
 * For arch/<arch>/asm-offsets.c only: ASM_OFFSET(NAME, value) leaves a
 * "->NAME value" marker in the compiler's assembly output, which
 * tools/asm_offsets.py turns into "#define NAME value" in the generated
 * asm-offsets.h that the arch's .S files include.  value must be an
 * integer constant expression (offsetof, sizeof, an enum or #define).
 * The operand is printed plain ("%0"): x86 puts a '$' in front, which the
 * script drops (ia64 gcc has no "%c" to avoid it).  It is a long long so
 * an address such as 0xfc000000 keeps its value on a 32-bit target (a
 * long would print it negative).
 */
#ifndef HAL_ASM_OFFSETS_H
#define HAL_ASM_OFFSETS_H

#include <stddef.h>

#define ASM_OFFSET(name, value)                                                            \
    __asm__ volatile("\n.ascii \"->" #name " %0\"" : : "i"((long long)(value)))

#endif
