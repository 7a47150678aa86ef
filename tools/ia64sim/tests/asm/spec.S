// SPDX-License-Identifier: MIT
// Control speculation (SDM vol. 2 §5.5.5, Deferral of Speculative Load
// Faults) and software-pipelined loops.  A ld8.s that misses the TLB:
//  - PSR.ic 1, PSR.it 0 (no-recovery model): the alternate data TLB fault
//    is raised, with ISR.sp; the handler sets IPSR.ed and the re-executed
//    ld8.s gives NaT, which tnat sees and chk.s branches to recovery on;
//  - PSR.ic 0 (always-defer model): NaT, no interruption;
//  - PSR.it 1 on a code page with ITLB.ed 1 (recovery model): NaT when
//    DCR.dm is 1, the fault when DCR.dm is 0.
// A NaT consumed by a store faults (0x5600).  A br.ctop loop rotates
// r32..r39 and p16..p63; ar.lc/ar.ec count it down.
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
	mov r7=0
	movl r10=0x123456789000
	;;
	ld8.s r8=[r10]			// no-recovery: fault, then ed -> NaT
	;;
	tnat.nz p6,p7=r8
	mov r20=1
	mov r21=0x1000
	;;
(p7)	mov r32=1
(p7)	br.cond.spnt.few fail
	CHECK r4, r20, 20		// one alternate data TLB fault
	CHECK r5, r21, 21
	CHECK r7, r20, 22		// with isr.sp
	mov r9=0
	;;
	chk.s.m r8,recover
	;;
back:	mov r20=1
	;;
	CHECK r9, r20, 2		// recovery ran
	// always-defer: psr.ic 0
	rsm 0x2000
	;;
	srlz.d
	mov r4=0
	ld8.s r8=[r10]
	;;
	tnat.nz p6,p7=r8
	;;
(p7)	mov r32=23
(p7)	br.cond.spnt.few fail
	ssm 0x2000
	;;
	srlz.d
	CHECK r4, r0, 3			// no interruption
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
	// recovery model: code mapped by itr.i with ed = 1, psr.it on
	rsm 0x2000
	;;
	srlz.d
	movl r2=0x100000
	mov r3=16<<2
	;;
	mov cr.ifa=r2
	mov cr.itir=r3
	movl r3=0x100000|1|(1<<5)|(1<<6)|(3<<9)|(1<<52)	// p, a, d, RWX, ed
	mov r2=0
	;;
	itr.i itr[r2]=r3
	;;
	srlz.i
	movl r2=(1<<8)			// dcr.dm: defer TLB misses
	;;
	mov cr.dcr=r2
	mov r17=psr
	movl r2=virt
	;;
	dep r17=-1,r17,36,1		// ipsr.it
	dep r17=-1,r17,17,1		// ipsr.dt
	dep r17=-1,r17,13,1		// ipsr.ic
	;;
	mov cr.ipsr=r17
	mov cr.iip=r2
	mov cr.ifs=r0
	;;
	rfi
	;;
virt:	mov r4=0
	;;
	ld8.s r8=[r10]			// recovery model, dcr.dm 1: deferred
	;;
	tnat.nz p6,p7=r8
	;;
(p7)	mov r32=24
(p7)	br.cond.spnt.few fail
	CHECK r4, r0, 25
	mov cr.dcr=r0			// dcr.dm 0: raised
	;;
	ld8.s r8=[r10]
	;;
	tnat.nz p6,p7=r8
	mov r20=1
	mov r21=0x1000
	;;
(p7)	mov r32=26
(p7)	br.cond.spnt.few fail
	CHECK r4, r20, 27
	CHECK r5, r21, 28
	rsm 0x20000
	;;
	srlz.d
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
	.org ivt+0x1000			// alternate DTLB: a speculative load; retry with ipsr.ed
	mov r5=0x1000
	mov r16=cr.isr
	mov r17=cr.ipsr
	;;
	adds r4=1,r4
	extr.u r7=r16,36,1		// isr.sp
	dep r17=-1,r17,43,1		// ipsr.ed: the load defers when re-executed
	;;
	mov cr.ipsr=r17
	;;
	rfi
	;;
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
