// SPDX-License-Identifier: MIT
// TLB miss handling: with psr.dt on, a load from an unmapped region-1
// address takes the alternate data TLB fault (vector 0x1000); the handler
// inserts a translation with itc.d and the load is retried.  Then the same
// is done for instruction fetch with psr.it (alternate ITLB, 0x0c00), and a
// translation register (itr.d) is tested with a not-present page (the
// handler purges it with ptr.d before inserting it again).
	.include "sys.inc"
	START
	movl r2=ivt
	;;
	mov cr.iva=r2
	movl r2=(1<<8)|(14<<2)		// rr1: rid 1, 16 KiB pages, no VHPT walker
	movl r3=1<<61
	;;
	mov rr[r3]=r2
	;;
	movl r2=0x2000000		// physical page with a known value
	movl r3=0x1122334455667788
	;;
	st8 [r2]=r3
	ssm 0x2000			// psr.ic
	;;
	srlz.d
	ssm 0x20000			// psr.dt
	;;
	srlz.d
	mov r4=0
	movl r10=(1<<61)+0x1234000	// virtual, maps to 0x2000000 - 0x1234000 offset below
	;;
	ld8 r8=[r10]			// miss -> handler -> retry
	;;
	ld8 r9=[r10]			// hit
	movl r3=0x1122334455667788
	mov r20=1
	mov r21=0x1000
	;;
	CHECK r8, r3, 1
	CHECK r9, r3, 2
	CHECK r4, r20, 3		// exactly one miss
	CHECK r5, r21, 4		// vector
	CHECK r6, r10, 5		// cr.ifa
	PUTC 'd'
	// tpa gives the physical address
	tpa r11=r10
	movl r3=0x2000000
	;;
	CHECK r11, r3, 6
	// translation register, not present: page-not-present fault (0x5000)
	movl r2=(2<<61)
	movl r3=(2<<8)|(14<<2)
	;;
	mov rr[r2]=r3
	;;
	movl r12=(2<<61)+0x4000
	;;
	rsm 0x2000			// itr needs psr.ic = 0
	;;
	srlz.d
	mov cr.ifa=r12
	movl r3=14<<2
	;;
	mov cr.itir=r3
	movl r3=0x2000000|(1<<5)|(1<<6)|(2<<9)	// p=0, a, d, ar=RW
	mov r2=1
	;;
	itr.d dtr[r2]=r3
	;;
	ssm 0x2000
	;;
	srlz.d
	mov r4=0
	;;
	ld8 r8=[r12]			// not present -> 0x5000, handler sets p=1
	;;
	mov r21=0x5000
	movl r3=0x1122334455667788
	;;
	CHECK r5, r21, 7
	CHECK r8, r3, 8
	PUTC 'r'
	// access rights: a read-only page (ar=0) written -> 0x5300; a RW page
	// with d=0 written -> dirty bit 0x2000 (both handlers skip the bundle)
	rsm 0x2000
	;;
	srlz.d
	movl r12=(2<<61)+0x8000
	mov r3=14<<2
	;;
	mov cr.ifa=r12
	mov cr.itir=r3
	movl r3=0x2004000|1|(1<<5)|(1<<6)|(0<<9)	// p, a, d, ar=R
	mov r2=2
	;;
	itr.d dtr[r2]=r3
	;;
	movl r13=(2<<61)+0xc000
	;;
	mov cr.ifa=r13
	movl r3=0x2008000|1|(1<<5)|(2<<9)		// p, a, ar=RW, d=0
	mov r2=3
	;;
	itr.d dtr[r2]=r3
	;;
	ssm 0x2000
	;;
	srlz.d
	mov r4=0
	mov r5=0
	;;
	{ .mii
	st8 [r12]=r0
	nop.i 0
	nop.i 0
	;;
	}
	mov r21=0x5300
	mov r20=1
	;;
	CHECK r5, r21, 13
	CHECK r6, r12, 14		// cr.ifa
	{ .mii
	st8 [r13]=r0
	nop.i 0
	nop.i 0
	;;
	}
	mov r21=0x2000
	mov r20=2
	;;
	CHECK r5, r21, 15
	CHECK r4, r20, 16
	ld8 r14=[r12]			// reading the R page is fine
	ld8 r14=[r13]
	;;
	CHECK r4, r20, 17
	PUTC 'a'
	// instruction side: jump to a virtual alias of code with psr.it
	movl r2=(3<<61)
	movl r3=(3<<8)|(14<<2)
	;;
	mov rr[r2]=r3
	;;
	// the IVT and this code stay reachable with psr.it: itr.i for region 0,
	// 64 KiB identity page at 0x100000 (psr.ic is 0 around itr)
	rsm 0x2000
	;;
	srlz.d
	movl r2=0x100000
	mov r3=16<<2
	;;
	mov cr.ifa=r2
	mov cr.itir=r3
	movl r3=0x100000|1|(1<<5)|(1<<6)|(3<<9)
	mov r2=0
	;;
	itr.i itr[r2]=r3
	;;
	srlz.i
	mov r4=0
	movl r2=virt_code - 0x100000 + (3<<61)	// code page mapped at region 3
	;;
	mov b6=r2
	;;
	rsm 0x2000
	;;
	srlz.d
	mov r17=psr
	;;
	dep r17=-1,r17,36,1		// ipsr.it
	dep r17=-1,r17,13,1		// ipsr.ic
	mov r18=2
	;;
	dep r17=r18,r17,41,2		// ipsr.ri = 2: resume at slot 2
	mov r9=0x55
	;;
	mov cr.ipsr=r17
	mov cr.iip=r2
	mov cr.ifs=r0
	;;
	rfi
	;;
	// The rfi resumes at slot 2 of a bundle not in the TLB: the fetch
	// faults with IPSR.ri = 2 (SDM vol. 2 3.3.5: ipsr.ri is the slot the
	// faulting instruction is in), and slots 0 and 1 never run.
	.align 16
