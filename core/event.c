/* SPDX-License-Identifier: MIT */
/*
 * Event channels (interface in core/event.h, ABI in hestia/event_channel.h).
 *
 * A domain's ports live in chunks of 64 that are allocated on first use, so
 * a domain with a handful of ports costs one small table plus one 1 KiB
 * chunk.  Delivery is the 2-level scheme: port bit in
 * shared_info.evtchn_pending, then (unless masked) the group bit in the
 * notified vCPU's evtchn_pending_sel and evtchn_upcall_pending, then a
 * kick.  All shared-info bits are changed with __atomic read-modify-write
 * because the guest changes the same words concurrently.
 *
 * Locking: each domain's table has its own lock; operations that change
 * two domains' tables take both in domain-id order.  A send delivers under
 * the sender's lock; event locks come before scheduler locks (vcpu_kick),
 * and the scheduler and timers never call back into here holding theirs.
 */
#include <core/event.h>
#include <core/pirq.h>
#include <core/sched.h>
#include <hal/guest_copy.h>
#include <hestia/domctl.h>

#define PORTS_PER_CHUNK 64u
#define NR_CHUNKS (EVTCHN_MAX_PORTS / PORTS_PER_CHUNK)

struct evtchn {
    uint8_t state;        /* EVTCHNSTAT_* */
    uint8_t vcpu;         /* vCPU notified */
    uint16_t arg;         /* unbound: domid offered to; virq: the VIRQ;
                             interdomain: the vCPU the peer's end notifies;
                             pirq: the physical line (core/pirq.c) */
    evtchn_port_t remote; /* interdomain: peer's port */
    struct domain *peer;  /* interdomain: peer domain (cleared when it closes) */
};

/* Serializes making and breaking interdomain connections (taken before table locks). */
static spinlock_t link_lock = SPINLOCK_INIT;

struct evtchn_dom {
    spinlock_t lock;
    unsigned in_use;
    struct evtchn *chunk[NR_CHUNKS];
    uint16_t virq_port[HESTIA_MAX_VCPUS][VIRQ_COUNT];
};

static bool virq_is_global(unsigned virq)
{
    return virq == VIRQ_CONSOLE || virq == VIRQ_DOM_EXC || virq == VIRQ_RESUMED;
}

int evtchn_domain_init(struct domain *d)
{
    struct evtchn_dom *ed = core_heap_alloc(sizeof(*ed));
    if (!ed)
        return -HESTIA_ENOMEM;
    d->evtchn = ed;
    return 0;
}

/* The channel for port, or NULL if out of range or never allocated.  Lock held. */
static struct evtchn *chan(struct evtchn_dom *ed, evtchn_port_t port)
{
    if (!ed || port == 0 || port >= EVTCHN_MAX_PORTS)
        return NULL;
    struct evtchn *c = ed->chunk[port / PORTS_PER_CHUNK];
    return c ? &c[port % PORTS_PER_CHUNK] : NULL;
}

/* Lowest closed port (never 0), allocating its chunk.  Lock held. */
static long alloc_port(struct domain *d)
{
    struct evtchn_dom *ed = d->evtchn;
    if (!ed)
        return -HESTIA_EINVAL;
    if (ed->in_use >= EVTCHN_MAX_PORTS - 1)
        return -HESTIA_ENOSPC;
    for (unsigned ci = 0; ci < NR_CHUNKS; ci++) {
        struct evtchn *c = ed->chunk[ci];
        if (!c) {
            c = core_heap_alloc(PORTS_PER_CHUNK * sizeof(*c));
            if (!c)
                return -HESTIA_ENOMEM;
            ed->chunk[ci] = c;
        }
        for (unsigned i = ci ? 0 : 1; i < PORTS_PER_CHUNK; i++) {
            if (c[i].state == EVTCHNSTAT_closed) {
                evtchn_port_t port = ci * PORTS_PER_CHUNK + i;
                /* A recycled port must not start out pending. */
                if (d->shared_info)
                    __atomic_fetch_and(&d->shared_info->evtchn_pending[port / 32],
                                       ~(1u << (port % 32)), __ATOMIC_SEQ_CST);
                memset(&c[i], 0, sizeof(c[i]));
                ed->in_use++;
                return port;
            }
        }
    }
    return -HESTIA_ENOSPC;
}

