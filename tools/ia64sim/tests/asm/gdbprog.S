// SPDX-License-Identifier: MIT
// For the gdb stub test (gdb.py): a frame of three stacked registers with
// known values, a breakpoint target, a store, then an endless loop to
// interrupt.
	.include "sys.inc"
	START
	alloc r2=ar.pfs,0,3,0,0
	movl r32=0x1111
	;;
	movl r33=0x2222
	movl r34=0x3333
	;;
	.global target
target:
	mov r8=r32
	mov r9=r33
	mov r10=r34
	;;
	movl r11=0x200000
	;;
	st8 [r11]=r8
	;;
	.global spin
spin:	br.sptk.few spin
	;;
	FAILEXIT
