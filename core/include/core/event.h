/* SPDX-License-Identifier: MIT */
/*
 * Event channels: per-domain ports, 2-level pending/mask bitmaps in shared info.
 */
#ifndef CORE_EVENT_H
#define CORE_EVENT_H

#include "domain.h"

/* Per-domain table (all ports closed).  Errors: -HESTIA_ENOMEM. */
int evtchn_domain_init(struct domain *d);

/*
 * Close every port of d.  Interdomain peers fall back to unbound (offered
 * to d's id, which will never bind again).  Context: domain destruction.
 */
void evtchn_domain_destroy(struct domain *d);

/* HYPERCALL_event_channel_op(cmd, ptr) for vCPU v. */
long do_event_channel_op(struct vcpu *v, uint64_t cmd, uint64_t arg);
/*
 * EVTCHNOP_send_port from a vCPU of d: the port in the hypercall's argument
 * (64 bits: a value past the ports is -HESTIA_EBADF, never truncated).  The
 * hypercall table calls it without do_event_channel_op's structure copy.
 */
long evtchn_send_port(struct domain *d, uint64_t port);

/*
 * Raise virq on vCPU v (per-vCPU VIRQs such as VIRQ_TIMER) or on whichever
 * vCPU of d bound it (global VIRQs).  Nothing happens if it is not bound.
 */
void evtchn_send_virq(struct vcpu *v, unsigned virq);
void evtchn_send_virq_domain(struct domain *d, unsigned virq);

/* Bind virq of d to vCPU 0 on behalf of the hypervisor (start info ports). */
int evtchn_bind_virq_internal(struct domain *d, unsigned virq, unsigned vcpu);

/* Whether port of d is pending (for SCHEDOP_poll); false if invalid. */
bool evtchn_is_pending(struct domain *d, evtchn_port_t port);

/* Ports in use by d (for accounting and tests). */
unsigned evtchn_ports_in_use(struct domain *d);

/* A new port of d bound to physical line pirq (core/pirq.c), or a negative error. */
long evtchn_alloc_pirq_port(struct domain *d, unsigned pirq);

/* pirq fired: set port of d pending if it is still bound to pirq. */
void evtchn_send_pirq(struct domain *d, evtchn_port_t port, unsigned pirq);

/*
 * Restore (core/domctl_restore.c, docs/migration.md).  evtchn_save_ports
 * writes d's open ports as records in increasing port order and returns
 * how many (at most max).  evtchn_check_ports checks n records against d
 * (rules in hestia/domctl.h): 0 or -HESTIA_EINVAL.  evtchn_load_ports
 * opens checked records at the same port numbers in d, which has no port
 * open: an interdomain port becomes unbound offered to nobody (its peer
 * did not move); 0 or -HESTIA_ENOMEM with nothing opened.
 */
struct domain_state_port;
unsigned evtchn_save_ports(struct domain *d, struct domain_state_port *out, unsigned max);
int evtchn_check_ports(struct domain *d, const struct domain_state_port *p, unsigned n);
int evtchn_load_ports(struct domain *d, const struct domain_state_port *p, unsigned n);

#endif
