/* SPDX-License-Identifier: MIT */
/* core/domctl.c: every DOMCTL_* from dom0, and refusals. */
#include "harness.h"

TEST_SUITE("domctl");

static struct domain *dom0;
static struct vcpu *v0;
static uint64_t opva; /* where the request lives in dom0 */

static void setup(void)
{
    dom0 = h_domain(64, true);
    v0 = h_vcpu(dom0);
    opva = h_buf(dom0, sizeof(struct hestia_domctl));
}

/* Issue op from dom0 and read the result back into op. */
static long ctl(struct hestia_domctl *op)
{
    return h_domctl(v0, opva, op);
}

static long create(uint64_t pages, uint32_t vcpus, hestia_domid_t *id)
{
    struct hestia_domctl op;
    h_domctl_init(&op, DOMCTL_create, 0);
    op.u.create.nr_pages = pages;
    op.u.create.max_vcpus = vcpus;
    long rc = ctl(&op);
    if (id)
        *id = op.domid;
    return rc;
}

static long simple(uint32_t cmd, hestia_domid_t id)
{
    struct hestia_domctl op;
    h_domctl_init(&op, cmd, id);
    return ctl(&op);
}

static struct domctl_info info_of(hestia_domid_t id, long *rc)
{
    struct hestia_domctl op;
    h_domctl_init(&op, DOMCTL_getinfo, id);
    *rc = ctl(&op);
    return op.u.info;
}

TEST_CASE(create_returns_paused_domain)
{
    setup();
    hestia_domid_t id = 0;
    CHECK_EQ(create(32, 2, &id), 0);
    CHECK(id >= 1);
    struct domain *d = domain_lookup(id);
    REQUIRE(d != NULL);
    CHECK_EQ(d->nr_vcpus, 2);
    CHECK(!d->privileged);
    long rc;
    struct domctl_info i = info_of(id, &rc);
    CHECK_EQ(rc, 0);
    CHECK_EQ(i.domid, id);
    CHECK_EQ(i.state, DOMSTATE_paused);
    CHECK_EQ(i.nr_pages, 32);
    CHECK_EQ(i.nr_vcpus, 2);
}

TEST_CASE(create_checks_arguments)
{
    setup();
    CHECK_EQ(create(0, 1, NULL), -HESTIA_EINVAL);
    CHECK_EQ(create(DOMCTL_MAX_PAGES + 1, 1, NULL), -HESTIA_EINVAL);
    CHECK_EQ(create(~0ull, 1, NULL), -HESTIA_EINVAL);
    CHECK_EQ(create(8, 0, NULL), -HESTIA_EINVAL);
    CHECK_EQ(create(8, HESTIA_MAX_VCPUS + 1, NULL), -HESTIA_EINVAL);
    struct hestia_domctl op;
    h_domctl_init(&op, DOMCTL_create, 0);
    op.u.create.nr_pages = 8;
    op.u.create.max_vcpus = 1;
    op.u.create.flags = DOMCTL_CREATE_PRIVILEGED;
    CHECK_EQ(ctl(&op), -HESTIA_EPERM);
    h_domctl_init(&op, DOMCTL_create, 0);
    op.u.create.nr_pages = 8;
    op.u.create.max_vcpus = 1;
    op.u.create.flags = 0x80;
    CHECK_EQ(ctl(&op), -HESTIA_EINVAL);
    h_domctl_init(&op, DOMCTL_create, 0);
    op.u.create.nr_pages = 8;
    op.u.create.max_vcpus = 1;
    op.u.create.weight = DOMCTL_WEIGHT_MAX + 1;
    CHECK_EQ(ctl(&op), -HESTIA_EINVAL);
    CHECK_EQ(domain_count(), 1);
}

TEST_CASE(create_too_big_for_memory)
{
    setup();
    unsigned long before = mm_free_frames();
    CHECK_EQ(create(HOST_RAM_FRAMES, 1, NULL), -HESTIA_ENOMEM);
    CHECK_EQ(mm_free_frames(), before);
}

TEST_CASE(create_with_weight_and_cap)
{
    setup();
    struct hestia_domctl op;
    h_domctl_init(&op, DOMCTL_create, 0);
    op.u.create.nr_pages = 8;
    op.u.create.max_vcpus = 1;
    op.u.create.weight = 512;
    op.u.create.cap = 50;
    CHECK_EQ(ctl(&op), 0);
    long rc;
    struct domctl_info i = info_of(op.domid, &rc);
    CHECK_EQ(i.weight, 512);
    CHECK_EQ(i.cap, 50);
}

