/* SPDX-License-Identifier: MIT */
/*
 * Short names for the IA-64 registers in trap-record regs[]; the layout is
 * the hypervisor's, in include/public/hestia/arch/ia64.h.
 */
#ifndef PORT_ARCH_REGS_H
#define PORT_ARCH_REGS_H

#include <hestia/arch/ia64.h>

#define PI_IP HESTIA_IA64_REG_IP
#define PI_GP HESTIA_IA64_REG_GR(1)
#define PI_NR HESTIA_IA64_REG_GR(2)
#define PI_R8 HESTIA_IA64_REG_GR(8)
#define PI_SP HESTIA_IA64_REG_GR(12)
#define PI_ARG0 HESTIA_IA64_REG_GR(14)
#define PI_PSR HESTIA_IA64_REG_PSR
#define PI_CFM HESTIA_IA64_REG_CFM
#define PI_BSP HESTIA_IA64_REG_BSP

/* Trap-record slots this arch uses (ports/common/trap.c copies only these). */
#define ARCH_TRAP_LIVE_REGS HESTIA_IA64_NR_REGS

#endif
