/* SPDX-License-Identifier: MIT */
/*
 * e500v2 entry.  Both boot paths arrive here in supervisor mode with the
 * MMU on and an initial TLB1 entry covering at least 64 MiB from 0 (QEMU's
 * direct boot sets it up, U-Boot's bootm keeps its own): r3 = device tree.
 * U-Boot's bootm copies only the file contents, so BSS is cleared here.
 */
    .section .text.start, "ax"
    .globl _start
_start:
    mr      r31, r3                 /* keep the DTB pointer across the BSS clear */
    lis     r4, __bss_start@ha
    addi    r4, r4, __bss_start@l
    lis     r5, __bss_end@ha
    addi    r5, r5, __bss_end@l
    li      r0, 0
1:  cmplw   r4, r5
    bge     2f
    stw     r0, 0(r4)
    addi    r4, r4, 4
    b       1b
2:  lis     r1, boot_stack_top@ha
    addi    r1, r1, boot_stack_top@l
    li      r0, 0
    stwu    r0, -16(r1)             /* terminate the back chain for gdb */
    mr      r3, r31
    bl      ppc_boot
3:  b       3b

/*
 * A secondary CPU released from the spin table (arch/ppc/smp.c): supervisor
 * mode, MSR[EE]=0, TLB1[0] mapping the 64 MiB around this address, r3 =
 * its CPU id.  The boot CPU stored its stack top in ppc_secondary_stack.
 */
    .globl ppc_secondary_entry
ppc_secondary_entry:
    lis     r4, ppc_secondary_stack@ha
    lwz     r1, ppc_secondary_stack@l(r4)
    li      r0, 0
    stwu    r0, -16(r1)
    bl      ppc_secondary_main
4:  b       4b

    .section .bss.stack, "aw", @nobits
    .balign 16
boot_stack:
    .space  16384
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
