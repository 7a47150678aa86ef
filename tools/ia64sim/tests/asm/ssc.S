// SPDX-License-Identifier: MIT
// SSC calls: getchar (21) echoes stdin until none is ready (-1), then exit
// with status 42 through SSC exit (66).
	.include "sys.inc"
	START
1:	SSC 21
	;;
	cmp.eq p6,p0=-1,r8
(p6)	br.cond.spnt.few 2f
	mov r32=r8
	SSC 31
	br.sptk.few 1b
2:	EXIT 42
	FAILEXIT
