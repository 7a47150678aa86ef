// SPDX-License-Identifier: MIT
// A guest drives ia64sim's virtio-blk (--disk, sector i of the file holds
// byte i) through ld4/st4 to its registers in physical mode: the boot
// table lists the device, the driver negotiates VIRTIO_F_VERSION_1, sets
// up queue 0 and reads sector 3 with interrupts off (vector 0x40 must be
// pending in cr.irr1 and drop when the interrupt status is acknowledged),
// then writes the buffer to sector 5 with interrupts on (the handler sees
// vector 0x40 and interrupt status 1; it leaves the status unacknowledged
// the first time, so the level-triggered line interrupts again after eoi); last, a load and a store reach the
// registers through a data translation register (psr.dt).  system.py
// checks sector 5 after.
	.include "sys.inc"
	.macro POKE sz, addr, val
	movl r2=\addr
	movl r3=\val
	;;
	st\sz [r2]=r3
	;;
	.endm
	.macro PEEK sz, addr, reg
	movl r2=\addr
	;;
	ld\sz \reg=[r2]
	;;
	.endm
	BASE = 0x10000000000
	DESC = 0x200000
	AVAIL = 0x201000
	USED = 0x202000
	HDR = 0x203000
	STATUS = 0x203080
	DATA = 0x203100

	START
	adds r2=32,r28			// with a command line: a misaligned register
	;;				// load, which must stop the simulator (125)
	ld8 r8=[r2]
	;;
	cmp.ne p6,p0=0,r8
	movl r9=BASE+2
	;;
(p6)	ld4 r8=[r9]
	;;
	PEEK 4, BASE, r8		// magic (no --disk: the simulator stops here)
	movl r9=0x74726976
	;;
	CHECK r8, r9, 1
	PEEK 4, BASE+4, r8		// version 2
	mov r9=2
	;;
	CHECK r8, r9, 2
	PEEK 4, BASE+8, r8		// device id 2 (block)
	CHECK r8, r9, 3
	adds r2=48,r28			// boot table: one device, listed at [56]
	;;
	ld8 r8=[r2],8
	mov r9=1
	;;
	CHECK r8, r9, 4
	ld8 r10=[r2]
	;;
	ld8 r8=[r10],16			// its base
	movl r9=BASE
	;;
	CHECK r8, r9, 5
	ld8 r8=[r10]			// vector | device id << 32
	movl r9=0x200000040
	;;
	CHECK r8, r9, 6
	// virtio 1.2 §3.1.1: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK
	POKE 4, BASE+0x70, 0
	POKE 4, BASE+0x70, 1
	POKE 4, BASE+0x70, 3
	POKE 4, BASE+0x24, 1		// DriverFeaturesSel 1: bit 32 VERSION_1
	POKE 4, BASE+0x20, 1
	POKE 4, BASE+0x70, 11
	PEEK 4, BASE+0x70, r8
	mov r9=11
	;;
	CHECK r8, r9, 7
	POKE 4, BASE+0x30, 0		// queue 0: 8 entries
	POKE 4, BASE+0x38, 8
	POKE 4, BASE+0x80, DESC
	POKE 4, BASE+0x90, AVAIL
	POKE 4, BASE+0xa0, USED
	POKE 4, BASE+0x44, 1
	POKE 4, BASE+0x70, 15		// DRIVER_OK
	// request 1: IN, sector 3, 512 bytes
	POKE 8, DESC, HDR
	POKE 4, DESC+8, 16
	POKE 2, DESC+12, 1		// NEXT
	POKE 2, DESC+14, 1
	POKE 8, DESC+16, DATA
	POKE 4, DESC+24, 512
	POKE 2, DESC+28, 3		// NEXT | WRITE
	POKE 2, DESC+30, 2
	POKE 8, DESC+32, STATUS
	POKE 4, DESC+40, 1
	POKE 2, DESC+44, 2		// WRITE
	POKE 4, HDR, 0			// VIRTIO_BLK_T_IN
	POKE 8, HDR+8, 3
	POKE 1, STATUS, 0xee
	POKE 2, AVAIL+4, 0
	POKE 2, AVAIL+2, 1
	movl r2=ivt
	;;
	mov cr.iva=r2
	mov cr.tpr=r0
	;;
	ssm 0x2000			// psr.ic, psr.i still 0
	;;
	srlz.d
	mov r4=0
	POKE 4, BASE+0x50, 0		// QueueNotify 0
	PEEK 1, STATUS, r8
	CHECK r8, r0, 8			// VIRTIO_BLK_S_OK
	PEEK 1, DATA+511, r8
	mov r9=3
	;;
	CHECK r8, r9, 9			// sector 3 holds 3s
	PEEK 2, USED+2, r8
	mov r9=1
	;;
	CHECK r8, r9, 10
	mov r8=cr.irr1
	;;
	and r8=1,r8			// vector 0x40 pending
	;;
	CHECK r8, r9, 11
	POKE 4, BASE+0x64, 1		// acknowledge: the line drops
	mov r8=cr.irr1
	;;
	and r8=1,r8
	;;
	CHECK r8, r0, 12
	// request 2: OUT, sector 5, the same buffer, taken by the interrupt
	POKE 4, HDR, 1
	POKE 8, HDR+8, 5
	POKE 2, DESC+28, 1		// NEXT, device-readable
	POKE 1, STATUS, 0xee
	POKE 2, AVAIL+6, 0
	POKE 2, AVAIL+2, 2
	ssm 0x4000			// psr.i
	;;
	srlz.d
	POKE 4, BASE+0x50, 0
	mov r3=10000
	;;