/*
 * Allocate a port of d and set it up as state with arg and vcpu, under d's
 * lock: the port, or a negative error.  The binds whose new port needs no
 * other bookkeeping under the lock share it.
 */
static long open_port(struct domain *d, uint8_t state, uint16_t arg, uint8_t vcpu)
{
    if (!d->evtchn)
        return -HESTIA_EINVAL;
    unsigned long flags = spin_lock_irqsave(&d->evtchn->lock);
    long port = alloc_port(d);
    if (port > 0) {
        struct evtchn *c = chan(d->evtchn, (evtchn_port_t)port);
        c->state = state;
        c->arg = arg;
        c->vcpu = vcpu;
    }
    spin_unlock_irqrestore(&d->evtchn->lock, flags);
    return port;
}

static void free_port(struct domain *d, struct evtchn *c, evtchn_port_t port)
{
    memset(c, 0, sizeof(*c));
    d->evtchn->in_use--;
    if (d->shared_info)
        __atomic_fetch_and(&d->shared_info->evtchn_pending[port / 32], ~(1u << (port % 32)),
                           __ATOMIC_SEQ_CST);
}

/* Take the tables of a and b (may be the same) in a fixed order. */
static unsigned long lock_pair(struct domain *a, struct domain *b)
{
    if (a == b)
        return spin_lock_irqsave(&a->evtchn->lock);
    struct domain *first = a->id < b->id ? a : b, *second = first == a ? b : a;
    unsigned long flags = spin_lock_irqsave(&first->evtchn->lock);
    spin_lock(&second->evtchn->lock);
    return flags;
}

static void unlock_pair(struct domain *a, struct domain *b, unsigned long flags)
{
    if (a != b)
        spin_unlock(&b->evtchn->lock);
    spin_unlock_irqrestore(&a->evtchn->lock, flags);
}

/* ---- delivery ---- */

static bool polls_port(const struct vcpu *v, evtchn_port_t port)
{
    const uint32_t *ports = v->poll_ports;
    unsigned n = v->nr_poll_ports;
    if (v->state != VCPU_BLOCKED || !ports)
        return false;
    for (unsigned i = 0; i < n && i < SCHED_POLL_MAX; i++)
        if (ports[i] == port)
            return true;
    return false;
}

