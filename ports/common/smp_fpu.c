/* SPDX-License-Identifier: MIT */
/*
 * The smp scenario's FPU check (smp_test.c): a thread on every vCPU keeps
 * a token of its own in an FPU/SSE register across 1 ms sleeps, in which
 * its vCPU blocks and may wake on another physical CPU.  A hypervisor
 * that switches the FPU lazily must bring a vCPU's live registers along
 * (the CPU it left saves them first), or the vCPU finds an old image (the
 * token of an earlier round) in its register on the new CPU.
 *
 * dom0 keeps moving the vCPUs from CPU to CPU meanwhile (smp_test.c), so
 * most wake-ups are on another CPU.
 *
 * The register access is the arch's (arch_fpu_token_*: x86 and x86_64
 * xmm7, ia64 f20 and f40; the weak defaults below say the arch has none,
 * and the check is a SKIP).
 */
#include <port/kernel.h>

#include <port/smp_fpu.h>

#define FPU_ROUNDS 200
#define SEC 1000000000ull

__attribute__((weak)) bool arch_has_fpu_token(void)
{
    return false;
}
__attribute__((weak)) void arch_fpu_token_set(uint32_t v)
{
    (void)v;
}
__attribute__((weak)) uint32_t arch_fpu_token_get(void)
{
    return 0;
}

static volatile uint32_t fpu_checks, fpu_bad, fpu_done, fpu_all;
static volatile uint32_t fpu_first_want, fpu_first_got;

static void fpu_thread(void *arg)
{
    uint32_t id = (uint32_t)(uintptr_t)arg;
    for (uint32_t i = 1; i <= FPU_ROUNDS; i++) {
        uint32_t want = (id + 1) << 24 | i;
        arch_fpu_token_set(want);
        thread_sleep_ns(1000000); /* the vCPU blocks; it may wake elsewhere */
        uint32_t got = arch_fpu_token_get();
        __atomic_fetch_add(&fpu_checks, 1, __ATOMIC_SEQ_CST);
        if (got != want && __atomic_fetch_add(&fpu_bad, 1, __ATOMIC_SEQ_CST) == 0) {
            fpu_first_want = want;
            fpu_first_got = got;
        }
    }
    if (__atomic_add_fetch(&fpu_done, 1, __ATOMIC_SEQ_CST) == SMP_FPU_VCPUS)
        __atomic_store_n(&fpu_all, 1, __ATOMIC_RELEASE);
}

void smp_fpu_follows(struct smp_fpu_result *r)
{
    if (!arch_has_fpu_token()) {
        r->skipped = 1;
        test_report("smp.fpu-follows", TR_SKIP, "no FPU token register on this arch yet");
        return;
    }
    for (unsigned i = 0; i < SMP_FPU_VCPUS; i++)
        if (!thread_create_on(i, "fpu", fpu_thread, (void *)(uintptr_t)i)) {
            test_report("smp.fpu-follows", TR_FAIL, "no thread on vCPU %u", i);
            return;
        }
    uint64_t deadline = time_now_ns() + 60 * SEC;
    while (!__atomic_load_n(&fpu_all, __ATOMIC_ACQUIRE) && time_now_ns() < deadline)
        thread_sleep_ns(10000000);
    r->checks = fpu_checks;
    r->bad = fpu_bad;
    r->first_want = fpu_first_want;
    r->first_got = fpu_first_got;
    r->want = SMP_FPU_VCPUS * FPU_ROUNDS;
    test_report("smp.fpu-follows", r->checks == r->want && !r->bad ? TR_PASS : TR_FAIL,
                "%u of %u tokens checked, %u wrong (first: %x, want %x)", r->checks,
                r->want, r->bad, r->first_got, r->first_want);
}

void smp_fpu_verdict(const struct smp_fpu_result *r, unsigned moves, unsigned online)
{
    if (r->skipped) {
        test_report("smp.fpu-follows", TR_SKIP, "no FPU token register on this arch yet");
        return;
    }
    /* With several CPUs the check is only worth its name if dom0 kept moving the vCPUs. */
    bool moved = online < 2 || moves >= SMP_FPU_MIN_MOVES;
    test_report("smp.fpu-follows",
                r->want && r->checks == r->want && !r->bad && moved ? TR_PASS : TR_FAIL,
                "%u of %u FPU tokens checked after a sleep on %u vCPUs, %u wrong (first: "
                "%x, want %x); dom0 moved the vCPUs %u times across %u CPU%s meanwhile%s",
                r->checks, r->want, SMP_FPU_VCPUS, r->bad, r->first_got, r->first_want,
                moves, online, online == 1 ? "" : "s", moved ? "" : " (too few)");
}
