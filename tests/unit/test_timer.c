/* SPDX-License-Identifier: MIT */
/*
 * Guest time records and one-shot timers: HYPERCALL_set_timer through the
 * dispatcher, VIRQ_TIMER delivery exactly at (never before) the deadline,
 * cancel / re-arm, the per-CPU heap with hundreds of vCPUs.
 */
#include "harness.h"

TEST_SUITE("timer");

#define MS 1000000ull

static bool pending(struct domain *d, int p)
{
    return (d->shared_info->evtchn_pending[p / 32] >> (p % 32)) & 1u;
}

static long set_timer(struct vcpu *v, uint64_t deadline)
{
    return h_call(v, HYPERCALL_set_timer, (uint32_t)deadline, deadline >> 32, 0, 0, 0);
}

/*
 * Let simulated time reach `until` the way the machine would: enter the
 * vCPU core picks (which arms the one-shot timer), advance to the armed
 * deadline or `until`, repeat.  The domain under test keeps running.
 */
static void run_until(uint64_t until)
{
    while (hal_time_ns() < until) {
        struct vcpu *v = NULL;
        int how = h_resume(&v);
        REQUIRE(how == HOST_JMP_RUN);
        uint64_t now = hal_time_ns(), dl = host_timer_deadline();
        uint64_t to = (dl && dl < until) ? dl : until;
        host_time_advance(to > now ? to - now : 1);
    }
}

static int timer_port(struct domain *d)
{
    int p = evtchn_bind_virq_internal(d, VIRQ_TIMER, 0);
    REQUIRE(p > 0);
    return p;
}

TEST_CASE(fires_at_deadline_never_early)
{
    struct domain *d = h_domain(64, false);
    struct vcpu *v = h_vcpu(d);
    int p = timer_port(d);
    uint64_t t = hal_time_ns() + 5 * MS + 123;
    CHECK_EQ(set_timer(v, t), 0);
    CHECK_EQ(v->timer_deadline_ns, t);
    CHECK_EQ(timer_next_deadline(this_cpu()), t);
    run_until(t - 1);
    CHECK(!pending(d, p));
    run_until(t);
    CHECK(pending(d, p));
    CHECK_EQ(v->info->evtchn_upcall_pending, 1);
    CHECK_EQ(v->timer_deadline_ns, 0);
    CHECK_EQ(timer_next_deadline(this_cpu()), 0);
}

TEST_CASE(deadline_in_the_past_fires_at_once)
{
    struct domain *d = h_domain(64, false);
    struct vcpu *v = h_vcpu(d);
    int p = timer_port(d);
    host_time_advance(10 * MS);
    CHECK_EQ(set_timer(v, 1), 0);
    CHECK(pending(d, p));
    d->shared_info->evtchn_pending[p / 32] = 0;
    CHECK_EQ(set_timer(v, hal_time_ns()), 0); /* "now" is not in the future either */
    CHECK(pending(d, p));
    CHECK_EQ(v->timer_deadline_ns, 0);
    CHECK_EQ(timer_next_deadline(this_cpu()), 0);
}

TEST_CASE(cancel_and_rearm)
{
    struct domain *d = h_domain(64, false);
    struct vcpu *v = h_vcpu(d);
    int p = timer_port(d);
    uint64_t t1 = hal_time_ns() + 2 * MS, t2 = hal_time_ns() + 7 * MS;
    CHECK_EQ(set_timer(v, t1), 0);
    CHECK_EQ(set_timer(v, 0), 0); /* cancel */
    CHECK_EQ(v->timer_deadline_ns, 0);
    CHECK_EQ(timer_next_deadline(this_cpu()), 0);
    run_until(t1 + MS);
    CHECK(!pending(d, p));
    /* Re-arming replaces the old deadline, earlier or later. */
    CHECK_EQ(set_timer(v, t2), 0);
    CHECK_EQ(set_timer(v, t2 + 3 * MS), 0);
    run_until(t2 + 3 * MS - 1);
    CHECK(!pending(d, p));
    run_until(t2 + 3 * MS);
    CHECK(pending(d, p));
}

TEST_CASE(hypercall_splits_deadline)
{
    struct domain *d = h_domain(64, false);
    struct vcpu *v = h_vcpu(d);
    timer_port(d);
    uint64_t t = 0x100001000ull; /* needs the high word */
    CHECK_EQ(h_call(v, HYPERCALL_set_timer, 0x1000, 1, 0, 0, 0), 0);
    CHECK_EQ(v->timer_deadline_ns, t);
    /* A 64-bit guest may pass it whole with hi = 0. */
    CHECK_EQ(h_call(v, HYPERCALL_set_timer, t + 5, 0, 0, 0, 0), 0);
    CHECK_EQ(v->timer_deadline_ns, t + 5);
    CHECK_EQ(h_call(v, HYPERCALL_set_timer, 0, 1ull << 32, 0, 0, 0), -HESTIA_EINVAL);
    CHECK_EQ(timer_set_guest(NULL, 5), -HESTIA_EINVAL);
}

TEST_CASE(unbound_virq_timer_is_harmless)
{
    struct domain *d = h_domain(64, false);
    struct vcpu *v = h_vcpu(d);
    uint32_t before[32];
    memcpy(before, d->shared_info->evtchn_pending, sizeof(before));
    CHECK_EQ(set_timer(v, hal_time_ns() + MS), 0);
    run_until(hal_time_ns() + 2 * MS);
    CHECK(memcmp(before, d->shared_info->evtchn_pending, sizeof(before)) == 0);
    CHECK_EQ(v->timer_deadline_ns, 0);
}

