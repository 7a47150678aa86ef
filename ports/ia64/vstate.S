/* SPDX-License-Identifier: MIT */
/*
 * IA-64 half of the vcpu-state round trip (vstate.c, port/vstate.h).
 *
 * void ia64_vstate_spin(void): allocate the largest frame (96 stacked
 * registers), rotate the register bases (br.ctop: CFM.rrb.fr / rrb.pr
 * non-zero), then load every guest-writable register from ia64_vstate_in
 * (struct vstate_regs in vstate.c): r1-r31 with NaT bits, r32-r127 with
 * NaT bits, f2-f127, p1-p63, b0-b7, ar.unat/lc/ec/ccv/fpsr/pfs/rsc and
 * psr.um; spin at ia64_vstate_spin_loop while p15 (the release register)
 * is 0; store them all into ia64_vstate_out and return with the C context
 * restored.  r2's pattern is &ia64_vstate_out (the store base: after the
 * spin no register is free) and r3 is loaded NaT-free (it is stored
 * first, with a plain st8, to free a register for ar.unat).
 */
#define O_R3 0
#define O_UNAT 8
#define O_PR 16
#define O_LC 24
#define O_EC 32
#define O_CCV 40
#define O_FPSR 48
#define O_PFS 56
#define O_RSC 64
#define O_GRNAT 72
#define O_STKNAT 80
#define O_BR 96
#define O_UM 160
#define O_GR 512   /* 512-aligned: the NaT bit of gr[i] is ar.unat bit i */
#define O_STK 1024 /* stk[j]: ar.unat bit j % 64 */
#define O_FR 1792

    .altmacro

.macro RANGE m, from, to
    .if \from < \to
    \m \from
    RANGE \m, %(\from + 1), \to
    .endif
.endm

.macro FILL_FR n
    ldf.fill f\n = [r3], 16
    ;;
.endm
.macro SPILL_FR n
    stf.spill [r4] = f\n, 16
    ;;
.endm
.macro FILL_GR n
    ld8.fill r\n = [r3], 8
    ;;
.endm
.macro SPILL_GR n
    st8.spill [r3] = r\n, 8
    ;;
.endm

/* ctx: the C context, one pointer r14 walking forward. */
.macro PUT src
    st8     [r14] = \src, 8
    ;;
.endm
.macro GET dst
    ld8     \dst = [r14], 8
    ;;
.endm

/* Fill: r2 = ia64_vstate_in, r3 / r16 scratch until they are filled themselves. */
.macro SETAR reg, off
    adds    r3 = \off, r2
    ;;
    ld8     r16 = [r3]
    ;;
    mov     \reg = r16
    ;;
.endm
/* Store: r2 = ia64_vstate_out + 8, r1 / r4 scratch once stored. */
.macro PUTREG reg, off
    mov     r1 = \reg
    adds    r4 = \off - 8, r2
    ;;
    st8     [r4] = r1
    ;;
.endm

    .text
    .global ia64_vstate_spin
    .proc ia64_vstate_spin
ia64_vstate_spin:
    alloc   r17 = ar.pfs, 0, 96, 0, 0
    movl    r14 = ia64_vstate_ctx
    ;;
    PUT     r1
    PUT     r12
    PUT     r4
    PUT     r5
    PUT     r6
    PUT     r7
    PUT     r13
    mov     r16 = b0
    ;;
    PUT     r16
    mov     r16 = b1
    ;;
    PUT     r16
    mov     r16 = b2
    ;;
    PUT     r16
    mov     r16 = b3
    ;;
    PUT     r16
    mov     r16 = b4
    ;;
    PUT     r16
    mov     r16 = b5
    ;;
    PUT     r16
    mov     r16 = pr
    ;;
    PUT     r16
    PUT     r17                         /* ar.pfs of the caller's frame */
    mov     r16 = ar.unat
    ;;
    PUT     r16
    mov     r16 = ar.lc
    ;;
    PUT     r16
    mov     r16 = ar.ec
    ;;
    PUT     r16
    mov     r16 = ar.fpsr
    ;;
    PUT     r16
    mov     r16 = ar.rsc
    ;;
    PUT     r16
    mov     r16 = psr.um
    ;;
    PUT     r16
    adds    r14 = 8, r14                /* f2-f5, f16-f31 at ctx + 176 */
    ;;
    stf.spill [r14] = f2, 16
    ;;
    stf.spill [r14] = f3, 16
    ;;
    stf.spill [r14] = f4, 16
    ;;
    stf.spill [r14] = f5, 16
    ;;
    .irp n, 16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    stf.spill [r14] = f\n, 16
    ;;
    .endr

    /* Rotate: CFM.rrb.fr and rrb.pr become non-zero (sor = 0: no GR rotation). */
    mov     ar.lc = 2
    mov     ar.ec = 1
    ;;
