/* SPDX-License-Identifier: MIT */
/*
 * core/domctl_restore.c: get / set the hypervisor-side domain state,
 * set_mappings, create-for-restore and starting a vCPU from its record.
 */
#include "harness.h"

TEST_SUITE("domctl_restore");

static struct domain *dom0;
static struct vcpu *v0;
static uint64_t opva, statebuf;

static void setup(void)
{
    dom0 = h_domain(256, true);
    v0 = h_vcpu(dom0);
    opva = h_buf(dom0, sizeof(struct hestia_domctl));
    statebuf = h_buf(dom0, DOMAIN_STATE_MAX_SIZE);
}

static long ctl(struct vcpu *caller, uint64_t at, struct hestia_domctl *op)
{
    op->interface_version = HESTIA_ABI_VERSION;
    return h_domctl(caller, at, op);
}

static long get_state(hestia_domid_t id, uint32_t size, uint32_t *out_size)
{
    struct hestia_domctl op = {.cmd = DOMCTL_get_domain_state, .domid = id};
    op.u.domain_state.buf = statebuf;
    op.u.domain_state.size = size;
    long rc = ctl(v0, opva, &op);
    if (out_size)
        *out_size = op.u.domain_state.size;
    return rc;
}

static long set_state(hestia_domid_t id, const void *st, uint32_t size)
{
    h_write(dom0, statebuf, st,
            size < DOMAIN_STATE_MAX_SIZE ? size : DOMAIN_STATE_MAX_SIZE);
    struct hestia_domctl op = {.cmd = DOMCTL_set_domain_state, .domid = id};
    op.u.domain_state.buf = statebuf;
    op.u.domain_state.size = size;
    return ctl(v0, opva, &op);
}

static struct domain *create_restore(uint64_t pages)
{
    struct hestia_domctl op = {.cmd = DOMCTL_create};
    op.u.create.nr_pages = pages;
    op.u.create.max_vcpus = 1;
    op.u.create.flags = DOMCTL_CREATE_RESTORE;
    REQUIRE(ctl(v0, opva, &op) == 0);
    struct domain *d = domain_lookup(op.domid);
    REQUIRE(d != NULL);
    return d;
}

static long evop(struct domain *d, unsigned cmd, void *op, size_t len)
{
    uint64_t b = h_put(d, op, len);
    long rc = h_call(h_vcpu(d), HYPERCALL_event_channel_op, cmd, b, 0, 0, 0);
    h_read(d, op, b, len);
    return rc;
}

/* A buffer big enough for a whole record, on the host. */
static uint8_t rec[DOMAIN_STATE_MAX_SIZE];
#define ST ((struct hestia_domain_state *)rec)
#define PORTS ((struct domain_state_port *)(ST + 1))

/*
 * A running domU with: an unbound port offered to dom0, VIRQ_TIMER and
 * VIRQ_RESUMED, an IPI, an interdomain channel to dom0, a masked port, a
 * timer, callbacks and a grant table; then paused and its state read into
 * rec.  *ports gets the port numbers in that order.
 */
