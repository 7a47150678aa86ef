// SPDX-License-Identifier: MIT
// An instruction the simulator does not implement (parallel FP multiply-add)
// must stop it with a register dump and exit status 125.
	.include "sys.inc"
	START
	mov r8=0x1234
	;;
	fpma f6=f7,f8,f9
	;;
	EXIT 0
	FAILEXIT
