// SPDX-License-Identifier: MIT
// Atomic operations across CPUs (run with --cpus 4): CPU 0 wakes CPUs 1-3
// at `worker` and joins them; each CPU adds 1, N times, to three shared
// counters: with fetchadd8.acq, with an ld8 / cmpxchg8.acq retry loop and
// with a plain ld8 / adds / st8.  The first two must end at exactly 4N
// (exit status 1, 2 otherwise); the plain one loses updates only when the
// CPUs interleave inside its ld8 .. st8 window, so it prints '<' with a small
// --quantum and '=' when each CPU's whole loop fits in one quantum.  Then it
// prints the plain counter in hex, so runs can be compared for repeatability.
// Shared memory at 0x200000: +0 fetchadd, +8 cmpxchg, +16 plain, +24 done.
	.include "sys.inc"
	N = 2000
	START
	alloc r2=ar.pfs,0,0,2,0
	movl r32=worker
	mov r33=0
	SSC 256
	movl r2=0xfee01000
	mov r3=0xf0
	;;
	st8 [r2]=r3
	movl r2=0xfee02000
	;;
	st8 [r2]=r3
	movl r2=0xfee03000
	;;
	st8 [r2]=r3
	;;
worker:
	movl r9=0x200000
	mov r10=N
	;;
	adds r12=8,r9
	adds r16=16,r9
	adds r18=24,r9
	;;
1:	fetchadd8.acq r11=[r9],1
	;;
2:	ld8 r13=[r12]
	;;
	mov ar.ccv=r13
	adds r14=1,r13
	;;
	cmpxchg8.acq r15=[r12],r14,ar.ccv
	;;
	cmp.ne p6,p0=r15,r13
(p6)	br.cond.spnt.few 2b
	ld8 r17=[r16]
	;;
	adds r17=1,r17
	;;
	st8 [r16]=r17
	adds r10=-1,r10
	;;
	cmp.ne p6,p0=0,r10
(p6)	br.cond.sptk.few 1b
	;;
	fetchadd8.rel r19=[r18],1
	mov r20=cr.lid
	;;
	cmp.ne p6,p0=0,r20
(p6)	br.cond.sptk.few park
	;;
3:	ld8.acq r19=[r18]
	;;
	cmp.ne p6,p0=4,r19
(p6)	br.cond.sptk.few 3b
	;;
	movl r20=4*N
	ld8 r3=[r9]
	;;
	CHECK r3, r20, 1
	ld8 r3=[r12]
	;;
	CHECK r3, r20, 2
	ld8 r17=[r16]
	;;
	cmp.eq p6,p7=r17,r20
	;;
(p6)	mov r32='='
(p7)	mov r32='<'
	SSC 31
	mov r21=60
	;;
4:	shr.u r22=r17,r21
	;;
	and r22=15,r22
	;;
	cmp.ltu p6,p7=9,r22
	;;
(p6)	adds r32=87,r22
(p7)	adds r32=48,r22
	SSC 31
	adds r21=-4,r21
	;;
	cmp.le p6,p0=0,r21
(p6)	br.cond.sptk.few 4b
	PUTC 10
	EXIT 0
park:
	br.cond.sptk.few park
	;;
	FAILEXIT