static struct domain *saved_domu(evtchn_port_t ports[6], uint32_t *size)
{
    struct domain *d = h_domain(64, false);
    /* As if it had run 1000 s on another host: its time must go on from there. */
    d->time_offset_ns = 1000000000000ll;
    struct evtchn_alloc_unbound a = {.dom = DOMID_SELF, .remote_dom = 0};
    REQUIRE(evop(d, EVTCHNOP_alloc_unbound, &a, sizeof(a)) == 0);
    ports[0] = a.port;
    struct evtchn_bind_virq bv = {.virq = VIRQ_TIMER, .vcpu = 0};
    REQUIRE(evop(d, EVTCHNOP_bind_virq, &bv, sizeof(bv)) == 0);
    ports[1] = bv.port;
    struct evtchn_bind_virq br = {.virq = VIRQ_RESUMED, .vcpu = 0};
    REQUIRE(evop(d, EVTCHNOP_bind_virq, &br, sizeof(br)) == 0);
    ports[2] = br.port;
    struct evtchn_bind_ipi bi = {.vcpu = 0};
    REQUIRE(evop(d, EVTCHNOP_bind_ipi, &bi, sizeof(bi)) == 0);
    ports[3] = bi.port;
    struct evtchn_alloc_unbound o = {.dom = DOMID_SELF, .remote_dom = d->id};
    REQUIRE(evop(dom0, EVTCHNOP_alloc_unbound, &o, sizeof(o)) == 0);
    struct evtchn_bind_interdomain bd = {.remote_dom = 0, .remote_port = o.port};
    REQUIRE(evop(d, EVTCHNOP_bind_interdomain, &bd, sizeof(bd)) == 0);
    ports[4] = bd.local_port;
    /* A port closed in the middle keeps the others' numbers apart. */
    struct evtchn_bind_ipi gap = {.vcpu = 0};
    REQUIRE(evop(d, EVTCHNOP_bind_ipi, &gap, sizeof(gap)) == 0);
    struct evtchn_close cl = {.port = gap.port};
    REQUIRE(evop(d, EVTCHNOP_close, &cl, sizeof(cl)) == 0);
    struct evtchn_bind_ipi last = {.vcpu = 0};
    REQUIRE(evop(d, EVTCHNOP_bind_ipi, &last, sizeof(last)) == 0);
    ports[5] = last.port;
    d->shared_info->evtchn_mask[0] |= 1u << ports[3];
    d->shared_info->evtchn_pending[0] |= 1u << ports[3];
    struct vcpu *v = h_vcpu(d);
    REQUIRE(timer_set_guest(v, timer_guest_now(d) + 5000000000ull) == 0);
    v->callbacks.event_entry = H_BUF_VA;
    v->kernel_stack = H_BUF_VA + 0x1000;
    uint64_t tg[2] = {10, 11};
    REQUIRE(grant_load_table(d, tg, 2) == 0);
    REQUIRE(domain_pause(d) == 0);
    REQUIRE(get_state(d->id, DOMAIN_STATE_MAX_SIZE, size) == 0);
    h_read(dom0, rec, statebuf, *size);
    return d;
}

TEST_CASE(get_domain_state_describes_the_domain)
{
    setup();
    evtchn_port_t p[6];
    uint32_t size;
    struct domain *d = saved_domu(p, &size);
    CHECK_EQ(ST->magic, DOMAIN_STATE_MAGIC);
    CHECK_EQ(ST->version, DOMAIN_STATE_VERSION);
    CHECK_EQ(ST->size, size);
    CHECK_EQ(ST->nr_ports, 6); /* the console VIRQ the build bound, and ours less the gap */
    CHECK_EQ(ST->nr_grant_frames, 2);
    CHECK_EQ(ST->grant_frames[1], 11);
    CHECK_EQ(ST->vcpu[0].callbacks.event_entry, H_BUF_VA);
    CHECK_EQ(ST->vcpu[0].callbacks.kernel_stack, H_BUF_VA + 0x1000);
    CHECK(ST->vcpu[0].timer_deadline_ns > ST->system_time_ns);
    bool found_inter = false;
    for (unsigned i = 0; i < ST->nr_ports; i++)
        if (PORTS[i].port == p[4]) {
            found_inter = true;
            CHECK_EQ(PORTS[i].state, EVTCHNSTAT_interdomain);
            CHECK_EQ(PORTS[i].remote_dom, 0);
        }
    CHECK(found_inter);
    /* Too small a buffer: -E2BIG and the size it needs. */
    uint32_t need = 0;
    CHECK_EQ(get_state(d->id, 64, &need), -HESTIA_E2BIG);
    CHECK_EQ(need, size);
    /* A running domain cannot be read. */
    REQUIRE(domain_unpause(d) == 0);
    CHECK_EQ(get_state(d->id, DOMAIN_STATE_MAX_SIZE, NULL), -HESTIA_EBUSY);
}

