// SPDX-License-Identifier: MIT
// A guest drives ia64sim's virtio-net (--net, --mac 52:54:00:12:34:57):
// the boot table lists it, the driver negotiates VERSION_1 and MAC, reads
// the MAC from the configuration space, posts a receive buffer, sends a
// 60-byte frame (bytes 0..59, without a completion interrupt) and waits, interrupts on, for vector 0x41:
// system.py's peer checks the framed frame and answers with a 42-byte
// frame of bytes 100..141, which must land in the receive buffer after
// the 12-byte header.
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
	BASE = 0x10000010000
	RXDESC = 0x200000
	RXAVAIL = 0x201000
	RXUSED = 0x202000
	TXDESC = 0x204000
	TXAVAIL = 0x205000
	TXUSED = 0x206000
	RXBUF = 0x208000
	TXBUF = 0x20a000

	START
	adds r2=48,r28			// boot table: one device
	;;
	ld8 r8=[r2],8
	mov r9=1
	;;
	CHECK r8, r9, 1
	ld8 r10=[r2]
	;;
	ld8 r8=[r10],16
	movl r9=BASE
	;;
	CHECK r8, r9, 2
	ld8 r8=[r10]			// vector 0x41, device id 1
	movl r9=0x100000041
	;;
	CHECK r8, r9, 3
	POKE 4, BASE+0x70, 0
	POKE 4, BASE+0x70, 3
	POKE 4, BASE+0x24, 0
	POKE 4, BASE+0x20, 0x20		// VIRTIO_NET_F_MAC
	POKE 4, BASE+0x24, 1
	POKE 4, BASE+0x20, 1		// VIRTIO_F_VERSION_1
	POKE 4, BASE+0x70, 11
	PEEK 4, BASE+0x70, r8
	mov r9=11
	;;
	CHECK r8, r9, 4
	PEEK 1, BASE+0x105, r8		// mac[5]
	mov r9=0x57
	;;
	CHECK r8, r9, 5
	POKE 4, BASE+0x30, 0		// receive queue
	POKE 4, BASE+0x38, 8
	POKE 4, BASE+0x80, RXDESC
	POKE 4, BASE+0x90, RXAVAIL
	POKE 4, BASE+0xa0, RXUSED
	POKE 4, BASE+0x44, 1
	POKE 4, BASE+0x30, 1		// transmit queue
	POKE 4, BASE+0x38, 8
	POKE 4, BASE+0x80, TXDESC
	POKE 4, BASE+0x90, TXAVAIL
	POKE 4, BASE+0xa0, TXUSED
	POKE 4, BASE+0x44, 1
	POKE 4, BASE+0x70, 15		// DRIVER_OK
	POKE 8, RXDESC, RXBUF		// one 1526-byte receive buffer
	POKE 4, RXDESC+8, 1526
	POKE 2, RXDESC+12, 2		// WRITE
	POKE 2, RXAVAIL+2, 1
	POKE 4, BASE+0x50, 0
	movl r20=TXBUF+12		// the frame: bytes 0..59 after the header
	mov r21=0
	mov r22=60
	;;
1:	st1 [r20]=r21,1
	adds r21=1,r21
	;;
	cmp.ltu p6,p0=r21,r22
(p6)	br.cond.sptk.few 1b
	;;
	POKE 8, TXDESC, TXBUF
	POKE 4, TXDESC+8, 72
	POKE 2, TXAVAIL, 1		// VIRTQ_AVAIL_F_NO_INTERRUPT: no interrupt for sends
	POKE 2, TXAVAIL+2, 1
	movl r2=ivt
	;;
	mov cr.iva=r2
	mov cr.tpr=r0
	mov r4=0
	;;
	ssm 0x6000			// psr.ic, psr.i
	;;
	srlz.d
	POKE 4, BASE+0x50, 1		// send
	PEEK 2, TXUSED+2, r8
	mov r9=1
	;;
	CHECK r8, r9, 6			// the frame left at the notify
2:	cmp.eq p6,p0=0,r4		// wait for the answer (the runner's timeout bounds it)
(p6)	br.cond.sptk.few 2b
	;;
	PEEK 2, RXUSED+2, r8
	mov r9=1
	;;
	CHECK r8, r9, 7
	PEEK 4, RXUSED+8, r8		// used length: header + 42
	mov r9=54
	;;
	CHECK r8, r9, 8
	PEEK 2, RXBUF+10, r8		// num_buffers
	mov r9=1
	;;
	CHECK r8, r9, 9
	PEEK 1, RXBUF+12, r8
	mov r9=100
	;;
	CHECK r8, r9, 10
	PEEK 1, RXBUF+53, r8
	mov r9=141
	;;
	CHECK r8, r9, 11
	mov r9=0x41
	;;
	CHECK r5, r9, 12
	PUTC 'n'
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
	;;
	st4 [r17]=r6			// InterruptACK
	and r6=1,r6
	;;
	add r4=r4,r6			// count used-buffer interrupts
	mov cr.eoi=r0
	;;
	rfi
	;;
	.org ivt+0x8000
