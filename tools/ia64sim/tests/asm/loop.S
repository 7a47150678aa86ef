// SPDX-License-Identifier: MIT
// An endless loop: --max-insns must stop it with exit status 124.
	.include "sys.inc"
	START
1:	br.sptk.few 1b
	;;
	FAILEXIT
