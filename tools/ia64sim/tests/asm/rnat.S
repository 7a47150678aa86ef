// SPDX-License-Identifier: MIT
// ar.rnat and ar.bspstore while the RSE is not in enforced lazy mode (SDM
// vol. 3, mov - Move Application Register; vol. 2 §6.5.1): with
// ar.rsc.mode != 0, reading or writing either is an Illegal Operation
// fault (isr.code 0); ar.bsp stays readable.  With ar.rsc.mode 0 all work.
// loadrs with rsc.loadrs != 0 while the current frame is not empty is an
// Illegal Operation too (SDM vol. 3, loadrs).
	.include "sys.inc"
	START
	movl r2=ivt
	;;
	mov cr.iva=r2
	;;
	ssm 0x2000
	;;
	srlz.d
	mov r4=0
	mov r6=0
	mov r3=3
	;;
	mov ar.rsc=r3			// eager
	;;
	{ .mii
	mov r9=ar.rnat
	nop.i 0
	nop.i 0
	;;
	}
	{ .mii
	mov r9=ar.bspstore
	nop.i 0
	nop.i 0
	;;
	}
	{ .mii
	mov ar.rnat=r0
	nop.i 0
	nop.i 0
	;;
	}
	{ .mii
	mov ar.bspstore=r3
	nop.i 0
	nop.i 0
	;;
	}
	mov r11=ar.bsp			// fine
	mov r20=4
	;;
	CHECK r4, r20, 1		// four illegal operations
	CHECK r6, r0, 2			// isr.code 0
	mov ar.rsc=r0			// enforced lazy
	;;
	mov r9=ar.rnat
	mov r10=ar.bspstore
	;;
	mov ar.rnat=r9
	;;
	mov ar.bspstore=r10
	;;
	CHECK r4, r20, 3		// no more faults
	CHECK r10, r11, 4		// nothing dirty: bspstore = bsp
	movl r3=8<<16			// rsc.loadrs 8 with a frame (sof 1): illegal
	;;
	mov ar.rsc=r3
	;;
	{ .mii
	loadrs
	nop.i 0
	nop.i 0
	;;
	}
	mov ar.rsc=r0
	mov r20=5
	;;
	CHECK r4, r20, 5
	PUTC 'n'
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