TEST_CASE(create_result_unwritable_leaks_nothing)
{
    setup();
    uint64_t ro = h_buf_perms(dom0, sizeof(struct hestia_domctl), MMU_PERM_READ);
    struct hestia_domctl op;
    h_domctl_init(&op, DOMCTL_create, 0);
    op.u.create.nr_pages = 8;
    op.u.create.max_vcpus = 1;
    h_write(dom0, ro, &op, sizeof(op));
    unsigned long before = mm_free_frames();
    CHECK_EQ(h_call(v0, HYPERCALL_domctl, ro, 0, 0, 0, 0), -HESTIA_EFAULT);
    CHECK_EQ(domain_count(), 1);
    CHECK_EQ(mm_free_frames(), before);
}

TEST_CASE(non_dom0_eperm_for_every_command)
{
    setup();
    struct domain *d = h_domain(16, false);
    uint64_t p = h_buf(d, sizeof(struct hestia_domctl));
    for (uint32_t cmd = 0; cmd <= DOMCTL_read_memory + 1; cmd++) {
        struct hestia_domctl op;
        h_domctl_init(&op, cmd, dom0->id);
        op.u.create.nr_pages = 8;
        op.u.create.max_vcpus = 1;
        h_write(d, p, &op, sizeof(op));
        CHECK_EQ(h_call(h_vcpu(d), HYPERCALL_domctl, p, 0, 0, 0, 0), -HESTIA_EPERM);
    }
    CHECK_EQ(domain_count(), 2);
    CHECK(!dom0->ctl_paused);
}

TEST_CASE(bad_pointer_and_version)
{
    setup();
    CHECK_EQ(h_call(v0, HYPERCALL_domctl, H_VA_UNMAPPED, 0, 0, 0, 0), -HESTIA_EFAULT);
    CHECK_EQ(h_call(v0, HYPERCALL_domctl, H_VA_HYP, 0, 0, 0, 0), -HESTIA_EFAULT);
    CHECK_EQ(h_call(v0, HYPERCALL_domctl, opva + 4096 - 16, 0, 0, 0, 0), -HESTIA_EFAULT);
    struct hestia_domctl op;
    h_domctl_init(&op, DOMCTL_getinfo, 0);
    op.interface_version = HESTIA_ABI_VERSION + 1;
    CHECK_EQ(ctl(&op), -HESTIA_EINVAL);
    h_domctl_init(&op, 99, 0);
    CHECK_EQ(ctl(&op), -HESTIA_ENOSYS);
}

TEST_CASE(destroy_and_unknown_domains)
{
    setup();
    hestia_domid_t id;
    REQUIRE(create(8, 1, &id) == 0);
    unsigned long before_destroy = mm_free_frames();
    CHECK_EQ(simple(DOMCTL_destroy, id), 0);
    CHECK(mm_free_frames() > before_destroy);
    CHECK(domain_lookup(id) == NULL);
    CHECK_EQ(simple(DOMCTL_destroy, id), -HESTIA_ESRCH);
    CHECK_EQ(simple(DOMCTL_destroy, 500), -HESTIA_ESRCH);
    CHECK_EQ(simple(DOMCTL_destroy, HESTIA_MAX_DOMAINS), -HESTIA_ESRCH);
    CHECK_EQ(simple(DOMCTL_destroy, DOMID_INVALID), -HESTIA_ESRCH);
    CHECK_EQ(simple(DOMCTL_pause, 500), -HESTIA_ESRCH);
    CHECK_EQ(simple(DOMCTL_sched_get, 500), -HESTIA_ESRCH);
}

TEST_CASE(dom0_cannot_destroy_or_pause_itself)
{
    setup();
    CHECK_EQ(simple(DOMCTL_destroy, DOMID_SELF), -HESTIA_EINVAL);
    CHECK_EQ(simple(DOMCTL_destroy, dom0->id), -HESTIA_EINVAL);
    CHECK_EQ(simple(DOMCTL_pause, DOMID_SELF), -HESTIA_EINVAL);
    CHECK(domain_lookup(0) == dom0);
}

TEST_CASE(pause_unpause_and_destroy_while_paused)
{
    setup();
    hestia_domid_t id;
    REQUIRE(create(8, 1, &id) == 0);
    CHECK_EQ(simple(DOMCTL_pause, id), -HESTIA_EALREADY); /* created paused */
    CHECK_EQ(simple(DOMCTL_unpause, id), 0);
    CHECK_EQ(simple(DOMCTL_unpause, id), -HESTIA_EALREADY);
    CHECK_EQ(simple(DOMCTL_pause, id), 0);
    long rc;
    CHECK_EQ(info_of(id, &rc).state, DOMSTATE_paused);
    CHECK_EQ(simple(DOMCTL_destroy, id), 0);
    CHECK_EQ(domain_count(), 1);
}

