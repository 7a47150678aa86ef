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
#include <core/hyplock.h>
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
struct hyplock core_hyplock; /* the fast path is inline in core/hyplock.h */

void hyplock_wait(uint32_t ticket)
{
    uint32_t began = smp_wake_lock_wait_begins();
    smp_wait_word(&core_hyplock.now_serving, ticket); /* spins, then halts until its turn */
    smp_wake_lock_wait_ends(began);
}

bool core_lock(void)
{
    return hyplock_take(hal_cpu_id());
}

void core_unlock(bool taken)
{
    hyplock_release(taken);
}

bool core_lock_held(void)
{
    return __atomic_load_n(&core_hyplock.owner, __ATOMIC_RELAXED) == hal_cpu_id() + 1;
}
