/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor lock's fast path, inline for the hot entry points
 * (core_hypercall_resume): a ticket lock (core/hyplock.c says why) whose
 * uncontended take is one atomic add and one load.  Everything else uses
 * core_lock() / core_unlock() (core/smp.h), which are these same two.
 */
#ifndef CORE_HYPLOCK_H
#define CORE_HYPLOCK_H

#include "cpu.h"
#include "lib.h"
#include "smp.h"

struct hyplock {
    uint32_t next_ticket, now_serving;
    unsigned owner; /* CPU id + 1 of the holder, 0 when free */
};
extern struct hyplock core_hyplock;

/*
 * Wait (answering this CPU's IPIs; after a short spin halted until the
 * releaser's IPI: smp_wait_word) until ticket is served.
 */
void hyplock_wait(uint32_t ticket);

/* core_lock() on CPU cpu (= hal_cpu_id()): whether this call took it. */
static inline bool hyplock_take(unsigned cpu)
{
    unsigned me = cpu + 1;
    if (__atomic_load_n(&core_hyplock.owner, __ATOMIC_RELAXED) == me)
        return false;
    uint32_t ticket = __atomic_fetch_add(&core_hyplock.next_ticket, 1u, __ATOMIC_RELAXED);
    if (__atomic_load_n(&core_hyplock.now_serving, __ATOMIC_ACQUIRE) != ticket)
        hyplock_wait(ticket);
    __atomic_store_n(&core_hyplock.owner, me, __ATOMIC_RELAXED);
    return true;
}

/*
 * Take the lock if it is free right now (CPU cpu does not hold it and
 * nobody waits): the uncontended case as one atomic compare-and-swap of
 * the ticket, nothing to wait for.  False: use hyplock_take().
 */
static inline bool hyplock_try(unsigned cpu)
{
    uint32_t serving = __atomic_load_n(&core_hyplock.now_serving, __ATOMIC_ACQUIRE);
    if (!__atomic_compare_exchange_n(&core_hyplock.next_ticket, &serving, serving + 1,
                                     false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return false;
    __atomic_store_n(&core_hyplock.owner, cpu + 1, __ATOMIC_RELAXED);
    return true;
}

static inline void hyplock_release(bool taken)
{
    if (taken) {
        __atomic_store_n(&core_hyplock.owner, 0u, __ATOMIC_RELAXED);
        /* The result unused: one locked add (smp_wake_word reads the value itself). */
        __atomic_fetch_add(&core_hyplock.now_serving, 1u, __ATOMIC_RELEASE);
        if (cpu_count() > 1) /* the CPU whose turn it is may be halted */
            smp_wake_word(&core_hyplock.now_serving);
    }
}

#endif