TEST_CASE(getinfo_lists_all_domains)
{
    setup();
    hestia_domid_t a, b, c;
    REQUIRE(create(8, 1, &a) == 0);
    REQUIRE(create(8, 1, &b) == 0);
    REQUIRE(create(8, 1, &c) == 0);
    REQUIRE(simple(DOMCTL_destroy, b) == 0);
    hestia_domid_t seen[8];
    unsigned n = 0;
    long rc;
    for (hestia_domid_t next = 0; n < 8;) {
        struct domctl_info i = info_of(next, &rc);
        if (rc)
            break;
        seen[n++] = i.domid;
        next = (hestia_domid_t)(i.domid + 1);
    }
    CHECK_EQ(rc, -HESTIA_ESRCH);
    CHECK_EQ(n, 3);
    CHECK_EQ(seen[0], 0);
    CHECK_EQ(seen[1], a);
    CHECK_EQ(seen[2], c);
    struct domctl_info self = info_of(DOMID_SELF, &rc);
    CHECK_EQ(rc, 0);
    CHECK_EQ(self.flags, DOMINFO_privileged);
    info_of(HESTIA_MAX_DOMAINS, &rc);
    CHECK_EQ(rc, -HESTIA_ESRCH);
}

TEST_CASE(getinfo_shows_shutdown_reasons)
{
    setup();
    for (unsigned reason = 0; reason <= SHUTDOWN_MAX; reason++) {
        struct domain *d = h_domain(8, false);
        REQUIRE(h_call(h_vcpu(d), HYPERCALL_sched_op, SCHEDOP_shutdown, reason, 0, 0, 0) <=
                0);
        long rc;
        struct domctl_info i = info_of(d->id, &rc);
        CHECK_EQ(rc, 0);
        CHECK_EQ(i.state, DOMSTATE_shutdown);
        CHECK_EQ(i.shutdown_reason, reason);
        CHECK_EQ(simple(DOMCTL_destroy, d->id), 0);
    }
}

TEST_CASE(getinfo_into_readonly_efault)
{
    setup();
    uint64_t ro = h_buf_perms(dom0, sizeof(struct hestia_domctl), MMU_PERM_READ);
    struct hestia_domctl op;
    h_domctl_init(&op, DOMCTL_getinfo, 0);
    h_write(dom0, ro, &op, sizeof(op));
    CHECK_EQ(h_call(v0, HYPERCALL_domctl, ro, 0, 0, 0, 0), -HESTIA_EFAULT);
}

TEST_CASE(sched_set_and_get)
{
    setup();
    hestia_domid_t id;
    REQUIRE(create(8, 1, &id) == 0);
    struct hestia_domctl op;
    h_domctl_init(&op, DOMCTL_sched_set, id);
    op.u.sched.weight = 1000;
    op.u.sched.cap = 25;
    CHECK_EQ(ctl(&op), 0);
    h_domctl_init(&op, DOMCTL_sched_get, id);
    CHECK_EQ(ctl(&op), 0);
    CHECK_EQ(op.u.sched.weight, 1000);
    CHECK_EQ(op.u.sched.cap, 25);
    h_domctl_init(&op, DOMCTL_sched_set, id);
    op.u.sched.weight = 0;
    CHECK_EQ(ctl(&op), -HESTIA_EINVAL);
    h_domctl_init(&op, DOMCTL_sched_set, id);
    op.u.sched.weight = DOMCTL_WEIGHT_MAX + 1;
    CHECK_EQ(ctl(&op), -HESTIA_EINVAL);
    h_domctl_init(&op, DOMCTL_sched_set, id);
    op.u.sched.weight = 10;
    op.u.sched.cap = 100 * HAL_MAX_CPUS + 1;
    CHECK_EQ(ctl(&op), -HESTIA_EINVAL);
    h_domctl_init(&op, DOMCTL_sched_get, id);
    CHECK_EQ(ctl(&op), 0);
    CHECK_EQ(op.u.sched.weight, 1000); /* unchanged by the refused sets */
}

static long write_mem(hestia_domid_t id, uint64_t buf, uint64_t gfn, uint32_t off,
                      uint32_t len)
{
    struct hestia_domctl op;
    h_domctl_init(&op, DOMCTL_write_memory, id);
    op.u.write_memory.buf = buf;
    op.u.write_memory.gfn = gfn;
    op.u.write_memory.offset = off;
    op.u.write_memory.len = len;
    return ctl(&op);
}

