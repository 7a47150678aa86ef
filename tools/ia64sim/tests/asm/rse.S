// SPDX-License-Identifier: MIT
// Register stack engine: ar.bsp arithmetic across a NaT collection slot,
// flushrs writes the registers and the collection (with a NaT bit), and
// br.ret fills the caller's frame back, NaT included.
	.include "sys.inc"
	START
	mov ar.rsc=0
	;;
	loadrs				// rsc.loadrs = 0: no dirty registers
	;;
	movl r16=0x400000+62*8		// backing store starts at slot 62
	;;
	mov ar.bspstore=r16
	;;
	alloc r2=ar.pfs,0,3,1,0
	movl r10=0xffffffffff000000	// no memory there
	;;
	ld8.s r32=[r10]			// NaT
	mov r33=22
	mov r34=33
	mov r35=r16
	;;
	br.call.sptk.many b0=leaf
	;;
	movl r3=0x400000+0x210		// 62 + 3 registers + the collection slot
	;;
	CHECK r8, r3, 1			// ar.bsp in the callee
	CHECK r9, r3, 2			// ar.bspstore after flushrs
	movl r11=0x4001f8
	;;
	ld8 r12=[r11]			// NaT collection: bit 62 for r32
	movl r13=0x400200
	;;
	ld8 r14=[r13]			// r33 spilled after the collection slot
	mov r20=22
	mov r21=33
	;;
	extr.u r12=r12,62,1
	mov r22=1
	;;
	CHECK r12, r22, 3
	CHECK r14, r20, 4
	CHECK r33, r20, 5		// filled back
	CHECK r34, r21, 6
	tnat.nz p6,p7=r32
	;;
(p7)	mov r32=7
(p7)	br.cond.spnt.few fail
	mov r32=0
	mov.m r15=ar.bsp
	;;
	CHECK r15, r16, 8		// caller's bsp is back at the start
	PUTC 'r'
	PUTC 10
	EXIT 0
	FAILEXIT

	.proc leaf
leaf:
	alloc r17=ar.pfs,1,2,0,0
	;;
	mov.m r8=ar.bsp
	;;
	flushrs
	;;
	mov.m r9=ar.bspstore
	mov ar.pfs=r17
	;;
	br.ret.sptk.many b0
	.endp leaf
