/* SPDX-License-Identifier: MIT */
/*
 * f32-f127, floating-point registers the hypervisor never touches (it
 * is built with -mfixed-range=f12-f127; f12-f31 move below): they stay in the CPU across guest exits and move
 * only when another vCPU touches them (vcpu.c, ia64_fph_claim).  Called
 * with br.call, so the current frame has CFM.rrb.fr = 0: f32-f127 by name
 * are the physical registers, the order the record keeps them in.
 *
 * void ia64_fph_save(uint64_t (*fr)[2]);        fr[n] = fn, stf.spill format
 * void ia64_fph_load(const uint64_t (*fr)[2]);  fn = fr[n], ldf.fill
 * fr must be 16-byte aligned (struct hal_vcpu.fr is).
 */
    .altmacro

/* Two registers per group, pointers r2 / r3 one register apart, 32-byte steps. */
.macro FPH_PAIRS op, from, to
    .if \from < \to
    \op \from, %(\from + 1)
    FPH_PAIRS \op, %(\from + 2), \to
    .endif
.endm

.macro SPILL2 a, b
    stf.spill [r2] = f\a, 32
    stf.spill [r3] = f\b, 32
    ;;
.endm

.macro FILL2 a, b
    ldf.fill f\a = [r2], 32
    ldf.fill f\b = [r3], 32
    ;;
.endm

.macro FPH_ALL op
    add     r2 = 16 * 32, r32
    add     r3 = 16 * 33, r32
    ;;
    FPH_PAIRS \op, 32, 64
    FPH_PAIRS \op, 64, 96
    FPH_PAIRS \op, 96, 128
.endm

    .text
    .global ia64_fph_save
    .proc ia64_fph_save
ia64_fph_save:
    alloc   r14 = ar.pfs, 1, 0, 0, 0
    ;;
    FPH_ALL SPILL2
    mov     ar.pfs = r14
    br.ret.sptk.many b0
    ;;
    .endp ia64_fph_save

    .global ia64_fph_load
    .proc ia64_fph_load
ia64_fph_load:
    alloc   r14 = ar.pfs, 1, 0, 0, 0
    ;;
    FPH_ALL FILL2
    mov     ar.pfs = r14
    br.ret.sptk.many b0
    ;;
    .endp ia64_fph_load

/*
 * f12-f31 (the hypervisor is built -mfixed-range=f12-f127 and never uses
 * them either): on one CPU they stay in the CPU across exits and move when
 * another vCPU is entered (vcpu.c, fmid_switch).
 * void ia64_fmid_save(uint64_t (*fr)[2]);  void ia64_fmid_load(const uint64_t (*fr)[2]);
 */
.macro FMID_ALL op
    add     r2 = 16 * 12, r32
    add     r3 = 16 * 13, r32
    ;;
    FPH_PAIRS \op, 12, 32
.endm

    .global ia64_fmid_save
    .proc ia64_fmid_save
ia64_fmid_save:
    alloc   r14 = ar.pfs, 1, 0, 0, 0
    ;;
    FMID_ALL SPILL2
    mov     ar.pfs = r14
    br.ret.sptk.many b0
    ;;
    .endp ia64_fmid_save

    .global ia64_fmid_load
    .proc ia64_fmid_load
ia64_fmid_load:
    alloc   r14 = ar.pfs, 1, 0, 0, 0
    ;;
    FMID_ALL FILL2
    mov     ar.pfs = r14
    br.ret.sptk.many b0
    ;;
    .endp ia64_fmid_load

    .section .note.GNU-stack, "", @progbits
