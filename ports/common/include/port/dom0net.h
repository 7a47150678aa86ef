/* SPDX-License-Identifier: MIT */
/*
 * dom0's network (dom0_net.c): lwIP over the first NIC, owned by one
 * thread ("net") that runs lwIP's timers, the NIC's frames, the
 * toolstack's TCP server and the scenarios' transfers.  Command line:
 * ip=A.B.C.D/N [gw=A.B.C.D] (else DHCP), ctl_port=N (default 7777),
 * ctl_token=T (else a random one, printed).
 */
#ifndef PORT_DOM0NET_H
#define PORT_DOM0NET_H

#include <stdbool.h>

/* Bring it up; 0, or a negative error (-HESTIA_ENODEV: no NIC) said in words. */
long dom0_net_start(void);
/* test=net and test=link (tests/scenarios/net.json, link.json). */
void dom0_net_scenario(bool link);

#endif