/* Tell vCPU vid of d that a group of pending, unmasked ports needs attention. */
static inline __attribute__((always_inline)) void notify_vcpu(struct domain *d,
                                                              unsigned vid, unsigned group)
{
    struct vcpu *v = vid < HESTIA_MAX_VCPUS ? d->vcpus[vid] : NULL;
    if (!v || !v->info)
        return;
    uint32_t sel = 1u << group;
    if (__atomic_fetch_or(&v->info->evtchn_pending_sel, sel, __ATOMIC_SEQ_CST) & sel)
        return; /* already announced; the guest has not scanned that group yet */
    __atomic_store_n(&v->info->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    vcpu_kick(v);
}

/*
 * Mark port of d pending for vCPU vid.  A port already pending coalesces
 * (nothing else happens), so a storm of sends costs one bit.  Takes no
 * event lock itself (callers may hold one); may call into the scheduler.
 */
static void set_pending(struct domain *d, unsigned vid, evtchn_port_t port)
{
    struct shared_info *si = d->shared_info;
    if (!si || port == 0 || port >= EVTCHN_MAX_PORTS)
        return;
    unsigned w = port / 32;
    uint32_t bit = 1u << (port % 32);
    if (__atomic_fetch_or(&si->evtchn_pending[w], bit, __ATOMIC_SEQ_CST) & bit)
        return;
    if (!(__atomic_load_n(&si->evtchn_mask[w], __ATOMIC_SEQ_CST) & bit))
        notify_vcpu(d, vid, w);
    /* SCHEDOP_poll waits on ports whether masked or not (no vCPU past nr_vcpus). */
    for (unsigned i = 0; i < d->nr_vcpus && i < HESTIA_MAX_VCPUS; i++) {
        struct vcpu *v = d->vcpus[i];
        if (v && polls_port(v, port))
            vcpu_kick(v);
    }
}

/* ---- operations ---- */

static struct domain *resolve(struct domain *self, hestia_domid_t id)
{
    if (id == DOMID_SELF || id == self->id)
        return self;
    return domain_lookup(id);
}

static long op_alloc_unbound(struct domain *self, struct evtchn_alloc_unbound *a)
{
    struct domain *d = resolve(self, a->dom);
    if (!d)
        return -HESTIA_ESRCH;
    if (d != self && !self->privileged)
        return -HESTIA_EPERM;
    struct domain *r = resolve(self, a->remote_dom);
    if (!r)
        return -HESTIA_ESRCH;
    long port = open_port(d, EVTCHNSTAT_unbound, r->id, 0);
    if (port < 0)
        return port;
    a->port = (evtchn_port_t)port;
    return 0;
}

static long op_bind_interdomain(struct domain *self, struct evtchn_bind_interdomain *b)
{
    struct domain *r = resolve(self, b->remote_dom);
    if (!r)
        return -HESTIA_ESRCH;
    if (!r->evtchn || !self->evtchn || r->dying)
        return -HESTIA_EINVAL;
    if (b->remote_port == 0 || b->remote_port >= EVTCHN_MAX_PORTS)
        return -HESTIA_EBADF;
    unsigned long lf = spin_lock_irqsave(&link_lock);
    unsigned long flags = lock_pair(self, r);
    long rc;
    struct evtchn *rc_chan = chan(r->evtchn, b->remote_port);
    if (!rc_chan || rc_chan->state != EVTCHNSTAT_unbound) {
        rc = -HESTIA_EINVAL;
    } else if (rc_chan->arg != self->id) {
        rc = -HESTIA_EPERM; /* offered to someone else */
    } else {
        rc = alloc_port(self);
        if (rc > 0) {
            evtchn_port_t lport = (evtchn_port_t)rc;
            struct evtchn *lc = chan(self->evtchn, lport);
            /* Re-fetch: alloc_port may have added a chunk but never moves one. */
            rc_chan = chan(r->evtchn, b->remote_port);
            lc->state = EVTCHNSTAT_interdomain;
            lc->peer = r;
            lc->remote = b->remote_port;
            lc->arg = rc_chan->vcpu;
            rc_chan->state = EVTCHNSTAT_interdomain;
            rc_chan->peer = self;
            rc_chan->remote = lport;
            rc_chan->arg = lc->vcpu;
            b->local_port = lport;
            rc = 0;
        }
    }
    unlock_pair(self, r, flags);
    spin_unlock_irqrestore(&link_lock, lf);
    return rc;
}

static bool vcpu_exists(struct domain *d, uint32_t vcpu)
{
    return vcpu < HESTIA_MAX_VCPUS && vcpu < d->nr_vcpus && d->vcpus[vcpu];
}

int evtchn_bind_virq_internal(struct domain *d, unsigned virq, unsigned vcpu)
{
    if (virq >= VIRQ_COUNT)
        return -HESTIA_EINVAL;
    if (!vcpu_exists(d, vcpu))
        return -HESTIA_ESRCH;
    if (virq_is_global(virq) && vcpu != 0)
        return -HESTIA_EINVAL; /* global VIRQs are raised on vCPU 0's slot */
    if (!d->evtchn)
        return -HESTIA_EINVAL;
    struct evtchn_dom *ed = d->evtchn;
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    long rc;
    if (ed->virq_port[vcpu][virq]) {
        rc = -HESTIA_EEXIST;
    } else {
        rc = alloc_port(d);
        if (rc > 0) {
            struct evtchn *c = chan(ed, (evtchn_port_t)rc);
            c->state = EVTCHNSTAT_virq;
            c->arg = (uint16_t)virq;
            c->vcpu = (uint8_t)vcpu;
            ed->virq_port[vcpu][virq] = (uint16_t)rc;
        }
    }
    spin_unlock_irqrestore(&ed->lock, flags);
    return (int)rc;
}

static long op_bind_ipi(struct domain *d, struct evtchn_bind_ipi *b)
{
    if (!vcpu_exists(d, b->vcpu))
        return -HESTIA_ESRCH;
    long port = open_port(d, EVTCHNSTAT_ipi, 0, (uint8_t)b->vcpu);
    if (port < 0)
        return port;
    b->port = (evtchn_port_t)port;
    return 0;
}

/* Unhook the far end of a connection: it becomes unbound, offered to offer_to. */
static void disconnect_peer(struct domain *d, struct domain *peer, evtchn_port_t remote,
                            hestia_domid_t offer_to)
{
    struct evtchn *pc = chan(peer->evtchn, remote);
    if (pc && pc->state == EVTCHNSTAT_interdomain && pc->peer == d) {
        pc->state = EVTCHNSTAT_unbound;
        pc->arg = offer_to;
        pc->peer = NULL;
        pc->remote = 0;
    }
}

/*
 * Close port of d.  An interdomain peer goes back to unbound, offered to
 * offer_to (d itself, so d may re-bind).  Returns -HESTIA_EBADF if it is
 * not open.  Connections are made and broken only under link_lock, so the
 * peer read under d's lock stays connected (and alive: its destruction
 * breaks its connections first) while both tables are re-locked in order.
 */
static long close_port(struct domain *d, evtchn_port_t port, hestia_domid_t offer_to)
{
    struct evtchn_dom *ed = d->evtchn;
    if (!ed)
        return -HESTIA_EBADF;
    unsigned long lf = spin_lock_irqsave(&link_lock);
    spin_lock(&ed->lock);
    struct evtchn *c = chan(ed, port);
    long rc = 0;
    int pirq = -1; /* released after the locks are dropped (pirq_lock comes first) */
    if (!c || c->state == EVTCHNSTAT_closed) {
        rc = -HESTIA_EBADF;
    } else if (c->state == EVTCHNSTAT_interdomain && c->peer && c->peer != d) {
        struct domain *peer = c->peer;
        evtchn_port_t remote = c->remote;
        spin_unlock(&ed->lock);
        unsigned long pf = lock_pair(d, peer);
        disconnect_peer(d, peer, remote, offer_to);
        free_port(d, chan(ed, port), port);
        unlock_pair(d, peer, pf);
        spin_unlock_irqrestore(&link_lock, lf);
        return 0;
    } else {
        if (c->state == EVTCHNSTAT_interdomain) /* loopback within d */
            disconnect_peer(d, d, c->remote, offer_to);
        else if (c->state == EVTCHNSTAT_virq && c->arg < VIRQ_COUNT &&
                 c->vcpu < HESTIA_MAX_VCPUS && ed->virq_port[c->vcpu][c->arg] == port)
            ed->virq_port[c->vcpu][c->arg] = 0;
        else if (c->state == EVTCHNSTAT_pirq)
            pirq = c->arg;
        free_port(d, c, port);
    }
    spin_unlock(&ed->lock);
    spin_unlock_irqrestore(&link_lock, lf);
    if (pirq >= 0)
        pirq_port_closed(d, (unsigned)pirq, port);
    return rc;
}

/*
 * Deliver while holding the sender's table lock: a peer cannot be torn down
 * meanwhile, because closing the connection (evtchn_domain_destroy of the
 * peer comes first in domain_destroy) needs this lock too.
 */
static long op_send(struct domain *d, evtchn_port_t port)
{
    struct evtchn_dom *ed = d->evtchn;
    if (!ed)
        return -HESTIA_EBADF;
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    struct evtchn *c = chan(ed, port);
    long rc = 0;
    if (!c || c->state == EVTCHNSTAT_closed)
        rc = -HESTIA_EBADF;
    else if (c->state == EVTCHNSTAT_ipi)
        set_pending(d, c->vcpu, port);
    else if (c->state == EVTCHNSTAT_interdomain && c->peer)
        set_pending(c->peer, c->arg, c->remote);
    else if (c->state == EVTCHNSTAT_virq || c->state == EVTCHNSTAT_pirq)
        rc = -HESTIA_EINVAL; /* only the hypervisor raises VIRQs and pirqs */
    /* unbound: nobody listens yet, the notification is dropped (rc 0). */
    spin_unlock_irqrestore(&ed->lock, flags);
    return rc;
}

static long op_unmask(struct domain *d, evtchn_port_t port)
{
    struct evtchn_dom *ed = d->evtchn;
    if (!ed)
        return -HESTIA_EBADF;
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    struct evtchn *c = chan(ed, port);
    bool open = c && c->state != EVTCHNSTAT_closed;
    unsigned vid = open ? c->vcpu : 0;
    spin_unlock_irqrestore(&ed->lock, flags);
    if (!open)
        return -HESTIA_EBADF;
    struct shared_info *si = d->shared_info;
    if (!si)
        return 0;
    unsigned w = port / 32;
    uint32_t bit = 1u << (port % 32);
    __atomic_fetch_and(&si->evtchn_mask[w], ~bit, __ATOMIC_SEQ_CST);
    /* An event that arrived while masked is delivered now. */
    if (__atomic_load_n(&si->evtchn_pending[w], __ATOMIC_SEQ_CST) & bit)
        notify_vcpu(d, vid, w);
    return 0;
}

static long op_status(struct domain *self, struct evtchn_status *s)
{
    struct domain *d = resolve(self, s->dom);
    if (!d)
        return -HESTIA_ESRCH;
    if (d != self && !self->privileged)
        return -HESTIA_EPERM;
    if (s->port == 0 || s->port >= EVTCHN_MAX_PORTS)
        return -HESTIA_EBADF;
    if (!d->evtchn)
        return -HESTIA_EINVAL;
    unsigned long flags = spin_lock_irqsave(&d->evtchn->lock);
    struct evtchn *c = chan(d->evtchn, s->port);
    memset(&s->u, 0, sizeof(s->u));
    s->status = c ? c->state : EVTCHNSTAT_closed;
    s->vcpu = c ? c->vcpu : 0;
    if (c && c->state == EVTCHNSTAT_unbound) {
        s->u.unbound.dom = c->arg;
    } else if (c && c->state == EVTCHNSTAT_interdomain) {
        s->u.interdomain.dom = c->peer ? c->peer->id : DOMID_INVALID;
        s->u.interdomain.port = c->remote;
    } else if (c && c->state == EVTCHNSTAT_virq) {
        s->u.virq = c->arg;
    } else if (c && c->state == EVTCHNSTAT_pirq) {
        s->u.pirq = c->arg;
    }
    spin_unlock_irqrestore(&d->evtchn->lock, flags);
    return 0;
}

/* ---- hypercall ---- */

long evtchn_send_port(struct domain *d, uint64_t port)
{
    return port < EVTCHN_MAX_PORTS ? op_send(d, (evtchn_port_t)port) : -HESTIA_EBADF;
}

long do_event_channel_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
    if (!v || !v->domain)
        return -HESTIA_EINVAL;
    struct domain *d = v->domain;
    if (cmd == EVTCHNOP_send_port)
        return evtchn_send_port(d, arg);
    union {
        struct evtchn_alloc_unbound alloc;
        struct evtchn_bind_interdomain inter;
        struct evtchn_bind_virq virq;
        struct evtchn_bind_ipi ipi;
        struct evtchn_close close;
        struct evtchn_send send;
        struct evtchn_unmask unmask;
        struct evtchn_status status;
        struct evtchn_bind_pirq pirq;
    } u;
    static const uint8_t size[] = {
        [EVTCHNOP_alloc_unbound] = sizeof(u.alloc),
        [EVTCHNOP_bind_interdomain] = sizeof(u.inter),
        [EVTCHNOP_bind_virq] = sizeof(u.virq),
        [EVTCHNOP_bind_ipi] = sizeof(u.ipi),
        [EVTCHNOP_close] = sizeof(u.close),
        [EVTCHNOP_send] = sizeof(u.send),
        [EVTCHNOP_status] = sizeof(u.status),
        [EVTCHNOP_unmask] = sizeof(u.unmask),
        [EVTCHNOP_bind_pirq] = sizeof(u.pirq),
    };
    if (cmd >= ARRAY_SIZE(size))
        return -HESTIA_ENOSYS;
    unsigned op =
        (unsigned)cmd; /* a 32-bit switch: no 64-bit compare helpers on 32-bit targets */
    if (hal_copy_from_guest(v, &u, guest_va(arg), size[op]) != 0)
        return -HESTIA_EFAULT;

    long rc;
    evtchn_port_t new_port = 0; /* closed again if the result cannot be copied out */
    switch (op) {
    case EVTCHNOP_alloc_unbound:
        rc = op_alloc_unbound(d, &u.alloc);
        if (rc == 0)
            new_port = u.alloc.port;
        break;
    case EVTCHNOP_bind_interdomain:
        rc = op_bind_interdomain(d, &u.inter);
        if (rc == 0)
            new_port = u.inter.local_port;
        break;
    case EVTCHNOP_bind_virq: {
        int p = evtchn_bind_virq_internal(d, u.virq.virq, u.virq.vcpu);
        rc = p < 0 ? p : 0;
        if (p > 0)
            new_port = u.virq.port = (evtchn_port_t)p;
        break;
    }
    case EVTCHNOP_bind_ipi:
        rc = op_bind_ipi(d, &u.ipi);
        if (rc == 0)
            new_port = u.ipi.port;
        break;
    case EVTCHNOP_close:
        return close_port(d, u.close.port, d->id);
    case EVTCHNOP_send:
        return op_send(d, u.send.port);
    case EVTCHNOP_unmask:
        return op_unmask(d, u.unmask.port);
    case EVTCHNOP_status:
        rc = op_status(d, &u.status);
        break;
    case EVTCHNOP_bind_pirq:
        rc = d->privileged && (u.pirq.flags || u.pirq.pad)
                 ? -HESTIA_EINVAL
                 : pirq_bind(d, u.pirq.pirq, &u.pirq.port);
        if (rc == 0)
            new_port = u.pirq.port;
        break;
    default:
        return -HESTIA_ENOSYS;
    }
    if (rc != 0)
        return rc;
    if (hal_copy_to_guest(v, guest_va(arg), &u, size[op]) != 0) {
        /* The guest cannot learn the port: do not leak it. */
        if (new_port) {
            struct domain *owner =
                op == EVTCHNOP_alloc_unbound ? resolve(d, u.alloc.dom) : d;
            if (owner)
                close_port(owner, new_port, owner->id);
        }
        return -HESTIA_EFAULT;
    }
    return 0;
}