TEST_CASE(set_domain_state_restores_ports_timer_and_time)
{
    setup();
    evtchn_port_t p[6];
    uint32_t size;
    saved_domu(p, &size);
    uint64_t saved_time = ST->system_time_ns, deadline = ST->vcpu[0].timer_deadline_ns;
    struct domain *r = create_restore(64);
    CHECK_EQ(evtchn_ports_in_use(r), 0); /* no console VIRQ: nothing built */
    CHECK_EQ(set_state(r->id, rec, size), 0);
    CHECK_EQ(evtchn_ports_in_use(r), 6);
    /* Same port numbers, the same bindings; the interdomain end closed to unbound. */
    struct domain_state_port got[8];
    REQUIRE(evtchn_save_ports(r, got, 8) == 6);
    for (unsigned i = 0; i < 6; i++) {
        CHECK_EQ(got[i].port, PORTS[i].port);
        if (got[i].port == p[4]) {
            CHECK_EQ(got[i].state, EVTCHNSTAT_unbound);
            CHECK_EQ(got[i].arg, DOMID_INVALID);
        } else {
            CHECK_EQ(got[i].state, PORTS[i].state);
            CHECK_EQ(got[i].arg, PORTS[i].arg);
        }
    }
    /* Masked and pending bits travel; VIRQ_RESUMED is pending. */
    CHECK(r->shared_info->evtchn_mask[0] & (1u << p[3]));
    CHECK(r->shared_info->evtchn_pending[0] & (1u << p[3]));
    CHECK(evtchn_is_pending(r, p[2]));
    /* Guest time goes on from the saved point; the timer keeps its guest deadline. */
    CHECK(timer_guest_now(r) >= saved_time);
    CHECK(timer_guest_now(r) < saved_time + 1000000000ull);
    CHECK_EQ(r->vcpus[0]->timer_deadline_ns, deadline);
    CHECK(r->vcpus[0]->info->time.system_time_ns >= saved_time);
    CHECK_EQ(r->vcpus[0]->callbacks.event_entry, H_BUF_VA);
    CHECK_EQ(grant_save_table(r, (uint64_t[GRANT_MAX_TABLE_FRAMES]){0}), 2);
    /* Once only. */
    CHECK_EQ(set_state(r->id, rec, size), -HESTIA_EINVAL);
}

/* Spoil rec (n ports) the k-th way; its name, or NULL after the last. */
static const char *spoil(unsigned k, unsigned n)
{
    unsigned virqs = 0;
    switch (k) {
    case 0:
        ST->magic ^= 1;
        return "magic";
    case 1:
        ST->version = 2;
        return "version";
    case 2:
        ST->nr_vcpus = 2;
        return "vcpus";
    case 3:
        PORTS[0].port = 0;
        return "port 0";
    case 4:
        PORTS[n - 1].port = EVTCHN_MAX_PORTS;
        return "port beyond";
    case 5:
        PORTS[1].port = PORTS[0].port;
        return "port twice";
    case 6:
        PORTS[1].state = EVTCHNSTAT_pirq;
        return "pirq";
    case 7:
        PORTS[1].state = EVTCHNSTAT_closed;
        return "closed";
    case 8:
        PORTS[1].state = 9;
        return "state 9";
    case 9:
        PORTS[1].vcpu = 1;
        return "vcpu beyond";
    case 10:
        for (unsigned i = 0; i < n; i++)
            if (PORTS[i].state == EVTCHNSTAT_virq)
                PORTS[i].arg = VIRQ_COUNT;
        return "virq beyond";
    case 11:
        for (unsigned i = 0; i < n; i++)
            if (PORTS[i].state == EVTCHNSTAT_virq)
                PORTS[i].arg = virqs++ ? VIRQ_TIMER : PORTS[i].arg;
        return "virq twice";
    case 12:
        PORTS[n - 1].state = EVTCHNSTAT_unbound;
        PORTS[n - 1].arg = HESTIA_MAX_DOMAINS;
        return "unbound to a bad domid";
    case 13:
        ST->grant_frames[0] = 64;
        return "grant gfn beyond";
    case 14:
        ST->grant_frames[1] = ST->grant_frames[0];
        return "grant gfn twice";
    case 15:
        ST->nr_grant_frames = GRANT_MAX_TABLE_FRAMES + 1;
        return "grant frames";
    case 16:
        ST->weight = 0;
        return "weight 0";
    case 17:
        ST->reserved[1] = 1;
        return "reserved";
    case 18:
        ST->vcpu[1].timer_deadline_ns = 1;
        return "vcpu 1 set";
    case 19:
        ST->vcpu[0].user_space = 3;
        return "user space missing";
    case 20:
        ST->vcpu[0].callbacks.event_entry = H_VA_HYP;
        return "callback in the hypervisor";
    case 21:
        ST->nr_ports++;
        return "nr_ports";
    case 22:
        PORTS[0].pad = 1;
        return "port pad";
    case 23:
        PORTS[0].remote_port = 5;
        return "remote port on a non-interdomain port";
    default:
        return NULL;
    }
}

