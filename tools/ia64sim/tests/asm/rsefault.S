// SPDX-License-Identifier: MIT
// Mandatory RSE references fault like data accesses: flushrs to an
// untranslated backing store takes the alternate data TLB fault (0x1000)
// with isr.rs and isr.w but not isr.ir (a spill), and is restarted after
// the handler's itc.d; br.ret filling from a purged page misses again with
// isr.rs, isr.ir (the mandatory loads of an incomplete frame, SDM vol. 2
// §3.3.5.2) and isr.r; with
// rsc.pl = 3 a spill to a pl-0 page is a data access rights fault (0x5300)
// even at cpl 0.  The registers come back intact each time.
	.include "sys.inc"
	START
	movl r2=ivt
	;;
	mov cr.iva=r2
	movl r2=(1<<8)|(14<<2)		// rr1: rid 1, 16 KiB pages, no VHPT walker
	movl r3=1<<61
	;;
	mov rr[r3]=r2
	mov ar.rsc=r0
	;;
	loadrs
	;;
	mov r17=psr
	;;
	dep r17=-1,r17,13,1		// psr.ic
	;;
	dep r17=-1,r17,17,1		// psr.dt
	;;
	dep r17=-1,r17,27,1		// psr.rt
	;;
	mov psr.l=r17
	;;
	srlz.d
	movl r16=(1<<61)+0x40000	// backing store: untranslated
	;;
	mov ar.bspstore=r16
	mov r4=0
	;;
	alloc r2=ar.pfs,0,4,0,0
	;;
	mov r32=11
	mov r33=22
	mov r34=33
	mov r35=44
	;;
	br.call.sptk.many b0=leaf
	;;
	movl r16=(1<<61)+0x40000
	;;
	adds r17=24,r16
	mov r20=1
	mov r21=2
	mov r22=0x1000
	;;
	CHECK r8, r20, 1		// flushrs: one miss
	CHECK r10, r16, 2		// at the first slot
	CHECK r4, r21, 3		// br.ret: one more
	CHECK r5, r22, 4
	CHECK r6, r17, 5		// at the last register spilled
	extr.u r18=r11,37,2		// isr.rs, isr.ir
	extr.u r19=r11,33,1		// isr.w
	extr.u r23=r7,37,2
	extr.u r24=r7,34,1		// isr.r
	mov r25=3
	;;
	CHECK r18, r20, 6		// spill: rs only
	CHECK r19, r20, 7
	CHECK r23, r25, 8		// fill of the returned-to frame: rs and ir
	CHECK r24, r20, 9
	mov r20=11
	mov r21=22
	mov r22=33
	mov r23=44
	;;
	CHECK r32, r20, 10		// filled back
	CHECK r33, r21, 11
	CHECK r34, r22, 12
	CHECK r35, r23, 13
	PUTC 'm'
	// rsc.pl = 3: the pl-0 page (inserted by the last miss) refuses spills
	mov r2=3<<2
	;;
	mov ar.rsc=r2
	mov r4=0
	mov r32=55
	;;
	br.call.sptk.many b0=leaf2
	;;
	mov r20=1
	mov r21=0x5300
	mov r25=3
	mov r26=55
	;;
	extr.u r18=r7,37,2
	CHECK r4, r20, 14		// one access rights fault
	CHECK r5, r21, 15
	;;
	CHECK r18, r20, 16		// spill: rs only
	CHECK r32, r26, 17
	mov.m r19=ar.rsc
	;;
	CHECK r19, r0, 18		// the handler cleared rsc.pl
	PUTC 'p'
	PUTC 10
	EXIT 0
	FAILEXIT

	.proc leaf
leaf:
	alloc r17=ar.pfs,0,1,0,0
	;;
	flushrs				// miss -> 0x1000 -> itc.d -> restart
	;;
	mov r8=r4
	mov r9=r5
	mov r10=r6
	mov r11=r7
	movl r18=(1<<61)+0x40000
	mov r19=14<<2
	;;
	ptc.l r18,r19			// the fills miss again
	;;
	srlz.d
	mov ar.pfs=r17
	;;
	br.ret.sptk.many b0
	.endp leaf

	.proc leaf2
leaf2:
	alloc r17=ar.pfs,0,1,0,0
	;;
	flushrs				// rights -> 0x5300 -> rsc.pl = 0 -> restart
	;;
	mov ar.pfs=r17
	;;
	br.ret.sptk.many b0
	.endp leaf2

	.align 32768
ivt:
	.org ivt+0x1000			// alternate DTLB: map the 16 KiB page, pl 0, RW
	mov r5=0x1000
	mov r6=cr.ifa
	mov r7=cr.isr
	movl r18=0x2000000|1|(1<<5)|(1<<6)|(2<<9)
	;;
	adds r4=1,r4
	mov r19=14<<2
	;;
	mov cr.itir=r19
	;;
	itc.d r18
	;;
	rfi
	;;
	.org ivt+0x5300			// data access rights: back to rsc.pl 0, retry
	mov r5=0x5300
	mov r6=cr.ifa
	mov r7=cr.isr
	;;
	adds r4=1,r4
	mov ar.rsc=r0
	;;
	rfi
	;;
	.org ivt+0x8000
