/* SPDX-License-Identifier: MIT */
/*
 * The smp scenario's FPU token (ports/common/smp_fpu.c), in two registers
 * the hypervisor moves by different rules: f20, one of its kept registers
 * (arch/ia64/README.md, "Kept registers": left in the CPU from a vCPU's
 * exit to its next entry, written back when it leaves a CPU that others
 * share), and f40, of the lazily switched f32-f127 (psr.dfh: the first
 * touch on a CPU that holds another vCPU's faults and brings them over).
 * The guest kernel is built with -mfixed-range=f2-f5,f12-f127 (meson.build),
 * so nothing else in it touches either.  The get returns the token if both
 * agree and 0xffffffff if they do not.
 */
    .text
/* bool arch_has_fpu_token(void) */
    .global arch_has_fpu_token
    .proc arch_has_fpu_token
arch_has_fpu_token:
    mov     r8 = 1
    br.ret.sptk.many b0
    .endp arch_has_fpu_token

/* void arch_fpu_token_set(uint32_t v): v in r32 (in0), its upper half undefined */
    .global arch_fpu_token_set
    .proc arch_fpu_token_set
arch_fpu_token_set:
    zxt4    r14 = r32
    ;;
    setf.sig f20 = r14
    setf.sig f40 = r14
    br.ret.sptk.many b0
    .endp arch_fpu_token_set

/* uint32_t arch_fpu_token_get(void) */
    .global arch_fpu_token_get
    .proc arch_fpu_token_get
arch_fpu_token_get:
    getf.sig r8 = f20
    getf.sig r9 = f40
    ;;
    cmp.eq  p6, p7 = r8, r9
    ;;
(p7) mov    r8 = -1
    ;;
    zxt4    r8 = r8
    br.ret.sptk.many b0
    .endp arch_fpu_token_get

	.section .note.GNU-stack,"",@progbits
