/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor lock (core/smp.h): every entry into core/ from the arch
 * (hypercall, guest trap, timer, device and console interrupt, the run
 * loop, the HVM exits) runs under it, so core's shared state (domain
 * table and the domains reached through it, event channels, grants, the
 * PV MMU, timers' callbacks) sees one CPU at a time while guests run on
 * all of them.  The finer locks that already exist (run queues, timer
 * heaps, frames, heap, console, event channels) stay and keep their order
 * below it (docs/architecture.md, Locking).
 *
 * A CPU waiting for it answers core_cpu_call()s and kicks aimed at itself,
 * because the holder may be waiting for exactly that (a TLB shootdown),
 * and after a short spin halts until the releaser wakes it
 * (smp_wait_word / smp_wake_word, core/smp_wait.c).
 * Nested entry points (the run loop's idle takes a timer interrupt) find
 * the lock already theirs: core_lock() says whether it took it, and only
 * the taker releases it.
 */
#include <core/cpu.h>
#include <core/smp.h>
#include <hal/cpu.h>
#include <hal/entry.h>

/*
 * A ticket lock: CPUs get in in the order they asked.  A test-and-set lock
 * let a CPU that leaves and re-enters core in a tight loop (an idle CPU's
 * full pass, on a poll-driven idle) take it again before a waiter whose
 * emulated CPU had not been scheduled in between ever saw it free: under
 * QEMU's round-robin TCG (-icount) ppc with two CPUs hung that way.
 */
static uint32_t next_ticket, now_serving;
static unsigned owner; /* CPU id + 1 of the holder, 0 when free */

bool core_lock(void)
{
    unsigned me = hal_cpu_id() + 1;
    if (__atomic_load_n(&owner, __ATOMIC_RELAXED) == me)
        return false;
    uint32_t ticket = __atomic_fetch_add(&next_ticket, 1u, __ATOMIC_RELAXED);
    if (__atomic_load_n(&now_serving, __ATOMIC_ACQUIRE) != ticket) {
        uint32_t began = smp_wake_lock_wait_begins();
        smp_wait_word(&now_serving, ticket); /* spins, then halts until its turn */
        smp_wake_lock_wait_ends(began);
    }
    __atomic_store_n(&owner, me, __ATOMIC_RELAXED);
    return true;
}

void core_unlock(bool taken)
{
    if (taken) {
        __atomic_store_n(&owner, 0u, __ATOMIC_RELAXED);
        uint32_t next = __atomic_add_fetch(&now_serving, 1u, __ATOMIC_RELEASE);
        smp_wake_word(&now_serving, next); /* the CPU whose turn it is may be halted */
    }
}

bool core_lock_held(void)
{
    return __atomic_load_n(&owner, __ATOMIC_RELAXED) == hal_cpu_id() + 1;
}
