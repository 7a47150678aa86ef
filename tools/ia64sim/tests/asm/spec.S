// SPDX-License-Identifier: MIT
// Control speculation and software-pipelined loops: ld8.s from an
// untranslated address defers the fault as a NaT, tnat sees it, chk.s
// branches to recovery; a NaT consumed by a store faults (0x5600).  A
// br.ctop loop rotates r32..r39 and p16..p63; ar.lc/ar.ec count it down.
	.include "sys.inc"
	START
	movl r2=ivt
	;;
	mov cr.iva=r2
	;;
	ssm 0x2000			// psr.ic
	;;
	srlz.d
	ssm 0x20000			// psr.dt: nothing is mapped
	;;
	srlz.d
	mov r4=0
	movl r10=0x123456789000
	;;
	ld8.s r8=[r10]			// would miss: deferred, r8 = NaT
	;;
	tnat.nz p6,p7=r8
	;;
(p7)	mov r32=1
(p7)	br.cond.spnt.few fail
	mov r9=0
	;;
	chk.s.m r8,recover
	;;
back:	mov r20=1
	;;
	CHECK r9, r20, 2		// recovery ran
	CHECK r4, r0, 3			// no interruption so far
	movl r11=0x200000
	;;
	rsm 0x20000			// physical data again
	;;
	srlz.d
	{ .mii
	st8 [r11]=r8			// NaT consumption fault
	nop.i 0
	nop.i 0
	;;
	}
	mov r21=0x5600
	;;
	CHECK r4, r20, 4
	CHECK r5, r21, 5
	PUTC 's'
	// software-pipelined loop: 5 iterations, ec=1
	alloc r2=ar.pfs,0,8,1,8
	mov r3=4
	;;
	mov ar.lc=r3
	mov r3=1
	;;
	mov ar.ec=r3
	mov pr.rot=1<<16
	;;
	mov r6=0			// counts p16-predicated iterations
	;;
loop:
	mov.i r32=ar.lc
(p16)	adds r6=1,r6
	br.ctop.sptk.few loop
	;;
	mov r20=5
	mov r21=0
	mov r22=1
	mov r23=4
	mov r15=0
	;;
	CHECK r6, r20, 6
	CHECK r33, r21, 7		// last iteration's value
	CHECK r34, r22, 8
	CHECK r37, r23, 9		// first iteration's value
	mov.i r3=ar.ec
	mov.i r14=ar.lc
	;;
	CHECK r3, r0, 10
	CHECK r14, r0, 11
	PUTC 'c'
	PUTC 10
	EXIT 0
recover:
	mov r9=1
	br.sptk.few back
	;;
	FAILEXIT

	.align 32768
ivt:
	.org ivt+0x5600			// NaT consumption: skip the bundle
	mov r5=0x5600
	mov r18=cr.iip
	mov r17=cr.ipsr
	;;
	adds r4=1,r4
	adds r18=16,r18
	dep r17=0,r17,41,2
	;;
	mov cr.iip=r18
	mov cr.ipsr=r17
	;;
	rfi
	;;
	.org ivt+0x8000
