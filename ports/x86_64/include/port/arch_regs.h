/* SPDX-License-Identifier: MIT */
/*
 * Short names for the x86_64 registers in trap-record regs[]; the layout
 * is the hypervisor's, in include/public/hestia/arch/x86_64.h.
 */
#ifndef PORT_ARCH_REGS_H
#define PORT_ARCH_REGS_H

#include <hestia/arch/x86_64.h>

#define PX_RAX HESTIA_X86_64_REG_RAX
#define PX_RDI HESTIA_X86_64_REG_RDI
#define PX_RSI HESTIA_X86_64_REG_RSI
#define PX_RDX HESTIA_X86_64_REG_RDX
#define PX_RSP HESTIA_X86_64_REG_RSP
#define PX_R8 HESTIA_X86_64_REG_R8
#define PX_R10 HESTIA_X86_64_REG_R10
#define PX_RIP HESTIA_X86_64_REG_RIP
#define PX_RFLAGS HESTIA_X86_64_REG_RFLAGS
#define PX_MODE HESTIA_X86_64_REG_MODE

/* Trap-record slots this arch uses (ports/common/trap.c copies only these). */
#define ARCH_TRAP_LIVE_REGS HESTIA_X86_64_NR_REGS

#endif
