/* SPDX-License-Identifier: MIT */
/*
 * Direct map and guest address spaces (4-level page tables).
 *
 * Guests run in ring 3 in both modes, so every guest PTE has U=1 and the
 * hypervisor half (PML4 slots 256..511, copied into every top level) has
 * U=0.  Kernel and user windows are disjoint (hestia/arch/x86_64.h): a
 * kernel space only uses PDPT entries 1..511 of PML4 slot 0, a user space
 * PDPT entry 0 of slot 0 and slots 1..255.  The kernel-mode view of a vCPU
 * (vcpu.c) is built from both by copying those top-level entries; `gen`
 * tells it when they changed.  MMU_PERM_* are kept in the PTE's software
 * bits so hal_as_lookup() returns exactly what was mapped.
 */
#include <hestia/errno.h>
#include <x86/io.h>
#include <x86_64/arch.h>

extern uint64_t boot_pml4[512];

#define GIB (1ull << 30)

void *hal_frame_to_virt(mfn_t mfn)
{
    return (void *)(DIRECTMAP_BASE + (mfn << HAL_PAGE_SHIFT));
}

mfn_t hal_virt_to_frame(const void *p)
{
    return virt_to_phys(p) >> HAL_PAGE_SHIFT;
}

uint64_t *x86_64_table(uint64_t entry)
{
    return hal_frame_to_virt((entry & PTE_ADDR) >> HAL_PAGE_SHIFT);
}

uint64_t x86_64_hyp_pml4e(unsigned slot)
{
    return boot_pml4[slot];
}

/*
 * A domain may be destroyed while its tables are still in CR3 (it crashed
 * in its own hypercall): before such a frame is freed and reused, fall back
 * to the hypervisor's own tables (same upper half, empty lower half).
 */
void x86_64_unload_cr3(mfn_t table)
{
    if ((read_cr3() & PTE_ADDR) >> HAL_PAGE_SHIFT == table)
        write_cr3(virt_to_phys(boot_pml4));
}

void x86_64_mmu_init(void)
{
    /*
     * Drop the boot identity map: the lower half belongs to guests.  Its
     * entries were global, so flush with a CR4.PGE toggle, not just CR3.
     */
    boot_pml4[0] = 0;
    unsigned long cr4 = read_cr4();
    write_cr4(cr4 & ~(1ul << 7));
    write_cr4(cr4);
}

/* Guest windows; see hestia/arch/x86_64.h. */
bool hal_guest_va_ok(guest_va_t va, bool user)
{
    if (va & (HAL_PAGE_SIZE - 1))
        return false;
    if (!user)
        return va >= HESTIA_X86_64_KERNEL_VA_START && va < HESTIA_X86_64_KERNEL_VA_END;
    return (va >= HESTIA_X86_64_USER_LOW_START && va < HESTIA_X86_64_USER_LOW_END) ||
           (va >= HESTIA_X86_64_USER_HIGH_START && va < HESTIA_X86_64_USER_HIGH_END);
}

/* Fixed for every domain, so guest ports can rely on it (hestia/arch/x86_64.h). */
void hal_guest_layout(struct hal_guest_layout *layout)
{
    layout->virt_base = HESTIA_X86_64_GUEST_VIRT_BASE;
    layout->shared_info_va = HESTIA_X86_64_SHARED_INFO_VA;
}

struct hal_as *hal_as_create(struct domain *d, bool user)
{
    struct hal_as *as = core_heap_alloc(sizeof(*as));
    if (!as)
        return NULL;
    as->pml4_mfn = core_frame_alloc(d);
    if (as->pml4_mfn == MFN_INVALID) {
        core_heap_free(as);
        return NULL;
    }
    as->dom = d;
    as->user = user;
    as->pml4 = hal_frame_to_virt(as->pml4_mfn);
    as->frames = 1;
    as->gen = 1;
    for (unsigned i = PML4_HYP_FIRST; i < 512; i++)
        as->pml4[i] = boot_pml4[i];
    return as;
}

static void free_level(struct hal_as *as, uint64_t *table, int level, guest_va_t base,
                       hal_unmap_fn dropped, void *ctx)
{
    unsigned shift = 12 + 9 * (unsigned)level;
    unsigned last = level == 3 ? PML4_HYP_FIRST : 512;
    for (unsigned i = 0; i < last; i++) {
        uint64_t e = table[i];
        if (!(e & PTE_P))
            continue;
        guest_va_t va = base + ((guest_va_t)i << shift);
        if (level == 0) {
            if (dropped)
                dropped(ctx, va, (e & PTE_ADDR) >> HAL_PAGE_SHIFT);
        } else {
            free_level(as, x86_64_table(e), level - 1, va, dropped, ctx);
            core_frame_free(as->dom, (e & PTE_ADDR) >> HAL_PAGE_SHIFT);
        }
        table[i] = 0;
    }
}

