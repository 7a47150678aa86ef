/* SPDX-License-Identifier: MIT */
/*
 * Short names for the ppc registers in trap-record regs[]; the layout is
 * the hypervisor's, in include/public/hestia/arch/ppc.h.
 */
#ifndef PORT_ARCH_REGS_H
#define PORT_ARCH_REGS_H

#include <hestia/arch/ppc.h>

#define PP_R(n) HESTIA_PPC_REG_GPR(n)
#define PP_PC HESTIA_PPC_REG_PC
#define PP_MSR HESTIA_PPC_REG_MSR
#define PP_LR HESTIA_PPC_REG_LR
#define PP_MODE HESTIA_PPC_REG_MODE

/* Trap-record slots this arch uses (ports/common/trap.c copies only these). */
#define ARCH_TRAP_LIVE_REGS HESTIA_PPC_NR_REGS

#endif
