// SPDX-License-Identifier: MIT
// SSC calls are honoured only at cpl 0: at cpl 3 an SSC putchar and an SSC
// exit must each raise the ordinary break interruption (cr.iim 0x80001,
// ipsr.cpl 3) and print or end nothing; at cpl 0 they still work.
	.include "sys.inc"
	START
	movl r2=ivt
	;;
	mov cr.iva=r2
	;;
	mov r4=0
	mov r5=0
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
	mov r32='X'			// SSC putchar at cpl 3: must trap
	mov r15=31
	;;
	{ .mii
	break.m 0x80001
	nop.i 0
	nop.i 0
	;;
	}
	mov r32=7			// SSC exit(7) at cpl 3: must trap
	mov r15=66
	;;
	{ .mii
	break.m 0x80001
	nop.i 0
	nop.i 0
	;;
	}
	{ .mii
	break.m 0x42			// back to cpl 0
	nop.i 0
	nop.i 0
	;;
	}
back:
	mov r20=3
	mov r21=2
	mov r22=0x80001
	mov r23=0x42
	;;
	CHECK r4, r20, 1		// three break interruptions
	CHECK r5, r21, 2		// two of them were the SSC calls
	CHECK r6, r20, 3		// all from cpl 3
	CHECK r7, r23, 4		// the last one's cr.iim
	PUTC 'u'
	PUTC 10
	EXIT 0
	FAILEXIT

	.align 32768
ivt:
	.org ivt+0x2c00			// break: count, skip the bundle; 0x42 returns to "back" at cpl 0
	mov r7=cr.iim
	mov r17=cr.ipsr
	mov r18=cr.iip
	movl r19=0x80001
	;;
	extr.u r16=r17,32,2
	adds r4=1,r4
	cmp.eq p6,p7=r7,r19
	adds r18=16,r18
	;;
(p6)	adds r5=1,r5
	cmp.eq p8,p0=3,r16
	;;
(p8)	adds r6=1,r6
	cmp.eq p9,p0=0x42,r7
	;;
(p9)	movl r18=back
	;;
(p9)	dep r17=0,r17,32,2
	;;
	mov cr.ipsr=r17
	mov cr.iip=r18
	;;
	rfi
	;;
	.org ivt+0x8000