/* ---- hypervisor-side helpers ---- */

long evtchn_alloc_pirq_port(struct domain *d, unsigned pirq)
{
    return open_port(d, EVTCHNSTAT_pirq, (uint16_t)pirq, 0);
}

void evtchn_send_pirq(struct domain *d, evtchn_port_t port, unsigned pirq)
{
    struct evtchn_dom *ed = d->evtchn;
    if (!ed)
        return;
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    struct evtchn *c = chan(ed, port);
    /* A port closed (or re-used) since the binding was read gets nothing. */
    if (c && c->state == EVTCHNSTAT_pirq && c->arg == pirq)
        set_pending(d, c->vcpu, port);
    spin_unlock_irqrestore(&ed->lock, flags);
}

static void send_virq_on(struct domain *d, unsigned slot_vcpu, unsigned virq)
{
    struct evtchn_dom *ed = d->evtchn;
    if (!ed || virq >= VIRQ_COUNT || slot_vcpu >= HESTIA_MAX_VCPUS)
        return;
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    evtchn_port_t port = ed->virq_port[slot_vcpu][virq];
    struct evtchn *c = port ? chan(ed, port) : NULL;
    unsigned vid = c ? c->vcpu : 0;
    spin_unlock_irqrestore(&ed->lock, flags);
    if (c)
        set_pending(d, vid, port);
}

