/* SPDX-License-Identifier: MIT */
/*
 * The e500 special-purpose registers the ppc port names: the time base it
 * reads, and the supervisor ones its probes try (each must trap in problem
 * state).  Plain numbers, for C and entry.S alike.
 */
#ifndef PORT_SPR_H
#define PORT_SPR_H

#define PPC_SPR_DEC 22
#define PPC_SPR_PID0 48
#define PPC_SPR_IVPR 63
#define PPC_SPR_TBL_R 268 /* time base, user read */
#define PPC_SPR_TBU_R 269
#define PPC_SPR_SPRG0 272
#define PPC_SPR_PVR 287
#define PPC_SPR_MAS1 625
#define PPC_SPR_PID1 633

#endif
