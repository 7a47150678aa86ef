/* SPDX-License-Identifier: MIT */
/*
 * The page-table operations the native x86 and x86_64 platforms share
 * (docs/native.md): the frame pool, user spaces, map / unmap / protect /
 * flush and the space switch.  Both keep a 2 MiB-per-entry page directory
 * under each window and 512 8-byte entries per table (PAE and long mode
 * alike); only the levels above the page directory differ (PAE's 4-entry
 * PDPT against long mode's PML4 and PDPT), so each pt.c defines those, with
 * the creation and destruction of a user space (as many tables as levels),
 * and includes this file once.  Static functions, not an object of their
 * own, so that they inline as before: ./hestia bench's native figures
 * count every instruction, and they stayed the same.
 *
 * Before the include, pt.c defines POOL_FRAMES, MAX_AS, KERNEL_ROOT (the
 * kernel's top-level table, boot.S's) and struct uspace, a user space's
 * tables: at least bool used, uintptr_t root (its top-level table, CR3)
 * and uintptr_t pd (the page directory of its window [4 KiB, 1 GiB)), all
 * physical.  After it, pt.c defines kernel_pd_for(), declared below.
 */
#ifndef NATIVE_PT_OPS_H
#define NATIVE_PT_OPS_H

#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_U 0x4ull
#define PTE_PWT 0x8ull
#define PTE_PCD 0x10ull
#define PTE_PS 0x80ull
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull
#define GIB (1ull << 30)

static uintptr_t pool[POOL_FRAMES]; /* free page-table frames (physical) */
static unsigned pool_free;

static struct uspace spaces[MAX_AS];
static uint64_t current_as;

/* The kernel's page directory covering va, or NULL (pt.c: its layout). */
static uint64_t *kernel_pd_for(uint64_t va);

static uint64_t *va_of(uint64_t pa)
{
    return (uint64_t *)(uintptr_t)(NATIVE_VIRT_BASE + pa);
}
static uintptr_t pa_of(const void *p)
{
    return (uintptr_t)p - NATIVE_VIRT_BASE;
}

static uintptr_t table_alloc(void)
{
    if (!pool_free)
        return 0;
    uintptr_t pa = pool[--pool_free];
    uint64_t *t = va_of(pa);
    for (unsigned i = 0; i < 512; i++)
        t[i] = 0;
    return pa;
}
static void table_free(uintptr_t pa)
{
    pool[pool_free++] = pa;
}

static void load_cr3(uintptr_t pa)
{
    __asm__ volatile("mov %0, %%cr3" ::"r"(pa) : "memory");
}

/* Hand the frames [first, first + POOL_FRAMES) to the pool. */
static void pool_init(uint64_t first)
{
    for (unsigned i = 0; i < POOL_FRAMES; i++)
        pool[i] = (uintptr_t)((first + i) << HESTIA_PAGE_SHIFT);
    pool_free = POOL_FRAMES;
}

/* The page directory covering va in space as, or NULL. */
static uint64_t *pd_for(uint64_t as, uint64_t va)
{
    if (as == 0)
        return kernel_pd_for(va);
    if (as >= MAX_AS || !spaces[as].used || va < HESTIA_PAGE_SIZE || va >= GIB)
        return NULL; /* user spaces have the low window only */
    return va_of(spaces[as].pd);
}

/* The page-table entry of va, its page table made if create. */
static uint64_t *pte_for(uint64_t as, uint64_t va, bool create)
{
    uint64_t *pd = pd_for(as, va);
    if (!pd)
        return NULL;
    uint64_t *pde = &pd[(va >> 21) & 511];
    if (!(*pde & PTE_P)) {
        if (!create)
            return NULL;
        uintptr_t t = table_alloc();
        if (!t)
            return NULL;
        *pde = t | PTE_P | PTE_W | (as ? PTE_U : 0);
    }
    return &va_of(*pde & PTE_ADDR)[(va >> 12) & 511];
}

static uint64_t pte_bits(unsigned perms)
{
    return PTE_P | ((perms & MMU_PERM_WRITE) ? PTE_W : 0) |
           ((perms & MMU_PERM_USER) ? PTE_U : 0) | ((perms & MMU_PERM_EXEC) ? 0 : PTE_NX);
}

static void invlpg(uint64_t as, uint64_t va)
{
    if (as == 0 || as == current_as)
        __asm__ volatile("invlpg (%0)" ::"r"((uintptr_t)va) : "memory");
}

long nat_map(uint64_t as, uint64_t va, uint64_t gfn, unsigned perms)
{
    if (va & (HESTIA_PAGE_SIZE - 1))
        return -HESTIA_EINVAL;
    if (as && !(perms & MMU_PERM_USER))
        return -HESTIA_EINVAL; /* a user space holds user mappings (mmu.h) */
    uint64_t *pte = pte_for(as, va, true);
    if (!pte)
        return pd_for(as, va) ? -HESTIA_ENOMEM : -HESTIA_EINVAL;
    *pte = (gfn << HESTIA_PAGE_SHIFT) | pte_bits(perms);
    invlpg(as, va);
    return 0;
}

long nat_unmap(uint64_t as, uint64_t va)
{
    uint64_t *pte = pte_for(as, va & ~(uint64_t)(HESTIA_PAGE_SIZE - 1), false);
    if (!pte || !(*pte & PTE_P))
        return -HESTIA_ENOENT;
    *pte = 0;
    invlpg(as, va);
    return 0;
}

long nat_protect(uint64_t as, uint64_t va, unsigned perms)
{
    uint64_t *pte = pte_for(as, va & ~(uint64_t)(HESTIA_PAGE_SIZE - 1), false);
    if (!pte || !(*pte & PTE_P))
        return -HESTIA_ENOENT;
    *pte = (*pte & PTE_ADDR) | pte_bits(perms);
    invlpg(as, va);
    return 0;
}

void nat_flush(uint64_t as, uint64_t va)
{
    if (va == ~0ull)
        load_cr3(as && as == current_as ? spaces[as].root : pa_of(KERNEL_ROOT));
    else
        invlpg(as, va);
}

long nat_as_switch(uint64_t as)
{
    if (as && (as >= MAX_AS || !spaces[as].used))
        return -HESTIA_EINVAL;
    if (as != current_as) {
        current_as = as;
        load_cr3(as ? spaces[as].root : pa_of(KERNEL_ROOT));
    }
    return 0;
}

/* Free a user space's window: its page tables, then page directory pd. */
static void window_free(uintptr_t pd)
{
    uint64_t *l2 = va_of(pd);
    for (unsigned e = 0; e < 512; e++)
        if (l2[e] & PTE_P)
            table_free((uintptr_t)(l2[e] & PTE_ADDR));
    table_free(pd);
}

#endif
