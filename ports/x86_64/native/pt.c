/* SPDX-License-Identifier: MIT */
/*
 * Page tables of the native x86_64 platform (docs/native.md): the MMU
 * requests the kernel makes (mmu.h) carried out on its own 4-level tables.
 *
 * The kernel space (handle 0) is boot.S's PML4: [1 GiB, 2 GiB) maps
 * physical [0, 1 GiB) with 2 MiB pages; the page directories of
 * [2 GiB, 16 GiB) exist from the start (static), so every user space
 * copies the kernel part once and never misses a later kernel mapping.
 * A user space has its own PML4 and PDPT, and its own page directory for
 * the user window [4 KiB, 1 GiB).  Page-table frames come from a pool at
 * the top of RAM that the kernel's allocator never sees, as the
 * hypervisor's own memory would be.
 */
#include <port/kernel.h>
#include <port/native.h>

#include "native_x86_64.h"

#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_U 0x4ull
#define PTE_PWT 0x8ull
#define PTE_PCD 0x10ull
#define PTE_PS 0x80ull
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull
#define GIB (1ull << 30)
#define KERNEL_PDS 14 /* [2 GiB, 16 GiB) */
#define MMIO_VA (15 * GIB)
#define POOL_FRAMES 2048
#define MAX_AS 64

extern uint64_t nat_boot_pml4[512], nat_boot_pdpt[512], nat_boot_pd[512];
static uint64_t kernel_pds[KERNEL_PDS][512] __attribute__((aligned(4096)));

static uint64_t pool[POOL_FRAMES]; /* free page-table frames (physical) */
static unsigned pool_free;

struct uspace {
    bool used;
    uint64_t pml4, pdpt, pd; /* physical */
};
static struct uspace spaces[MAX_AS];
static uint64_t current_as;

static uint64_t *va_of(uint64_t pa)
{
    return (uint64_t *)(uintptr_t)(NATIVE_VIRT_BASE + pa);
}
static uint64_t pa_of(const void *p)
{
    return (uintptr_t)p - NATIVE_VIRT_BASE;
}

static uint64_t table_alloc(void)
{
    if (!pool_free)
        return 0;
    uint64_t pa = pool[--pool_free];
    uint64_t *t = va_of(pa);
    for (unsigned i = 0; i < 512; i++)
        t[i] = 0;
    return pa;
}
static void table_free(uint64_t pa)
{
    pool[pool_free++] = pa;
}

static void load_cr3(uint64_t pa)
{
    __asm__ volatile("mov %0, %%cr3" ::"r"(pa) : "memory");
}

uint64_t nat_pt_init(uint64_t mem_bytes)
{
    if (mem_bytes > GIB)
        mem_bytes = GIB; /* the direct map's reach */
    uint64_t frames = mem_bytes >> HESTIA_PAGE_SHIFT;
    for (unsigned i = 0; i < KERNEL_PDS; i++)
        nat_boot_pdpt[2 + i] = pa_of(kernel_pds[i]) | PTE_P | PTE_W;
    nat_boot_pdpt[0] = 0; /* the identity map was for boot.S only */
    load_cr3(pa_of(nat_boot_pml4));
    frames -= POOL_FRAMES;
    for (unsigned i = 0; i < POOL_FRAMES; i++)
        pool[i] = (frames + i) << HESTIA_PAGE_SHIFT;
    pool_free = POOL_FRAMES;
    return frames;
}

uint64_t nat_pt_map_mmio(uint64_t pa)
{
    uint64_t base = pa & ~((1ull << 21) - 1);
    kernel_pds[(MMIO_VA / GIB) - 2][0] = base | PTE_P | PTE_W | PTE_PS | PTE_PCD | PTE_PWT;
    load_cr3(pa_of(nat_boot_pml4));
    return MMIO_VA + (pa - base);
}

/* The page directory covering va in space as, or NULL. */
static uint64_t *pd_for(uint64_t as, uint64_t va)
{
    if (as == 0) {
        unsigned i = (unsigned)(va / GIB);
        if (i < 2 || i >= 2 + KERNEL_PDS || va / GIB == MMIO_VA / GIB)
            return NULL; /* the direct map, the MMIO window or outside the kernel's reach */
        return kernel_pds[i - 2];
    }
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
        uint64_t t = table_alloc();
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
        __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
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
        load_cr3(as && as == current_as ? spaces[as].pml4 : pa_of(nat_boot_pml4));
    else
        invlpg(as, va);
}

long nat_as_create(uint64_t *as)
{
    unsigned i;
    for (i = 1; i < MAX_AS && spaces[i].used; i++)
        ;
    if (i == MAX_AS)
        return -HESTIA_ENOSPC;
    uint64_t pml4 = table_alloc(), pdpt = table_alloc(), pd = table_alloc();
    if (!pml4 || !pdpt || !pd) {
        if (pml4)
            table_free(pml4);
        if (pdpt)
            table_free(pdpt);
        if (pd)
            table_free(pd);
        return -HESTIA_ENOMEM;
    }
    uint64_t *l4 = va_of(pml4), *l3 = va_of(pdpt);
    for (unsigned e = 0; e < 512; e++) {
        l4[e] = nat_boot_pml4[e];
        l3[e] = nat_boot_pdpt[e];
    }
    l3[0] = pd | PTE_P | PTE_W | PTE_U;
    l4[0] = pdpt | PTE_P | PTE_W | PTE_U;
    spaces[i] = (struct uspace){true, pml4, pdpt, pd};
    *as = i;
    return 0;
}

long nat_as_switch(uint64_t as)
{
    if (as && (as >= MAX_AS || !spaces[as].used))
        return -HESTIA_EINVAL;
    if (as != current_as) {
        current_as = as;
        load_cr3(as ? spaces[as].pml4 : pa_of(nat_boot_pml4));
    }
    return 0;
}

long nat_as_destroy(uint64_t as)
{
    if (as == 0 || as >= MAX_AS || !spaces[as].used)
        return -HESTIA_EINVAL;
    if (as == current_as)
        nat_as_switch(0);
    uint64_t *pd = va_of(spaces[as].pd);
    for (unsigned e = 0; e < 512; e++)
        if (pd[e] & PTE_P)
            table_free(pd[e] & PTE_ADDR);
    table_free(spaces[as].pd);
    table_free(spaces[as].pdpt);
    table_free(spaces[as].pml4);
    spaces[as].used = false;
    return 0;
}