/* Each refusal leaves the restore domain untouched. */
TEST_CASE(set_domain_state_refusals_change_nothing)
{
    setup();
    evtchn_port_t p[6];
    uint32_t size;
    saved_domu(p, &size);
    static uint8_t good[DOMAIN_STATE_MAX_SIZE];
    memcpy(good, rec, size);
    struct domain *r = create_restore(64);
    struct domain *plain = h_domain_raw(64, false);
    CHECK_EQ(set_state(plain->id, rec, size), -HESTIA_EINVAL); /* not created for restore */
    unsigned n = ST->nr_ports;
    for (unsigned k = 0;; k++) {
        memcpy(rec, good, size);
        const char *what = spoil(k, n);
        if (!what)
            break;
        long rc = set_state(r->id, rec, size);
        if (rc != -HESTIA_EINVAL)
            harness_fail(__FILE__, __LINE__, "%s: rc %ld", what, rc);
        CHECK_EQ(evtchn_ports_in_use(r), 0);
        CHECK_EQ(r->state_loaded, false);
    }
    CHECK_EQ(set_state(r->id, good, size - 1), -HESTIA_EINVAL);
    CHECK_EQ(set_state(r->id, good, 16), -HESTIA_EINVAL);
    CHECK_EQ(set_state(r->id, good, DOMAIN_STATE_MAX_SIZE + 1), -HESTIA_E2BIG);
    CHECK_EQ(evtchn_ports_in_use(r), 0);
    /* And the good record still loads. */
    CHECK_EQ(set_state(r->id, good, size), 0);
}

static long set_maps(hestia_domid_t id, uint32_t space, const struct domctl_mapping *m,
                     uint32_t nr)
{
    uint64_t b = h_put(dom0, m, nr * sizeof(*m));
    struct hestia_domctl op = {.cmd = DOMCTL_set_mappings, .domid = id};
    op.u.set_mappings.buf = b;
    op.u.set_mappings.space = space;
    op.u.set_mappings.nr = nr;
    return ctl(v0, opva, &op);
}