void evtchn_send_virq(struct vcpu *v, unsigned virq)
{
    if (!v || !v->domain)
        return;
    send_virq_on(v->domain, virq_is_global(virq) ? 0 : v->id, virq);
}

void evtchn_send_virq_domain(struct domain *d, unsigned virq)
{
    if (d)
        send_virq_on(d, 0, virq);
}

bool evtchn_is_pending(struct domain *d, evtchn_port_t port)
{
    if (!d || !d->shared_info || port == 0 || port >= EVTCHN_MAX_PORTS)
        return false;
    return (__atomic_load_n(&d->shared_info->evtchn_pending[port / 32], __ATOMIC_SEQ_CST) >>
            (port % 32)) &
           1u;
}

unsigned evtchn_ports_in_use(struct domain *d)
{
    return d && d->evtchn ? d->evtchn->in_use : 0;
}

void evtchn_domain_destroy(struct domain *d)
{
    struct evtchn_dom *ed = d->evtchn;
    if (!ed)
        return;
    for (evtchn_port_t p = 1; p < EVTCHN_MAX_PORTS; p++) {
        if (!ed->chunk[p / PORTS_PER_CHUNK]) {
            p = (p / PORTS_PER_CHUNK + 1) * PORTS_PER_CHUNK - 1;
            continue;
        }
        /*
         * Peers fall back to unbound, offered to nobody: a later domain
         * that reuses d's id must not pick up d's old connections.
         */
        close_port(d, p, DOMID_INVALID); /* -EBADF for closed ports: fine */
    }
    for (unsigned i = 0; i < NR_CHUNKS; i++)
        if (ed->chunk[i])
            core_heap_free(ed->chunk[i]);
    d->evtchn = NULL;
    core_heap_free(ed);
}

