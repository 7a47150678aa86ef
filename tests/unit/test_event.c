/* SPDX-License-Identifier: MIT */
/*
 * Event channels through HYPERCALL_event_channel_op: every command on its
 * normal path and with hostile arguments, 2-level delivery bits in shared
 * info, limits.
 */
#include "harness.h"

TEST_SUITE("event");

/* A domain, its vCPU 0 and one guest page used for every operation struct. */
struct ctx {
    struct domain *d;
    struct vcpu *v;
    uint64_t buf;
};

static struct ctx mk(bool privileged)
{
    struct ctx c;
    c.d = h_domain(64, privileged);
    c.v = h_vcpu(c.d);
    c.buf = h_buf(c.d, HAL_PAGE_SIZE);
    return c;
}

static long evop(struct ctx *c, unsigned cmd, void *op, size_t len)
{
    h_write(c->d, c->buf, op, len);
    long rc = h_call(c->v, HYPERCALL_event_channel_op, cmd, c->buf, 0, 0, 0);
    h_read(c->d, op, c->buf, len);
    return rc;
}

static long alloc_unbound(struct ctx *c, hestia_domid_t dom, hestia_domid_t remote,
                          evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = {.dom = dom, .remote_dom = remote, .port = 0xdead};
    long rc = evop(c, EVTCHNOP_alloc_unbound, &a, sizeof(a));
    if (port)
        *port = a.port;
    return rc;
}

static long bind_inter(struct ctx *c, hestia_domid_t rdom, evtchn_port_t rport,
                       evtchn_port_t *lport)
{
    struct evtchn_bind_interdomain b = {.remote_dom = rdom, .remote_port = rport};
    long rc = evop(c, EVTCHNOP_bind_interdomain, &b, sizeof(b));
    if (lport)
        *lport = b.local_port;
    return rc;
}

static long bind_virq(struct ctx *c, uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_virq b = {.virq = virq, .vcpu = vcpu};
    long rc = evop(c, EVTCHNOP_bind_virq, &b, sizeof(b));
    if (port)
        *port = b.port;
    return rc;
}

static long bind_ipi(struct ctx *c, uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_ipi b = {.vcpu = vcpu};
    long rc = evop(c, EVTCHNOP_bind_ipi, &b, sizeof(b));
    if (port)
        *port = b.port;
    return rc;
}

static long port_op(struct ctx *c, unsigned cmd, evtchn_port_t port)
{
    struct evtchn_send s = {.port = port}; /* close/send/unmask share the layout */
    return evop(c, cmd, &s, sizeof(s));
}

static long status(struct ctx *c, hestia_domid_t dom, evtchn_port_t port,
                   struct evtchn_status *st)
{
    memset(st, 0xee, sizeof(*st));
    st->dom = dom;
    st->port = port;
    return evop(c, EVTCHNOP_status, st, sizeof(*st));
}

static bool pending(struct domain *d, evtchn_port_t p)
{
    return (d->shared_info->evtchn_pending[p / 32] >> (p % 32)) & 1u;
}

/* Connect a (offering) and b: returns a's port, *bport b's. */
static evtchn_port_t connect(struct ctx *a, struct ctx *b, evtchn_port_t *bport)
{
    evtchn_port_t ap = 0;
    REQUIRE(alloc_unbound(a, DOMID_SELF, b->d->id, &ap) == 0);
    REQUIRE(bind_inter(b, a->d->id, ap, bport) == 0);
    return ap;
}

