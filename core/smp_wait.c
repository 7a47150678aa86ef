/* SPDX-License-Identifier: MIT */
/*
 * Waiting for another CPU without holding on to a host CPU (core/smp.h,
 * smp_wait_word): spin a short while, then halt until the CPU that changes
 * the awaited word sends an IPI (smp_wake_word).
 *
 * Why halt: in the emulators a spinning CPU is a busy host thread.  Under
 * MTTCG on a loaded host the spinner was descheduled as often as the CPU
 * it waited for (a lock hand-off took milliseconds: docs/smp.md), and
 * under QEMU's round-robin -icount a 32-bit ppc spinner kept its whole
 * turn while the holder could not run.  A halted CPU's host thread sleeps
 * (the host wakes it promptly on the IPI) and a halted CPU ends its
 * round-robin turn.
 *
 * Lost wake-ups: the waiter publishes (word, value), makes that visible
 * with a full fence and only then looks at the word again; the waker
 * stores the word, fences, and then looks for sleepers.  One of the two
 * sees the other.  An IPI sent just before the halt stays pending and
 * ends it at once.
 */
#include <core/cpu.h>
#include <core/smp.h>
#include <hal/cpu.h>
#include <hal/entry.h>
#include <hal/timer.h>

/* Spin this long before halting: a lock held for a few us is cheaper spun on. */
#define SMP_SPIN_NS 20000u

static unsigned sleepers; /* CPUs halted in smp_wait_word() right now */

/* An arch that cannot halt for an IPI alone keeps spinning (the old wait). */
__attribute__((weak)) void hal_cpu_wait_ipi(void)
{
    hal_cpu_relax();
}

/*
 * One step of every wait: answer this CPU's own pending IPIs, then relax.
 * A waiter that did not answer could be the CPU another waiter is
 * waiting on.
 */
static void smp_wait_step(void)
{
    if (__atomic_load_n(&this_cpu()->ipi_pending, __ATOMIC_RELAXED))
        core_ipi_interrupt();
    hal_cpu_relax();
}

static bool reached(const volatile uint32_t *word, uint32_t want)
{
    return __atomic_load_n(word, __ATOMIC_ACQUIRE) == want;
}

void smp_wait_word(const volatile uint32_t *word, uint32_t want)
{
    uint64_t spin_until = 0;
    while (!reached(word, want)) {
        smp_wait_step();
        uint64_t now = hal_time_ns();
        if (!spin_until)
            spin_until = now + SMP_SPIN_NS;
        if (now < spin_until)
            continue;
        struct cpu *c = this_cpu();
        c->wait_want = want;
        __atomic_store_n(&c->wait_word, word, __ATOMIC_RELAXED);
        __atomic_fetch_add(&sleepers, 1u, __ATOMIC_SEQ_CST);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (!reached(word, want))
            hal_cpu_wait_ipi();
        __atomic_store_n(&c->wait_word, NULL, __ATOMIC_RELAXED);
        __atomic_fetch_sub(&sleepers, 1u, __ATOMIC_SEQ_CST);
    }
}

/*
 * The value is read here, after the fence, not passed in: the hypervisor
 * lock's release is then one atomic add whose result nobody needs (on
 * x86 a lock add instead of xadd and add).  A value newer than the
 * caller's store is as good: whoever stored it calls this too.
 */
void smp_wake_word(const volatile uint32_t *word)
{
    if (cpu_count() < 2)
        return;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!__atomic_load_n(&sleepers, __ATOMIC_RELAXED))
        return;
    uint32_t now = __atomic_load_n(word, __ATOMIC_RELAXED);
    unsigned self = hal_cpu_id();
    for (unsigned i = 0; i < cpu_count(); i++) {
        struct cpu *c = cpu_by_id(i);
        if (i != self && __atomic_load_n(&c->wait_word, __ATOMIC_RELAXED) == word &&
            c->wait_want == now)
            smp_post(i, SMP_IPI_WAKE);
    }
}
