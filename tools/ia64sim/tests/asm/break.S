// SPDX-License-Identifier: MIT
// Interruption delivery and rfi: a break fault goes through cr.iva+0x2c00
// with iim, iip, isr.ei and ipsr collected; rfi resumes at the next slot.
// A reserved template raises an illegal-operation general exception.
	.include "sys.inc"
	START
	movl r2=ivt
	;;
	mov cr.iva=r2
	;;
	ssm 0x2000			// psr.ic
	;;
	srlz.d
	mov r4=0
	mov r8=0
	;;
brk:
	{ .mii
	nop.m 0
	break.i 0x1234
	mov r8=77			// executed after rfi (ipsr.ri = 2)
	}
	{ .mii
	nop.m 0
	nop.i 0
	nop.i 0
	;;
	}
	movl r2=brk
	movl r3=0x1234
	mov r14=77
	mov r20=1
	;;
	CHECK r4, r20, 1		// handler ran once
	CHECK r5, r3, 2			// cr.iim
	CHECK r6, r20, 3		// isr.ei = slot 1
	CHECK r7, r2, 4			// cr.iip = the bundle
	CHECK r8, r14, 5		// resumed at slot 2
	CHECK r9, r20, 6		// ipsr.ic was 1
	PUTC 'b'
	// reserved template 0x06: illegal operation fault
	mov r4=0
	mov r21=0x5400
	;;
ill:
	data8 0x0000000000000006, 0
	movl r2=ill
	;;
	CHECK r4, r20, 7
	CHECK r5, r21, 8		// vector
	CHECK r7, r2, 9
	CHECK r6, r0, 10		// isr.code = 0 (illegal operation)
	// adds r0=1,r0 in slot 1 (gas refuses to assemble it): illegal operation
	mov r4=0
	;;
r0w:
	data8 0x0800000100000000, 0x0004000000420000
	movl r2=r0w
	;;
	CHECK r4, r20, 11
	CHECK r7, r2, 12
	CHECK r6, r0, 13
	CHECK r9, r20, 14		// isr.ei = 1
	PUTC 'i'
	PUTC 10
	EXIT 0
	FAILEXIT

	.align 32768
ivt:
	.org ivt+0x2c00
	mov r5=cr.iim
	mov r16=cr.isr
	mov r7=cr.iip
	mov r17=cr.ipsr
	;;
	extr.u r6=r16,41,2
	extr.u r9=r17,13,1
	adds r4=1,r4
	mov r19=2
	;;
	dep r17=r19,r17,41,2		// ipsr.ri = 2
	;;
	mov cr.ipsr=r17
	;;
	rfi
	;;
	.org ivt+0x5400
	mov r16=cr.isr
	mov r7=cr.iip
	mov r5=0x5400
	;;
	extr.u r6=r16,0,16
	extr.u r9=r16,41,2
	adds r4=1,r4
	adds r18=16,r7			// skip the bundle
	;;
	mov cr.iip=r18
	;;
	rfi
	;;
	.org ivt+0x8000