virt_code:
	{ .mii
	mov r9=0x66
	mov r9=0x77
	mov r10=0x88
	;;
	}
	mov r20=1
	mov r21=0x0c00
	mov r22=0x55
	;;
	CHECK r4, r20, 10		// one instruction TLB miss
	CHECK r5, r21, 11
	CHECK r9, r22, 12		// slots 0 and 1 skipped
	extr.u r7=r7,41,2
	mov r20=2
	mov r22=0x88
	;;
	CHECK r7, r20, 18		// the fault's ipsr.ri
	CHECK r10, r22, 19		// slot 2 ran
	PUTC 'i'
	PUTC 10
	EXIT 0
	FAILEXIT

	.align 32768
ivt:
	.org ivt+0x0c00			// alternate ITLB: map 16 KiB (region 3 -> phys 0x100000)
	mov r5=0x0c00
	mov r7=cr.ipsr
	mov r16=cr.ifa
	movl r18=0x100000|1|(1<<5)|(1<<6)|(3<<9)	// p, a, d, ar=RWX
	;;
	adds r4=1,r4
	mov r19=14<<2
	;;
	mov cr.itir=r19
	;;
	itc.i r18
	;;
	rfi
	;;
	.org ivt+0x1000			// alternate DTLB
	mov r5=0x1000
	mov r6=cr.ifa
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
	.org ivt+0x2000			// dirty bit: skip the bundle
	mov r5=0x2000
	br.sptk.few skip
	;;
	.org ivt+0x5000			// page not present: purge dtr[1], insert it present
	mov r5=0x5000
	mov r16=cr.ifa
	mov r17=14<<2
	;;
	ptr.d r16,r17			// an overlapping itr is a machine check
	;;
	movl r18=0x2000000|1|(1<<5)|(1<<6)|(2<<9)
	mov r19=1
	;;
	itr.d dtr[r19]=r18
	;;
	rfi
	;;
	.org ivt+0x5300			// data access rights: skip the bundle
	mov r5=0x5300
	mov r6=cr.ifa
	br.sptk.few skip
	;;
	.org ivt+0x5400
skip:	mov r18=cr.iip
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
