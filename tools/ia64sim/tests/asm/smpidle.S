// SPDX-License-Identifier: MIT
// Idle waits on several CPUs (run with --cpus 2 --stats): a forward write of
// ar.itc parks the CPU until its ITC gets there with the other CPUs', or an
// interrupt is pending for it; with every CPU parked, time jumps.  CPU 1
// parks for 1M ticks (it must not spin through them and must wake on
// time), then for 100M ticks, which CPU 0's IPI (vector 0x80) must cut
// short; CPU 0 works 200K instructions and parks for 10M ticks meanwhile.
// At the end both ITCs must agree.  Shared memory at 0x200000: +0 CPU 1's
// first deadline, +8 its polls while parked, +16 its ITC at the first wake,
// +24 its ITC at the second, +32 done, +40 the vector it woke for, +48 its
// second deadline.
	.include "sys.inc"
	START
	alloc r2=ar.pfs,0,0,2,0
	movl r9=0x200000
	movl r32=ap_entry
	mov r33=0
	SSC 256
	movl r2=0xfee01000
	mov r3=0xf0
	;;
	st8 [r2]=r3
	;;
1:	ld8 r10=[r9]			// CPU 1 is parking until r10
	;;
	cmp.eq p6,p0=0,r10
(p6)	br.cond.sptk.few 1b
	mov r3=50000
	;;
2:	adds r3=-1,r3			// work
	;;
	cmp.ne p6,p0=0,r3
(p6)	br.cond.sptk.few 2b
	mov r2=ar.itc
	movl r3=10000000
	;;
	add r11=r2,r3
	;;
	mov ar.itc=r11			// park for 10M ticks
	;;
3:	mov r2=ar.itc
	;;
	cmp.ltu p6,p0=r2,r11
(p6)	br.cond.sptk.few 3b
	adds r3=8,r9
	;;
	ld8 r4=[r3]
	;;
	cmp.ltu p6,p0=20,r4
	;;
(p6)	mov r32=1			// CPU 1 spun instead of parking
(p6)	br.cond.spnt.few fail
	adds r3=16,r9
	;;
	ld8 r5=[r3]
	;;
	cmp.ltu p6,p0=r5,r10
	;;
(p6)	mov r32=2			// it woke before its deadline
(p6)	br.cond.spnt.few fail
	adds r6=3000,r10
	;;
	cmp.ltu p6,p0=r6,r5
	;;
(p6)	mov r32=3			// it woke late
(p6)	br.cond.spnt.few fail
	adds r3=48,r9
	;;
4:	ld8 r12=[r3]			// CPU 1 parks again until r12
	;;
	cmp.eq p6,p0=0,r12
(p6)	br.cond.sptk.few 4b
	movl r2=0xfee01000
	mov r3=0x80
	;;
	st8 [r2]=r3			// the IPI ends its wait
	adds r3=32,r9
	;;
5:	ld8.acq r4=[r3]
	;;
	cmp.eq p6,p0=0,r4
(p6)	br.cond.sptk.few 5b
	mov r13=ar.itc
	adds r3=40,r9
	mov r20=0x80
	;;
	ld8 r4=[r3]
	;;
	CHECK r4, r20, 4		// it woke for the IPI
	adds r3=24,r9
	;;
	ld8 r5=[r3]
	;;
	cmp.ltu p6,p7=r5,r12
	;;
(p7)	mov r32=5			// not before its deadline
(p7)	br.cond.spnt.few fail
	sub r6=r13,r5
	mov r7=5000
	;;
	cmp.ltu p6,p0=r7,r6
	;;
(p6)	mov r32=6			// the two ITCs are far apart
(p6)	br.cond.spnt.few fail
	PUTC 'i'
	PUTC 10
	EXIT 0
	FAILEXIT

ap_entry:
	alloc r2=ar.pfs,0,0,1,0
	movl r9=0x200000
	mov cr.tpr=r0
	;;
	srlz.d
	mov r2=ar.itc
	movl r3=1000000
	;;
	add r10=r2,r3
	;;
	st8 [r9]=r10
	mov ar.itc=r10			// park for 1M ticks
	mov r11=0
	;;
6:	mov r2=ar.itc
	adds r11=1,r11
	;;
	cmp.ltu p6,p0=r2,r10
(p6)	br.cond.sptk.few 6b
	adds r3=8,r9
	;;
	st8 [r3]=r11
	adds r3=16,r9
	;;
	st8 [r3]=r2
	movl r3=100000000
	;;
	add r10=r2,r3
	adds r4=48,r9
	;;
	st8 [r4]=r10
	mov ar.itc=r10			// park for 100M ticks
	;;
7:	mov r5=cr.ivr
	;;
	cmp.ne p6,p0=15,r5
(p6)	br.cond.spnt.few 8f
	mov r2=ar.itc
	;;
	cmp.ltu p6,p0=r2,r10
(p6)	br.cond.sptk.few 7b
8:	mov r2=ar.itc
	adds r3=24,r9
	;;
	st8 [r3]=r2
	adds r3=40,r9
	;;
	st8 [r3]=r5
	mov cr.eoi=r0
	adds r3=32,r9
	mov r4=1
	;;
	st8.rel [r3]=r4
9:	br.cond.sptk.few 9b
	;;
