/* SPDX-License-Identifier: MIT */
/*
 * For ports/<arch>/asm-offsets.c only: ASM_OFFSET(NAME, value) leaves a
 * "->NAME value" marker in the compiler's assembly output, which
 * tools/asm_offsets.py turns into "#define NAME value" in the generated
 * asm-offsets.h that the port's entry.S includes, so the guest's assembly
 * takes its struct offsets and ABI numbers from their C definitions.  The
 * hypervisor's twin is hal/include/hal/asm_offsets.h (a guest includes no
 * hypervisor header).
 */
#ifndef PORT_ASM_OFFSETS_H
#define PORT_ASM_OFFSETS_H

#include <stddef.h>

#define ASM_OFFSET(name, value)                                                            \
    __asm__ volatile("\n.ascii \"->" #name " %0\"" : : "i"((long long)(value)))

#endif
