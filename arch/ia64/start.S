/* SPDX-License-Identifier: MIT */
/*
 * IA-64 entry, as loaded by tools/ia64sim (ELF at 0x100000; BSS zero-filled
 * by the loader as ELF requires; r28 = physical address of the boot table).
 * Sets gp (the whole image is one constant-gp unit), the memory stack and
 * the register stack's backing store, then calls ia64_boot(boot table).
 */
    .section .text.start, "ax"
    .global _start
    .proc _start
_start:
    movl    gp = __gp
    movl    r12 = boot_stack_top - 16   /* 16-byte scratch area for the callee */
    mov     ar.rsc = 0                  /* RSE in enforced lazy mode to move bspstore */
    ;;
    movl    r14 = boot_rbs
    ;;
    mov     ar.bspstore = r14
    ;;
    mov     ar.rsc = 3                  /* eager, kernel privilege */
    alloc   r2 = ar.pfs, 0, 0, 1, 0     /* one output register for the argument */
    ;;
    mov     out0 = r28
    br.call.sptk.many b0 = ia64_boot
    ;;
1:  br.sptk.few 1b
    .endp _start

/*
 * long ia64_ssc(long a0, long a1, long a2, long a3, long nr): a Ski
 * simulator system call.  No alloc: the caller's outputs are this frame's
 * r32..r36, which is where the simulator reads the arguments.
 */
    .text
    .global ia64_ssc
    .proc ia64_ssc
ia64_ssc:
    mov     r15 = r36
    ;;
    break   0x80001
    ;;
    br.ret.sptk.many b0
    .endp ia64_ssc

    .section .bss.stack, "aw", @nobits
    .balign 16
boot_rbs:                               /* register backing store grows up */
    .space  16384
    .balign 16
boot_stack:                             /* memory stack grows down */
    .space  16384
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
