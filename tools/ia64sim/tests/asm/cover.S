// SPDX-License-Identifier: MIT
// An interruption handler covers the interrupted frame (cr.ifs with v set),
// runs with frames of its own (alloc, br.call), and rfi brings the
// interrupted frame back from cr.ifs: the registers and CFM survive.
	.include "sys.inc"
	START
	movl r2=ivt
	;;
	mov cr.iva=r2
	;;
	ssm 0x2000
	;;
	srlz.d
	alloc r3=ar.pfs,2,3,1,0		// sof 6, sol 5
	;;
	mov r32=32
	mov r33=33
	mov r34=34
	mov r35=35
	mov r36=36
	mov r37=37
	mov r4=0
	;;
	{ .mii
	break.m 0x7
	nop.i 0
	nop.i 0
	;;
	}
	mov r20=1
	mov r21=32
	mov r22=37
	mov r23=6
	mov r24=5
	;;
	CHECK r4, r20, 1
	CHECK r32, r21, 2
	CHECK r37, r22, 3
	extr.u r9=r6,0,7		// cr.ifs.sof seen by the handler
	extr.u r10=r6,7,7		// cr.ifs.sol
	extr.u r11=r6,63,1		// cr.ifs.v
	;;
	CHECK r9, r23, 4
	CHECK r10, r24, 5
	CHECK r11, r20, 6
	CHECK r7, r21, 7		// handler's own r32 after cover was a new frame
	mov r33=0			// the restored frame is writable up to r37
	mov r37=0
	;;
	PUTC 'c'
	PUTC 10
	EXIT 0
	FAILEXIT

	.proc deep
deep:	alloc r33=ar.pfs,1,90,1,0	// 92 registers: forces spills of the covered frame
	mov r34=b0
	;;
	adds r123=-1,r32
	cmp.eq p6,p0=0,r32
	;;
(p6)	br.cond.spnt.few 1f
	br.call.sptk.many b0=deep
	;;
1:	mov b0=r34
	mov ar.pfs=r33
	;;
	br.ret.sptk.many b0
	.endp deep

	.align 32768
ivt:
	.org ivt+0x2c00
	cover
	;;
	mov r6=cr.ifs
	alloc r19=ar.pfs,0,3,1,0	// a new frame above the covered one
	;;
	mov r32=cr.iip
	mov r33=cr.ipsr
	mov r34=999
	mov r35=3			// recursion depth for deep()
	mov r7=32
	;;
	br.call.sptk.many b0=deep
	;;
	adds r4=1,r4
	adds r32=16,r32
	;;
	mov cr.iip=r32
	dep r33=0,r33,41,2
	;;
	mov cr.ipsr=r33
	;;
	rfi
	;;
	.org ivt+0x8000