TEST_CASE(write_memory_across_frames)
{
    setup();
    hestia_domid_t id;
    REQUIRE(create(16, 1, &id) == 0);
    struct domain *d = domain_lookup(id);
    char data[6000];
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (char)(i * 7);
    uint64_t src = h_put(dom0, data, sizeof(data));
    CHECK_EQ(write_mem(id, src, 2, 4000, sizeof(data)), 0);
    char got[6000];
    /* gfn 2 + 4000 bytes = gfn 2 offset 4000, running into gfns 3 and 4. */
    CHECK_EQ(gfn_copy_from(d, got, gfn(2), 4000, 96), 0);
    CHECK_EQ(gfn_copy_from(d, got + 96, gfn(3), 0, 4096), 0);
    CHECK_EQ(gfn_copy_from(d, got + 96 + 4096, gfn(4), 0, sizeof(data) - 96 - 4096), 0);
    CHECK(memcmp(got, data, sizeof(data)) == 0);
    /* Offset beyond one page selects a later gfn. */
    CHECK_EQ(write_mem(id, src, 0, 3 * 4096 + 8, 4), 0);
    CHECK_EQ(gfn_copy_from(d, got, gfn(3), 8, 4), 0);
    CHECK(memcmp(got, data, 4) == 0);
}

TEST_CASE(write_memory_checks)
{
    setup();
    hestia_domid_t id;
    REQUIRE(create(16, 1, &id) == 0);
    uint64_t src = h_buf(dom0, 4096);
    uint64_t limit = p2m_gfn_limit(domain_lookup(id));
    CHECK_EQ(write_mem(id, src, 0, 0, DOMCTL_WRITE_MAX + 1), -HESTIA_E2BIG);
    CHECK_EQ(write_mem(id, src, limit, 0, 4), -HESTIA_EINVAL);
    CHECK_EQ(write_mem(id, src, ~0ull, 0, 4), -HESTIA_EINVAL);
    CHECK_EQ(write_mem(id, src, limit - 1, 4095, 4), -HESTIA_EINVAL);
    CHECK_EQ(write_mem(id, src, 0, 0xffffffffu, 4), -HESTIA_EINVAL);
    CHECK_EQ(write_mem(id, src, 20, 0, 4), -HESTIA_EFAULT); /* not populated */
    CHECK_EQ(write_mem(id, H_VA_UNMAPPED, 0, 0, 4), -HESTIA_EFAULT);
    CHECK_EQ(write_mem(id, H_VA_HYP, 0, 0, 4), -HESTIA_EFAULT);
    CHECK_EQ(write_mem(600, src, 0, 0, 4), -HESTIA_ESRCH);
    CHECK_EQ(write_mem(id, src, 0, 0, 0), 0);
}

static long start(hestia_domid_t id, uint32_t vcpu, uint64_t entry, uint64_t stack,
                  uint64_t si)
{
    struct hestia_domctl op;
    h_domctl_init(&op, DOMCTL_start_vcpu, id);
    op.u.start_vcpu.vcpu = vcpu;
    op.u.start_vcpu.entry_va = entry;
    op.u.start_vcpu.stack_va = stack;
    op.u.start_vcpu.start_info_gfn = si;
    return ctl(&op);
}