1:	cmp.eq p6,p0=2,r4
(p6)	br.cond.spnt.few 2f
	adds r3=-1,r3
	;;
	cmp.ne p6,p0=0,r3
(p6)	br.cond.sptk.few 1b
	;;
2:	mov r9=1
	mov r10=0x40
	mov r11=2
	;;
	CHECK r4, r11, 13		// two interrupts: level-triggered
	CHECK r5, r10, 14		// vector 0x40
	CHECK r6, r9, 15		// interrupt status: used buffer
	PEEK 1, STATUS, r8
	CHECK r8, r0, 16
	// the registers through a translation: dtr[0] maps a 64 KiB page of
	// region 3 uncacheable onto BASE; a store selects the features' high
	// word and a load reads VERSION_1 back
	rsm 0x6000			// itr needs psr.ic = 0; psr.i off
	;;
	srlz.d
	movl r2=3<<61
	movl r3=(3<<8)|(16<<2)		// rr3: rid 3, 64 KiB pages
	;;
	mov rr[r2]=r3
	movl r12=(3<<61)+0x40000
	;;
	mov cr.ifa=r12
	mov r3=16<<2
	;;
	mov cr.itir=r3
	movl r3=BASE|1|(4<<2)|(1<<5)|(1<<6)|(2<<9)	// p, ma UC, a, d, ar RW
	mov r2=0
	;;
	itr.d dtr[r2]=r3
	;;
	srlz.d
	ssm 0x20000			// psr.dt
	;;
	srlz.d
	ld4 r8=[r12]			// magic
	adds r13=0x14,r12		// DeviceFeaturesSel
	mov r3=1
	;;
	st4 [r13]=r3
	adds r13=0x10,r12		// DeviceFeatures: bit 32 -> bit 0
	;;
	ld4 r10=[r13]
	rsm 0x20000
	;;
	srlz.d
	movl r9=0x74726976
	;;
	CHECK r8, r9, 17
	and r10=1,r10
	mov r9=1
	;;
	CHECK r10, r9, 18
	PUTC 'v'
	PUTC 10
	EXIT 0
	FAILEXIT

	.align 32768
ivt:
	.org ivt+0x3000
	mov r5=cr.ivr
	movl r16=BASE+0x60
	;;
	ld4 r6=[r16]
	adds r17=4,r16
	cmp.ne p6,p0=0,r4		// the first time the line is left high:
	;;				// after cr.eoi it must come back
(p6)	st4 [r17]=r6			// InterruptACK
	adds r4=1,r4
	;;
	mov cr.eoi=r0
	;;
	rfi
	;;
	.org ivt+0x8000
