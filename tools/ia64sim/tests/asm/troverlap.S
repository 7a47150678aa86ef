// SPDX-License-Identifier: MIT
// Translation register inserts (SDM vol. 2 §4.1.1.4, Table 4-1 "Purge
// Behavior of TLB Inserts and Purges"; vol. 3, itr): software must purge a
// translation register with ptr before inserting an overlapping one.
// Re-inserting dtr[0] after ptr.d works ('o'); inserting dtr[1] over a
// range dtr[0] covers is a machine check: the simulator stops (exit 125)
// before printing 'X'.
	.include "sys.inc"
	START
	movl r2=(1<<8)|(14<<2)		// rr1: rid 1, 16 KiB pages
	movl r3=1<<61
	;;
	mov rr[r3]=r2
	movl r12=(1<<61)+0x10000
	mov r13=14<<2
	;;
	mov cr.ifa=r12
	mov cr.itir=r13
	movl r3=0x2000000|1|(1<<5)|(1<<6)|(2<<9)
	mov r2=0
	;;
	itr.d dtr[r2]=r3
	;;
	ptr.d r12,r13			// purged first: the same insert is fine
	;;
	itr.d dtr[r2]=r3
	;;
	PUTC 'o'
	PUTC 10
	mov r13=16<<2			// 64 KiB at +0x10000 covers dtr[0]'s page
	mov r2=1
	;;
	mov cr.itir=r13
	;;
	itr.d dtr[r2]=r3		// machine check
	;;
	PUTC 'X'
	EXIT 0
	FAILEXIT
