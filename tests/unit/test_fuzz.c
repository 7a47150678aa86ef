/* SPDX-License-Identifier: MIT */
/*
 * Hostile guests: many thousands of hypercalls with random numbers,
 * commands, pointers and buffer contents.  Nothing may crash the
 * hypervisor (AddressSanitizer and UBSan watch every access), and when the
 * domains are destroyed afterwards every frame must come back.
 */
#include "harness.h"

#include <stdlib.h>

TEST_SUITE("fuzz");

static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* xorshift64*: deterministic, so a failure can be replayed */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

struct target {
    struct domain *d;
    uint64_t buf; /* 2 pages of scratch the fuzzer scribbles on */
};

/* An argument: small numbers, domain ids, pointers good and bad, extremes. */
static uint64_t pick_arg(const struct target *t, const struct target *peer)
{
    switch (rnd() % 14) {
    case 0:
        return 0;
    case 1:
        return 1;
    case 2:
        return rnd() % 16;
    case 3:
        return rnd() % 300;
    case 4:
        return t->buf + rnd() % 64;
    case 5:
        return t->buf + 4096 - rnd() % 64; /* runs into the second page */
    case 6:
        return t->buf + 2 * 4096 - rnd() % 32; /* runs off the end */
    case 7:
        return H_VA_HYP + (rnd() % 4096);
    case 8:
        return H_VA_UNMAPPED;
    case 9:
        return ~0ull - rnd() % 64;
    case 10:
        return peer ? peer->d->id : DOMID_SELF;
    case 11:
        return DOMID_SELF;
    case 12:
        return rnd();
    default:
        return 1ull << (rnd() % 64);
    }
}

/* Fill the scratch buffer with structured garbage (ids, pointers, sizes). */
static void scribble(const struct target *t, const struct target *peer)
{
    uint64_t words[2 * 4096 / 8];
    bool small = rnd() & 1; /* mostly meaningful values: ids, ports, gfns, counts */
    for (unsigned i = 0; i < ARRAY_SIZE(words); i++) {
        if (small) {
            uint32_t lo = (uint32_t)(rnd() % 4 ? rnd() % 40 : pick_arg(t, peer));
            uint32_t hi = (uint32_t)(rnd() % 4 ? rnd() % 40 : 0);
            words[i] = ((uint64_t)hi << 32) | lo;
            if (rnd() % 8 == 0)
                words[i] = t->buf + (rnd() % 32) * 8; /* embedded pointers */
        } else {
            words[i] = (rnd() & 1) ? pick_arg(t, peer) : rnd();
        }
    }
    if (rnd() % 2 == 0) {
        /* A plausible domctl header, so domctl gets past its first checks. */
        uint32_t *w = (uint32_t *)words;
        w[0] = (uint32_t)(rnd() % 10);
        w[1] = HESTIA_ABI_VERSION;
        ((uint16_t *)words)[4] =
            (uint16_t)(rnd() % 2 ? (peer ? peer->d->id : 1) : rnd() % 8);
    }
    h_write(t->d, t->buf, words, sizeof(words));
}

/* Per hypercall: calls that returned 0, > 0, < 0 (printed with HESTIA_FUZZ_STATS). */
static unsigned long stats[HYPERCALL_COUNT + 2][3];

static void print_stats(void)
{
    if (!getenv("HESTIA_FUZZ_STATS"))
        return;
    for (unsigned i = 0; i < HYPERCALL_COUNT + 2; i++)
        printf("  nr %2u: %6lu ok %6lu positive %6lu errors\n", i, stats[i][0], stats[i][1],
               stats[i][2]);
    memset(stats, 0, sizeof(stats));
}

