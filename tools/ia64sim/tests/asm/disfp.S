// SPDX-License-Identifier: MIT
// The Disabled Floating-Point Register fault (SDM vol. 2 5.6, vector
// 0x5500): with psr.dfh an instruction naming f32-f127 faults before it
// runs (isr.code 2), with psr.dfl one naming f2-f31 (isr.code 1); the
// handler clears the bits and rfi runs the instruction again.
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
	mov r20=0x1234
	mov r22=1
	mov r23=2
	;;
	ssm 0x80000			// psr.dfh
	;;
	srlz.d
	;;
d1:
	setf.sig f32=r20		// faults (f32 disabled), then runs
	;;
	movl r2=d1
	;;
	CHECK r4, r22, 1		// handler ran once
	CHECK r6, r23, 2		// isr.code = 2: dfh
	CHECK r7, r2, 3			// cr.iip = the bundle
	getf.sig r21=f32		// the handler cleared dfh: no fault
	;;
	CHECK r21, r20, 4		// the retried setf wrote f32
	CHECK r4, r22, 5
	PUTC 'h'
	mov r4=0
	;;
	ssm 0x40000			// psr.dfl
	;;
	srlz.d
	;;
	getf.sig r21=f32		// f32 is not dfl's: no fault
	;;
	CHECK r4, r0, 6
d2:
	setf.sig f10=r20		// faults: isr.code 1
	;;
	movl r2=d2
	;;
	CHECK r4, r22, 7
	CHECK r6, r22, 8
	CHECK r7, r2, 9
	PUTC 'l'
	PUTC 10
	EXIT 0
	FAILEXIT

	.align 32768
ivt:
	.org ivt+0x5500
	mov r16=cr.isr
	mov r7=cr.iip
	mov r17=cr.ipsr
	;;
	extr.u r6=r16,0,16
	adds r4=1,r4
	movl r18=0xc0000		// psr.dfl | psr.dfh
	;;
	andcm r17=r17,r18
	;;
	mov cr.ipsr=r17
	;;
	rfi
	;;
	.org ivt+0x8000