TEST_CASE(timer_wakes_blocked_vcpu)
{
    struct domain *d = h_domain(64, false);
    struct vcpu *v = h_vcpu(d), *got = NULL;
    int p = timer_port(d);
    uint64_t t = hal_time_ns() + 3 * MS;
    CHECK_EQ(set_timer(v, t), 0);
    CHECK_EQ(h_call(v, HYPERCALL_sched_op, SCHEDOP_block, 0, 0, 0, 0), 0);
    CHECK_EQ(v->state, VCPU_BLOCKED);
    /* Nothing runnable: the CPU idles until the guest's deadline, then runs it. */
    CHECK_EQ(h_resume(&got), HOST_JMP_RUN);
    CHECK(got == v);
    CHECK_EQ(hal_time_ns(), t);
    CHECK(pending(d, p));
}

/* xorshift: deterministic pseudo-random deadlines. */
static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

TEST_CASE(hundreds_of_vcpus)
{
    enum { N = 300 };
    static struct domain *d[N];
    static int port[N];
    static uint64_t want[N]; /* 0 = cancelled */
    static bool fired[N];
    for (unsigned i = 0; i < N; i++) {
        d[i] = h_domain(4, false);
        port[i] = timer_port(d[i]);
        fired[i] = false;
    }
    uint64_t base = hal_time_ns();
    uint64_t min = ~0ull;
    for (unsigned i = 0; i < N; i++) {
        want[i] = base + 1 + rnd() % (500 * MS);
        if (i % 7 == 3)
            want[i] = want[i - 1]; /* equal deadlines */
        REQUIRE(timer_set_guest(h_vcpu(d[i]), want[i]) == 0);
    }
    /* Cancel some, re-arm others: the heap must follow. */
    for (unsigned i = 0; i < N; i += 5) {
        REQUIRE(timer_set_guest(h_vcpu(d[i]), 0) == 0);
        want[i] = 0;
    }
    for (unsigned i = 2; i < N; i += 11) {
        want[i] = base + 1 + rnd() % (500 * MS);
        REQUIRE(timer_set_guest(h_vcpu(d[i]), want[i]) == 0);
    }
    for (unsigned i = 0; i < N; i++)
        if (want[i] && want[i] < min)
            min = want[i];
    CHECK_EQ(timer_next_deadline(this_cpu()), min);

    /* Step from deadline to deadline (and to just before it). */
    unsigned steps = 0, nfired = 0, early = 0, late = 0;
    uint64_t dl;
    while ((dl = timer_next_deadline(this_cpu())) != 0 && steps < 4 * N) {
        steps++;
        host_time_advance(dl - 1 - hal_time_ns());
        timer_run_expired(this_cpu(), hal_time_ns());
        host_time_advance(1);
        timer_run_expired(this_cpu(), hal_time_ns());
        uint64_t now = hal_time_ns();
        for (unsigned i = 0; i < N; i++) {
            bool p = pending(d[i], port[i]);
            if (p && !fired[i]) {
                fired[i] = true;
                nfired++;
                if (!want[i] || want[i] > now)
                    early++;
            }
            if (!p && want[i] && want[i] <= now)
                late++;
        }
    }
    unsigned expected = 0;
    for (unsigned i = 0; i < N; i++)
        expected += want[i] != 0;
    CHECK_EQ(early, 0);
    CHECK_EQ(late, 0);
    CHECK_EQ(nfired, expected);
    CHECK_EQ(timer_next_deadline(this_cpu()), 0);
}

TEST_CASE(guest_time_record)
{
    struct domain *d = h_domain(64, false);
    struct vcpu *v = h_vcpu(d);
    struct vcpu_time_info *t = &v->info->time;
    host_time_advance(123456789);
    t->version = 7; /* a guest scribbled an odd value */
    timer_update_guest_time(v);
    CHECK_EQ(t->version % 2, 0);
    CHECK(t->version != 7 && t->version != 6);
    struct hal_time_scale sc;
    hal_time_scale(&sc);
    CHECK_EQ(t->system_time_ns, 123456789);
    CHECK_EQ(t->counter_timestamp, hal_time_counter());
    CHECK_EQ(t->counter_to_ns_mul, sc.mul);
    CHECK_EQ(t->counter_shift, sc.shift);
    uint32_t v1 = t->version;
    host_time_advance(1000);
    timer_update_guest_time(v);
    CHECK_EQ(t->version, v1 + 2);
    CHECK_EQ(t->system_time_ns, 123457789);
    /* The guest's own formula gives the current time from the counter. */
    uint64_t delta = hal_time_counter() - t->counter_timestamp;
    delta = t->counter_shift >= 0 ? delta << t->counter_shift : delta >> -t->counter_shift;
    uint64_t ns = t->system_time_ns + ((delta * t->counter_to_ns_mul) >> 32);
    CHECK_EQ(ns, hal_time_ns());
    timer_update_guest_time(NULL); /* harmless */
}

TEST_CASE(destroy_with_armed_timers)
{
    struct domain *a = h_domain(64, false), *b = h_domain(64, false);
    int pb = timer_port(b);
    uint64_t t = hal_time_ns() + 4 * MS;
    REQUIRE(timer_set_guest(h_vcpu(a), t - MS) == 0);
    REQUIRE(timer_set_guest(h_vcpu(b), t) == 0);
    REQUIRE(domain_pause(a) == 0);
    REQUIRE(domain_destroy(a) == 0);
    CHECK_EQ(timer_next_deadline(this_cpu()), t);
    run_until(t);
    CHECK(pending(b, pb));
}
