// SPDX-License-Identifier: MIT
// Several CPUs (run with --cpus 2): the boot table's CPU table; an AP
// wake-up before the boot rendezvous is set is refused and the AP stays
// in the firmware; SSC 256 refuses a bad ip; the wake-up IPI (vector 0xf0
// through the processor interrupt block) starts CPU 1 at the rendezvous ip
// with the given gp; an IPI from CPU 0 reaches CPU 1's IVT, whose handler
// answers with an IPI back to CPU 0; IPIs to a missing CPU, in a mode other
// than INT or with a vector below 16 are dropped.  Shared memory at 0x200000:
// +0 the AP's cr.lid, +8 the vector the AP's handler read, +24 the AP's r1.
	.include "sys.inc"
	.macro PIB reg, cpu
	movl \reg=0xfee00000 + (\cpu << 12)
	.endm
	START
	alloc r2=ar.pfs,0,0,2,0
	movl r9=0x200000
	movl r2=0x10d00
	;;
	ld8 r3=[r2],8
	mov r20=2
	;;
	CHECK r3, r20, 1		// nr_cpus
	ld8 r3=[r2],8
	mov r20=0xf0
	;;
	CHECK r3, r20, 2		// the AP wake-up vector
	ld8 r3=[r2],8
	;;
	CHECK r3, r0, 3			// cpu 0's lid
	ld8 r3=[r2]
	movl r20=0x1000000
	;;
	CHECK r3, r20, 4		// cpu 1's lid: id 1, eid 0
	mov r3=cr.lid
	;;
	CHECK r3, r0, 5			// this is cpu 0
	// a wake-up before the rendezvous is set: the AP stays in the firmware
	PIB r2, 1
	mov r3=0xf0
	;;
	st8 [r2]=r3
	mov r3=20000
	;;
1:	adds r3=-1,r3
	;;
	cmp.ne p6,p0=0,r3
(p6)	br.cond.sptk.few 1b
	ld8 r3=[r9]
	;;
	CHECK r3, r0, 6
	// a rendezvous ip that is not a bundle: refused with -1
	mov r32=0x1234
	mov r33=0
	SSC 256
	mov r20=-1
	;;
	CHECK r8, r20, 7
	movl r32=ap_entry
	movl r33=0x5a5a
	SSC 256
	;;
	CHECK r8, r0, 8
	movl r2=ivt
	;;
	mov cr.iva=r2
	mov cr.tpr=r0
	;;
	ssm 0x6000			// psr.ic, psr.i
	;;
	srlz.d
	// the wake-up
	PIB r2, 1
	mov r3=0xf0
	;;
	st8 [r2]=r3
	mov r3=1000000
	;;
2:	ld8 r10=[r9]
	adds r3=-1,r3
	;;
	cmp.eq p6,p0=0,r10
	cmp.ne p7,p0=0,r3
	;;
(p6)	br.cond.sptk.few 2b
	;;
	movl r20=0x1000000
	;;
	CHECK r10, r20, 9		// the AP ran and stored its lid
	adds r2=24,r9
	movl r20=0x5a5a
	;;
	ld8 r3=[r2]
	;;
	CHECK r3, r20, 10		// with the gp of the rendezvous
	// IPI 0x80 to cpu 1; its handler answers with 0x81 to cpu 0
	PIB r2, 1
	mov r3=0x80
	;;
	st8 [r2]=r3
	mov r3=1000000
	;;
3:	cmp.eq p6,p0=0,r4
	adds r3=-1,r3
	;;
	cmp.ne p7,p0=0,r3
	;;
(p6)	br.cond.sptk.few 3b
	;;
	mov r20=1
	mov r21=0x81
	;;
	CHECK r4, r20, 11		// one interrupt on cpu 0
	CHECK r5, r21, 12		// cr.ivr: the AP's answer
	adds r2=8,r9
	mov r20=0x80
	;;
	ld8 r3=[r2]
	;;
	CHECK r3, r20, 13		// the AP's handler saw 0x80
	// an IPI to a processor that does not exist, one in NMI delivery mode
	// (4), one with a vector below 16: dropped with a message
	PIB r2, 5
	mov r3=0x80
	;;
	st8 [r2]=r3
	PIB r2, 1
	mov r3=0x480
	;;
	st8 [r2]=r3
	mov r3=2
	;;
	st8 [r2]=r3
	mov r3=20000
	;;
5:	adds r3=-1,r3
	;;
	cmp.ne p6,p0=0,r3
(p6)	br.cond.sptk.few 5b
	adds r2=8,r9
	mov r20=0x80
	mov r21=1
	;;
	ld8 r3=[r2]
	;;
	CHECK r3, r20, 14		// the AP took nothing more
	CHECK r4, r21, 15		// nor did cpu 0
	PUTC 's'
	PUTC 10
	EXIT 0
	FAILEXIT

	// cpu 1: physical mode, bank 1, gp in r1, from the rendezvous
ap_entry:
	alloc r2=ar.pfs,0,0,1,0
	movl r9=0x200000
	mov r2=cr.lid
	;;
	adds r3=24,r9
	movl r10=ivt_ap
	;;
	st8 [r3]=r1
	mov cr.iva=r10
	mov cr.tpr=r0
	;;
	ssm 0x6000
	;;
	srlz.d
	st8 [r9]=r2
4:	br.cond.sptk.few 4b
	;;

	.align 32768
ivt:
	.org ivt+0x3000
	mov r5=cr.ivr
	;;
	adds r4=1,r4
	;;
	mov cr.eoi=r0
	;;
	rfi
	;;
	.org ivt+0x8000
ivt_ap:
	.org ivt_ap+0x3000
	mov r16=cr.ivr
	adds r17=8,r9
	movl r18=0xfee00000		// cpu 0
	mov r19=0x81
	;;
	st8 [r17]=r16
	st8 [r18]=r19
	;;
	mov cr.eoi=r0
	;;
	rfi
	;;
	.org ivt_ap+0x8000
