/* SPDX-License-Identifier: MIT */
/*
 * Test-and-set spinlock on a 32-bit word.  __atomic builtins keep it
 * portable across the four targets (gcc expands them inline there) and
 * give the acquire/release ordering a multi-CPU build will need.
 */
#include <core/lib.h>
#include <hal/cpu.h>

/* An arch without a spin-wait hint (hal/cpu.h) links this one. */
__attribute__((weak)) void hal_cpu_relax(void)
{
}

void spin_lock(spinlock_t *l)
{
    for (;;) {
        if (!__atomic_exchange_n(&l->locked, 1u, __ATOMIC_ACQUIRE))
            return;
        /* Spin on a plain load so waiters do not bounce the cache line. */
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
            hal_cpu_relax();
    }
}

void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->locked, 0u, __ATOMIC_RELEASE);
}

/* spin_lock_irqsave / spin_unlock_irqrestore are inline in core/lib.h. */
