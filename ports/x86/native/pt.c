/* SPDX-License-Identifier: MIT */
/*
 * PAE page tables of the native x86 (32-bit) platform (docs/native.md):
 * the MMU requests the kernel makes (mmu.h) on its own tables.
 *
 * The kernel space (handle 0) is boot.S's PDPT: [1 GiB, 2 GiB) maps
 * physical [0, 1 GiB) with 2 MiB pages, [2 GiB, 3 GiB) is the kernel's
 * mapping area (mm.c's kva), [3 GiB, 4 GiB) holds the LAPIC; their page
 * directories exist from the start, so a user space (its own PDPT and a
 * page directory for [4 KiB, 1 GiB)) copies them once.  Page-table frames
 * come from a pool at the top of RAM that the kernel never sees.  The
 * operations both native x86 platforms share: pt_ops.h.
 */
#include <port/kernel.h>
#include <port/native.h>

#include "native_x86.h"

#define POOL_FRAMES 1024
#define MAX_AS 64
#define KERNEL_ROOT nat_boot_pdpt

extern uint64_t nat_boot_pdpt[512], nat_boot_pd[512];

struct uspace {
    bool used;
    uintptr_t root, pd; /* its PDPT (PAE's top level) and page directory */
};

#include "pt_ops.h"

static uint64_t kva_pd[512] __attribute__((aligned(4096)));
static uint64_t mmio_pd[512] __attribute__((aligned(4096)));

uint64_t nat_pt_init(uint64_t mem_bytes)
{
    if (mem_bytes > GIB)
        mem_bytes = GIB; /* the direct map's reach */
    uint64_t frames = mem_bytes >> HESTIA_PAGE_SHIFT;
    nat_boot_pdpt[2] = pa_of(kva_pd) | PTE_P;
    nat_boot_pdpt[3] = pa_of(mmio_pd) | PTE_P;
    nat_boot_pdpt[0] = 0;           /* the identity map was for boot.S only */
    load_cr3(pa_of(nat_boot_pdpt)); /* PAE: the PDPT is read at CR3 loads only */
    frames -= POOL_FRAMES;
    pool_init(frames);
    return frames;
}

uintptr_t nat_pt_map_mmio(uint64_t pa)
{
    uint64_t base = pa & ~((1ull << 21) - 1);
    mmio_pd[(base >> 21) & 511] = base | PTE_P | PTE_W | PTE_PS | PTE_PCD | PTE_PWT;
    load_cr3(pa_of(nat_boot_pdpt));
    return (uintptr_t)pa;
}

static uint64_t *kernel_pd_for(uint64_t va)
{
    return va >= 2 * GIB && va < 3 * GIB ? kva_pd : NULL;
}

long nat_as_create(uint64_t *as)
{
    unsigned i;
    for (i = 1; i < MAX_AS && spaces[i].used; i++)
        ;
    if (i == MAX_AS)
        return -HESTIA_ENOSPC;
    uintptr_t pdpt = table_alloc(), pd = table_alloc();
    if (!pdpt || !pd) {
        if (pdpt)
            table_free(pdpt);
        if (pd)
            table_free(pd);
        return -HESTIA_ENOMEM;
    }
    uint64_t *l3 = va_of(pdpt);
    for (unsigned e = 1; e < 4; e++)
        l3[e] = nat_boot_pdpt[e];
    l3[0] = pd | PTE_P; /* PAE's PDPT entries have no W or U bits */
    spaces[i] = (struct uspace){true, pdpt, pd};
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
    table_free(spaces[as].root);
    spaces[as].used = false;
    return 0;
}
