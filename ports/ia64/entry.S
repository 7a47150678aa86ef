/* SPDX-License-Identifier: MIT */
/*
 * IA-64 guest entry points.  The hypervisor enters _start at PL2 with the
 * start info in r28 and r12 on the builder's stack; trap/event/syscall
 * entries are entered with an empty register frame on a valid memory
 * stack and register backing store (hestia/arch/ia64.h): they set gp and
 * call the portable handlers.  The image is built -mauto-pic: a function
 * pointer is a code address (gp is constant), not a descriptor.
 */
#include "asm-offsets.h" /* generated from asm-offsets.c: CTX_*, FP_SAVE_*, HYPERCALL_* */

/* Two pointers walk alternate slots, each stepping over two. */
#define FP_PAIR_STEP (2 * FP_SAVE_SLOT)
#define CTX_PAIR_STEP (2 * CTX_SLOT_SIZE)

    .section .text.entry, "ax"
    .global _start
    .proc _start
_start:
    movl    gp = __gp
    movl    r12 = boot_stack_top - 16
    mov     ar.rsc = 0
    ;;
    movl    r14 = boot_rbs
    ;;
    mov     ar.bspstore = r14
    ;;
    ld8     r15 = [r14]                 /* the backing store is in the TLB before any spill */
    alloc   r2 = ar.pfs, 0, 0, 1, 0
    mov     out0 = r28
    ;;
    br.call.sptk.many b0 = port_start
    ;;
    break   0
    .endp _start

/*
 * VCPUOP_up enters another vCPU here: r12 = its stack - 16 (the top of a
 * stack block, cpu.c), r28 = its struct cpu.  Its register backing store
 * grows up from the bottom of that block, as a thread's does.
 */
    .global arch_secondary_entry
    .proc arch_secondary_entry
arch_secondary_entry:
    movl    gp = __gp
    mov     ar.rsc = 0
    movl    r15 = -STACK_BLOCK_BYTES
    ;;
    and     r14 = r15, r12
    ;;
    adds    r14 = 16, r14
    ;;
    mov     ar.bspstore = r14
    ;;
    ld8     r15 = [r14]                 /* the backing store is in the TLB before any spill */
    alloc   r2 = ar.pfs, 0, 0, 1, 0
    mov     out0 = r28
    ;;
    br.call.sptk.many b0 = port_secondary_start
    ;;
    break   0
    .endp arch_secondary_entry

    .text
/*
 * f6-f11 are scratch registers that the handler's C code clobbers (integer
 * multiply and division use them) but are not in the trap record: they are
 * kept below the handler's stack, [sp - FP_SAVE_BYTES, sp) (port/arch_ctx.h),
 * where arch_hypercall(HYPERCALL_trap_return) reloads them from.
 */
.macro ENTRY name, handler
    .global \name
    .type \name, @function
    .proc \name
\name:
    movl    gp = __gp
    adds    r2 = -FP_SAVE_BYTES, r12
    adds    r3 = -FP_SAVE_BYTES + FP_SAVE_SLOT, r12
    ;;
    stf.spill [r2] = f6, FP_PAIR_STEP
    stf.spill [r3] = f7, FP_PAIR_STEP
    ;;
    stf.spill [r2] = f8, FP_PAIR_STEP
    stf.spill [r3] = f9, FP_PAIR_STEP
    ;;
    stf.spill [r2] = f10
    stf.spill [r3] = f11
    adds    r12 = -(FP_SAVE_BYTES + ABI_SCRATCH), r12
    ;;
    br.call.sptk.many b0 = \handler
    ;;
    break   0
    .endp \name
.endm
    ENTRY arch_event_entry, port_event_handler
    ENTRY arch_exception_entry, port_exception_handler
    ENTRY arch_syscall_entry, port_syscall_handler

/* long hypercall_fp(nr, a0..a4, area): reload f6-f11 from area, then the hypercall. */
    .global hypercall_fp
    .proc hypercall_fp
hypercall_fp:
    adds    r3 = FP_SAVE_SLOT, r38
    ;;
    ldf.fill f6 = [r38], FP_PAIR_STEP
    ldf.fill f7 = [r3], FP_PAIR_STEP
    ;;
    ldf.fill f8 = [r38], FP_PAIR_STEP
    ldf.fill f9 = [r3], FP_PAIR_STEP
    ;;
    ldf.fill f10 = [r38]
    ldf.fill f11 = [r3]
    br.sptk.many hypercall_raw
    .endp hypercall_fp

