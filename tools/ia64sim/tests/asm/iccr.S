// SPDX-License-Identifier: MIT
// Interruption control registers and PSR.ic (SDM vol. 3, mov - Move
// Control Register; vol. 2 §3.3.5): with PSR.ic 1, a move to cr.ipsr,
// cr.isr, cr.iip, cr.ifa, cr.itir, cr.iipa, cr.ifs, cr.iim or cr.iha, or a
// move from one, is an Illegal Operation fault (general exception, isr.code
// 0) and changes nothing; itc.d with PSR.ic 1 is one too.  With PSR.ic 0
// the same moves work.
	.include "sys.inc"
	START
	movl r2=ivt
	;;
	mov cr.iva=r2
	movl r3=0x1234
	;;
	mov cr.ifa=r3			// psr.ic 0: allowed
	;;
	ssm 0x2000
	;;
	srlz.d
	mov r4=0
	mov r5=0xff
	movl r9=0x5555
	;;
	{ .mii
	mov cr.ipsr=r9
	nop.i 0
	nop.i 0
	;;
	}
	{ .mii
	mov cr.isr=r9
	nop.i 0
	nop.i 0
	;;
	}
	{ .mii
	mov cr.iip=r9
	nop.i 0
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
	mov cr.itir=r9
	nop.i 0
	nop.i 0
	;;
	}
	{ .mii
	mov cr.iipa=r9
	nop.i 0
	nop.i 0
	;;
	}
	{ .mii
	mov cr.ifs=r9
	nop.i 0
	nop.i 0
	;;
	}
	{ .mii
	mov cr.iim=r9
	nop.i 0
	nop.i 0
	;;
	}
	{ .mii
	mov cr.iha=r9
	nop.i 0
	nop.i 0
	;;
	}
	{ .mii
	mov r10=cr.ifa
	nop.i 0
	nop.i 0
	;;
	}
	{ .mmi
	itc.d r9
	;;
	nop.m 0
	nop.i 0
	;;
	}
	mov r20=11
	;;
	CHECK r4, r20, 1		// eleven illegal operations
	CHECK r6, r0, 2			// each with isr.code 0 (r6 ors them)
	movl r10=0x7777
	;;
	rsm 0x2000
	;;
	srlz.d
	mov r10=cr.ifa			// psr.ic 0: allowed, and unchanged
	movl r3=0x1234
	;;
	CHECK r10, r3, 3
	mov cr.iim=r3
	;;
	mov r11=cr.iim
	;;
	CHECK r11, r3, 4
	CHECK r4, r20, 5		// no more faults
	PUTC 'i'
	PUTC 10
	EXIT 0
	FAILEXIT

	.align 32768
ivt:
	.org ivt+0x5400			// general exception: record isr.code, skip the bundle
	mov r16=cr.isr
	mov r17=cr.ipsr
	mov r18=cr.iip
	;;
	extr.u r16=r16,0,8
	adds r4=1,r4
	adds r18=16,r18
	dep r17=0,r17,41,2
	;;
	or r6=r6,r16
	mov cr.iip=r18
	mov cr.ipsr=r17
	;;
	rfi
	;;
	.org ivt+0x8000