TEST_CASE(set_mappings_maps_own_frames_and_refuses_the_rest)
{
    setup();
    struct domain *r = create_restore(16);
    const unsigned rw = MMU_PERM_READ | MMU_PERM_WRITE;
    struct domctl_mapping m[3] = {
        {.va = H_BUF_VA, .gfn = 3, .perms = rw, .kind = DOMCTL_MAPPING_OWN},
        {.va = H_BUF_VA + 0x1000,
         .gfn = ~0ull,
         .perms = rw,
         .kind = DOMCTL_MAPPING_SHARED_INFO},
        {.va = H_BUF_VA + 0x5000,
         .gfn = 15,
         .perms = MMU_PERM_READ,
         .kind = DOMCTL_MAPPING_OWN},
    };
    struct hal_as *as = pvmmu_kernel_space(r);
    mfn_t got;
    unsigned perms;
    /* Refusals, each with a good first entry: nothing of the batch is mapped. */
    struct domctl_mapping bad[2] = {m[0], m[2]};
    struct {
        const char *what;
        struct domctl_mapping second;
    } cases[] = {
        {"gfn beyond", {.va = H_BUF_VA + 0x5000, .gfn = 16, .perms = rw}},
        {"foreign", {.va = H_BUF_VA + 0x5000, .gfn = ~0ull, .perms = rw, .kind = 2}},
        {"kind 3", {.va = H_BUF_VA + 0x5000, .gfn = 1, .perms = rw, .kind = 3}},
        {"unaligned", {.va = H_BUF_VA + 0x5004, .gfn = 1, .perms = rw}},
        {"same va", {.va = H_BUF_VA, .gfn = 1, .perms = rw}},
        {"no perms", {.va = H_BUF_VA + 0x5000, .gfn = 1, .perms = 0}},
        {"user perm in kernel space",
         {.va = H_BUF_VA + 0x5000, .gfn = 1, .perms = rw | MMU_PERM_USER}},
        {"hypervisor va", {.va = H_VA_HYP, .gfn = 1, .perms = rw}},
        {"shared info with a gfn",
         {.va = H_BUF_VA + 0x5000,
          .gfn = 1,
          .perms = rw,
          .kind = DOMCTL_MAPPING_SHARED_INFO}},
    };
    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        bad[1] = cases[i].second;
        long rc = set_maps(r->id, 0, bad, 2);
        if (rc != -HESTIA_EINVAL)
            harness_fail(__FILE__, __LINE__, "%s: rc %ld", cases[i].what, rc);
        CHECK_EQ(hal_as_lookup(as, guest_va(H_BUF_VA), &got, &perms), -HESTIA_ENOENT);
    }
    CHECK_EQ(set_maps(r->id, 0, m, 0), -HESTIA_EINVAL);
    CHECK_EQ(set_maps(r->id, MMU_MAX_USER_AS + 1, m, 1), -HESTIA_EINVAL);
    struct domain *plain = h_domain_raw(16, false);
    CHECK_EQ(set_maps(plain->id, 0, m, 1), -HESTIA_EINVAL);
    /* The good batch. */
    CHECK_EQ(set_maps(r->id, 0, m, 3), 0);
    CHECK_EQ(hal_as_lookup(as, guest_va(H_BUF_VA), &got, &perms), 0);
    CHECK(mfn_eq(got, p2m_lookup(r, gfn(3))));
    CHECK_EQ(hal_as_lookup(as, guest_va(H_BUF_VA + 0x1000), &got, &perms), 0);
    CHECK(mfn_eq(got, r->shared_info_mfn));
    CHECK_EQ(hal_as_lookup(as, guest_va(H_BUF_VA + 0x5000), &got, &perms), 0);
    CHECK_EQ(perms & MMU_PERM_WRITE, 0);
    /* Already mapped: refused. */
    CHECK_EQ(set_maps(r->id, 0, m, 1), -HESTIA_EINVAL);
    /* A user space is created on demand. */
    struct domctl_mapping u = {.va = 0x400000, .gfn = 4, .perms = rw | MMU_PERM_USER};
    CHECK_EQ(set_maps(r->id, 2, &u, 1), 0);
    CHECK(pvmmu_space(r, 2) != NULL);
    /* h-migmap: nr 0 clears a space (a live stream's mappings reset); mapped again after.
     */
    uint64_t refs = frame_refcount(p2m_lookup(r, gfn(3)));
    struct hestia_domctl clr = {.cmd = DOMCTL_set_mappings, .domid = r->id};
    CHECK_EQ(ctl(v0, opva, &clr), 0);
    CHECK_EQ(hal_as_lookup(as, guest_va(H_BUF_VA), &got, &perms), -HESTIA_ENOENT);
    CHECK_EQ(hal_as_lookup(as, guest_va(H_BUF_VA + 0x1000), &got, &perms), -HESTIA_ENOENT);
    CHECK_EQ(hal_as_lookup(as, guest_va(H_BUF_VA + 0x5000), &got, &perms), -HESTIA_ENOENT);
    CHECK_EQ(frame_refcount(p2m_lookup(r, gfn(3))), refs - 1);
    clr.u.set_mappings.space = 7; /* no such space: nothing to do */
    CHECK_EQ(ctl(v0, opva, &clr), 0);
    CHECK(pvmmu_space(r, 7) == NULL);
    CHECK_EQ(set_maps(r->id, 0, m, 3), 0);
    CHECK_EQ(hal_as_lookup(as, guest_va(H_BUF_VA), &got, &perms), 0);
    /* After unpause, the domain may run: no more loading. */
    struct hestia_domctl op = {.cmd = DOMCTL_unpause, .domid = r->id};
    REQUIRE(ctl(v0, opva, &op) == 0);
    REQUIRE(domain_pause(r) == 0);
    u.va += 0x1000;
    CHECK_EQ(set_maps(r->id, 2, &u, 1), -HESTIA_EINVAL);
}