/* long hypercall_raw(nr, a0..a4): break 0x1000, r2 = nr, r14..r18, result r8. */
    .global hypercall_raw
    .type hypercall_raw, @function
    .proc hypercall_raw
hypercall_raw:
    mov     r2 = r32
    mov     r14 = r33
    mov     r15 = r34
    mov     r16 = r35
    mov     r17 = r36
    mov     r18 = r37
    ;;
    break   HYPERCALL_BREAK
    ;;
    br.ret.sptk.many b0
    .endp hypercall_raw

/*
 * unsigned long ia64_regs_kept(unsigned long rounds, unsigned long salt):
 * puts a pattern xor salt in b1-b7, r4-r7, f2-f5, f12, f13, f30, f31,
 * ar.lc, ar.ccv, ar.unat, ar.ec (unsalted), r13 (24 registers, bit i of
 * the result for the i-th; a salt of its own per domain, so another
 * domain's values left in a register show), makes `rounds` times a
 * SCHEDOP_yield (another domain may run meanwhile) and a VERSION_abi
 * hypercall, and returns the bits of the registers that came back
 * changed (0: all kept).  An interrupt must keep them all; hypercalls take
 * the same exit path.  r4-r7, r13, b1-b5, ar.lc, f2-f5 and f12-f31 stay in
 * the CPU and move only at a vCPU change (arch/ia64/README.md, "Kept
 * registers"), the rest with every exit.
 * The guest's C code never uses f2-f5 and f12-f127 (-mfixed-range), so
 * they need no restoring here; the preserved ones it does use are.
 */
#define KEPT_BR(n) (0xb000000000000000 | (n) << 56 | 0x123456789abc0)
#define KEPT_GR(n) (0x4000000000000000 | (n) << 56 | 0xfedcba987654)
#define KEPT_FR(n) (0xf000000000000000 | (n) << 48 | 0x13579bdf)
#define KEPT_LC 0x1c1c1c1c1c1c1c1c
#define KEPT_CCV 0xccccccccccccccc1
#define KEPT_UNAT 0x0a0a0a0a0a0a0a05
#define KEPT_EC 0x2a
.macro KEPT_CHECK bit                   /* r14: read back, r15: expected */
    cmp.ne  p6, p0 = r14, r15
    ;;
(p6) dep    r8 = -1, r8, \bit, 1
    ;;
.endm
    .global ia64_regs_kept
    .type ia64_regs_kept, @function
    .proc ia64_regs_kept
ia64_regs_kept:
    alloc   r40 = ar.pfs, 1, 17, 0, 0
    mov     r49 = r33                   /* the salt (out1: the caller's second argument) */
    ;;
    mov     r33 = b1
    mov     r34 = b2
    ;;
    mov     r35 = b3
    mov     r36 = b4
    mov     r37 = b5
    mov.i   r38 = ar.lc
    ;;
    mov     r41 = r4
    mov     r42 = r5
    mov     r43 = r6
    mov     r44 = r7
    mov.m   r45 = ar.unat
    mov     r47 = b0
    mov     r46 = r13
    ;;
    mov     r48 = r32
    /* The patterns: KEPT_BR(n), KEPT_GR(n), KEPT_FR(n) and the four below. */
    .irp n, 1, 2, 3, 4, 5, 6, 7
    movl    r14 = KEPT_BR(\n)
    ;;
    xor     r14 = r14, r49
    ;;
    mov     b\n = r14
    ;;
    .endr
    .irp n, 4, 5, 6, 7, 13
    movl    r14 = KEPT_GR(\n)
    ;;
    xor     r14 = r14, r49
    ;;
    mov     r\n = r14
    .endr
    .irp n, 2, 3, 4, 5, 12, 13, 30, 31
    movl    r14 = KEPT_FR(\n)
    ;;
    xor     r14 = r14, r49
    ;;
    setf.sig f\n = r14
    .endr
    movl    r14 = KEPT_LC
    movl    r15 = KEPT_CCV
    ;;
    xor     r14 = r14, r49
    xor     r15 = r15, r49
    ;;
    mov.i   ar.lc = r14
    mov.m   ar.ccv = r15
    movl    r14 = KEPT_UNAT
    mov     r15 = KEPT_EC
    ;;
    xor     r14 = r14, r49
    ;;
    mov.m   ar.unat = r14
    mov.i   ar.ec = r15
    ;;