void hal_as_destroy(struct hal_as *as, hal_unmap_fn dropped, void *ctx)
{
    if (!as)
        return;
    x86_64_unload_cr3(as->pml4_mfn);
    free_level(as, as->pml4, 3, 0, dropped, ctx);
    core_frame_free(as->dom, as->pml4_mfn);
    core_heap_free(as);
}

/*
 * The level-0 PTE for va, creating intermediate tables if create.  NULL if
 * absent (or no memory: *nomem set).
 */
static uint64_t *walk(struct hal_as *as, guest_va_t va, bool create, bool *nomem)
{
    uint64_t *table = as->pml4;
    for (int level = 3; level > 0; level--) {
        unsigned idx = (va >> (12 + 9 * level)) & 511;
        uint64_t e = table[idx];
        if (!(e & PTE_P)) {
            if (!create)
                return NULL;
            mfn_t m = core_frame_alloc(as->dom);
            if (m == MFN_INVALID) {
                *nomem = true;
                return NULL;
            }
            as->frames++;
            e = (m << HAL_PAGE_SHIFT) | PTE_P | PTE_W | PTE_U;
            table[idx] = e;
            /* Top-level entries are what the kernel-mode view copies. */
            if (level == 3 || (level == 2 && (va >> 39) == 0))
                as->gen++;
        }
        table = x86_64_table(e);
    }
    return &table[(va >> 12) & 511];
}

static bool va_in_space(const struct hal_as *as, guest_va_t va)
{
    return hal_guest_va_ok(va & ~(guest_va_t)(HAL_PAGE_SIZE - 1), as->user);
}

static uint64_t make_pte(mfn_t mfn, unsigned perms)
{
    uint64_t pte = (mfn << HAL_PAGE_SHIFT) | PTE_P | PTE_U;
    if (perms & MMU_PERM_WRITE)
        pte |= PTE_W;
    if (!(perms & MMU_PERM_EXEC))
        pte |= PTE_NX;
    return pte | ((uint64_t)perms << PTE_PERM_SHIFT);
}

static bool perms_ok(unsigned perms)
{
    return !(perms & ~MMU_PERM_ALL) &&
           (perms & (MMU_PERM_READ | MMU_PERM_WRITE | MMU_PERM_EXEC));
}

int hal_as_map(struct hal_as *as, guest_va_t va, mfn_t mfn, unsigned perms)
{
    if (!hal_guest_va_ok(va, as->user) || !perms_ok(perms) || mfn >= (1ull << 40))
        return -HESTIA_EINVAL;
    bool nomem = false;
    uint64_t *pte = walk(as, va, true, &nomem);
    if (!pte)
        return -HESTIA_ENOMEM;
    if (*pte & PTE_P)
        return -HESTIA_EEXIST;
    *pte = make_pte(mfn, perms);
    invlpg(
        va); /* a stale "not present" is never cached, but be safe on the paging caches */
    return 0;
}

int hal_as_unmap(struct hal_as *as, guest_va_t va, mfn_t *old)
{
    if (!hal_guest_va_ok(va, as->user))
        return -HESTIA_EINVAL;
    uint64_t *pte = walk(as, va, false, NULL);
    if (!pte || !(*pte & PTE_P))
        return -HESTIA_ENOENT;
    if (old)
        *old = (*pte & PTE_ADDR) >> HAL_PAGE_SHIFT;
    *pte = 0;
    invlpg(va);
    return 0;
}

int hal_as_protect(struct hal_as *as, guest_va_t va, unsigned perms)
{
    if (!hal_guest_va_ok(va, as->user) || !perms_ok(perms))
        return -HESTIA_EINVAL;
    uint64_t *pte = walk(as, va, false, NULL);
    if (!pte || !(*pte & PTE_P))
        return -HESTIA_ENOENT;
    *pte = make_pte((*pte & PTE_ADDR) >> HAL_PAGE_SHIFT, perms);
    invlpg(va);
    return 0;
}

int hal_as_lookup(struct hal_as *as, guest_va_t va, mfn_t *mfn, unsigned *perms)
{
    if (!as || !va_in_space(as, va))
        return -HESTIA_ENOENT;
    uint64_t *pte = walk(as, va, false, NULL);
    if (!pte || !(*pte & PTE_P))
        return -HESTIA_ENOENT;
    if (mfn)
        *mfn = (*pte & PTE_ADDR) >> HAL_PAGE_SHIFT;
    if (perms)
        *perms = (unsigned)(*pte >> PTE_PERM_SHIFT) & MMU_PERM_ALL;
    return 0;
}

void hal_as_flush(struct hal_as *as, guest_va_t va)
{
    (void)as;
    /*
     * Only the running vCPU's view can be cached (every switch reloads
     * CR3), so flushing this CPU by address or all non-global entries is
     * enough.
     */
    if (va == MMU_FLUSH_ALL ||
        !hal_guest_va_ok(va & ~(guest_va_t)(HAL_PAGE_SIZE - 1), as->user))
        write_cr3(read_cr3());
    else
        invlpg(va);
}

unsigned long hal_as_frames(const struct hal_as *as)
{
    return as->frames;
}