/* ---- restore (core/domctl_restore.c) ---- */

unsigned evtchn_save_ports(struct domain *d, struct domain_state_port *out, unsigned max)
{
    struct evtchn_dom *ed = d->evtchn;
    if (!ed)
        return 0;
    unsigned n = 0;
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    for (evtchn_port_t p = 1; p < EVTCHN_MAX_PORTS && n < max; p++) {
        struct evtchn *c = chan(ed, p);
        if (!c || c->state == EVTCHNSTAT_closed)
            continue;
        struct domain_state_port *o = &out[n++];
        memset(o, 0, sizeof(*o));
        o->port = p;
        o->state = c->state;
        o->vcpu = c->vcpu;
        if (c->state == EVTCHNSTAT_unbound || c->state == EVTCHNSTAT_virq)
            o->arg = c->arg;
        if (c->state == EVTCHNSTAT_interdomain) {
            o->remote_dom = c->peer ? c->peer->id : DOMID_INVALID;
            o->remote_port = c->remote;
        }
    }
    spin_unlock_irqrestore(&ed->lock, flags);
    return n;
}

int evtchn_check_ports(struct domain *d, const struct domain_state_port *p, unsigned n)
{
    bool virq_seen[HESTIA_MAX_VCPUS][VIRQ_COUNT];
    memset(virq_seen, 0, sizeof(virq_seen));
    uint32_t last = 0;
    for (unsigned i = 0; i < n; i++) {
        const struct domain_state_port *r = &p[i];
        if (r->port <= last || r->port >= EVTCHN_MAX_PORTS || r->pad)
            return -HESTIA_EINVAL; /* out of range, twice or out of order */
        last = r->port;
        if (!vcpu_exists(d, r->vcpu))
            return -HESTIA_EINVAL;
        bool remote_ok =
            r->state == EVTCHNSTAT_interdomain || (!r->remote_dom && !r->remote_port);
        if (!remote_ok)
            return -HESTIA_EINVAL;
        switch (r->state) {
        case EVTCHNSTAT_unbound:
            if (r->arg >= HESTIA_MAX_DOMAINS && r->arg != DOMID_INVALID)
                return -HESTIA_EINVAL;
            break;
        case EVTCHNSTAT_virq:
            if (r->arg >= VIRQ_COUNT || (virq_is_global(r->arg) && r->vcpu != 0) ||
                virq_seen[r->vcpu][r->arg])
                return -HESTIA_EINVAL;
            virq_seen[r->vcpu][r->arg] = true;
            break;
        case EVTCHNSTAT_interdomain:
        case EVTCHNSTAT_ipi:
            if (r->arg)
                return -HESTIA_EINVAL;
            break;
        default: /* closed is not sent; a pirq belongs to dom0's devices */
            return -HESTIA_EINVAL;
        }
    }
    return 0;
}