TEST_CASE(start_vcpu_builds_domu)
{
    setup();
    hestia_domid_t id;
    REQUIRE(create(32, 1, &id) == 0);
    struct domain *d = domain_lookup(id);
    struct hal_guest_layout l;
    hal_guest_layout(&l);
    /* The toolstack writes its start info page (cmdline, first_free_gfn). */
    struct hestia_start_info si;
    memset(&si, 0, sizeof(si));
    si.magic = 0xbad;
    si.domid = 77;
    si.flags = SIF_PRIVILEGED; /* must be overwritten */
    si.first_free_gfn = 9;
    strcpy(si.cmdline, "role=ping");
    uint64_t p = h_put(dom0, &si, sizeof(si));
    CHECK_EQ(write_mem(id, p, 5, 0, sizeof(si)), 0);
    uint64_t entry = guest_va_val(l.virt_base) + 0x100000;
    uint64_t stack = guest_va_val(l.virt_base) + 8 * 4096;
    CHECK_EQ(start(id, 0, entry, stack, 5), 0);
    struct vcpu *v = h_vcpu(d);
    struct hal_vcpu *hv = core_vcpu_hal(v);
    CHECK_EQ(hv->regs[HOST_REG_PC], entry);
    CHECK_EQ(hv->regs[HOST_REG_SP], stack);
    CHECK_EQ(hv->regs[HOST_REG_ARG0], guest_va_val(l.virt_base) + 5 * 4096);
    struct hestia_start_info got;
    CHECK_EQ(hal_copy_from_guest(v, &got, guest_va(hv->regs[HOST_REG_ARG0]), sizeof(got)),
             0);
    CHECK_EQ(got.magic, HESTIA_START_MAGIC);
    CHECK_EQ(got.domid, id);
    CHECK_EQ(got.flags, 0);
    CHECK_EQ(got.nr_pages, 32);
    CHECK_EQ(got.virt_base, guest_va_val(l.virt_base));
    CHECK_EQ(got.shared_info_va, guest_va_val(l.shared_info_va));
    CHECK_EQ(got.first_free_gfn, 9);
    CHECK_STR(got.cmdline, "role=ping");
    /* Paused until dom0 unpauses it; then it runs. */
    CHECK(!vcpu_runnable(v));
    CHECK_EQ(simple(DOMCTL_unpause, id), 0);
    CHECK(vcpu_runnable(v));
    CHECK_EQ(start(id, 0, entry, stack, 5), -HESTIA_EALREADY);
}

TEST_CASE(start_vcpu_checks)
{
    setup();
    hestia_domid_t id;
    REQUIRE(create(32, 2, &id) == 0);
    struct hal_guest_layout l;
    hal_guest_layout(&l);
    uint64_t e = guest_va_val(l.virt_base) + 0x1000;
    uint64_t limit = p2m_gfn_limit(domain_lookup(id));
    CHECK_EQ(start(id, 2, e, e, 1), -HESTIA_EINVAL);
    CHECK_EQ(start(id, ~0u, e, e, 1), -HESTIA_EINVAL);
    CHECK_EQ(start(id, 0, H_VA_HYP, e, 1), -HESTIA_EINVAL);
    CHECK_EQ(start(id, 0, e, H_VA_NONCANON, 1), -HESTIA_EINVAL);
    CHECK_EQ(start(id, 0, e, e, limit), -HESTIA_EINVAL);
    CHECK_EQ(start(id, 0, e, e, ~0ull), -HESTIA_EINVAL);
    CHECK_EQ(start(DOMID_SELF, 0, e, e, 1), -HESTIA_EINVAL);
    CHECK_EQ(start(700, 0, e, e, 1), -HESTIA_ESRCH);
    CHECK(!domain_lookup(id)->vcpus[0]->started);
    /* A second vCPU starts after the first without rebuilding. */
    CHECK_EQ(start(id, 0, e, e, 1), 0);
    CHECK_EQ(start(id, 1, e + 0x100, e, 1), 0);
    CHECK(domain_lookup(id)->vcpus[1]->started);
}

TEST_CASE(full_cycle_many_domains_no_leak)
{
    setup();
    unsigned long before = mm_free_frames();
    struct hal_guest_layout l;
    hal_guest_layout(&l);
    hestia_domid_t ids[20];
    for (unsigned i = 0; i < 20; i++) {
        REQUIRE(create(16, 1, &ids[i]) == 0);
        REQUIRE(start(ids[i], 0, guest_va_val(l.virt_base) + 0x1000,
                      guest_va_val(l.virt_base) + 0x4000, 2) == 0);
        REQUIRE(simple(DOMCTL_unpause, ids[i]) == 0);
    }
    struct vcpu *v;
    CHECK_EQ(h_resume(&v), HOST_JMP_RUN);
    for (unsigned i = 0; i < 20; i++)
        CHECK_EQ(simple(DOMCTL_destroy, ids[i]), 0);
    CHECK_EQ(mm_free_frames(), before);
    CHECK_EQ(domain_count(), 1);
}

TEST_CASE(start_vcpu_unpopulated_start_info_refused_cleanly)
{
    setup();
    hestia_domid_t id;
    REQUIRE(create(16, 1, &id) == 0);
    struct hal_guest_layout l;
    hal_guest_layout(&l);
    uint64_t e = guest_va_val(l.virt_base) + 0x1000;
    /* gfn 20 is inside gfn_limit (32) but has no frame. */
    CHECK_EQ(start(id, 0, e, e, 20), -HESTIA_EINVAL);
    /* Nothing was mapped, so a correct retry works. */
    CHECK_EQ(start(id, 0, e, e, 2), 0);
}
