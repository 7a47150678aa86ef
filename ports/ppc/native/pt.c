/* SPDX-License-Identifier: MIT */
/*
 * Page tables of the native ppc (e500v2) platform (docs/native.md): the
 * MMU requests the kernel makes (mmu.h), kept in tables the TLB-miss
 * vectors refill TLB0 from (boot.S).
 *
 * e500 has no hardware table walk: TLB1 holds the kernel's direct map
 * (256 MiB entries at NATIVE_VIRT_BASE, platform.c) and CCSR; every other
 * translation is a 4 KiB TLB0 entry written on a TLB miss from these
 * tables.  A table is two levels of 1024 32-bit entries (4 MiB, 4 KiB):
 * the root holds a leaf table's (direct-mapped) address | PTE_VALID, a
 * leaf entry the TLB entry's MAS3 | PTE_VALID.  Handle 0 is the kernel's
 * table (the kernel window above the direct map, TID 0: it matches in
 * every address space, and its entries have supervisor permissions only);
 * a user space has its own table for [4 KiB, NATIVE_VIRT_BASE) and a PID,
 * the TID of its TLB entries, loaded in PID0 while it is current.  The
 * kernel reaches the current user space too (supervisor permissions next
 * to the user ones), as a PV kernel does.
 *
 * PIDs are not reused while entries of theirs may be in TLB0: a space gets
 * the next one at creation; when the 255 run out, TLB0 is flushed and the
 * live spaces are numbered again (the hypervisor's generations, mmu.c).
 * Table frames come from a pool at the top of RAM that the kernel's frame
 * allocator never sees, as a hypervisor's own memory would be.
 */
#include <port/kernel.h>
#include <port/native.h>

#include "native_ppc.h"

#define POOL_FRAMES 1024
#define MAX_AS 64
#define PID_MAX 255
#define ENTRIES 1024

struct uspace {
    bool used;
    uint32_t *root;
    uint32_t pid;
};

static uintptr_t pool[POOL_FRAMES]; /* free table frames (direct-mapped addresses) */
static unsigned pool_free;
static struct uspace spaces[MAX_AS];
static uint64_t current_as;
static uint32_t pid_next = 1;
static uint32_t kernel_root[ENTRIES] __attribute__((aligned(4096)));
static uintptr_t kernel_start; /* the kernel window above the direct map */

/* boot.S's refill reads these: the tables of the kernel and of the current user space. */
uint32_t *nat_pt_kernel, *nat_pt_user;
uint32_t nat_tlb0_ways = 1;

static uint32_t *table_alloc(void)
{
    if (!pool_free)
        return NULL;
    uint32_t *t = (uint32_t *)pool[--pool_free];
    for (unsigned i = 0; i < ENTRIES; i++)
        t[i] = 0;
    return t;
}

static void table_free(uint32_t *t)
{
    pool[pool_free++] = (uintptr_t)t;
}

static void tlb0_flush_all(void)
{
    /* tlbivax with EA bit 0x4: all of TLB0 (TLB1's IPROT entries stay). */
    __asm__ volatile("tlbivax 0, %0; tlbsync; msync; isync" : : "r"(0x4u) : "memory");
}

static void tlb0_flush_va(uint64_t va)
{
    /* Every TLB0 entry of the page, whatever its TID. */
    __asm__ volatile("tlbivax 0, %0; tlbsync; msync; isync"
                     :
                     : "r"((uint32_t)va & ~0xfffu)
                     : "memory");
}

static void load_pid(void)
{
    mtspr(SPR_PID0, current_as ? spaces[current_as].pid : 0);
    __asm__ volatile("isync" ::: "memory");
}

uint64_t nat_pt_init(uint64_t mem_bytes)
{
    uint64_t frames = mem_bytes >> HESTIA_PAGE_SHIFT;
    frames -= POOL_FRAMES;
    for (unsigned i = 0; i < POOL_FRAMES; i++)
        pool[i] = NATIVE_VIRT_BASE + (uintptr_t)((frames + i) << HESTIA_PAGE_SHIFT);
    pool_free = POOL_FRAMES;
    /* mm.c's mappings start at the next GiB above the direct map. */
    kernel_start = NATIVE_VIRT_BASE + (uintptr_t)ALIGN_UP(mem_bytes, 1ull << 30);
    unsigned ways = mfspr(SPR_TLB0CFG) >> 24;
    nat_tlb0_ways = ways ? ways : 1;
    tlb0_flush_all();
    mtspr(SPR_PID0, 0);
    nat_pt_kernel = kernel_root;
    return frames;
}

/* The table of space as that covers va, or NULL. */
static uint32_t *root_for(uint64_t as, uint64_t va)
{
    if (as == 0)
        return va >= kernel_start && va < NAT_CCSR_VIRT ? kernel_root : NULL;
    if (as >= MAX_AS || !spaces[as].used || va < HESTIA_PAGE_SIZE || va >= NATIVE_VIRT_BASE)
        return NULL; /* user spaces have the user window only */
    return spaces[as].root;
}

