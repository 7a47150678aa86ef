/* SPDX-License-Identifier: MIT */
/*
 * ppc guest entry points.  The hypervisor enters _start in guest-kernel
 * mode (problem state) with the start info in r3; trap/event/syscall
 * entries find the interrupted context in vcpu_info.trap, so they only
 * need a stack.  Hypercalls: sc with r0 = nr, r3..r7 = a0..a4.
 */
#include <port/spr.h>

#include "asm-offsets.h" /* generated from asm-offsets.c: CTX_*, HYPERCALL_VERSION */

    .section .text.entry, "ax"
    .globl _start
_start:
    lis     r1, boot_stack_top@ha
    addi    r1, r1, boot_stack_top@l
    li      r0, 0
    stwu    r0, -16(r1)
    mr      r31, r3
    bl      ppc_user_reloc
    mr      r3, r31
    bl      port_start
    trap

/* VCPUOP_up enters another vCPU here: r1 = its own stack, r3 = its struct cpu. */
    .globl arch_secondary_entry
arch_secondary_entry:
    clrrwi  r1, r1, 4
    li      r0, 0
    stwu    r0, -16(r1)
    bl      port_secondary_start
    trap

/* Align the stack the hypervisor gave us and call the handler. */
.macro ENTRY name, handler
    .globl \name
    .type \name, @function
\name:
    clrrwi  r1, r1, 4
    li      r0, 0
    stwu    r0, -16(r1)
    bl      \handler
    trap
.endm

    .text
    ENTRY arch_event_entry, port_event_handler
    ENTRY arch_exception_entry, port_exception_handler
#ifdef PORT_NATIVE
    ENTRY arch_syscall_entry, port_syscall_handler
#else
/*
 * System calls arrive two ways (hestia/arch/ppc.h): delivered through the
 * trap record like every trap, or reflected directly by the hypervisor's
 * vector (TRAP_FLAG_DIRECT: the record holds only the user's pc and r1,
 * every other register is still the user's).  Store them all here,
 * below the kernel stack, before anything clobbers one; ppc_syscall_entry
 * (arch.c) fills the record from them in the second case.  Frame: 16
 * bytes of ABI header, then struct ppc_sys_frame (r0..r31, cr, lr, ctr,
 * xer; r1's slot unused).
 */
    .globl arch_syscall_entry
    .type arch_syscall_entry, @function
arch_syscall_entry:
    clrrwi  r1, r1, 4
    addi    r1, r1, -160
    stw     r0, 16(r1)
    stmw    r2, 16 + 8(r1)
    mfcr    r0
    stw     r0, 16 + 128(r1)
    mflr    r0
    stw     r0, 16 + 132(r1)
    mfctr   r0
    stw     r0, 16 + 136(r1)
    mfxer   r0
    stw     r0, 16 + 140(r1)
    li      r0, 0
    stw     r0, 0(r1)
    addi    r3, r1, 16
    bl      ppc_syscall_entry
    trap
#endif

#ifndef PORT_NATIVE /* the native kernel calls ports/common/native/hcall.c instead */
/* long arch_hypercall(nr, a0, a1, a2, a3, a4) */
    .globl arch_hypercall
arch_hypercall:
    mr      r0, r3
    mr      r3, r4
    mr      r4, r5
    mr      r5, r6
    mr      r6, r7
    mr      r7, r8
    sc
    blr
#endif

/* uint64_t arch_read_counter(void): the time base (r3 = upper, r4 = lower). */
    .globl arch_read_counter
arch_read_counter:
1:  mfspr   r3, PPC_SPR_TBU_R
    mfspr   r4, PPC_SPR_TBL_R
    mfspr   r5, PPC_SPR_TBU_R
    cmpw    r3, r5
    bne     1b
    blr

/* struct arch_ctx as 32-bit words (port/arch_ctx.h): r1, lr, cr, r3 (first entry), r14-r31 */
.macro SAVE_CTX reg
    stw     r1, CTX_R1(\reg)
    mflr    r0
    stw     r0, CTX_LR(\reg)
    mfcr    r0
    stw     r0, CTX_CR(\reg)
    stmw    r14, CTX_R14(\reg)
.endm
.macro LOAD_CTX reg
    lwz     r1, CTX_R1(\reg)
    lwz     r0, CTX_LR(\reg)
    mtlr    r0
    lwz     r0, CTX_CR(\reg)
    mtcr    r0
    lmw     r14, CTX_R14(\reg)
.endm

    .globl arch_switch
arch_switch:
    SAVE_CTX r3
    LOAD_CTX r4
    lwz     r3, CTX_R3(r4)
    blr

    .globl arch_setjmp
arch_setjmp:
    SAVE_CTX r3
    li      r3, 0
    blr

    .globl arch_longjmp
