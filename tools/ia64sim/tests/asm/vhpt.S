// SPDX-License-Identifier: MIT
// Short-format VHPT walker: with rr.ve and pta.ve set, a TLB miss reads the
// PTE at thash(va) (through a DTR mapping of the VHPT) and inserts it
// without an interruption; a not-present PTE is inserted too and raises
// Page Not Present (0x5000, cr.iha = thash), not a Data TLB fault (SDM
// vol. 2 §4.1.8: after the walker's insert the faults are checked in
// priority order, Page Not Present first); an unmapped VHPT gives the VHPT
// translation fault (0x0000).
	.include "sys.inc"
	START
	movl r2=ivt
	;;
	mov cr.iva=r2
	movl r2=(1<<8)|(14<<2)|1	// rr1: rid 1, 16 KiB, ve
	movl r3=1<<61
	;;
	mov rr[r3]=r2
	movl r2=(2<<8)|(14<<2)|1	// rr2: rid 2, 16 KiB, ve
	movl r3=2<<61
	;;
	mov rr[r3]=r2
	movl r2=0x600000|(15<<2)|1	// pta: base 0x600000, 32 KiB, ve, short format
	;;
	mov cr.pta=r2
	// DTR 0: the region-1 view of the VHPT -> physical 0x600000 (64 KiB page)
	movl r2=(1<<61)+0x600000
	mov r3=16<<2
	;;
	mov cr.ifa=r2
	mov cr.itir=r3
	movl r3=0x600000|1|(1<<5)|(1<<6)|(2<<9)
	mov r2=0
	;;
	itr.d dtr[r2]=r3
	;;
	// PTE for va (1<<61)+0x1234000: slot (0x1234000 >> 14) * 8 = 0x2468
	movl r2=0x600000+0x2468
	movl r3=0x2000000|1|(1<<5)|(1<<6)|(2<<9)
	;;
	st8 [r2]=r3
	movl r2=0x2000000
	movl r3=0x0123456789abcdef
	;;
	st8 [r2]=r3
	ssm 0x2000
	;;
	srlz.d
	ssm 0x20000
	;;
	srlz.d
	mov r4=0
	movl r10=(1<<61)+0x1234000
	;;
	ld8 r8=[r10]			// walker hit: no interruption
	movl r3=0x0123456789abcdef
	;;
	CHECK r8, r3, 1
	CHECK r4, r0, 2
	PUTC 'w'
	// not-present PTE (the VHPT is zero there): page not present with iha
	movl r11=(1<<61)+0x2000000
	;;
	thash r12=r11
	;;
	ld8 r8=[r11]
	mov r20=1
	mov r21=0x5000
	movl r3=0x0123456789abcdef
	;;
	CHECK r4, r20, 3
	CHECK r5, r21, 4
	CHECK r6, r12, 5		// cr.iha = thash(va)
	CHECK r8, r3, 6
	PUTC 'm'
	// region 2: its VHPT addresses are not mapped: VHPT translation fault
	movl r13=(2<<61)+0x40000
	;;
	ld8 r8=[r13]
	mov r20=2
	;;
	CHECK r4, r20, 7
	CHECK r5, r0, 8
	CHECK r8, r3, 9
	PUTC 'v'
	PUTC 10
	EXIT 0
	FAILEXIT

	.align 32768
ivt:					// 0x0000 VHPT translation: map ifa directly
	mov r5=0
	br.sptk.few map
	;;
	.org ivt+0x0800			// data TLB (walker found no PTE)
	mov r5=0x0800
	mov r6=cr.iha
	br.sptk.few map
	;;
	.org ivt+0x1000
map:	movl r18=0x2000000|1|(1<<5)|(1<<6)|(2<<9)
	mov r19=14<<2
	;;
	adds r4=1,r4
	mov cr.itir=r19
	;;
	itc.d r18			// replaces the not-present entry
	;;
	rfi
	;;
	.org ivt+0x5000			// page not present (walker inserted p=0)
	mov r5=0x5000
	mov r6=cr.iha
	br.sptk.few map
	;;
	.org ivt+0x8000
