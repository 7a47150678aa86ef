// SPDX-License-Identifier: MIT
// SSC calls: getchar (21) is non-blocking, so wait (polling) for the first
// byte, then echo stdin until none is ready (-1), then exit with status 42
// through SSC exit (66); no input at all gives status 43.
	.include "sys.inc"
	START
	movl r9=20000000
	;;
0:	SSC 21
	;;
	cmp.ne p6,p0=-1,r8
(p6)	br.cond.sptk.few 3f
	adds r9=-1,r9
	;;
	cmp.ne p6,p0=0,r9
(p6)	br.cond.sptk.few 0b
	EXIT 43
1:	SSC 21
	;;
	cmp.eq p6,p0=-1,r8
(p6)	br.cond.spnt.few 2f
3:	mov r32=r8
	SSC 31
	br.sptk.few 1b
2:	EXIT 42
	FAILEXIT