TEST_CASE(interdomain_roundtrip)
{
    struct ctx a = mk(false), b = mk(false);
    evtchn_port_t ap = 0, bp = 0;
    CHECK_EQ(alloc_unbound(&a, DOMID_SELF, b.d->id, &ap), 0);
    CHECK(ap > 0 && ap < EVTCHN_MAX_PORTS);
    CHECK_EQ(bind_inter(&b, a.d->id, ap, &bp), 0);
    CHECK(bp > 0);
    CHECK_EQ(evtchn_ports_in_use(a.d), 1);
    CHECK_EQ(evtchn_ports_in_use(b.d), 1);

    struct vcpu_info *ai = a.v->info;
    ai->evtchn_upcall_pending = 0;
    ai->evtchn_pending_sel = 0;
    CHECK_EQ(port_op(&b, EVTCHNOP_send, bp), 0);
    CHECK(pending(a.d, ap));
    CHECK(!pending(b.d, bp));
    CHECK_EQ(ai->evtchn_upcall_pending, 1);
    CHECK_EQ(ai->evtchn_pending_sel, 1u << (ap / 32));
    CHECK(evtchn_is_pending(a.d, ap));

    CHECK_EQ(port_op(&a, EVTCHNOP_send, ap), 0);
    CHECK(pending(b.d, bp));
    CHECK_EQ(b.v->info->evtchn_upcall_pending, 1);

    /* send_port: the same delivery with the port in the argument. */
    a.d->shared_info->evtchn_pending[ap / 32] = 0;
    ai->evtchn_upcall_pending = 0;
    ai->evtchn_pending_sel = 0;
    CHECK_EQ(h_call(b.v, HYPERCALL_event_channel_op, EVTCHNOP_send_port, bp, 0, 0, 0), 0);
    CHECK(pending(a.d, ap));
    CHECK_EQ(ai->evtchn_upcall_pending, 1);
    CHECK_EQ(ai->evtchn_pending_sel, 1u << (ap / 32));
    /* A 64-bit argument is not truncated to a valid port. */
    CHECK_EQ(h_call(b.v, HYPERCALL_event_channel_op, EVTCHNOP_send_port, (1ull << 32) | bp,
                    0, 0, 0),
             -HESTIA_EBADF);
}