1:  mov     r2 = HYPERCALL_SCHED_OP
    mov     r14 = SCHEDOP_YIELD
    mov     r15 = 0
    ;;
    break   HYPERCALL_BREAK
    ;;
    mov     r2 = HYPERCALL_VERSION
    mov     r14 = VERSION_ABI
    ;;
    break   HYPERCALL_BREAK
    ;;
    adds    r48 = -1, r48
    ;;
    cmp.ne  p6, p0 = 0, r48
(p6) br.cond.sptk.few 1b
    ;;
    mov     r8 = 0
    ;;
    /* Bits: b1-b7 0-6, r4-r7 7-10, f2-f5, f12, f13, f30, f31 11-18, lc 19, ccv 20, unat 21, ec 22, r13 23. */
    .irp n, 1, 2, 3, 4, 5, 6, 7
    mov     r14 = b\n
    movl    r15 = KEPT_BR(\n)
    ;;
    xor     r15 = r15, r49
    ;;
    KEPT_CHECK (\n - 1)
    .endr
    .irp n, 4, 5, 6, 7
    mov     r14 = r\n
    movl    r15 = KEPT_GR(\n)
    ;;
    xor     r15 = r15, r49
    ;;
    KEPT_CHECK (\n + 3)
    .endr
    mov     r14 = r13
    movl    r15 = KEPT_GR(13)
    ;;
    xor     r15 = r15, r49
    ;;
    KEPT_CHECK 23
    .set kept_bit, 11
    .irp n, 2, 3, 4, 5, 12, 13, 30, 31
    getf.sig r14 = f\n
    movl    r15 = KEPT_FR(\n)
    ;;
    xor     r15 = r15, r49
    ;;
    KEPT_CHECK kept_bit
    .set kept_bit, kept_bit + 1
    .endr
    mov.i   r14 = ar.lc
    movl    r15 = KEPT_LC
    ;;
    xor     r15 = r15, r49
    ;;
    KEPT_CHECK 19
    mov.m   r14 = ar.ccv
    movl    r15 = KEPT_CCV
    ;;
    xor     r15 = r15, r49
    ;;
    KEPT_CHECK 20
    mov.m   r14 = ar.unat
    movl    r15 = KEPT_UNAT
    ;;
    xor     r15 = r15, r49
    ;;
    KEPT_CHECK 21
    mov.i   r14 = ar.ec
    mov     r15 = KEPT_EC
    ;;
    KEPT_CHECK 22
    mov     b0 = r47
    mov     b1 = r33
    mov     b2 = r34
    ;;
    mov     b3 = r35
    mov     b4 = r36
    mov     b5 = r37
    ;;
    mov.i   ar.lc = r38
    mov     r4 = r41
    mov     r5 = r42
    mov     r6 = r43
    mov     r7 = r44
    mov     r13 = r46
    ;;
    mov.m   ar.unat = r45
    mov.i   ar.pfs = r40
    ;;
    br.ret.sptk.many b0
    .endp ia64_regs_kept

    .global arch_read_counter
    .type arch_read_counter, @function
    .proc arch_read_counter
arch_read_counter:
    mov     r8 = ar.itc
    br.ret.sptk.many b0
    .endp arch_read_counter

/*
 * struct arch_ctx slots (port/arch_ctx.h): gp, r4-r7, sp, b0-b5, ar.pfs,
 * ar.lc, pr, ar.unat, ar.bspstore (after flushrs), ar.rnat.
 * r32 = the context (no alloc: the caller's outputs are our frame).
 */
