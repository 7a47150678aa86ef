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
 * hypervisor's own memory would be.  The operations both native x86
 * platforms share: ports/x86/native/pt_ops.h.
 */
#include <port/kernel.h>
#include <port/native.h>

#include "native_x86_64.h"

#define KERNEL_PDS 14 /* [2 GiB, 16 GiB) */
#define MMIO_VA (15 * (1ull << 30))
#define POOL_FRAMES 2048
#define MAX_AS 64
#define KERNEL_ROOT nat_boot_pml4

extern uint64_t nat_boot_pml4[512], nat_boot_pdpt[512], nat_boot_pd[512];

struct uspace {
    bool used;
    uintptr_t root, pdpt, pd; /* its PML4, PDPT and page directory */
};

#include "../../x86/native/pt_ops.h"

static uint64_t kernel_pds[KERNEL_PDS][512] __attribute__((aligned(4096)));

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
    pool_init(frames);
    return frames;
}

uint64_t nat_pt_map_mmio(uint64_t pa)
{
    uint64_t base = pa & ~((1ull << 21) - 1);
    kernel_pds[(MMIO_VA / GIB) - 2][0] = base | PTE_P | PTE_W | PTE_PS | PTE_PCD | PTE_PWT;
    load_cr3(pa_of(nat_boot_pml4));
    return MMIO_VA + (pa - base);
}

static uint64_t *kernel_pd_for(uint64_t va)
{
    unsigned i = (unsigned)(va / GIB);
    if (i < 2 || i >= 2 + KERNEL_PDS || va / GIB == MMIO_VA / GIB)
        return NULL; /* the direct map, the MMIO window or outside the kernel's reach */
    return kernel_pds[i - 2];
}

long nat_as_create(uint64_t *as)
{
    unsigned i;
    for (i = 1; i < MAX_AS && spaces[i].used; i++)
        ;
    if (i == MAX_AS)
        return -HESTIA_ENOSPC;
    uintptr_t pml4 = table_alloc(), pdpt = table_alloc(), pd = table_alloc();
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

long nat_as_destroy(uint64_t as)
{
    if (as == 0 || as >= MAX_AS || !spaces[as].used)
        return -HESTIA_EINVAL;
    if (as == current_as)
        nat_as_switch(0);
    window_free(spaces[as].pd);
    table_free(spaces[as].pdpt);
    table_free(spaces[as].root);
    spaces[as].used = false;
    return 0;
}
