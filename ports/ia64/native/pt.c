/* SPDX-License-Identifier: MIT */
/*
 * Page tables of the native IA-64 platform (docs/native.md): each space
 * has a 3-level table of 512-entry pages over its 512 GiB window (region 0
 * for user spaces, region 5 above the 4 GiB direct map for the kernel's
 * own mappings), walked by nat_tlb_fast (boot.S) on a TLB miss.  Upper
 * entries hold the kernel address of the next table, leaves a hardware
 * PTE, so a refill is three loads and an itc.  Every user space gets a
 * region ID of its own, never reused, so a destroyed space's TC entries
 * can never match again and nothing needs purging at destruction; a
 * switch is one region-register write.  Table frames come from a pool at
 * the top of RAM that the kernel's frame allocator never sees, as a
 * hypervisor's own memory would be.
 */
#include <port/kernel.h>
#include <port/native.h>

#include "native_ia64.h"

#define POOL_FRAMES 1024 /* 4 MiB */
#define MAX_AS 64
#define WINDOW (1ull << 39)
#define REGION(va) ((va) >> 61)
#define DIRECT_END (1ull << NAT_TR_PS) /* the pinned translation's reach in region 5 */

/* The table roots nat_tlb_fast walks, by region (0: the current user space). */
uint64_t nat_roots[8];

static uint64_t *pool[POOL_FRAMES];
static unsigned pool_free;

static struct {
    bool used;
    uint64_t rid;
    uint64_t *root;
} spaces[MAX_AS];
static uint64_t kernel_root_table[512] __attribute__((aligned(4096)));
static uint64_t current_as;
static uint64_t next_rid = NAT_RID_USER;

static uint64_t *table_alloc(void)
{
    if (!pool_free)
        return NULL;
    uint64_t *t = pool[--pool_free];
    for (unsigned i = 0; i < 512; i++)
        t[i] = 0;
    return t;
}

static void table_free(uint64_t *t)
{
    pool[pool_free++] = t;
}

uint64_t nat_pt_init(uint64_t ram_bytes);
/* Take the pool from the top of RAM: the kernel gets the frames below it. */
uint64_t nat_pt_init(uint64_t ram_bytes)
{
    uint64_t frames = ram_bytes >> HESTIA_PAGE_SHIFT;
    uint64_t first = frames - POOL_FRAMES;
    for (unsigned i = 0; i < POOL_FRAMES; i++)
        pool[i] = (uint64_t *)(uintptr_t)(NAT_VBASE + ((first + i) << HESTIA_PAGE_SHIFT));
    pool_free = POOL_FRAMES;
    nat_roots[5] = (uintptr_t)kernel_root_table;
    return first;
}

static void set_rr0(uint64_t rid)
{
    __asm__ volatile("mov rr[%0] = %1\n\t;;\n\tsrlz.d\n\t;;" ::"r"(0ull), "r"(NAT_RR(rid))
                     : "memory");
}

/* The table of as covering va, or NULL. */
static uint64_t *root_for(uint64_t as, uint64_t va)
{
    if (as == 0)
        return REGION(va) == 5 && (va & (~0ull >> 3)) >= DIRECT_END &&
                       (va & (~0ull >> 3)) < WINDOW
                   ? kernel_root_table
                   : NULL;
    if (as >= MAX_AS || !spaces[as].used || va < HESTIA_PAGE_SIZE || va >= WINDOW)
        return NULL; /* a user space has region 0's window only */
    return spaces[as].root;
}

/* The leaf entry of va, its tables made if create. */
static uint64_t *pte_for(uint64_t as, uint64_t va, bool create)
{
    uint64_t *t = root_for(as, va);
    if (!t)
        return NULL;
    for (unsigned shift = 30; shift > 12; shift -= 9) {
        uint64_t *e = &t[(va >> shift) & 511];
        if (!*e) {
            if (!create)
                return NULL;
            uint64_t *n = table_alloc();
            if (!n)
                return NULL;
            *e = (uintptr_t)n;
        }
        t = (uint64_t *)(uintptr_t)*e;
    }
    return &t[(va >> 12) & 511];
}

