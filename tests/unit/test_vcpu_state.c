/* SPDX-License-Identifier: MIT */
/*
 * DOMCTL_get/set_vcpu_state (core/domctl.c) over the host HAL's record
 * (arch/host, hal/lib/vcpu_state.c): the round trip, and every refusal
 * leaving the vCPU untouched.
 */
#include "harness.h"

TEST_SUITE("vcpu_state");

static struct domain *dom0;
static struct vcpu *v0;
static uint64_t opva, bufva;

static void setup(void)
{
    dom0 = h_domain(64, true);
    v0 = h_vcpu(dom0);
    opva = h_buf(dom0, sizeof(struct hestia_domctl));
    bufva = h_buf(dom0, sizeof(struct hestia_vcpu_state));
}

static long ctl(uint32_t cmd, hestia_domid_t id, uint32_t vcpu, uint32_t size, uint64_t buf)
{
    struct hestia_domctl op;
    h_domctl_init(&op, cmd, id);
    op.u.vcpu_state.vcpu = vcpu;
    op.u.vcpu_state.size = size;
    op.u.vcpu_state.buf = buf;
    h_write(dom0, opva, &op, sizeof(op));
    return h_call(v0, HYPERCALL_domctl, opva, 0, 0, 0, 0);
}

static long get(hestia_domid_t id, struct hestia_vcpu_state *st)
{
    memset(st, 0xee, sizeof(*st));
    h_write(dom0, bufva, st, sizeof(*st));
    long rc = ctl(DOMCTL_get_vcpu_state, id, 0, sizeof(*st), bufva);
    h_read(dom0, st, bufva, sizeof(*st));
    return rc;
}

static long set(hestia_domid_t id, const struct hestia_vcpu_state *st, uint32_t size)
{
    h_write(dom0, bufva, st, sizeof(*st));
    return ctl(DOMCTL_set_vcpu_state, id, 0, size, bufva);
}

/* A domU paused by dom0 with vCPU 0 started; returns its id. */
static hestia_domid_t paused_domu(struct vcpu **v)
{
    struct domain *d = h_domain(32, false);
    REQUIRE(domain_pause(d) == 0);
    *v = h_vcpu(d);
    return d->id;
}

TEST_CASE(round_trip_and_scribble)
{
    setup();
    struct vcpu *v;
    hestia_domid_t id = paused_domu(&v);
    static struct hestia_vcpu_state st, got;
    REQUIRE(get(id, &st) == 0);
    CHECK_EQ(st.hdr.magic, HESTIA_VCPU_STATE_MAGIC);
    CHECK_EQ(st.hdr.version, HESTIA_VCPU_STATE_VERSION);
    CHECK_EQ(st.hdr.arch, HESTIA_VCPU_ARCH_HOST);
    CHECK_EQ(st.hdr.size, HOST_VCPU_STATE_SIZE);
    CHECK_EQ(st.hdr.flags, 0);
    /* Only hdr.size bytes were written. */
    CHECK_EQ(((unsigned char *)&st)[HOST_VCPU_STATE_SIZE], 0xee);
    CHECK_EQ(st.body.regs[HOST_REG_PC], core_vcpu_hal(v)->regs[HOST_REG_PC]);
    st.body.regs[HOST_REG_RESULT] = 0x1234;
    st.body.regs[HOST_REG_MODE] = HOST_MODE_USER;
    CHECK_EQ(set(id, &st, st.hdr.size), 0);
    CHECK(v->in_user);
    REQUIRE(get(id, &got) == 0);
    CHECK_EQ(got.body.regs[HOST_REG_RESULT], 0x1234);
    CHECK_EQ(memcmp(&got, &st, HOST_VCPU_STATE_SIZE), 0);
}