1:  br.ctop.sptk.few 1b
    ;;

    movl    r2 = ia64_vstate_in
    ;;
    SETAR   ar.lc, O_LC
    SETAR   ar.ec, O_EC
    SETAR   ar.ccv, O_CCV
    SETAR   ar.fpsr, O_FPSR
    SETAR   ar.pfs, O_PFS
    SETAR   ar.rsc, O_RSC
    SETAR   b0, O_BR
    SETAR   b1, O_BR + 8
    SETAR   b2, O_BR + 16
    SETAR   b3, O_BR + 24
    SETAR   b4, O_BR + 32
    SETAR   b5, O_BR + 40
    SETAR   b6, O_BR + 48
    SETAR   b7, O_BR + 56
    adds    r3 = O_FR + 2 * 16, r2
    ;;
    RANGE   FILL_FR, 2, 64
    RANGE   FILL_FR, 64, 128
    SETAR   psr.um, O_UM                /* after the FR loads, which set mfl / mfh */
    SETAR   ar.unat, O_STKNAT
    adds    r3 = O_STK, r2
    ;;
    RANGE   FILL_GR, 32, 96
    SETAR   ar.unat, O_STKNAT + 8
    adds    r3 = O_STK + 64 * 8, r2
    ;;
    RANGE   FILL_GR, 96, 128
    adds    r3 = O_PR, r2
    ;;
    ld8     r16 = [r3]
    ;;
    mov     pr = r16, -1
    ;;
    SETAR   ar.unat, O_GRNAT
    adds    r3 = O_GR + 8, r2
    ;;
    FILL_GR 1
    adds    r3 = O_GR + 4 * 8, r2
    ;;
    RANGE   FILL_GR, 4, 32
    adds    r3 = O_UNAT, r2
    ;;
    ld8     r3 = [r3]
    ;;
    mov     ar.unat = r3
    adds    r3 = O_GR + 3 * 8, r2
    ;;
    ld8     r3 = [r3]                   /* plain load: r3 is NaT-free */
    movl    r2 = ia64_vstate_out
    ;;
    .global ia64_vstate_spin_loop
ia64_vstate_spin_loop:
    { .bbb
    (p15) br.cond.sptk.few 2f           /* no side effect: every register stays */
    br.sptk.few ia64_vstate_spin_loop
    nop.b   0
    }
    ;;
2:
    st8     [r2] = r3, 8                /* out.r3, r2 = out + 8 */
    ;;
    mov     r3 = ar.unat
    ;;
    st8     [r2] = r3                   /* out.unat */
    adds    r3 = O_GR + 8 - 8, r2
    ;;
    SPILL_GR 1
    adds    r3 = O_GR + 4 * 8 - 8, r2
    ;;
    RANGE   SPILL_GR, 4, 32
    PUTREG  ar.unat, O_GRNAT
    adds    r3 = O_STK - 8, r2
    ;;
    RANGE   SPILL_GR, 32, 96
    PUTREG  ar.unat, O_STKNAT
    RANGE   SPILL_GR, 96, 128
    PUTREG  ar.unat, O_STKNAT + 8
    PUTREG  pr, O_PR
    PUTREG  ar.lc, O_LC
    PUTREG  ar.ec, O_EC
    PUTREG  ar.ccv, O_CCV
    PUTREG  ar.fpsr, O_FPSR
    PUTREG  ar.pfs, O_PFS
    PUTREG  ar.rsc, O_RSC
    PUTREG  psr.um, O_UM
    PUTREG  b0, O_BR
    PUTREG  b1, O_BR + 8
    PUTREG  b2, O_BR + 16
    PUTREG  b3, O_BR + 24
    PUTREG  b4, O_BR + 32
    PUTREG  b5, O_BR + 40
    PUTREG  b6, O_BR + 48
    PUTREG  b7, O_BR + 56
    adds    r4 = O_FR + 2 * 16 - 8, r2
    ;;
    RANGE   SPILL_FR, 2, 64
    RANGE   SPILL_FR, 64, 128

    /* Back to the C context: unrotated names first, so pr goes where the caller's frame expects it. */
    clrrrb
    ;;
    movl    r14 = ia64_vstate_ctx
    ;;
    GET     r1
    GET     r12
    GET     r4
    GET     r5
    GET     r6
    GET     r7
    GET     r13
    GET     r16
    mov     b0 = r16
    GET     r16
    mov     b1 = r16
    GET     r16
    mov     b2 = r16
    GET     r16
    mov     b3 = r16
    GET     r16
    mov     b4 = r16
    GET     r16
    mov     b5 = r16
    GET     r16
    mov     pr = r16, -1
    GET     r17
    mov     ar.pfs = r17
    GET     r16
    mov     ar.unat = r16
    GET     r16
    mov     ar.lc = r16
    GET     r16
    mov     ar.ec = r16
    GET     r16
    mov     ar.fpsr = r16
    GET     r16
    mov     ar.rsc = r16
    GET     r16
    mov     psr.um = r16
    adds    r14 = 8, r14
    ;;
    ldf.fill f2 = [r14], 16
    ;;
    ldf.fill f3 = [r14], 16
    ;;
    ldf.fill f4 = [r14], 16
    ;;
    ldf.fill f5 = [r14], 16
    ;;
    .irp n, 16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ldf.fill f\n = [r14], 16
    ;;
    .endr
    br.ret.sptk.many b0
    ;;
    .endp ia64_vstate_spin

/*
 * void ia64_vstate_clobber(uint64_t v): dom0 puts v into its own f12-f15
 * and f32-f127, which its C code never uses (-mfixed-range); the
 * hypervisor keeps f32-f127 in the CPU until another vCPU touches them: if
 * a switch forgot to load the domU's copy, the domU would find these
 * instead of its pattern.
 */
.macro SETF n
    setf.sig f\n = r32
    ;;
.endm
    .global ia64_vstate_clobber
    .proc ia64_vstate_clobber
ia64_vstate_clobber:
    RANGE   SETF, 12, 16
    RANGE   SETF, 32, 80
    RANGE   SETF, 80, 128
    br.ret.sptk.many b0
    ;;
    .endp ia64_vstate_clobber

    .section .bss
    .balign 16
ia64_vstate_ctx:
    .space  512

    .section .note.GNU-stack, "", @progbits
