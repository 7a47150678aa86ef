/* SPDX-License-Identifier: MIT */
/* Event channels: binding, sending, the 2-level upcall scan, the event mask. */
#include <port/kernel.h>

struct evtchn_slot {
    evtchn_handler_t handler;
    void *arg;
    unsigned cpu; /* the vCPU the port is bound to: only its upcall handles it */
};
static struct evtchn_slot slots[EVTCHN_MAX_PORTS];

/* irq_save / irq_enable / irq_restore are inline (port/kernel.h). */
void irq_deliver_pending(void)
{
    hc_version(VERSION_abi, 0);
}

void evtchn_init(void)
{
    for (unsigned i = 0; i < EVTCHN_MAX_PORTS; i++)
        slots[i].handler = NULL;
}

static spinlock_t slots_lock = SPINLOCK_INIT;

static void set_slot(evtchn_port_t port, evtchn_handler_t h, void *arg, unsigned cpu)
{
    if (port == 0 || port >= EVTCHN_MAX_PORTS)
        return;
    unsigned long f = spin_lock_irqsave(&slots_lock);
    slots[port].handler = h;
    slots[port].arg = arg;
    slots[port].cpu = cpu;
    spin_unlock_irqrestore(&slots_lock, f);
}

void evtchn_set_handler(evtchn_port_t port, evtchn_handler_t h, void *arg)
{
    set_slot(port, h, arg, port < EVTCHN_MAX_PORTS ? slots[port].cpu : 0);
}

/* Bind a freshly returned port (delivered to vCPU cpu) to h and unmask it. */
static long setup_port_on(long r, evtchn_port_t port, evtchn_handler_t h, void *arg,
                          unsigned cpu)
{
    if (r < 0)
        return r;
    if (port == 0 || port >= EVTCHN_MAX_PORTS)
        return -HESTIA_EINVAL;
    set_slot(port, h, arg, cpu);
    if (h)
        evtchn_unmask(port);
    return port;
}

/* Interdomain and unbound ports are delivered to vCPU 0. */
static long setup_port(long r, evtchn_port_t port, evtchn_handler_t h, void *arg)
{
    return setup_port_on(r, port, h, arg, 0);
}

long evtchn_bind_virq_on(unsigned virq, unsigned vcpu, evtchn_handler_t h, void *arg)
{
    struct evtchn_bind_virq b = {.virq = virq, .vcpu = vcpu};
    long r = hc_evtchn(EVTCHNOP_bind_virq, &b);
    return setup_port_on(r, b.port, h, arg, vcpu);
}

long evtchn_bind_virq(unsigned virq, evtchn_handler_t h, void *arg)
{
    return evtchn_bind_virq_on(virq, 0, h, arg);
}

long evtchn_bind_ipi_on(unsigned vcpu, evtchn_handler_t h, void *arg)
{
    struct evtchn_bind_ipi b = {.vcpu = vcpu};
    long r = hc_evtchn(EVTCHNOP_bind_ipi, &b);
    return setup_port_on(r, b.port, h, arg, vcpu);
}

long evtchn_bind_ipi(evtchn_handler_t h, void *arg)
{
    return evtchn_bind_ipi_on(0, h, arg);
}

long evtchn_alloc_unbound(hestia_domid_t remote, evtchn_handler_t h, void *arg)
{
    struct evtchn_alloc_unbound a = {.dom = DOMID_SELF, .remote_dom = remote};
    long r = hc_evtchn(EVTCHNOP_alloc_unbound, &a);
    return setup_port(r, a.port, h, arg);
}

long evtchn_bind_interdomain(hestia_domid_t remote, evtchn_port_t rport, evtchn_handler_t h,
                             void *arg)
{
    struct evtchn_bind_interdomain b = {.remote_dom = remote, .remote_port = rport};
    long r = hc_evtchn(EVTCHNOP_bind_interdomain, &b);
    return setup_port(r, b.local_port, h, arg);
}

/* The port in the argument register: nothing for the hypervisor to copy in. */
long evtchn_send(evtchn_port_t port)
{
    return HC(HYPERCALL_event_channel_op, EVTCHNOP_send_port, port, 0, 0, 0);
}

long evtchn_close(evtchn_port_t port)
{
    struct evtchn_close c = {.port = port};
    long r = hc_evtchn(EVTCHNOP_close, &c);
    if (r >= 0) {
        set_slot(port, NULL, NULL, 0);
        /* The upcall may have masked it (no handler yet): a reused port starts unmasked. */
        __atomic_fetch_and(&shared->evtchn_mask[port / 32], ~(1u << (port % 32)),
                           __ATOMIC_SEQ_CST);
    }
    return r;
}

long evtchn_unmask(evtchn_port_t port)
{
    struct evtchn_unmask u = {.port = port};
    return hc_evtchn(EVTCHNOP_unmask, &u);
}

void evtchn_mask(evtchn_port_t port)
{
    __atomic_fetch_or(&shared->evtchn_mask[port / 32], 1u << (port % 32), __ATOMIC_SEQ_CST);
}

bool evtchn_test_and_clear(evtchn_port_t port)
{
    uint32_t bit = 1u << (port % 32);
    return __atomic_fetch_and(&shared->evtchn_pending[port / 32], ~bit, __ATOMIC_SEQ_CST) &
           bit;
}

void evtchn_do_upcall(void)
{
    struct cpu *c = this_cpu();
    struct vcpu_info *vi = c->info;
    while (__atomic_exchange_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST)) {
        uint32_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        while (sel) {
            unsigned w = (unsigned)__builtin_ctz(sel);
            sel &= sel - 1;
            uint32_t pend = __atomic_load_n(&shared->evtchn_pending[w], __ATOMIC_SEQ_CST) &
                            ~__atomic_load_n(&shared->evtchn_mask[w], __ATOMIC_SEQ_CST);
            while (pend) {
                unsigned b = (unsigned)__builtin_ctz(pend);
                pend &= pend - 1;
                evtchn_port_t port = w * 32 + b;
                struct evtchn_slot *s = &slots[port];
                evtchn_handler_t handler = s->handler;
                void *harg = s->arg;
                if (handler && s->cpu != c->id)
                    continue; /* another vCPU's port in the same group: its upcall takes it
                               */
                if (!handler) {
                    /*
                     * Nobody listens yet (a peer may bind and send before
                     * our role has set its handler up): keep the event
                     * pending and mask the port, so evtchn_unmask after
                     * evtchn_set_handler delivers it instead of losing it.
                     */
                    evtchn_mask(port);
                    continue;
                }
                __atomic_fetch_and(&shared->evtchn_pending[w], ~(1u << b),
                                   __ATOMIC_SEQ_CST);
                handler(port, harg);
            }
        }
    }
}
