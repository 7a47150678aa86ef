/* SPDX-License-Identifier: MIT */
/*
 * f32-f127, floating-point registers the hypervisor never touches (it
 * is built with -mfixed-range=f2-f5,f12-f127; f2-f5 and f12-f31 are kept
 * registers, below): they stay in the CPU across guest exits and move
 * only when another vCPU touches them (vcpu.c, ia64_fph_claim).  Called
 * with br.call, so the current frame has CFM.rrb.fr = 0: f32-f127 by name
 * are the physical registers, the order the record keeps them in.
 *
 * void ia64_fph_save(uint64_t (*fr)[2]);        fr[n] = fn, stf.spill format
 * void ia64_fph_load(const uint64_t (*fr)[2]);  fn = fr[n], ldf.fill
 * fr must be 16-byte aligned (struct hal_vcpu.fr is).
 */
#include "asm-offsets.h" /* generated from asm-offsets.c: HV_* */
#include "kept.inc"

    .altmacro

/* Two registers per group, pointers r2 / r3 one register apart (op says the step). */
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

/* The same pairing for general registers 8 bytes apart (ia64_bank1_*). */
.macro GSPILL2 a, b
    st8.spill [r2] = r\a, 16
    st8.spill [r3] = r\b, 16
    ;;
.endm

.macro GLOAD2 a, b
    ld8     r\a = [r2], 16
    ld8     r\b = [r3], 16
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
 * The kept registers (kept.inc; README.md, "Kept registers"): the CPU
 * holds one vCPU's from its exit to its next entry; vcpu.c moves them at a
 * vCPU change and when a record reads or writes them.  ar.unat is left
 * holding spill bits: the hypervisor's C never spills (r4-r7 are fixed).
 * void ia64_kept_save(struct hal_vcpu *hv);  void ia64_kept_load(const struct hal_vcpu *hv);
 */
    .global ia64_kept_save
    .proc ia64_kept_save
ia64_kept_save:
    alloc   r14 = ar.pfs, 1, 0, 0, 0
    ;;
    KEPT_SAVE r32, r2, r3
    mov     ar.pfs = r14
    br.ret.sptk.many b0
    ;;
    .endp ia64_kept_save

    .global ia64_kept_load
    .proc ia64_kept_load
ia64_kept_load:
    alloc   r14 = ar.pfs, 1, 0, 0, 0
    ;;
    KEPT_LOAD r32, r2, r3
    mov     ar.pfs = r14
    br.ret.sptk.many b0
    ;;
    .endp ia64_kept_load


/*
 * The guest's bank 1 r16-r31 (a kept register: the hypervisor runs in
 * bank 0) for the trap record, while the CPU holds them (vcpu.c).
 * void ia64_bank1_store(uint64_t *r16_31);  st8.spill: a NaT register
 * cannot fault here (ar.unat takes the bit).
 * void ia64_bank1_load(const uint64_t *r16_31);  ld8: NaT bits cleared.
 * r32 is the caller's output (no alloc), not banked.
 */
    .global ia64_bank1_store
    .proc ia64_bank1_store
ia64_bank1_store:
    mov     r2 = r32
    add     r3 = 8, r32
    bsw.1
    ;;
    FPH_PAIRS GSPILL2, 16, 32
    bsw.0
    ;;
    br.ret.sptk.many b0
    ;;
    .endp ia64_bank1_store

    .global ia64_bank1_load
    .proc ia64_bank1_load
ia64_bank1_load:
    mov     r2 = r32
    add     r3 = 8, r32
    bsw.1
    ;;
    FPH_PAIRS GLOAD2, 16, 32
    bsw.0
    ;;
    br.ret.sptk.many b0
    ;;
    .endp ia64_bank1_load

    .section .note.GNU-stack, "", @progbits