TEST_CASE(set_vcpu_state_starts_a_restore_vcpu)
{
    setup();
    struct domain *src = h_domain(16, false);
    REQUIRE(domain_pause(src) == 0);
    uint64_t buf = h_buf(dom0, sizeof(struct hestia_vcpu_state));
    struct hestia_domctl op = {.cmd = DOMCTL_get_vcpu_state, .domid = src->id};
    op.u.vcpu_state.buf = buf;
    op.u.vcpu_state.size = sizeof(struct hestia_vcpu_state);
    REQUIRE(ctl(v0, opva, &op) == 0);
    struct hestia_vcpu_state st;
    h_read(dom0, &st, buf, sizeof(st));
    struct domain *r = create_restore(16);
    CHECK_EQ(r->vcpus[0]->started, false);
    op = (struct hestia_domctl){.cmd = DOMCTL_set_vcpu_state, .domid = r->id};
    op.u.vcpu_state.buf = buf;
    op.u.vcpu_state.size = st.hdr.size + 1; /* size and record disagree */
    CHECK_EQ(ctl(v0, opva, &op), -HESTIA_EINVAL);
    CHECK_EQ(r->vcpus[0]->started, false);
    struct hestia_vcpu_state other = st;
    other.hdr.arch ^= 0xff;
    h_write(dom0, buf, &other, st.hdr.size);
    op.u.vcpu_state.size = st.hdr.size;
    CHECK_EQ(ctl(v0, opva, &op), -HESTIA_EINVAL);
    CHECK_EQ(r->vcpus[0]->started, false);
    h_write(dom0, buf, &st, st.hdr.size);
    CHECK_EQ(ctl(v0, opva, &op), 0);
    CHECK_EQ(r->vcpus[0]->started, true);
    /* A plain domain's vCPU is not started this way. */
    struct domain *plain = h_domain_raw(16, false);
    op.domid = plain->id;
    CHECK_EQ(ctl(v0, opva, &op), -HESTIA_EINVAL);
    CHECK_EQ(plain->vcpus[0]->started, false);
}

TEST_CASE(restore_ops_from_domu_eperm)
{
    setup();
    struct domain *r = create_restore(16);
    struct domain *u = h_domain(16, false);
    uint64_t at = h_buf(u, sizeof(struct hestia_domctl));
    uint32_t cmds[] = {DOMCTL_get_domain_state, DOMCTL_set_domain_state,
                       DOMCTL_set_mappings};
    for (unsigned i = 0; i < ARRAY_SIZE(cmds); i++) {
        struct hestia_domctl op = {.cmd = cmds[i], .domid = r->id};
        CHECK_EQ(ctl(h_vcpu(u), at, &op), -HESTIA_EPERM);
    }
    struct hestia_domctl op = {.cmd = DOMCTL_create};
    op.u.create.nr_pages = 4;
    op.u.create.max_vcpus = 1;
    op.u.create.flags = DOMCTL_CREATE_RESTORE;
    CHECK_EQ(ctl(h_vcpu(u), at, &op), -HESTIA_EPERM);
    op.u.create.flags = 0x80;
    CHECK_EQ(ctl(v0, opva, &op), -HESTIA_EINVAL);
}

TEST_CASE(guest_time_offset_conversions)
{
    setup();
    struct domain *d = h_domain(4, false);
    d->time_offset_ns = 1000;
    CHECK_EQ(timer_guest_to_host(d, 5000), 4000);
    CHECK_EQ(timer_guest_to_host(d, 1000), 0); /* before host time 0: due */
    d->time_offset_ns = -1000;
    CHECK_EQ(timer_guest_to_host(d, 5000), 6000);
    CHECK_EQ(timer_guest_to_host(d, UINT64_MAX - 10), UINT64_MAX);
    CHECK(timer_guest_now(d) + 1000 >= hal_time_ns());
}
