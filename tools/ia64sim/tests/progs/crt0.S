// SPDX-License-Identifier: MIT
// Start-up for the IA-64 test programs: gp, a fresh memory stack and register
// backing store, main(), then SSC exit with main's return value.
	.text
	.global _start
	.proc _start
_start:
#ifdef VIRT
	// Translated variant: identity-map the first 256 MiB of region 0 with
	// one instruction and one data translation register (RWX, pl 0) and
	// continue with psr.it, psr.dt and psr.rt set.
	mov r3=28<<2
	;;
	mov cr.itir=r3
	mov cr.ifa=r0
	movl r3=1|(1<<5)|(1<<6)|(3<<9)
	mov r2=0
	;;
	itr.i itr[r2]=r3
	;;
	itr.d dtr[r2]=r3
	;;
	srlz.i
	;;
	mov r5=psr
	movl r4=1f
	;;
	dep r5=-1,r5,36,1
	;;
	dep r5=-1,r5,17,1
	;;
	dep r5=-1,r5,27,1
	;;
	mov cr.ipsr=r5
	mov cr.iip=r4
	mov cr.ifs=r0
	;;
	rfi
	;;
1:
#endif
	movl gp=__gp
	movl r12=__stack_top - 16
	movl r16=__rbs_start
	;;
	mov ar.rsc=0			// enforced lazy: bspstore may be written
	;;
	loadrs				// discard dirty registers (rsc.loadrs=0)
	;;
	mov ar.bspstore=r16
	;;
	mov ar.rsc=3			// eager
	alloc r2=ar.pfs,0,0,1,0
	;;
	br.call.sptk.many b0=main
	;;
	mov r32=r8
	mov r15=66
	;;
	break.m 0x80001
	;;
1:	br.sptk.few 1b
	.endp _start

// long ssc(a0, a1, a2, a3, nr): the caller's outputs are our r32..r36.
	.global ssc
	.proc ssc
ssc:
	mov r15=r36
	;;
	break.m 0x80001
	;;
	br.ret.sptk.many b0
	.endp ssc

// int tsetjmp(unsigned long *b)
	.global tsetjmp
	.proc tsetjmp
tsetjmp:
	alloc r16=ar.pfs,1,0,0,0
	mov r17=b0
	mov r18=pr
	;;
	flushrs
	mov r24=ar.rsc
	;;
	mov r19=ar.bsp
	mov r20=ar.unat
	mov r21=ar.lc
	mov ar.rsc=0			// ar.rnat is readable only in enforced lazy mode
	;;
	mov r22=ar.rnat
	add r23=8,r32
	;;
	mov ar.rsc=r24
	;;
	st8 [r32]=r12,16
	st8 [r23]=r1,16
	;;
	st8 [r32]=r17,16
	st8 [r23]=r16,16
	;;
	st8 [r32]=r19,16
	st8 [r23]=r22,16
	;;
	st8 [r32]=r20,16
	st8 [r23]=r18,16
	;;
	st8 [r32]=r21,16
	st8 [r23]=r4,16
	;;
	st8 [r32]=r5,16
	st8 [r23]=r6,16
	;;
	st8 [r32]=r7
	mov r8=0
	br.ret.sptk.many b0
	.endp tsetjmp

// void tlongjmp(unsigned long *b, int v)
	.global tlongjmp
	.proc tlongjmp
tlongjmp:
	alloc r16=ar.pfs,2,0,0,0
	add r23=8,r32
	;;
	ld8 r12=[r32],16
	ld8 r1=[r23],16
	;;
	ld8 r17=[r32],16
	ld8 r16=[r23],16
	;;
	ld8 r19=[r32],16
	ld8 r22=[r23],16
	;;
	ld8 r20=[r32],16
	ld8 r18=[r23],16
	;;
	ld8 r21=[r32],16
	ld8 r4=[r23],16
	;;
	ld8 r5=[r32],16
	ld8 r6=[r23],16
	;;
	ld8 r7=[r32]
	mov ar.rsc=0
	;;
	loadrs
	;;
	mov ar.bspstore=r19
	;;
	mov ar.rnat=r22
	mov ar.pfs=r16
	mov b0=r17
	;;
	mov ar.unat=r20
	mov ar.lc=r21
	mov pr=r18,-1
	mov ar.rsc=3
	;;
	cmp4.eq p6,p7=0,r33
	;;
	(p6) mov r8=1
	(p7) mov r8=r33
	br.ret.sptk.many b0
	.endp tlongjmp
