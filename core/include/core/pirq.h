/* SPDX-License-Identifier: MIT */
/*
 * Physical interrupt lines bound to dom0's event channels (core/pirq.c;
 * ABI: EVTCHNOP_bind_pirq, PHYSDEVOP_pci_irq / pirq_eoi / platform_device).
 */
#ifndef CORE_PIRQ_H
#define CORE_PIRQ_H

#include "domain.h"

/* Forget every binding (boot; the unit tests' reset). */
void pirq_init(void);

/*
 * EVTCHNOP_bind_pirq for d: checks the privilege and the line, allocates
 * a port of d (EVTCHNSTAT_pirq) and enables the line.  *port gets the port.
 */
long pirq_bind(struct domain *d, unsigned pirq, evtchn_port_t *port);

/*
 * core/event.c closed port of d, which was bound to pirq: mask the line and
 * release it (if the binding is still that one).  Called with no event lock held.
 */
void pirq_port_closed(struct domain *d, unsigned pirq, evtchn_port_t port);

/* Release every line still bound to d (domain teardown). */
void pirq_domain_destroy(struct domain *d);

/* PHYSDEVOP_pci_irq, PHYSDEVOP_pirq_eoi and PHYSDEVOP_platform_device (privilege checked).
 */
long pirq_physdev_op(struct vcpu *v, unsigned cmd, uint64_t ptr);

/* Whether pirq is bound now, and to which domain and port (tests, dom0 tools). */
bool pirq_bound(unsigned pirq, struct domain **d, evtchn_port_t *port);

#endif