.macro SAVE_CTX
    add     r2 = CTX_R4, r32
    add     r3 = CTX_R4 + CTX_SLOT_SIZE, r32
    ;;
    st8.spill [r2] = r4, CTX_PAIR_STEP
    st8.spill [r3] = r5, CTX_PAIR_STEP
    ;;
    st8.spill [r2] = r6
    st8.spill [r3] = r7
    ;;
    mov     r14 = ar.unat
    add     r2 = CTX_UNAT, r32
    st8     [r32] = gp                  /* CTX_GP is 0 */
    add     r3 = CTX_SP, r32
    ;;
    st8     [r2] = r14
    st8     [r3] = r12, CTX_SLOT_SIZE
    mov     r14 = b0
    mov     r15 = b1
    ;;
    st8     [r3] = r14, CTX_SLOT_SIZE
    mov     r14 = b2
    ;;
    st8     [r3] = r15, CTX_SLOT_SIZE
    mov     r15 = b3
    ;;
    st8     [r3] = r14, CTX_SLOT_SIZE
    mov     r14 = b4
    ;;
    st8     [r3] = r15, CTX_SLOT_SIZE
    mov     r15 = b5
    ;;
    st8     [r3] = r14, CTX_SLOT_SIZE
    mov     r14 = ar.pfs
    ;;
    st8     [r3] = r15, CTX_SLOT_SIZE
    mov     r15 = ar.lc
    ;;
    st8     [r3] = r14, CTX_SLOT_SIZE
    mov     r14 = pr
    ;;
    st8     [r3] = r15, CTX_SLOT_SIZE
    ;;
    st8     [r3] = r14
    ;;
    flushrs
    ;;
    mov     r14 = ar.bspstore
    ;;
    mov     r15 = ar.rnat
    add     r2 = CTX_BSPSTORE, r32
    add     r3 = CTX_RNAT, r32
    ;;
    st8     [r2] = r14
    st8     [r3] = r15
.endm

/* Load the context at r9; r8 is left alone (the return value). */
.macro LOAD_CTX
    mov     ar.rsc = 0
    ;;
    loadrs                              /* drop what is left of the old register stack */
    add     r2 = CTX_BSPSTORE, r9
    add     r3 = CTX_RNAT, r9
    ;;
    ld8     r14 = [r2]
    ld8     r15 = [r3]
    ;;
    mov     ar.bspstore = r14
    ;;
    mov     ar.rnat = r15
    add     r2 = CTX_UNAT, r9
    ld8     r16 = [r14]                 /* get the store's pages into the TLB before the RSE */
    add     r17 = -8, r14
    ;;
    ld8     r16 = [r17]
    ld8     r14 = [r2]
    ;;
    mov     ar.unat = r14
    add     r2 = CTX_R4, r9
    add     r3 = CTX_R4 + CTX_SLOT_SIZE, r9
    ;;
    ld8.fill r4 = [r2], CTX_PAIR_STEP
    ld8.fill r5 = [r3], CTX_PAIR_STEP
    ;;
    ld8.fill r6 = [r2]
    ld8.fill r7 = [r3]
    ld8     gp = [r9]                   /* CTX_GP is 0 */
    add     r3 = CTX_SP, r9
    ;;
    ld8     r12 = [r3], CTX_SLOT_SIZE
    ;;
    ld8     r14 = [r3], CTX_SLOT_SIZE
    ;;
    ld8     r15 = [r3], CTX_SLOT_SIZE
    mov     b0 = r14
    ;;
    ld8     r14 = [r3], CTX_SLOT_SIZE
    mov     b1 = r15
    ;;
    ld8     r15 = [r3], CTX_SLOT_SIZE
    mov     b2 = r14
    ;;
    ld8     r14 = [r3], CTX_SLOT_SIZE
    mov     b3 = r15
    ;;
    ld8     r15 = [r3], CTX_SLOT_SIZE
    mov     b4 = r14
    ;;
    ld8     r14 = [r3], CTX_SLOT_SIZE
    mov     b5 = r15
    ;;
    ld8     r15 = [r3], CTX_SLOT_SIZE
    mov     ar.pfs = r14
    ;;
    ld8     r14 = [r3]
    mov     ar.lc = r15
    ;;
    mov     pr = r14, -1
    ;;
.endm

    .global arch_switch
    .type arch_switch, @function
    .proc arch_switch
arch_switch:
    mov     r9 = r33
    SAVE_CTX
    LOAD_CTX
    br.ret.sptk.many b0
    .endp arch_switch

    .global arch_setjmp
    .type arch_setjmp, @function
    .proc arch_setjmp
arch_setjmp:
    SAVE_CTX
    mov     r8 = 0
    br.ret.sptk.many b0
    .endp arch_setjmp

    .global arch_longjmp
    .type arch_longjmp, @function
    .proc arch_longjmp
arch_longjmp:
    mov     r9 = r32
    mov     r8 = r33
    ;;
    LOAD_CTX
    br.ret.sptk.many b0
    .endp arch_longjmp

/* A new thread: r4 = fn (a code address), r5 = its argument. */
    .global thread_trampoline
    .proc thread_trampoline