TEST_CASE(refusals_change_nothing)
{
    setup();
    struct vcpu *v;
    hestia_domid_t id = paused_domu(&v);
    static struct hestia_vcpu_state good, bad, now;
    REQUIRE(get(id, &good) == 0);
    uint64_t before[HESTIA_TRAP_REGS];
    memcpy(before, core_vcpu_hal(v)->regs, sizeof(before));
#define REFUSED(field, value, err)                                                         \
    do {                                                                                   \
        bad = good;                                                                        \
        bad.field = value;                                                                 \
        bad.body.regs[HOST_REG_SP] = 0x5555; /* would show if anything was loaded */       \
        CHECK_EQ(set(id, &bad, good.hdr.size), err);                                       \
    } while (0)
    REFUSED(hdr.magic, 0x12345678, -HESTIA_EINVAL);
    REFUSED(hdr.version, HESTIA_VCPU_STATE_VERSION + 1, -HESTIA_EINVAL);
    REFUSED(hdr.arch, HESTIA_VCPU_ARCH_X86_64, -HESTIA_EINVAL);
    REFUSED(hdr.size, HOST_VCPU_STATE_SIZE + 8, -HESTIA_EINVAL); /* != the size sent */
    REFUSED(hdr.flags, 1, -HESTIA_EINVAL);
    REFUSED(hdr.reserved[1], 1, -HESTIA_EINVAL);
    REFUSED(body.regs[HOST_REG_MODE], HOST_MODE_HYP, -HESTIA_EINVAL); /* privilege */
    CHECK_EQ(memcmp(before, core_vcpu_hal(v)->regs, sizeof(before)), 0);
    /* A size that disagrees with the header, a short or huge buffer. */
    CHECK_EQ(ctl(DOMCTL_set_vcpu_state, id, 0, 8, bufva), -HESTIA_EINVAL);
    CHECK_EQ(ctl(DOMCTL_set_vcpu_state, id, 0, HESTIA_VCPU_STATE_MAX_SIZE + 1, bufva),
             -HESTIA_E2BIG);
    CHECK_EQ(ctl(DOMCTL_get_vcpu_state, id, 0, HOST_VCPU_STATE_SIZE - 1, bufva),
             -HESTIA_E2BIG);
    CHECK_EQ(ctl(DOMCTL_get_vcpu_state, id, 0, sizeof(now), H_VA_HYP), -HESTIA_EFAULT);
    CHECK_EQ(ctl(DOMCTL_set_vcpu_state, id, 0, good.hdr.size, H_VA_HYP), -HESTIA_EFAULT);
    /* Bad targets. */
    CHECK_EQ(ctl(DOMCTL_get_vcpu_state, id, 1, sizeof(now), bufva), -HESTIA_ESRCH);
    CHECK_EQ(ctl(DOMCTL_get_vcpu_state, 900, 0, sizeof(now), bufva), -HESTIA_ESRCH);
    CHECK_EQ(ctl(DOMCTL_get_vcpu_state, DOMID_SELF, 0, sizeof(now), bufva), -HESTIA_EINVAL);
    CHECK_EQ(memcmp(before, core_vcpu_hal(v)->regs, sizeof(before)), 0);
    CHECK_EQ(get(id, &now), 0);
    CHECK_EQ(memcmp(&now, &good, HOST_VCPU_STATE_SIZE), 0);
}

TEST_CASE(only_paused_started_vcpus)
{
    setup();
    struct vcpu *v;
    hestia_domid_t id = paused_domu(&v);
    static struct hestia_vcpu_state st;
    REQUIRE(get(id, &st) == 0);
    REQUIRE(domain_unpause(domain_lookup(id)) == 0);
    CHECK_EQ(get(id, &st), -HESTIA_EBUSY);
    CHECK_EQ(set(id, &st, st.hdr.size), -HESTIA_EBUSY);
    REQUIRE(domain_pause(domain_lookup(id)) == 0);
    CHECK_EQ(get(id, &st), 0);
    /* A domain whose vCPU never started has no state to speak of. */
    struct domain *fresh = h_domain_raw(16, false);
    CHECK_EQ(get(fresh->id, &st), -HESTIA_EINVAL);
    /* Only dom0. */
    struct domain *other = h_domain(16, false);
    struct vcpu *ov = h_vcpu(other);
    uint64_t oop = h_buf(other, sizeof(struct hestia_domctl));
    struct hestia_domctl op;
    h_domctl_init(&op, DOMCTL_get_vcpu_state, id);
    h_write(other, oop, &op, sizeof(op));
    CHECK_EQ(h_call(ov, HYPERCALL_domctl, oop, 0, 0, 0, 0), -HESTIA_EPERM);
}