static void fuzz(struct target *t, struct target *peer, unsigned rounds,
                 bool allow_shutdown)
{
    struct vcpu *v = h_vcpu(t->d);
    for (unsigned i = 0; i < rounds; i++) {
        if (i % 16 == 0)
            scribble(t, peer);
        if (i % 50 == 49) {
            /* Let time pass and the run loop work: timers fire, upcalls get injected. */
            host_time_advance(rnd() % 20000000);
            h_resume(NULL);
        }
        if (!t->d->privileged && rnd() % 200 == 0) {
            /* A guest exception now and then (may crash the domU: that is allowed; dom0's
             * would end the run). */
            core_guest_trap(v, (unsigned)(rnd() % 20), (unsigned)rnd(), rnd(),
                            pick_arg(t, peer));
        }
        unsigned long nr = rnd() % (HYPERCALL_COUNT + 2);
        uint64_t a[5];
        for (unsigned k = 0; k < 5; k++)
            a[k] = pick_arg(t, peer);
        if (rnd() % 2) {
            /* The common shape: (small cmd, pointer to the buffer, small count). */
            a[0] = rnd() % 8;
            a[1] = t->buf;
            a[2] = rnd() % 4;
            if (nr == HYPERCALL_domctl || nr == HYPERCALL_set_callbacks ||
                nr == HYPERCALL_mmu_op)
                a[0] = t->buf;
            if (nr == HYPERCALL_mmu_op)
                a[1] = rnd() % 4;
            if (nr == HYPERCALL_console_io)
                a[1] = rnd() % 100, a[2] = t->buf;
        }
        if (nr == HYPERCALL_sched_op &&
            (a[0] == SCHEDOP_shutdown || a[0] == SCHEDOP_report) && !allow_shutdown)
            continue;
        if (nr == HYPERCALL_vcpu_op && a[0] == VCPUOP_enter_user)
            continue; /* would leave kernel mode: h_buf pointers vanish */
        if (nr == HYPERCALL_mmu_one && a[4] == MMUOP_unmap && a[0] == 0 &&
            a[1] - t->buf < 2 * 4096)
            continue; /* would unmap the scratch the harness writes through (h_write) */
        long rc = h_call(v, nr, a[0], a[1], a[2], a[3], a[4]);
        stats[nr][rc == 0 ? 0 : rc > 0 ? 1 : 2]++;
        if (nr >= HYPERCALL_COUNT && rc != -HESTIA_ENOSYS)
            harness_fail(__FILE__, __LINE__, "nr %lu gave %ld", nr, rc);
        /* Keep the fuzzer runnable: undo blocking and shutdown side effects. */
        if (v->state == VCPU_BLOCKED)
            vcpu_kick(v);
        if (hal_vcpu_in_user(core_vcpu_hal(v)))
            core_vcpu_hal(v)->regs[HOST_REG_MODE] = HOST_MODE_KERNEL;
    }
}

/*
 * Global structures that grow once and stay (the timer heap array) are not
 * leaks: let them be allocated before counting free frames.
 */
static unsigned long frames_after_warmup(void)
{
    struct domain *w = h_domain(8, false);
    h_call(h_vcpu(w), HYPERCALL_set_timer, 1000000, 0, 0, 0, 0);
    domain_destroy(w);
    return mm_free_frames();
}

static void run_domu_fuzz(uint64_t seed)
{
    rng_state = seed;
    unsigned long before = frames_after_warmup();
    struct target a = {h_domain(64, false), 0}, b = {h_domain(64, false), 0};
    a.buf = h_buf(a.d, 2 * 4096);
    b.buf = h_buf(b.d, 2 * 4096);
    for (unsigned r = 0; r < 8; r++) {
        fuzz(&a, &b, 1000, true);
        fuzz(&b, &a, 1000, true);
    }
    /* Shutdown must have stopped them from being scheduled. */
    for (unsigned r = 0; r < 5; r++) {
        struct vcpu *cur = NULL;
        if (h_resume(&cur) == HOST_JMP_RUN)
            CHECK(!cur->domain->is_shutdown);
        host_time_advance(SCHED_SLICE_NS);
    }
    print_stats();
    CHECK_EQ(domain_destroy(a.d), 0);
    CHECK_EQ(domain_destroy(b.d), 0);
    CHECK_EQ(domain_count(), 0);
    CHECK_EQ(mm_free_frames(), before);
}

TEST_CASE(domu_random_hypercalls_seed1)
{
    run_domu_fuzz(0x1234567887654321ull);
}
TEST_CASE(domu_random_hypercalls_seed2)
{
    run_domu_fuzz(0xdeadbeefcafef00dull);
}
TEST_CASE(domu_random_hypercalls_seed3)
{
    run_domu_fuzz(42);
}

TEST_CASE(dom0_random_hypercalls)
{
    rng_state = 0x0badc0de;
    unsigned long before = frames_after_warmup();
    struct target z = {h_domain(128, true), 0};
    struct target u = {h_domain(32, false), 0};
    z.buf = h_buf(z.d, 2 * 4096);
    u.buf = h_buf(u.d, 2 * 4096);
    /* dom0 shutting down ends the run, so no shutdown from it. */
    for (unsigned r = 0; r < 10; r++) {
        fuzz(&z, &u, 1000, false);
        if (!domain_lookup(u.d->id) || u.d->is_shutdown) {
            /* dom0 destroyed or crashed its peer: make a new one. */
            if (domain_lookup(u.d->id))
                domain_destroy(u.d);
            u.d = h_domain(32, false);
            u.buf = h_buf(u.d, 2 * 4096);
        }
    }
    print_stats();
    /* Whatever dom0 created, destroy it all. */
    for (struct domain *d = domain_next(1); d; d = domain_next(1))
        CHECK_EQ(domain_destroy(d), 0);
    CHECK_EQ(domain_destroy(z.d), 0);
    CHECK_EQ(domain_count(), 0);
    CHECK_EQ(mm_free_frames(), before);
}