thread_trampoline:
    alloc   r2 = ar.pfs, 0, 0, 1, 0
    mov     b6 = r4
    mov     out0 = r5
    ;;
    br.call.sptk.many b0 = b6
    ;;
    break   0
    .endp thread_trampoline

/*
 * Probes: the faulting instruction starts a bundle (a label does), listed
 * with its recovery bundle; arch_probe_fixup() moves the ip there and the
 * probe returns -1.
 */
.macro PROBE_FIX fault, fix
    .pushsection .rodata.probes, "a"
    data8   \fault, \fix
    .popsection
.endm

    .global arch_probe_read
    .proc arch_probe_read
arch_probe_read:
    ;;
1:  ld8     r14 = [r32]
    ;;
    st8     [r33] = r14
    mov     r8 = 0
    br.ret.sptk.many b0
    ;;
2:  mov     r8 = -1
    br.ret.sptk.many b0
    ;;
    PROBE_FIX 1b, 2b
    .endp arch_probe_read

    .global arch_probe_write
    .proc arch_probe_write
arch_probe_write:
    ;;
1:  st8     [r32] = r33
    ;;
    mov     r8 = 0
    br.ret.sptk.many b0
    ;;
2:  mov     r8 = -1
    br.ret.sptk.many b0
    ;;
    PROBE_FIX 1b, 2b
    .endp arch_probe_write

    .global arch_probe_invalid_op
    .proc arch_probe_invalid_op
arch_probe_invalid_op:
    ;;
1:  data8   0x6, 0                      /* a bundle with a reserved template */
    mov     r8 = 0
    br.ret.sptk.many b0
    ;;
2:  mov     r8 = -1
    br.ret.sptk.many b0
    ;;
    PROBE_FIX 1b, 2b
    .endp arch_probe_invalid_op

.macro PRIV name, insn:vararg
    .global \name
    .proc \name
\name:
    mov     r14 = 0
    mov     r15 = 0
    ;;
1:  \insn
    ;;
    mov     r8 = 0
    br.ret.sptk.many b0
    ;;
2:  mov     r8 = -1
    br.ret.sptk.many b0
    ;;
    PROBE_FIX 1b, 2b
    .endp \name
.endm
    PRIV priv_rsm_i, rsm psr.i
    PRIV priv_ssm_dt, ssm psr.dt
    PRIV priv_mov_psr, mov psr.l = r14
    PRIV priv_read_psr, mov r14 = psr
    PRIV priv_mov_rr, mov rr[r14] = r15
    PRIV priv_read_rr, mov r14 = rr[r15]
    PRIV priv_mov_iva, mov cr.iva = r14
    PRIV priv_mov_itm, mov cr.itm = r14
    PRIV priv_itc_d, itc.d r14
    PRIV priv_itr_i, itr.i itr[r14] = r15
    PRIV priv_ptc_e, ptc.e r14
    PRIV priv_ptc_l, ptc.l r14, r15
    PRIV priv_rfi, rfi
    PRIV priv_bsw, bsw.0
    PRIV priv_mov_k0, mov ar.k0 = r14
    PRIV priv_mov_itc, mov ar.itc = r14

/*
 * epc on a page that is not an execute-only gateway (no guest page ever
 * is one) must not raise the privilege level: the mov to rr after it
 * still faults.
 */
    .global priv_epc
    .proc priv_epc
priv_epc:
    mov     r14 = 0
    mov     r15 = 0
    ;;
    epc
    ;;
1:  mov     rr[r14] = r15
    ;;
    mov     r8 = 0
    br.ret.sptk.many b0
    ;;
2:  mov     r8 = -1
    br.ret.sptk.many b0
    ;;
    PROBE_FIX 1b, 2b
    .endp priv_epc

/*
 * long ia64_ssc_probe(arg, nr): a Ski SSC call (break 0x80001) from the
 * guest kernel.  The simulator honours those only at PL0, so from PL2 it
 * must be an ordinary break the hypervisor reflects: -1.  0 means the
 * call reached the simulator's firmware (it printed, or would have exited).
 */
    .global ia64_ssc_probe
    .proc ia64_ssc_probe
ia64_ssc_probe:
    mov     r15 = r33
    ;;
1:  break   0x80001
    ;;
    mov     r8 = 0
    br.ret.sptk.many b0
    ;;
2:  mov     r8 = -1
    br.ret.sptk.many b0
    ;;
    PROBE_FIX 1b, 2b
    .endp ia64_ssc_probe