/* ar: R, RX, RW, RWX (0-3) at pl 3 for user pages, pl 0 for the kernel's. */
static uint64_t pte_bits(unsigned perms)
{
    uint64_t ar = ((perms & MMU_PERM_WRITE) ? 2 : 0) | ((perms & MMU_PERM_EXEC) ? 1 : 0);
    return NAT_PTE_P | NAT_PTE_A | NAT_PTE_D | NAT_PTE_AR(ar) |
           NAT_PTE_PL((perms & MMU_PERM_USER) ? 3ull : 0ull);
}

/* Drop the translations of space as in [va, va + 2^ps) (its region ID lent to rr0 if
 * the space is not the current one). */
static void purge(uint64_t as, uint64_t va, unsigned ps)
{
    bool lend = as && as != current_as;
    if (lend)
        set_rr0(spaces[as].rid);
    __asm__ volatile("ptc.l %0, %1\n\t;;\n\tsrlz.i\n\t;;" ::"r"(va), "r"((uint64_t)ps << 2)
                     : "memory");
    if (lend)
        set_rr0(current_as ? spaces[current_as].rid : NAT_RID_DEAD);
}

long nat_map(uint64_t as, uint64_t va, uint64_t gfn, unsigned perms)
{
    if (va & (HESTIA_PAGE_SIZE - 1))
        return -HESTIA_EINVAL;
    if (as && !(perms & MMU_PERM_USER))
        return -HESTIA_EINVAL; /* a user space holds user mappings (mmu.h) */
    uint64_t *pte = pte_for(as, va, true);
    if (!pte)
        return root_for(as, va) ? -HESTIA_ENOMEM : -HESTIA_EINVAL;
    bool was = *pte != 0;
    *pte = ((gfn << HESTIA_PAGE_SHIFT) & NAT_PTE_PPN) | pte_bits(perms);
    if (was)
        purge(as, va, 12);
    return 0;
}

/* A present leaf of as at va: unmapped, or (keep) given perms. */
static long rewrite(uint64_t as, uint64_t va, unsigned perms, bool keep)
{
    va &= ~(uint64_t)(HESTIA_PAGE_SIZE - 1);
    uint64_t *pte = pte_for(as, va, false);
    if (!pte || !*pte)
        return -HESTIA_ENOENT;
    *pte = keep ? (*pte & NAT_PTE_PPN) | pte_bits(perms) : 0;
    purge(as, va, 12);
    return 0;
}

long nat_unmap(uint64_t as, uint64_t va)
{
    return rewrite(as, va, 0, false);
}

long nat_protect(uint64_t as, uint64_t va, unsigned perms)
{
    return rewrite(as, va, perms, true);
}

void nat_flush(uint64_t as, uint64_t va)
{
    if (va != ~0ull)
        purge(as, va, 12);
    else /* everything of the space: its whole window under its region ID */
        purge(as, as ? 0 : NAT_VBASE + DIRECT_END, 39);
}

long nat_as_create(uint64_t *as)
{
    for (uint64_t i = 1; i < MAX_AS; i++) {
        if (spaces[i].used)
            continue;
        uint64_t *root = table_alloc();
        if (!root)
            return -HESTIA_ENOMEM;
        if (next_rid >= (1ull << 24))
            return -HESTIA_ENOSPC; /* 16 M spaces created: region IDs are never reused */
        spaces[i].used = true;
        spaces[i].rid = next_rid++;
        spaces[i].root = root;
        *as = i;
        return 0;
    }
    return -HESTIA_ENOSPC;
}

long nat_as_switch(uint64_t as)
{
    if (as && (as >= MAX_AS || !spaces[as].used))
        return -HESTIA_EINVAL;
    if (as != current_as) {
        current_as = as;
        nat_roots[0] = as ? (uintptr_t)spaces[as].root : 0;
        set_rr0(as ? spaces[as].rid : NAT_RID_DEAD);
    }
    return 0;
}

/* Free the tables under t, level levels deep (1: t holds leaves). */
static void tables_free(uint64_t *t, unsigned levels)
{
    if (levels > 1)
        for (unsigned i = 0; i < 512; i++)
            if (t[i])
                tables_free((uint64_t *)(uintptr_t)t[i], levels - 1);
    table_free(t);
}

long nat_as_destroy(uint64_t as)
{
    if (!as || as >= MAX_AS || !spaces[as].used)
        return -HESTIA_EINVAL;
    if (as == current_as)
        nat_as_switch(0);
    tables_free(spaces[as].root, 3);
    spaces[as].used = false; /* its region ID is not reused: nothing to purge */
    return 0;
}
