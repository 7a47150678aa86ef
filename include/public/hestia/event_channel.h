/* SPDX-License-Identifier: MIT */
/*
 * HYPERCALL_event_channel_op(cmd, ptr): event channels.
 *
 * A port is a per-domain index.  Delivery sets the port's bit in
 * shared_info.evtchn_pending; if the port is not masked, the bit of its
 * 32-port group in the bound vCPU's evtchn_pending_sel and then
 * evtchn_upcall_pending are set and the vCPU is kicked (2-level scheme).
 */
#ifndef HESTIA_PUBLIC_EVENT_CHANNEL_H
#define HESTIA_PUBLIC_EVENT_CHANNEL_H

#include "abi.h"

typedef uint32_t evtchn_port_t;
#define EVTCHN_MAX_PORTS 1024 /* 32 groups x 32 ports; port 0 is never used */

#define EVTCHNOP_alloc_unbound 0
#define EVTCHNOP_bind_interdomain 1
#define EVTCHNOP_bind_virq 2
#define EVTCHNOP_bind_ipi 3
#define EVTCHNOP_close 4
#define EVTCHNOP_send 5
#define EVTCHNOP_status 6
#define EVTCHNOP_unmask 7
#define EVTCHNOP_bind_pirq 8
/*
 * send with the port in the pointer argument itself (cmd 9, ptr = port):
 * no structure in guest memory to copy in, the same checks and results as
 * send.  The hot path of every notification.
 */
#define EVTCHNOP_send_port 9

/* Virtual IRQs: per-vCPU or global sources bound with bind_virq. */
#define VIRQ_TIMER 0   /* per-vCPU one-shot timer (set_timer) */
#define VIRQ_CONSOLE 1 /* console input available (dom0) */
#define VIRQ_DOM_EXC 2 /* a domain shut down or crashed (dom0) */
#define VIRQ_DEBUG 3
#define VIRQ_RESUMED                                                                       \
    4 /* the domain was restored / migrated: rebind what needs the host                    \
       */
#define VIRQ_COUNT 5

/* Offer a port that remote_dom may bind to. dom must be DOMID_SELF (or any, for dom0). */
struct evtchn_alloc_unbound {
    hestia_domid_t dom, remote_dom;
    evtchn_port_t port; /* OUT */
};

/* Connect a new local port to remote_port of remote_dom, offered to us. */
struct evtchn_bind_interdomain {
    hestia_domid_t remote_dom;
    uint16_t pad;
    evtchn_port_t remote_port;
    evtchn_port_t local_port; /* OUT */
    uint32_t pad2;
};

struct evtchn_bind_virq {
    uint32_t virq;
    uint32_t vcpu;
    evtchn_port_t port; /* OUT */
    uint32_t pad;
};

struct evtchn_bind_ipi {
    uint32_t vcpu;
    evtchn_port_t port; /* OUT */
};

/*
 * A physical interrupt line (pirq) of the platform, dom0 only: the line
 * is routed to the hypervisor, level-triggered, and unmasked.  When it
 * fires the hypervisor masks it at the interrupt controller and sets the
 * port pending; dom0 handles the device and calls PHYSDEVOP_pirq_eoi,
 * which unmasks the line (a line still asserted fires again).  Closing
 * the port masks the line and releases it.  Errors: -HESTIA_EPERM for a
 * domain other than dom0 or a line the hypervisor keeps (its timer,
 * console UART); -HESTIA_EINVAL for a pirq the platform does not have or
 * flags not 0; -HESTIA_EBUSY if the line is already bound.  The pirq of a
 * PCI function's pin: PHYSDEVOP_pci_irq; of a platform device:
 * PHYSDEVOP_platform_device (physdev.h); docs/devices.md has the tables.
 */
struct evtchn_bind_pirq {
    uint32_t pirq;
    uint32_t flags;     /* must be 0 */
    evtchn_port_t port; /* OUT */
    uint32_t pad;       /* must be 0 */
};

struct evtchn_close {
    evtchn_port_t port;
    uint32_t pad;
};
struct evtchn_send {
    evtchn_port_t port;
    uint32_t pad;
};
struct evtchn_unmask {
    evtchn_port_t port;
    uint32_t pad;
};

#define EVTCHNSTAT_closed 0
#define EVTCHNSTAT_unbound 1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_virq 3
#define EVTCHNSTAT_ipi 4
#define EVTCHNSTAT_pirq 5

struct evtchn_status {
    hestia_domid_t dom; /* IN: DOMID_SELF, or any domain for dom0 */
    uint16_t pad;
    evtchn_port_t port; /* IN */
    uint32_t status;    /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;      /* OUT: vCPU notified */
    union {
        struct {
            hestia_domid_t dom;
            uint16_t pad;
        } unbound;
        struct {
            hestia_domid_t dom;
            uint16_t pad;
            evtchn_port_t port;
        } interdomain;
        uint32_t virq;
        uint32_t pirq;
    } u; /* OUT */
    uint32_t pad2;
};

#endif
