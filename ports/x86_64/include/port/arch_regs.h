/* SPDX-License-Identifier: MIT */
/*
 * Indices of the x86_64 registers in trap-record regs[].  The layout is
 * defined by include/public/hestia/arch/x86_64.h (the hypervisor's side);
 * these names map onto it.
 */
#ifndef PORT_ARCH_REGS_H
#define PORT_ARCH_REGS_H

#if __has_include(<hestia/arch/x86_64.h>)
#include <hestia/arch/x86_64.h>
#endif

#ifndef HESTIA_X86_64_RIP
/* Until the hypervisor's header exists: GPRs in encoding order, rip, rflags. */
#define HESTIA_X86_64_RAX 0
#define HESTIA_X86_64_RCX 1
#define HESTIA_X86_64_RDX 2
#define HESTIA_X86_64_RBX 3
#define HESTIA_X86_64_RSP 4
#define HESTIA_X86_64_RBP 5
#define HESTIA_X86_64_RSI 6
#define HESTIA_X86_64_RDI 7
#define HESTIA_X86_64_R8 8
#define HESTIA_X86_64_R10 10
#define HESTIA_X86_64_RIP 16
#define HESTIA_X86_64_RFLAGS 17
#endif

#define PX_RAX HESTIA_X86_64_RAX
#define PX_RBX HESTIA_X86_64_RBX
#define PX_RCX HESTIA_X86_64_RCX
#define PX_RDX HESTIA_X86_64_RDX
#define PX_RSI HESTIA_X86_64_RSI
#define PX_RDI HESTIA_X86_64_RDI
#define PX_RBP HESTIA_X86_64_RBP
#define PX_RSP HESTIA_X86_64_RSP
#define PX_R8 HESTIA_X86_64_R8
#define PX_R10 HESTIA_X86_64_R10
#define PX_RIP HESTIA_X86_64_RIP
#define PX_RFLAGS HESTIA_X86_64_RFLAGS

#endif