int evtchn_load_ports(struct domain *d, const struct domain_state_port *p, unsigned n)
{
    struct evtchn_dom *ed = d->evtchn;
    if (!ed || ed->in_use)
        return -HESTIA_EINVAL;
    /* Every chunk first, so that running out of memory opens nothing. */
    for (unsigned i = 0; i < n; i++) {
        unsigned ci = p[i].port / PORTS_PER_CHUNK;
        if (!ed->chunk[ci] &&
            !(ed->chunk[ci] = core_heap_alloc(PORTS_PER_CHUNK * sizeof(struct evtchn))))
            return -HESTIA_ENOMEM;
    }
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    for (unsigned i = 0; i < n; i++) {
        struct evtchn *c = chan(ed, p[i].port);
        if (!c)
            continue; /* not after evtchn_check_ports and the chunks above */
        memset(c, 0, sizeof(*c));
        c->vcpu = p[i].vcpu;
        c->state = p[i].state;
        c->arg = p[i].arg;
        if (c->state == EVTCHNSTAT_interdomain) {
            /* The peer stayed behind: the guest finds the port unbound. */
            c->state = EVTCHNSTAT_unbound;
            c->arg = DOMID_INVALID;
        } else if (c->state == EVTCHNSTAT_virq) {
            ed->virq_port[c->vcpu][c->arg] = (uint16_t)p[i].port;
        }
        ed->in_use++;
    }
    spin_unlock_irqrestore(&ed->lock, flags);
    return 0;
}
