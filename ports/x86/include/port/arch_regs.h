/* SPDX-License-Identifier: MIT */
/*
 * Short names for the x86 registers in trap-record regs[]; the layout is
 * the hypervisor's, in include/public/hestia/arch/x86.h.
 */
#ifndef PORT_ARCH_REGS_H
#define PORT_ARCH_REGS_H

#include <hestia/arch/x86.h>

#define PX_EAX HESTIA_X86_REG_EAX
#define PX_EBX HESTIA_X86_REG_EBX
#define PX_ECX HESTIA_X86_REG_ECX
#define PX_EDX HESTIA_X86_REG_EDX
#define PX_ESI HESTIA_X86_REG_ESI
#define PX_EDI HESTIA_X86_REG_EDI
#define PX_ESP HESTIA_X86_REG_ESP
#define PX_EIP HESTIA_X86_REG_EIP
#define PX_EFLAGS HESTIA_X86_REG_EFLAGS
#define PX_MODE HESTIA_X86_REG_MODE

/* Trap-record slots this arch uses (ports/common/trap.c copies only these). */
#define ARCH_TRAP_LIVE_REGS HESTIA_X86_NR_REGS

#endif
