/* SPDX-License-Identifier: MIT */
/* archtest entry points: start of day and the three callbacks (16-byte aligned stacks). */
    .text
    .globl _start, exc_entry, evt_entry, sys_entry
_start:
    mov %rsi, %rdi              /* start info */
    and $~15, %rsp
    call at_main
1:  jmp 1b
exc_entry:
    and $~15, %rsp
    call at_exception
    ud2
evt_entry:
    and $~15, %rsp
    call at_event
    ud2
sys_entry:
    and $~15, %rsp
    call at_syscall
    ud2
    .section .note.GNU-stack,"",@progbits
