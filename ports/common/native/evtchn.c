/* SPDX-License-Identifier: MIT */
/*
 * Event channels of the native platform: the kernel's own VIRQ and IPI
 * ports over the same 2-level pending/mask bitmaps in the shared info page
 * that the hypervisor keeps under Hestia, so event.c works unchanged.  One
 * vCPU: an IPI to itself is a pending bit and a software interrupt
 * (delivered on the way out of the "hypercall", hcall.c).
 */
#include <port/kernel.h>
#include <port/native.h>

enum port_kind { P_FREE, P_VIRQ, P_IPI };
static struct {
    uint8_t kind;
    uint8_t virq;
} ports[EVTCHN_MAX_PORTS];
static long virq_port[VIRQ_COUNT];

static void set_pending(evtchn_port_t port)
{
    uint32_t bit = 1u << (port % 32);
    unsigned w = port / 32;
    if (__atomic_fetch_or(&shared->evtchn_pending[w], bit, __ATOMIC_SEQ_CST) & bit)
        return;
    if (shared->evtchn_mask[w] & bit)
        return;
    struct vcpu_info *vi = &shared->vcpu_info[0];
    __atomic_fetch_or(&vi->evtchn_pending_sel, 1u << w, __ATOMIC_SEQ_CST);
    __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
}

static long alloc_port(enum port_kind kind, unsigned virq)
{
    for (evtchn_port_t p = 1; p < EVTCHN_MAX_PORTS; p++) {
        if (ports[p].kind == P_FREE) {
            ports[p].kind = (uint8_t)kind;
            ports[p].virq = (uint8_t)virq;
            return p;
        }
    }
    return -HESTIA_ENOSPC;
}

void native_evtchn_raise_virq(unsigned virq)
{
    if (virq < VIRQ_COUNT && virq_port[virq] > 0)
        set_pending((evtchn_port_t)virq_port[virq]);
}

static bool port_ok(evtchn_port_t p)
{
    return p > 0 && p < EVTCHN_MAX_PORTS && ports[p].kind != P_FREE;
}

static long send_ipi(evtchn_port_t port)
{
    if (!port_ok(port) || ports[port].kind != P_IPI)
        return -HESTIA_EINVAL;
    set_pending(port);
    return 0;
}

long native_evtchn_op(unsigned cmd, void *arg)
{
    switch (cmd) {
    case EVTCHNOP_bind_virq: {
        struct evtchn_bind_virq *b = arg;
        if (b->virq >= VIRQ_COUNT || b->vcpu != 0)
            return -HESTIA_EINVAL;
        if (virq_port[b->virq] > 0)
            return -HESTIA_EBUSY;
        long p = alloc_port(P_VIRQ, b->virq);
        if (p < 0)
            return p;
        virq_port[b->virq] = p;
        b->port = (evtchn_port_t)p;
        return 0;
    }
    case EVTCHNOP_bind_ipi: {
        struct evtchn_bind_ipi *b = arg;
        if (b->vcpu != 0)
            return -HESTIA_EINVAL;
        long p = alloc_port(P_IPI, 0);
        if (p < 0)
            return p;
        b->port = (evtchn_port_t)p;
        return 0;
    }
    case EVTCHNOP_send:
        return send_ipi(((struct evtchn_send *)arg)->port);
    case EVTCHNOP_send_port: /* the port in the argument itself */
        return (uintptr_t)arg < EVTCHN_MAX_PORTS ? send_ipi((evtchn_port_t)(uintptr_t)arg)
                                                 : -HESTIA_EINVAL;
    case EVTCHNOP_unmask: {
        struct evtchn_unmask *u = arg;
        if (!port_ok(u->port))
            return -HESTIA_EINVAL;
        uint32_t bit = 1u << (u->port % 32);
        unsigned w = u->port / 32;
        __atomic_fetch_and(&shared->evtchn_mask[w], ~bit, __ATOMIC_SEQ_CST);
        /* An event that came while masked becomes an upcall now. */
        if (__atomic_fetch_and(&shared->evtchn_pending[w], ~bit, __ATOMIC_SEQ_CST) & bit)
            set_pending(u->port);
        return 0;
    }
    case EVTCHNOP_close: {
        struct evtchn_close *c = arg;
        if (!port_ok(c->port))
            return -HESTIA_EINVAL;
        if (ports[c->port].kind == P_VIRQ)
            virq_port[ports[c->port].virq] = 0;
        ports[c->port].kind = P_FREE;
        __atomic_fetch_and(&shared->evtchn_pending[c->port / 32], ~(1u << (c->port % 32)),
                           __ATOMIC_SEQ_CST);
        return 0;
    }
    default:
        /* Interdomain ports need a second domain: there is none natively. */
        return -HESTIA_ENOSYS;
    }
}