arch_longjmp:
    LOAD_CTX r3
    mr      r3, r4
    blr

/* Probes: the faulting instruction and its recovery point are listed in
 * .rodata.probes; arch_probe_fixup() moves the pc there, the probe returns -1. */
.macro PROBE_FIX fault, fix
    .pushsection .rodata.probes, "a"
    .long   \fault, \fix
    .popsection
.endm

    .globl arch_probe_read
arch_probe_read:
1:  lwz     r5, 0(r3)
3:  lwz     r6, 4(r3)
    stw     r5, 0(r4)
    stw     r6, 4(r4)
    li      r3, 0
    blr
2:  li      r3, -1
    blr
    PROBE_FIX 1b, 2b
    PROBE_FIX 3b, 2b

/* arch_probe_write(addr, uint64_t val): val in r5:r6 (r4 skipped by the ABI). */
    .globl arch_probe_write
arch_probe_write:
1:  stw     r5, 0(r3)
3:  stw     r6, 4(r3)
    li      r3, 0
    blr
2:  li      r3, -1
    blr
    PROBE_FIX 1b, 2b
    PROBE_FIX 3b, 2b

    .globl arch_probe_invalid_op
arch_probe_invalid_op:
1:  .long   0               /* opcode 0: illegal on every PowerPC */
    li      r3, 0
    blr
2:  li      r3, -1
    blr
    PROBE_FIX 1b, 2b

    .globl probe_leaf_fail
probe_leaf_fail:
    li      r3, -1
    blr

.macro PRIV name, insn:vararg
    .globl \name
\name:
1:  \insn
    li      r3, 0
    blr
2:  li      r3, -1
    blr
    PROBE_FIX 1b, 2b
.endm
    PRIV priv_tlbwe, tlbwe
    PRIV priv_tlbre, tlbre
    PRIV priv_tlbsx, tlbsx 0, r1
    PRIV priv_tlbivax, tlbivax 0, r1
    PRIV priv_tlbsync, tlbsync
    PRIV priv_rfi, rfi
    PRIV priv_mtpid, mtspr PPC_SPR_PID0, r3
    PRIV priv_mtpid1, mtspr PPC_SPR_PID1, r3
    PRIV priv_mtivpr, mtspr PPC_SPR_IVPR, r3
    PRIV priv_mtdec, mtspr PPC_SPR_DEC, r3
    PRIV priv_mfsprg0, mfspr r3, PPC_SPR_SPRG0
    PRIV priv_mfpvr, mfspr r3, PPC_SPR_PVR
    PRIV priv_mtmas1, mtspr PPC_SPR_MAS1, r3
    PRIV priv_dcbi, dcbi 0, r1

/* mtmsr clearing PR/IS/DS is emulated on the virtual MSR only: the tlbwe
 * after it must still trap.  EE is kept as mfmsr read it: it is the event
 * mask, which the probe must leave alone. */
    .globl priv_mtmsr_tlbwe
priv_mtmsr_tlbwe:
    mfmsr   r4
    andi.   r4, r4, 0x8000
    mtmsr   r4
1:  tlbwe
    li      r3, 0
    blr
2:  li      r3, -1
    blr
    PROBE_FIX 1b, 2b

/*
 * long probe_call_asm(addr): call addr and return its result (r3); if the
 * call faults, the fixup resumes at probe_call_return with -1.
 */
    .globl probe_call_asm
    .globl probe_call_return
probe_call_asm:
    stwu    r1, -16(r1)
    mflr    r0
    stw     r0, 20(r1)
    mtctr   r3
    bctrl
    b       1f
probe_call_return:
    li      r3, -1
1:  lwz     r0, 20(r1)
    mtlr    r0
    addi    r1, r1, 16
    blr

/* long arch_hypercall_wild_stack(uint64_t sp): sp in r3:r4; a null
 * hypercall made with r1 = sp (the hypervisor must not use it). */
    .globl arch_hypercall_wild_stack
arch_hypercall_wild_stack:
    stwu    r1, -16(r1)
    stw     r31, 12(r1)
    mr      r31, r1
    mr      r1, r4
    li      r0, HYPERCALL_VERSION
    li      r3, VERSION_ABI
    sc
    mr      r1, r31
    lwz     r31, 12(r1)
    addi    r1, r1, 16
    blr

/*
 * Position-independent code returning 7, copied by the exec tests.  Under
 * QEMU the copy needs no cache maintenance; on hardware the copier would
 * need dcbst / sync / icbi / isync (all allowed in problem state).
 */
    .globl arch_ret7_code
    .globl arch_ret7_end
arch_ret7_code:
    li      3, 7
    blr
arch_ret7_end:

    .section .bss
    .balign 16
boot_stack:
    .skip 16384
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