TEST_CASE(status_both_ends_and_privilege)
{
    struct ctx z = mk(true), a = mk(false), b = mk(false);
    evtchn_port_t bp = 0, ap = connect(&a, &b, &bp);
    evtchn_port_t offer = 0;
    REQUIRE(alloc_unbound(&a, DOMID_SELF, z.d->id, &offer) == 0);
    struct evtchn_status st;
    CHECK_EQ(status(&a, DOMID_SELF, ap, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.dom, b.d->id);
    CHECK_EQ(st.u.interdomain.port, bp);
    CHECK_EQ(st.vcpu, 0);
    CHECK_EQ(status(&b, b.d->id, bp, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.dom, a.d->id);
    CHECK_EQ(st.u.interdomain.port, ap);
    CHECK_EQ(status(&a, DOMID_SELF, offer, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, z.d->id);
    CHECK_EQ(status(&a, DOMID_SELF, 700, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_closed);
    /* dom0 may look at any domain, a domU only at itself. */
    CHECK_EQ(status(&z, a.d->id, ap, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(status(&b, a.d->id, ap, &st), -HESTIA_EPERM);
    CHECK_EQ(status(&z, 999, 1, &st), -HESTIA_ESRCH);
    CHECK_EQ(status(&z, DOMID_INVALID, 1, &st), -HESTIA_ESRCH);
    CHECK_EQ(status(&a, DOMID_SELF, 0, &st), -HESTIA_EBADF);
    CHECK_EQ(status(&a, DOMID_SELF, EVTCHN_MAX_PORTS, &st), -HESTIA_EBADF);
}

TEST_CASE(bad_ports)
{
    struct ctx a = mk(false);
    static const evtchn_port_t bad[] = {
        0, 5, EVTCHN_MAX_PORTS - 1, EVTCHN_MAX_PORTS, 0x10000, 0x7fffffff, 0xffffffff};
    for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
        CHECK_EQ(port_op(&a, EVTCHNOP_send, bad[i]), -HESTIA_EBADF);
        CHECK_EQ(
            h_call(a.v, HYPERCALL_event_channel_op, EVTCHNOP_send_port, bad[i], 0, 0, 0),
            -HESTIA_EBADF);
        CHECK_EQ(port_op(&a, EVTCHNOP_close, bad[i]), -HESTIA_EBADF);
        CHECK_EQ(port_op(&a, EVTCHNOP_unmask, bad[i]), -HESTIA_EBADF);
        CHECK(!evtchn_is_pending(a.d, bad[i]));
    }
    CHECK_EQ(evtchn_ports_in_use(a.d), 0);
}

TEST_CASE(bind_needs_an_offer)
{
    struct ctx a = mk(false), b = mk(false), c = mk(false);
    evtchn_port_t to_c = 0, lp = 0;
    REQUIRE(alloc_unbound(&a, DOMID_SELF, c.d->id, &to_c) == 0);
    CHECK_EQ(bind_inter(&b, a.d->id, to_c, &lp), -HESTIA_EPERM); /* offered to c, not b */
    CHECK_EQ(bind_inter(&b, a.d->id, to_c + 1, &lp), -HESTIA_EINVAL); /* closed port */
    CHECK_EQ(bind_inter(&b, a.d->id, 0, &lp), -HESTIA_EBADF);
    CHECK_EQ(bind_inter(&b, a.d->id, EVTCHN_MAX_PORTS, &lp), -HESTIA_EBADF);
    CHECK_EQ(bind_inter(&b, a.d->id, 0xffffffff, &lp), -HESTIA_EBADF);
    CHECK_EQ(bind_inter(&b, 999, to_c, &lp), -HESTIA_ESRCH);
    CHECK_EQ(evtchn_ports_in_use(b.d), 0);
    /* c binds; then nobody else can take the now-connected port, not even c again. */
    CHECK_EQ(bind_inter(&c, a.d->id, to_c, &lp), 0);
    CHECK_EQ(bind_inter(&c, a.d->id, to_c, &lp), -HESTIA_EINVAL);
    CHECK_EQ(bind_inter(&b, a.d->id, to_c, &lp), -HESTIA_EINVAL);
    /* Binding to a VIRQ port of another domain is refused too. */
    evtchn_port_t vp = 0;
    REQUIRE(bind_virq(&a, VIRQ_DEBUG, 0, &vp) == 0);
    CHECK_EQ(bind_inter(&b, a.d->id, vp, &lp), -HESTIA_EINVAL);
}

TEST_CASE(alloc_unbound_rules)
{
    struct ctx z = mk(true), a = mk(false), b = mk(false);
    evtchn_port_t p = 0;
    CHECK_EQ(alloc_unbound(&a, b.d->id, DOMID_SELF, &p), -HESTIA_EPERM);
    CHECK_EQ(alloc_unbound(&a, DOMID_SELF, 999, &p), -HESTIA_ESRCH);
    CHECK_EQ(alloc_unbound(&a, 999, DOMID_SELF, &p), -HESTIA_ESRCH);
    CHECK_EQ(evtchn_ports_in_use(a.d), 0);
    CHECK_EQ(evtchn_ports_in_use(b.d), 0);
    /* dom0 may allocate in another domain (toolstack: console/xenstore-like rings). */
    CHECK_EQ(alloc_unbound(&z, a.d->id, z.d->id, &p), 0);
    CHECK_EQ(evtchn_ports_in_use(a.d), 1);
    evtchn_port_t zp = 0;
    CHECK_EQ(bind_inter(&z, a.d->id, p, &zp), 0);
    CHECK_EQ(port_op(&z, EVTCHNOP_send, zp), 0);
    CHECK(pending(a.d, p));
}

TEST_CASE(double_close)
{
    struct ctx a = mk(false);
    evtchn_port_t p = 0;
    REQUIRE(bind_ipi(&a, 0, &p) == 0);
    CHECK_EQ(port_op(&a, EVTCHNOP_close, p), 0);
    CHECK_EQ(port_op(&a, EVTCHNOP_close, p), -HESTIA_EBADF);
    CHECK_EQ(port_op(&a, EVTCHNOP_send, p), -HESTIA_EBADF);
    CHECK_EQ(evtchn_ports_in_use(a.d), 0);
}

TEST_CASE(close_one_end_peer_unbound_then_rebind)
{
    struct ctx a = mk(false), b = mk(false);
    evtchn_port_t bp = 0, ap = connect(&a, &b, &bp);
    CHECK_EQ(port_op(&b, EVTCHNOP_close, bp), 0);
    struct evtchn_status st;
    CHECK_EQ(status(&a, DOMID_SELF, ap, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, b.d->id);
    /* Sending into an unbound port is dropped quietly. */
    b.d->shared_info->evtchn_pending[0] = 0;
    CHECK_EQ(port_op(&a, EVTCHNOP_send, ap), 0);
    CHECK_EQ(b.d->shared_info->evtchn_pending[0], 0);
    CHECK_EQ(port_op(&b, EVTCHNOP_send, bp), -HESTIA_EBADF);
    /* b may connect again. */
    evtchn_port_t bp2 = 0;
    CHECK_EQ(bind_inter(&b, a.d->id, ap, &bp2), 0);
    CHECK_EQ(port_op(&b, EVTCHNOP_send, bp2), 0);
    CHECK(pending(a.d, ap));
    /* Closing the offering end: b's end becomes unbound, offered to a. */
    CHECK_EQ(port_op(&a, EVTCHNOP_close, ap), 0);
    CHECK_EQ(status(&b, DOMID_SELF, bp2, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, a.d->id);
    CHECK(!pending(a.d, ap)); /* a closed port is not left pending */
}

TEST_CASE(storm_of_sends_coalesces)
{
    struct ctx a = mk(false), b = mk(false);
    evtchn_port_t bp = 0, ap = connect(&a, &b, &bp);
    struct vcpu_info *ai = a.v->info;
    ai->evtchn_upcall_pending = 0;
    ai->evtchn_pending_sel = 0;
    uint32_t before[32];
    memcpy(before, a.d->shared_info->evtchn_pending, sizeof(before));
    /* The send struct is written once; 100k hypercalls reuse it. */
    struct evtchn_send s = {.port = bp};
    h_write(b.d, b.buf, &s, sizeof(s));
    long bad = 0;
    for (unsigned i = 0; i < 100000; i++)
        if (h_call(b.v, HYPERCALL_event_channel_op, EVTCHNOP_send, b.buf, 0, 0, 0) != 0)
            bad++;
    CHECK_EQ(bad, 0);
    before[ap / 32] |= 1u << (ap % 32);
    CHECK(memcmp(before, a.d->shared_info->evtchn_pending, sizeof(before)) == 0);
    CHECK_EQ(ai->evtchn_pending_sel, 1u << (ap / 32));
    CHECK_EQ(ai->evtchn_upcall_pending, 1);
    /* The guest consumes it; the next send raises it again. */
    ai->evtchn_upcall_pending = 0;
    ai->evtchn_pending_sel = 0;
    a.d->shared_info->evtchn_pending[ap / 32] = 0;
    CHECK_EQ(port_op(&b, EVTCHNOP_send, bp), 0);
    CHECK(pending(a.d, ap));
    CHECK_EQ(ai->evtchn_upcall_pending, 1);
}

TEST_CASE(masked_port_then_unmask_delivers)
{
    struct ctx a = mk(false), b = mk(false);
    evtchn_port_t bp = 0, ap = connect(&a, &b, &bp);
    struct vcpu_info *ai = a.v->info;
    ai->evtchn_upcall_pending = 0;
    ai->evtchn_pending_sel = 0;
    a.d->shared_info->evtchn_mask[ap / 32] |= 1u << (ap % 32);
    CHECK_EQ(port_op(&b, EVTCHNOP_send, bp), 0);
    CHECK(pending(a.d, ap));
    CHECK_EQ(ai->evtchn_upcall_pending, 0); /* masked: no upcall */
    CHECK_EQ(ai->evtchn_pending_sel, 0);
    CHECK_EQ(port_op(&a, EVTCHNOP_unmask, ap), 0);
    CHECK_EQ((a.d->shared_info->evtchn_mask[ap / 32] >> (ap % 32)) & 1u, 0);
    CHECK_EQ(ai->evtchn_upcall_pending, 1);
    CHECK_EQ(ai->evtchn_pending_sel, 1u << (ap / 32));
    /* Unmasking a port with nothing pending raises nothing. */
    ai->evtchn_upcall_pending = 0;
    ai->evtchn_pending_sel = 0;
    a.d->shared_info->evtchn_pending[ap / 32] = 0;
    CHECK_EQ(port_op(&a, EVTCHNOP_unmask, ap), 0);
    CHECK_EQ(ai->evtchn_upcall_pending, 0);
}

TEST_CASE(send_wakes_blocked_vcpu)
{
    struct ctx a = mk(false), b = mk(false);
    evtchn_port_t bp = 0;
    connect(&a, &b, &bp);
    CHECK_EQ(h_call(a.v, HYPERCALL_sched_op, SCHEDOP_block, 0, 0, 0, 0), 0);
    CHECK_EQ(a.v->state, VCPU_BLOCKED);
    CHECK_EQ(port_op(&b, EVTCHNOP_send, bp), 0);
    CHECK(a.v->state != VCPU_BLOCKED);
    CHECK(vcpu_runnable(a.v));
}

TEST_CASE(enospc_when_table_full)
{
    struct ctx a = mk(false);
    evtchn_port_t p = 0, last = 0;
    unsigned n = 0;
    long rc;
    while ((rc = bind_ipi(&a, 0, &p)) == 0) {
        n++;
        last = p;
        REQUIRE(n < EVTCHN_MAX_PORTS);
    }
    CHECK_EQ(rc, -HESTIA_ENOSPC);
    CHECK_EQ(n, EVTCHN_MAX_PORTS - 1); /* port 0 is never used */
    CHECK_EQ(last, EVTCHN_MAX_PORTS - 1);
    CHECK_EQ(evtchn_ports_in_use(a.d), EVTCHN_MAX_PORTS - 1);
    CHECK_EQ(alloc_unbound(&a, DOMID_SELF, DOMID_SELF, &p), -HESTIA_ENOSPC);
    CHECK_EQ(bind_virq(&a, VIRQ_TIMER, 0, &p), -HESTIA_ENOSPC);
    /* One freed port is reused. */
    CHECK_EQ(port_op(&a, EVTCHNOP_close, 517), 0);
    CHECK_EQ(bind_ipi(&a, 0, &p), 0);
    CHECK_EQ(p, 517);
    CHECK_EQ(bind_ipi(&a, 0, &p), -HESTIA_ENOSPC);
}

TEST_CASE(per_vcpu_binding)
{
    struct domain *d = NULL;
    REQUIRE(domain_create(64, 2, false, &d) == 0);
    REQUIRE(domain_start_vcpu(d, 0, guest_va(0x1000), guest_va(0), guest_va(0)) == 0);
    REQUIRE(domain_start_vcpu(d, 1, guest_va(0x1000), guest_va(0), guest_va(0)) == 0);
    REQUIRE(domain_unpause(d) == 0);
    struct ctx a = {.d = d, .v = d->vcpus[0], .buf = h_buf(d, HAL_PAGE_SIZE)};
    evtchn_port_t t0 = 0, t1 = 0, ipi1 = 0;
    CHECK_EQ(bind_virq(&a, VIRQ_TIMER, 0, &t0), 0);
    CHECK_EQ(bind_virq(&a, VIRQ_TIMER, 1, &t1), 0);
    CHECK(t0 != t1);
    CHECK_EQ(bind_ipi(&a, 1, &ipi1), 0);
    struct vcpu_info *i0 = &d->shared_info->vcpu_info[0],
                     *i1 = &d->shared_info->vcpu_info[1];
    i0->evtchn_upcall_pending = i1->evtchn_upcall_pending = 0;
    i0->evtchn_pending_sel = i1->evtchn_pending_sel = 0;
    evtchn_send_virq(d->vcpus[1], VIRQ_TIMER);
    CHECK(pending(d, t1));
    CHECK(!pending(d, t0));
    CHECK_EQ(i1->evtchn_upcall_pending, 1);
    CHECK_EQ(i0->evtchn_upcall_pending, 0);
    d->shared_info->evtchn_pending[t1 / 32] = 0;
    i1->evtchn_upcall_pending = 0;
    i1->evtchn_pending_sel = 0;
    /* An IPI bound to vCPU 1, sent from vCPU 0, lands on vCPU 1. */
    CHECK_EQ(port_op(&a, EVTCHNOP_send, ipi1), 0);
    CHECK(pending(d, ipi1));
    CHECK_EQ(i1->evtchn_upcall_pending, 1);
    CHECK_EQ(i0->evtchn_upcall_pending, 0);
    struct evtchn_status st;
    CHECK_EQ(status(&a, DOMID_SELF, t1, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_virq);
    CHECK_EQ(st.u.virq, VIRQ_TIMER);
    CHECK_EQ(st.vcpu, 1);
    CHECK_EQ(status(&a, DOMID_SELF, ipi1, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_ipi);
    CHECK_EQ(st.vcpu, 1);
    /* vCPUs that do not exist. */
    CHECK_EQ(bind_virq(&a, VIRQ_DEBUG, 2, NULL), -HESTIA_ESRCH);
    CHECK_EQ(bind_virq(&a, VIRQ_DEBUG, 0xffffffff, NULL), -HESTIA_ESRCH);
    CHECK_EQ(bind_ipi(&a, HESTIA_MAX_VCPUS, NULL), -HESTIA_ESRCH);
}

TEST_CASE(virq_rules)
{
    struct ctx a = mk(false);
    evtchn_port_t p = 0;
    CHECK_EQ(bind_virq(&a, VIRQ_COUNT, 0, &p), -HESTIA_EINVAL);
    CHECK_EQ(bind_virq(&a, 0xffffffff, 0, &p), -HESTIA_EINVAL);
    CHECK_EQ(bind_virq(&a, VIRQ_CONSOLE, 0, &p), 0);
    CHECK_EQ(bind_virq(&a, VIRQ_CONSOLE, 0, NULL), -HESTIA_EEXIST);
    CHECK_EQ(port_op(&a, EVTCHNOP_send, p), -HESTIA_EINVAL); /* guests cannot raise VIRQs */
    CHECK_EQ(h_call(a.v, HYPERCALL_event_channel_op, EVTCHNOP_send_port, p, 0, 0, 0),
             -HESTIA_EINVAL);
    a.d->shared_info->evtchn_pending[p / 32] = 0;
    evtchn_send_virq_domain(a.d, VIRQ_CONSOLE);
    CHECK(pending(a.d, p));
    /* Not bound: nothing happens. */
    uint32_t before[32];
    memcpy(before, a.d->shared_info->evtchn_pending, sizeof(before));
    evtchn_send_virq_domain(a.d, VIRQ_DOM_EXC);
    evtchn_send_virq(a.v, VIRQ_TIMER);
    evtchn_send_virq(a.v, 99);
    CHECK(memcmp(before, a.d->shared_info->evtchn_pending, sizeof(before)) == 0);
    /* Closing frees the VIRQ for a new binding. */
    CHECK_EQ(port_op(&a, EVTCHNOP_close, p), 0);
    CHECK_EQ(bind_virq(&a, VIRQ_CONSOLE, 0, &p), 0);
}

TEST_CASE(ipi_and_loopback)
{
    struct ctx a = mk(false);
    evtchn_port_t ipi = 0, off = 0, lp = 0;
    CHECK_EQ(bind_ipi(&a, 0, &ipi), 0);
    CHECK_EQ(port_op(&a, EVTCHNOP_send, ipi), 0);
    CHECK(pending(a.d, ipi));
    /* A domain may connect two of its own ports. */
    CHECK_EQ(alloc_unbound(&a, DOMID_SELF, DOMID_SELF, &off), 0);
    CHECK_EQ(bind_inter(&a, DOMID_SELF, off, &lp), 0);
    CHECK_EQ(port_op(&a, EVTCHNOP_send, lp), 0);
    CHECK(pending(a.d, off));
    CHECK(!pending(a.d, lp));
    CHECK_EQ(port_op(&a, EVTCHNOP_close, off), 0);
    struct evtchn_status st;
    CHECK_EQ(status(&a, DOMID_SELF, lp, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(port_op(&a, EVTCHNOP_close, lp), 0);
    CHECK_EQ(port_op(&a, EVTCHNOP_close, ipi), 0);
    CHECK_EQ(evtchn_ports_in_use(a.d), 0);
}

TEST_CASE(bad_guest_pointers)
{
    struct ctx a = mk(false);
    for (unsigned cmd = 0; cmd <= EVTCHNOP_unmask; cmd++) {
        CHECK_EQ(h_call(a.v, HYPERCALL_event_channel_op, cmd, H_VA_UNMAPPED, 0, 0, 0),
                 -HESTIA_EFAULT);
        CHECK_EQ(h_call(a.v, HYPERCALL_event_channel_op, cmd, H_VA_HYP, 0, 0, 0),
                 -HESTIA_EFAULT);
        CHECK_EQ(h_call(a.v, HYPERCALL_event_channel_op, cmd, H_VA_NONCANON, 0, 0, 0),
                 -HESTIA_EFAULT);
    }
    /* A struct that straddles into the unmapped guard page after a buffer. */
    uint64_t edge = a.buf + HAL_PAGE_SIZE - 4;
    CHECK_EQ(h_call(a.v, HYPERCALL_event_channel_op, EVTCHNOP_bind_ipi, edge, 0, 0, 0),
             -HESTIA_EFAULT);
    /* Read-only buffer: the port cannot be returned, so it is not kept. */
    struct evtchn_bind_ipi b = {.vcpu = 0};
    uint64_t ro = h_buf_perms(a.d, sizeof(b), MMU_PERM_READ);
    h_write(a.d, ro, &b, sizeof(b));
    CHECK_EQ(h_call(a.v, HYPERCALL_event_channel_op, EVTCHNOP_bind_ipi, ro, 0, 0, 0),
             -HESTIA_EFAULT);
    struct evtchn_alloc_unbound au = {.dom = DOMID_SELF, .remote_dom = DOMID_SELF};
    uint64_t ro2 = h_buf_perms(a.d, sizeof(au), MMU_PERM_READ);
    h_write(a.d, ro2, &au, sizeof(au));
    CHECK_EQ(h_call(a.v, HYPERCALL_event_channel_op, EVTCHNOP_alloc_unbound, ro2, 0, 0, 0),
             -HESTIA_EFAULT);
    CHECK_EQ(evtchn_ports_in_use(a.d), 0);
    CHECK_EQ(
        h_call(a.v, HYPERCALL_event_channel_op, EVTCHNOP_send_port + 1, a.buf, 0, 0, 0),
        -HESTIA_ENOSYS);
    CHECK_EQ(h_call(a.v, HYPERCALL_event_channel_op, ~0ull, a.buf, 0, 0, 0),
             -HESTIA_ENOSYS);
}

TEST_CASE(destroy_turns_peer_unbound)
{
    struct ctx a = mk(false), b = mk(false);
    evtchn_port_t bp = 0, ap = connect(&a, &b, &bp);
    hestia_domid_t bid = b.d->id;
    REQUIRE(domain_destroy(b.d) == 0);
    struct evtchn_status st;
    CHECK_EQ(status(&a, DOMID_SELF, ap, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK(st.u.unbound.dom != bid); /* a domain reusing the id must not inherit it */
    CHECK_EQ(port_op(&a, EVTCHNOP_send, ap), 0);
    struct ctx c = mk(false);
    evtchn_port_t lp = 0;
    CHECK(bind_inter(&c, a.d->id, ap, &lp) < 0);
}

TEST_CASE(fresh_domain_is_cheap)
{
    /* No port chunk until the first port; first port is 1. */
    struct ctx a = mk(false);
    CHECK_EQ(evtchn_ports_in_use(a.d), 0);
    evtchn_port_t p = 0;
    CHECK_EQ(bind_ipi(&a, 0, &p), 0);
    CHECK_EQ(p, 1);
    CHECK_EQ(evtchn_ports_in_use(a.d), 1);
}

/* xorshift for the random-operation test (deterministic). */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rnd32(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

/* Every open port's state is consistent with its peer's, and in_use counts them. */
static void check_invariants(struct ctx *z, struct ctx *all, unsigned n, unsigned *bad)
{
    for (unsigned i = 0; i < n; i++) {
        unsigned open = 0;
        for (evtchn_port_t p = 1; p < EVTCHN_MAX_PORTS; p++) {
            struct evtchn_status st;
            if (status(z, all[i].d->id, p, &st) != 0) {
                (*bad)++;
                continue;
            }
            if (st.status == EVTCHNSTAT_closed)
                continue;
            open++;
            if (st.status > EVTCHNSTAT_ipi || st.vcpu >= HESTIA_MAX_VCPUS)
                (*bad)++;
            if (st.status == EVTCHNSTAT_interdomain) {
                struct evtchn_status ps;
                if (status(z, st.u.interdomain.dom, st.u.interdomain.port, &ps) != 0 ||
                    ps.status != EVTCHNSTAT_interdomain ||
                    ps.u.interdomain.dom != all[i].d->id || ps.u.interdomain.port != p)
                    (*bad)++;
            }
        }
        if (open != evtchn_ports_in_use(all[i].d))
            (*bad)++;
    }
}

TEST_CASE(random_operations_keep_invariants)
{
    struct ctx c[3] = {mk(true), mk(false), mk(false)};
    hestia_domid_t ids[] = {DOMID_SELF, c[0].d->id, c[1].d->id,
                            c[2].d->id, 999,        DOMID_INVALID};
    unsigned bad = 0, ok = 0;
    for (unsigned i = 0; i < 6000; i++) {
        struct ctx *x = &c[rnd32() % 3];
        uint32_t r = rnd32();
        /* Mostly plausible ports, sometimes anything. */
        evtchn_port_t port = (r & 7) ? rnd32() % 40 : rnd32();
        hestia_domid_t dom = ids[rnd32() % ARRAY_SIZE(ids)];
        uint8_t raw[64];
        for (unsigned k = 0; k < sizeof(raw); k++)
            raw[k] = (uint8_t)rnd32();
        long rc;
        switch (rnd32() % 10) {
        case 0:
            rc = alloc_unbound(x, dom, ids[rnd32() % ARRAY_SIZE(ids)], NULL);
            break;
        case 1:
            rc = bind_inter(x, dom, port, NULL);
            break;
        case 2:
            rc = bind_virq(x, rnd32() % 6, rnd32() % 3, NULL);
            break;
        case 3:
            rc = bind_ipi(x, rnd32() % 3, NULL);
            break;
        case 4:
            rc = port_op(x, EVTCHNOP_close, port);
            break;
        case 5:
            rc = port_op(x, EVTCHNOP_send, port);
            break;
        case 6:
            rc = port_op(x, EVTCHNOP_unmask, port);
            break;
        case 7: {
            struct evtchn_status st;
            rc = status(x, dom, port, &st);
            break;
        }
        case 8:
            rc = evop(x, rnd32() % 12, raw, sizeof(raw));
            break; /* garbage struct */
        default:
            /* The guest flips its own bits at random, as a hostile one would. */
            x->d->shared_info->evtchn_mask[rnd32() % 32] ^= rnd32();
            x->v->info->evtchn_upcall_pending = 1;
            rc = 0;
            break;
        }
        if (rc == 0)
            ok++;
        else if (rc != -HESTIA_EBADF && rc != -HESTIA_EINVAL && rc != -HESTIA_EPERM &&
                 rc != -HESTIA_ESRCH && rc != -HESTIA_EEXIST && rc != -HESTIA_ENOSPC &&
                 rc != -HESTIA_ENOSYS)
            bad++;
        if (i % 1000 == 999)
            check_invariants(&c[0], c, 3, &bad);
    }
    CHECK_EQ(bad, 0);
    CHECK(ok > 1000); /* the mix really exercised the normal paths */
    /* Tear one down in the middle of it all: peers stay consistent. */
    REQUIRE(domain_destroy(c[2].d) == 0);
    check_invariants(&c[0], c, 2, &bad);
    CHECK_EQ(bad, 0);
}