/* long probe_call_asm(addr): call code at addr and return its result; if
 * it faults, the fixup resumes at probe_call_return in this frame (CFM
 * from the ar.pfs the call left). */
    .global probe_call_asm
    .global probe_call_return
    .proc probe_call_asm
probe_call_asm:
    alloc   r35 = ar.pfs, 1, 3, 0, 0
    mov     r33 = b0
    mov     b6 = r32
    ;;
    br.call.sptk.many b0 = b6
    ;;
    mov     b0 = r33                    /* it returned: its result is in r8 */
    mov     ar.pfs = r35
    ;;
    br.ret.sptk.many b0
    ;;
probe_call_return:
    mov     r8 = -1
    mov     b0 = r33
    mov     ar.pfs = r35
    ;;
    br.ret.sptk.many b0
    .endp probe_call_asm

/* long arch_hypercall_wild_stack(sp): a null hypercall made with r12 = sp. */
    .global arch_hypercall_wild_stack
    .proc arch_hypercall_wild_stack
arch_hypercall_wild_stack:
    mov     r9 = r12
    mov     r12 = r32
    mov     r2 = HYPERCALL_VERSION
    mov     r14 = VERSION_ABI
    ;;
    break   HYPERCALL_BREAK
    ;;
    mov     r12 = r9
    br.ret.sptk.many b0
    .endp hypercall_raw_wild_stack

/*
 * User tasks start here (user mapping of .user.text): r14 = the program
 * (its user address), r15 = its argument, r1 = the user gp.
 */
    .section .user.text, "ax"
    .global user_tramp
    .proc user_tramp
user_tramp:
    alloc   r2 = ar.pfs, 0, 0, 2, 0
    mov     out0 = r14
    mov     out1 = r15
    br.call.sptk.many b0 = user_entry
    ;;
    break   0
    .endp user_tramp

/*
 * long ia64_user_bad_rbs(addr) (user mode): points ar.bspstore at addr and
 * makes the RSE spill there.  For a hypervisor, kernel or unmapped address
 * that must be a fault the guest kernel sees, never a stopped machine.
 */
    .global ia64_user_bad_rbs
    .proc ia64_user_bad_rbs
ia64_user_bad_rbs:
    alloc   r2 = ar.pfs, 1, 3, 0, 0
    mov     r33 = 0x55
    mov     r34 = 0x66
    ;;
    mov     ar.rsc = 0
    ;;
    mov     ar.bspstore = r32
    ;;
    cover
    ;;
    flushrs                             /* spills this frame at addr */
    ;;
    mov     r8 = 0
    br.ret.sptk.many b0
    ;;
    .endp ia64_user_bad_rbs

/*
 * long ia64_user_ro_rbs(void) (user mode): points ar.bspstore at the page
 * this code is on (the task may read it, not write it) with its frames
 * dirty, and makes a system call (SYS_getpid): delivering it, the
 * hypervisor would have to write those registers there.  Then it exits
 * (SYS_exit) with 1 if its locals kept their values, else 2.  Nothing may
 * land on the page: the caller compares it.
 */
    .global ia64_user_ro_rbs
    .proc ia64_user_ro_rbs
ia64_user_ro_rbs:
    alloc   r9 = ar.pfs, 1, 3, 0, 0
    mov     r33 = 0x55
    mov     r34 = 0x66
    mov     r3 = ip
    ;;
    mov     ar.rsc = 0
    dep     r3 = 0, r3, 0, 12           /* this code's page (aligned at any page size) */
    ;;
    mov     ar.bspstore = r3            /* the dirty frames now belong at r3 */
    ;;
    mov     r2 = 2                      /* SYS_getpid */
    ;;
    break   0x1000
    ;;
    mov     r14 = 2
    cmp.eq  p6, p0 = 0x55, r33
    ;;
(p6) cmp.eq p6, p0 = 0x66, r34
    ;;
(p6) mov    r14 = 1
    mov     r2 = 0                      /* SYS_exit */
    ;;
    break   0x1000
    ;;
    .endp ia64_user_ro_rbs
    .text

/* Position-independent code returning 7, copied by the exec tests. */
    .global arch_ret7_code, arch_ret7_end
    .align 16
arch_ret7_code:
    mov     r8 = 7
    br.ret.sptk.many b0
    ;;
arch_ret7_end:

    .section .bss
    .balign 16
boot_rbs:
    .skip 16384
boot_stack:
    .skip 16384
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