/* The entry of va, its leaf table made if create. */
static uint32_t *pte_for(uint64_t as, uint64_t va, bool create)
{
    uint32_t *root = root_for(as, va);
    if (!root)
        return NULL;
    uint32_t *re = &root[(va >> 22) & (ENTRIES - 1)];
    if (!(*re & PTE_VALID)) {
        if (!create)
            return NULL;
        uint32_t *t = table_alloc();
        if (!t)
            return NULL;
        *re = (uint32_t)(uintptr_t)t | PTE_VALID;
    }
    return &((uint32_t *)(uintptr_t)(*re & ~0xfffu))[(va >> 12) & (ENTRIES - 1)];
}

/* MAS3's permissions: the supervisor's always, the user's in user spaces. */
static uint32_t pte_bits(uint64_t as, unsigned perms)
{
    uint32_t b = PTE_VALID;
    if (perms & MMU_PERM_READ)
        b |= MAS3_SR | (as ? MAS3_UR : 0);
    if (perms & MMU_PERM_WRITE)
        b |= MAS3_SW | (as ? MAS3_UW : 0);
    if (perms & MMU_PERM_EXEC)
        b |= as ? MAS3_UX : MAS3_SX;
    return b;
}

long nat_map(uint64_t as, uint64_t va, uint64_t gfn, unsigned perms)
{
    if (va & (HESTIA_PAGE_SIZE - 1))
        return -HESTIA_EINVAL;
    if (as && !(perms & MMU_PERM_USER))
        return -HESTIA_EINVAL; /* a user space holds user mappings (mmu.h) */
    uint32_t *pte = pte_for(as, va, true);
    if (!pte)
        return root_for(as, va) ? -HESTIA_ENOMEM : -HESTIA_EINVAL;
    bool was = *pte & PTE_VALID;
    *pte = (uint32_t)(gfn << HESTIA_PAGE_SHIFT) | pte_bits(as, perms);
    if (was) /* an absent entry is in no TLB: the refill needs it valid */
        tlb0_flush_va(va);
    return 0;
}

long nat_unmap(uint64_t as, uint64_t va)
{
    uint32_t *pte = pte_for(as, va, false);
    if (!pte || !(*pte & PTE_VALID))
        return -HESTIA_ENOENT;
    *pte = 0;
    tlb0_flush_va(va);
    return 0;
}

long nat_protect(uint64_t as, uint64_t va, unsigned perms)
{
    uint32_t *pte = pte_for(as, va, false);
    if (!pte || !(*pte & PTE_VALID))
        return -HESTIA_ENOENT;
    *pte = (*pte & ~0xfffu) | pte_bits(as, perms);
    tlb0_flush_va(va);
    return 0;
}

void nat_flush(uint64_t as, uint64_t va)
{
    (void)as;
    if (va == ~0ull)
        tlb0_flush_all();
    else
        tlb0_flush_va(va);
}

long nat_as_switch(uint64_t as)
{
    if (as && (as >= MAX_AS || !spaces[as].used))
        return -HESTIA_EINVAL;
    current_as = as;
    nat_pt_user = as ? spaces[as].root : NULL;
    load_pid();
    return 0;
}

/* A PID no TLB0 entry has: the next one, or all of them again after a flush. */
static uint32_t pid_alloc(void)
{
    if (pid_next > PID_MAX) {
        tlb0_flush_all();
        pid_next = 1;
        for (unsigned i = 1; i < MAX_AS; i++)
            if (spaces[i].used)
                spaces[i].pid = pid_next++;
        load_pid();
    }
    return pid_next++;
}

long nat_as_create(uint64_t *as)
{
    unsigned i;
    for (i = 1; i < MAX_AS && spaces[i].used; i++)
        ;
    if (i == MAX_AS)
        return -HESTIA_ENOSPC;
    uint32_t *root = table_alloc();
    if (!root)
        return -HESTIA_ENOMEM;
    uint32_t pid = pid_alloc();
    spaces[i] = (struct uspace){true, root, pid};
    *as = i;
    return 0;
}

long nat_as_destroy(uint64_t as)
{
    if (as == 0 || as >= MAX_AS || !spaces[as].used)
        return -HESTIA_EINVAL;
    if (as == current_as)
        nat_as_switch(0);
    uint32_t *root = spaces[as].root;
    for (unsigned e = 0; e < (NATIVE_VIRT_BASE >> 22); e++) /* the user window's */
        if (root[e] & PTE_VALID)
            table_free((uint32_t *)(uintptr_t)(root[e] & ~0xfffu));
    table_free(root);
    /* Its PID retires: entries left in TLB0 under it are never matched again. */
    spaces[as].used = false;
    return 0;
}
