// SPDX-License-Identifier: MIT
// TLB shootdown across CPUs (run with --cpus 2): CPU 1 runs with psr.dt on
// and fills its data TLB on demand (alternate data TLB fault, 0x1000: an
// identity translation of region 1, 16 KiB pages); CPU 0, in physical mode,
// purges the page CPU 1 uses with ptc.g, so CPU 1's next load of it must
// miss again (with ptc.l, a purge of CPU 0's own TLB only, it would not).
// Shared memory, physical 0x200000 (virtual (1<<61)+0x200000 on CPU 1):
// +0 CPU 1 is ready, +8 CPU 0 purged, +16 CPU 1's misses of the page
// after the purge, +24 done.  The page: physical 0x400000.
	.include "sys.inc"
	START
	alloc r2=ar.pfs,0,0,2,0
	movl r2=(1<<8)|(14<<2)		// rr1: rid 1, 16 KiB pages, no VHPT walker
	movl r3=1<<61
	;;
	mov rr[r3]=r2			// the purge names rid 1 through this rr
	movl r9=0x200000
	movl r32=ap_entry
	mov r33=0
	SSC 256
	movl r2=0xfee01000
	mov r3=0xf0
	;;
	st8 [r2]=r3			// wake CPU 1
	;;
1:	ld8 r3=[r9]			// wait until it has the page in its TLB
	;;
	cmp.eq p6,p0=0,r3
(p6)	br.cond.sptk.few 1b
	movl r10=(1<<61)+0x400000
	mov r2=14<<2
	;;
	ptc.g r10,r2
	;;
	srlz.d
	adds r11=8,r9
	mov r3=1
	;;
	st8.rel [r11]=r3		// tell CPU 1
	adds r11=24,r9
	;;
2:	ld8.acq r3=[r11]
	;;
	cmp.eq p6,p0=0,r3
(p6)	br.cond.sptk.few 2b
	adds r11=16,r9
	mov r20=1
	;;
	ld8 r3=[r11]
	;;
	CHECK r3, r20, 1		// exactly one more miss on CPU 1
	PUTC 'g'
	PUTC 10
	EXIT 0
	FAILEXIT

ap_entry:
	alloc r2=ar.pfs,0,0,1,0
	movl r2=(1<<8)|(14<<2)
	movl r3=1<<61
	;;
	mov rr[r3]=r2
	movl r2=ivt
	;;
	mov cr.iva=r2
	;;
	ssm 0x2000			// psr.ic
	;;
	srlz.d
	ssm 0x20000			// psr.dt
	;;
	srlz.d
	mov r4=0
	movl r9=(1<<61)+0x200000
	movl r10=(1<<61)+0x400000
	;;
	ld8 r8=[r10]			// miss: now in the TLB
	;;
	ld8 r8=[r10]			// hit
	mov r3=1
	;;
	st8.rel [r9]=r3			// ready
	adds r11=8,r9
	;;
3:	ld8.acq r3=[r11]		// wait for the purge
	;;
	cmp.eq p6,p0=0,r3
(p6)	br.cond.sptk.few 3b
	mov r5=r4
	;;
	ld8 r8=[r10]			// must miss again
	;;
	sub r3=r4,r5
	adds r11=16,r9
	;;
	st8 [r11]=r3
	adds r11=24,r9
	mov r3=1
	;;
	st8.rel [r11]=r3
4:	br.cond.sptk.few 4b
	;;

	.align 32768
ivt:
	.org ivt+0x1000			// alternate data TLB: identity, region 1
	mov r16=cr.ifa
	movl r17=0x1fffffffffffc000
	;;
	and r18=r16,r17
	movl r19=1|(1<<5)|(1<<6)|(2<<9)	// p, a, d, ar RW
	mov r20=14<<2
	;;
	or r18=r18,r19
	mov cr.itir=r20
	;;
	itc.d r18
	;;
	adds r4=1,r4
	;;
	rfi
	;;
	.org ivt+0x8000
