/* SPDX-License-Identifier: MIT */
/*
 * 64-bit atomics for 32-bit Book-E, which has no 64-bit load-reserve: gcc
 * turns __atomic_* on 8-byte objects into these libatomic calls, and a
 * freestanding image has no libatomic.  One CPU for now, so masking
 * interrupts makes each operation atomic; SMP bring-up adds a lock here.
 */
#include <hal/cpu.h>

#include "ppc.h"

typedef unsigned long long u64;

u64 __atomic_load_8(const volatile void *mem, int model);
void __atomic_store_8(volatile void *mem, u64 val, int model);
u64 __atomic_exchange_8(volatile void *mem, u64 val, int model);
bool __atomic_compare_exchange_8(volatile void *mem, void *expected, u64 desired, bool weak,
                                 int success, int failure);
u64 __atomic_fetch_add_8(volatile void *mem, u64 val, int model);
u64 __atomic_fetch_sub_8(volatile void *mem, u64 val, int model);
u64 __atomic_add_fetch_8(volatile void *mem, u64 val, int model);
u64 __atomic_sub_fetch_8(volatile void *mem, u64 val, int model);

u64 __atomic_load_8(const volatile void *mem, int model)
{
    (void)model;
    unsigned long f = hal_irq_save();
    u64 v = *(const volatile u64 *)mem;
    hal_irq_restore(f);
    return v;
}

void __atomic_store_8(volatile void *mem, u64 val, int model)
{
    (void)model;
    unsigned long f = hal_irq_save();
    *(volatile u64 *)mem = val;
    hal_irq_restore(f);
}

u64 __atomic_exchange_8(volatile void *mem, u64 val, int model)
{
    (void)model;
    unsigned long f = hal_irq_save();
    u64 old = *(volatile u64 *)mem;
    *(volatile u64 *)mem = val;
    hal_irq_restore(f);
    return old;
}

bool __atomic_compare_exchange_8(volatile void *mem, void *expected, u64 desired, bool weak,
                                 int success, int failure)
{
    (void)weak;
    (void)success;
    (void)failure;
    unsigned long f = hal_irq_save();
    u64 cur = *(volatile u64 *)mem;
    bool ok = cur == *(u64 *)expected;
    if (ok)
        *(volatile u64 *)mem = desired;
    else
        *(u64 *)expected = cur;
    hal_irq_restore(f);
    return ok;
}

static u64 fetch_add(volatile void *mem, u64 val)
{
    unsigned long f = hal_irq_save();
    u64 old = *(volatile u64 *)mem;
    *(volatile u64 *)mem = old + val;
    hal_irq_restore(f);
    return old;
}

u64 __atomic_fetch_add_8(volatile void *mem, u64 val, int model)
{
    (void)model;
    return fetch_add(mem, val);
}

u64 __atomic_fetch_sub_8(volatile void *mem, u64 val, int model)
{
    (void)model;
    return fetch_add(mem, -val);
}

u64 __atomic_add_fetch_8(volatile void *mem, u64 val, int model)
{
    (void)model;
    return fetch_add(mem, val) + val;
}

u64 __atomic_sub_fetch_8(volatile void *mem, u64 val, int model)
{
    (void)model;
    return fetch_add(mem, -val) - val;
}
