/* SPDX-License-Identifier: MIT */
/*
 * 64-bit atomics for i686: gcc turns __atomic_* on 8-byte objects into
 * libatomic calls when it may not use the x87/SSE registers, and a
 * freestanding image has no libatomic.  cmpxchg8b (inlined by
 * __sync_val_compare_and_swap on i586+) makes each of them a real atomic
 * operation, on several CPUs too.
 */
#include <stdbool.h>
#include <stdint.h>

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

/* Replace *mem by f(old, val) atomically; returns old. */
static u64 update(volatile void *mem, u64 val, int op)
{
    volatile u64 *p = mem;
    u64 old = *p, seen;
    for (;;) {
        u64 nv = op == 0 ? val : op == 1 ? old + val : old - val;
        seen = __sync_val_compare_and_swap(p, old, nv);
        if (seen == old)
            return old;
        old = seen;
    }
}

u64 __atomic_load_8(const volatile void *mem, int model)
{
    (void)model;
    /* A compare-and-swap of 0 with 0 reads the value in one locked access. */
    return __sync_val_compare_and_swap((volatile u64 *)(uintptr_t)mem, 0, 0);
}

void __atomic_store_8(volatile void *mem, u64 val, int model)
{
    (void)model;
    update(mem, val, 0);
}

u64 __atomic_exchange_8(volatile void *mem, u64 val, int model)
{
    (void)model;
    return update(mem, val, 0);
}

bool __atomic_compare_exchange_8(volatile void *mem, void *expected, u64 desired, bool weak,
                                 int success, int failure)
{
    (void)weak;
    (void)success;
    (void)failure;
    u64 exp = *(u64 *)expected;
    u64 seen = __sync_val_compare_and_swap((volatile u64 *)mem, exp, desired);
    if (seen == exp)
        return true;
    *(u64 *)expected = seen;
    return false;
}

u64 __atomic_fetch_add_8(volatile void *mem, u64 val, int model)
{
    (void)model;
    return update(mem, val, 1);
}

u64 __atomic_fetch_sub_8(volatile void *mem, u64 val, int model)
{
    (void)model;
    return update(mem, val, 2);
}

u64 __atomic_add_fetch_8(volatile void *mem, u64 val, int model)
{
    (void)model;
    return update(mem, val, 1) + val;
}

u64 __atomic_sub_fetch_8(volatile void *mem, u64 val, int model)
{
    (void)model;
    return update(mem, val, 2) - val;
}
