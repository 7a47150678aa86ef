// SPDX-License-Identifier: MIT
// Fault order of privileged instructions (SDM vol. 3, itc, itr and mov
// cr pseudo-code): for itc, itr and moves to or from an interruption
// control register the PSR.ic check (Illegal Operation, isr.code 0x00)
// comes before the privilege check (Privileged Operation, 0x10).  At cpl 3
// with PSR.ic 1: itc.d, itr.d, mov cr.ifa= and mov =cr.isr are illegal
// operations; ptc.e and mov cr.iva= (not an interruption register) are
// privileged operations.
	.include "sys.inc"
	START
	movl r2=ivt
	;;
	mov cr.iva=r2
	mov r4=0
	mov r6=0
	mov r17=psr
	movl r2=user
	;;
	dep r17=-1,r17,32,2		// ipsr.cpl = 3
	dep r17=-1,r17,13,1		// ipsr.ic
	;;
	mov cr.ipsr=r17
	mov cr.iip=r2
	mov cr.ifs=r0
	;;
	rfi
	;;
user:
	mov r9=0
	;;
	{ .mmi
	itc.d r9
	;;
	nop.m 0
	nop.i 0
	;;
	}
	{ .mmi
	itr.d dtr[r9]=r9
	;;
	nop.m 0
	nop.i 0
	;;
	}
	{ .mii
	mov cr.ifa=r9
	nop.i 0
	nop.i 0
	;;
	}
	{ .mii
	mov r10=cr.isr
	nop.i 0
	nop.i 0
	;;
	}
	{ .mii
	ptc.e r9
	nop.i 0
	nop.i 0
	;;
	}
	{ .mii
	mov cr.iva=r9
	nop.i 0
	nop.i 0
	;;
	}
	{ .mii
	break.m 0x42
	nop.i 0
	nop.i 0
	;;
	}		// back to cpl 0
back:
	mov r20=7
	movl r21=0x010101010202		// one byte per fault: isr.code / 16 + 1
	;;
	CHECK r4, r20, 1
	CHECK r6, r21, 2
	PUTC 'o'
	PUTC 10
	EXIT 0
	FAILEXIT

	.align 32768
ivt:
	.org ivt+0x2c00			// break: return to "back" at cpl 0
	mov r17=cr.ipsr
	movl r18=back
	;;
	adds r4=1,r4
	dep r17=0,r17,32,2
	dep r17=0,r17,41,2
	;;
	mov cr.ipsr=r17
	mov cr.iip=r18
	;;
	rfi
	;;
	.org ivt+0x5400			// general exception: log isr.code, skip the bundle
	mov r16=cr.isr
	mov r17=cr.ipsr
	mov r18=cr.iip
	;;
	extr.u r16=r16,4,4
	adds r4=1,r4
	adds r18=16,r18
	shl r6=r6,8
	;;
	adds r16=1,r16
	mov cr.iip=r18
	;;
	or r6=r6,r16
	;;
	rfi
	;;
	.org ivt+0x8000
