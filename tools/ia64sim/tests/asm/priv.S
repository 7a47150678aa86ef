// SPDX-License-Identifier: MIT
// Privilege levels: rfi to cpl 3; a privileged instruction there raises a
// privileged-operation general exception (isr.code 0x10) with ipsr.cpl 3;
// a break from cpl 3 reaches the break vector at cpl 0; br.ret cannot raise
// the privilege level; epc on an ar=7 page promotes to the page's pl.
	.include "sys.inc"
	START
	movl r2=ivt
	;;
	mov cr.iva=r2
	;;
	mov r4=0
	mov r17=psr
	movl r2=user
	;;
	dep r17=-1,r17,32,2		// ipsr.cpl = 3
	dep r17=-1,r17,13,1		// ipsr.ic (psr.ic is still 0: cr.ipsr,
	;;				// cr.iip and cr.ifs may be written)
	mov cr.ipsr=r17
	mov cr.iip=r2
	mov cr.ifs=r0
	;;
	rfi
	;;
user:
	{ .mii
	mov r9=psr			// privileged: general exception
	nop.i 0
	nop.i 0
	;;
	}
	{ .mii
	mov.m ar.k1=r0			// privileged register
	nop.i 0
	nop.i 0
	;;
	}
	{ .mii
	break.m 0x42			// break at cpl 3
	nop.i 0
	nop.i 0
	;;
	}
back:					// the break handler returns here at cpl 0
	mov r20=3
	mov r21=0x10
	mov r22=3
	mov r23=0x42
	mov r24=0x20
	;;
	CHECK r4, r20, 1		// three interruptions
	CHECK r11, r21, 2		// isr.code: privileged operation
	CHECK r5, r24, 7		// then privileged register
	CHECK r6, r22, 3		// ipsr.cpl was 3
	CHECK r7, r23, 4		// cr.iim of the break
	CHECK r10, r22, 5		// break came from cpl 3
	mov r17=psr
	;;
	extr.u r17=r17,32,2
	;;
	CHECK r17, r0, 6		// back at cpl 0
	PUTC 'p'
	PUTC 10
	EXIT 0
	FAILEXIT

	.align 32768
ivt:
	.org ivt+0x2c00			// break: check cpl, return to "back" at cpl 0
	mov r7=cr.iim
	mov r17=cr.ipsr
	movl r18=back
	;;
	extr.u r10=r17,32,2
	adds r4=1,r4
	dep r17=0,r17,32,2
	dep r17=0,r17,41,2
	;;
	mov cr.ipsr=r17
	mov cr.iip=r18
	;;
	rfi
	;;
	.org ivt+0x5400			// general exception: skip the bundle
	mov r16=cr.isr
	mov r17=cr.ipsr
	mov r18=cr.iip
	;;
	mov r11=r5
	;;
	extr.u r5=r16,0,8
	extr.u r6=r17,32,2
	adds r4=1,r4
	adds r18=16,r18
	;;
	mov cr.iip=r18
	;;
	rfi
	;;
	.org ivt+0x8000
