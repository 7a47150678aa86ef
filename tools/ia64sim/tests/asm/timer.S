// SPDX-License-Identifier: MIT
// Interval timer: ar.itc counts, cr.itm match raises the external interrupt
// given by cr.itv; the handler reads cr.ivr, writes cr.eoi and rfi's.  The
// interrupt is only taken once psr.i is set and cr.tpr unmasks it.
	.include "sys.inc"
	START
	movl r2=ivt
	;;
	mov cr.iva=r2
	mov r2=0xe5			// vector 0xe5
	;;
	mov cr.itv=r2
	mov cr.tpr=r0			// unmask
	;;
	ssm 0x2000			// psr.ic (psr.i still 0)
	;;
	srlz.d
	mov r4=0
	mov.m r2=ar.itc
	;;
	adds r2=100,r2
	;;
	mov cr.itm=r2
	;;
	// busy loop without psr.i: the interrupt must stay pending
	mov r3=2000
	;;
1:	adds r3=-1,r3
	;;
	cmp.ne p6,p0=0,r3
(p6)	br.cond.sptk.few 1b
	;;
	CHECK r4, r0, 1
	ssm 0x4000			// psr.i: now it is delivered
	;;
	srlz.d
	mov r3=100000
	;;
2:	cmp.eq p6,p0=1,r4
(p6)	br.cond.spnt.few 3f
	adds r3=-1,r3
	;;
	cmp.ne p6,p0=0,r3
(p6)	br.cond.sptk.few 2b
	;;
3:	mov r20=1
	mov r21=0xe5
	mov r22=15
	;;
	CHECK r4, r20, 2		// one interrupt
	CHECK r5, r21, 3		// cr.ivr returned the vector
	CHECK r6, r22, 4		// second cr.ivr read: spurious (15)
	CHECK r7, r20, 5		// ipsr.i was set
	mov.m r8=ar.itc
	;;
	cmp.ltu p6,p7=r2,r8		// itc moved past itm
	;;
(p7)	mov r32=6
(p7)	br.cond.spnt.few fail
	PUTC 't'
	PUTC 10
	EXIT 0
	FAILEXIT

	.align 32768
ivt:
	.org ivt+0x3000
	mov r5=cr.ivr
	mov r17=cr.ipsr
	;;
	mov r6=cr.ivr
	extr.u r7=r17,14,1
	adds r4=1,r4
	;;
	mov cr.eoi=r0
	;;
	rfi
	;;
	.org ivt+0x8000
