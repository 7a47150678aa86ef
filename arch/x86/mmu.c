/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's page tables, the trampoline view, and guest address
 * spaces (PAE: PDPT -> PD -> PT).
 *
 * The hypervisor runs on its own CR3 (boot.S: direct map + image + APICs);
 * a guest runs on a per-vCPU PDPT (vcpu.c) whose slot 0 is the current
 * user space's PD, slots 1-2 the kernel space's PDs and slot 3 the
 * trampoline PD.  A space owns the PDs of its window's slots from its
 * creation, so composing the view is four PDPT entries.
 *
 * Every guest exit and entry reloads CR3 and nothing is global, so the TLB
 * never holds a guest translation while the hypervisor runs: map, unmap
 * and protect need no invalidation of their own.  MMU_PERM_READ/EXEC live
 * in the PTE's software bits 9/10 (PAE has no others), WRITE and USER are
 * the W and U bits themselves.
 */
#include <hestia/errno.h>
#include <x86/io.h>

#include "arch.h"

extern uint64_t x86_hyp_pdpt[4];
static uint64_t tramp_pd[512] __attribute__((aligned(4096)));
static uint64_t tramp_pt[512] __attribute__((aligned(4096)));
static uint64_t empty_pd[512] __attribute__((aligned(4096)));

void *hal_frame_to_virt(mfn_t mfn)
{
    return (void *)(uintptr_t)(mfn << HAL_PAGE_SHIFT);
}

mfn_t hal_virt_to_frame(const void *p)
{
    return virt_to_phys(p) >> HAL_PAGE_SHIFT;
}

static uint64_t *table(uint64_t entry)
{
    return hal_frame_to_virt((entry & PTE_ADDR) >> HAL_PAGE_SHIFT);
}

void x86_mmu_init(void)
{
    x86_hyp_cr3 = (uint32_t)virt_to_phys(x86_hyp_pdpt);
    /*
     * The trampoline view of the hypervisor's gigabyte: the trampoline
     * pages read-only, the entry stack read-write, nothing else.
     */
    uint32_t first = (uint32_t)(uintptr_t)__tramp_start;
    uint32_t end = (uint32_t)(uintptr_t)(x86_entry_stack + ENTRY_STACK_SIZE);
    if ((first >> 21) != ((end - 1) >> 21))
        core_panic("x86: the trampoline crosses a 2 MiB boundary");
    for (uint32_t va = first; va < end; va += HAL_PAGE_SIZE) {
        uint64_t pte = virt_to_phys((void *)(uintptr_t)va) | PTE_P;
        if (va >= (uint32_t)(uintptr_t)x86_entry_stack)
            pte |= PTE_W | (x86_nx ? PTE_NX : 0);
        tramp_pt[(va >> 12) & 511] = pte;
    }
    tramp_pd[(first >> 21) & 511] = virt_to_phys(tramp_pt) | PTE_P | PTE_W;
}

uint64_t x86_tramp_pdpte(void)
{
    return virt_to_phys(tramp_pd) | PTE_P;
}

/* PDPT entry for slot of the guest view from as (NULL or not its slot: empty). */
uint64_t x86_guest_pdpte(const struct hal_as *as, unsigned slot)
{
    if (as && as->pd[slot])
        return (as->pd[slot] << HAL_PAGE_SHIFT) | PTE_P;
    return virt_to_phys(empty_pd) | PTE_P;
}

/* Guest windows; see hestia/arch/x86.h. */
bool hal_guest_va_ok(guest_va_t va, bool user)
{
    if (va & (HAL_PAGE_SIZE - 1))
        return false;
    if (!user)
        return va >= HESTIA_X86_KERNEL_VA_START && va < HESTIA_X86_KERNEL_VA_END;
    return va >= HESTIA_X86_USER_VA_START && va < HESTIA_X86_USER_VA_END;
}

void hal_guest_layout(struct hal_guest_layout *layout)
{
    layout->virt_base = HESTIA_X86_GUEST_VIRT_BASE;
    layout->shared_info_va = HESTIA_X86_SHARED_INFO_VA;
}

static void free_space(struct hal_as *as, hal_unmap_fn dropped, void *ctx)
{
    for (unsigned slot = 0; slot < 4; slot++) {
        if (!as->pd[slot])
            continue;
        uint64_t *pd = hal_frame_to_virt(as->pd[slot]);
        for (unsigned i = 0; i < 512; i++) {
            if (!(pd[i] & PTE_P))
                continue;
            uint64_t *pt = table(pd[i]);
            for (unsigned j = 0; j < 512; j++) {
                if ((pt[j] & PTE_P) && dropped)
                    dropped(ctx,
                            ((guest_va_t)slot << 30) | ((guest_va_t)i << 21) |
                                ((guest_va_t)j << 12),
                            (pt[j] & PTE_ADDR) >> HAL_PAGE_SHIFT);
                pt[j] = 0;
            }
            core_frame_free(as->dom, (pd[i] & PTE_ADDR) >> HAL_PAGE_SHIFT);
            pd[i] = 0;
        }
        core_frame_free(as->dom, as->pd[slot]);
        as->pd[slot] = 0;
    }
}

struct hal_as *hal_as_create(struct domain *d, bool user)
{
    struct hal_as *as = core_heap_alloc(sizeof(*as));
    if (!as)
        return NULL;
    as->dom = d;
    as->user = user;
    unsigned first = user ? 0 : 1, last = user ? 0 : 2;
    for (unsigned slot = first; slot <= last; slot++) {
        mfn_t m = core_frame_alloc(d);
        if (m == MFN_INVALID) {
            free_space(as, NULL, NULL);
            core_heap_free(as);
            return NULL;
        }
        as->pd[slot] = m;
        as->frames++;
    }
    return as;
}

void hal_as_destroy(struct hal_as *as, hal_unmap_fn dropped, void *ctx)
{
    if (!as)
        return;
    /* A new space may get this address: its domain must not inherit our entry stack. */
    if (x86_entry_stack_owner == as)
        x86_entry_stack_owner = NULL;
    free_space(as, dropped, ctx);
    core_heap_free(as);
}

/* The PTE for va (checked against the space's window), creating its PT if create. */
static uint64_t *walk(struct hal_as *as, guest_va_t va, bool create, bool *nomem)
{
    uint64_t *pd = hal_frame_to_virt(as->pd[va >> 30]);
    uint64_t *pde = &pd[(va >> 21) & 511];
    if (!(*pde & PTE_P)) {
        if (!create)
            return NULL;
        mfn_t m = core_frame_alloc(as->dom);
        if (m == MFN_INVALID) {
            *nomem = true;
            return NULL;
        }
        as->frames++;
        *pde = (m << HAL_PAGE_SHIFT) | PTE_P | PTE_W | PTE_U;
    }
    return &table(*pde)[(va >> 12) & 511];
}

static uint64_t make_pte(mfn_t mfn, unsigned perms)
{
    uint64_t pte = (mfn << HAL_PAGE_SHIFT) | PTE_P;
    if (perms & MMU_PERM_READ)
        pte |= PTE_SW_READ;
    if (perms & MMU_PERM_WRITE)
        pte |= PTE_W;
    if (perms & MMU_PERM_USER)
        pte |= PTE_U;
    if (perms & MMU_PERM_EXEC)
        pte |= PTE_SW_EXEC;
    else if (x86_nx)
        pte |= PTE_NX;
    return pte;
}

static unsigned pte_perms(uint64_t pte)
{
    return (pte & PTE_SW_READ ? MMU_PERM_READ : 0) | (pte & PTE_W ? MMU_PERM_WRITE : 0) |
           (pte & PTE_U ? MMU_PERM_USER : 0) | (pte & PTE_SW_EXEC ? MMU_PERM_EXEC : 0);
}

static bool perms_ok(unsigned perms)
{
    return !(perms & ~MMU_PERM_ALL) &&
           (perms & (MMU_PERM_READ | MMU_PERM_WRITE | MMU_PERM_EXEC));
}

int hal_as_map(struct hal_as *as, guest_va_t va, mfn_t mfn, unsigned perms)
{
    /* Machine frames beyond the direct map cannot be handed out anyway. */
    if (!hal_guest_va_ok(va, as->user) || !perms_ok(perms) || mfn >= (DIRECTMAP_SIZE >> 12))
        return -HESTIA_EINVAL;
    bool nomem = false;
    uint64_t *pte = walk(as, va, true, &nomem);
    if (!pte)
        return -HESTIA_ENOMEM;
    if (*pte & PTE_P)
        return -HESTIA_EEXIST;
    *pte = make_pte(mfn, perms);
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
    return 0;
}

int hal_as_lookup(struct hal_as *as, guest_va_t va, mfn_t *mfn, unsigned *perms)
{
    if (!as || !hal_guest_va_ok(va & ~(guest_va_t)(HAL_PAGE_SIZE - 1), as->user))
        return -HESTIA_ENOENT;
    uint64_t *pte = walk(as, va, false, NULL);
    if (!pte || !(*pte & PTE_P))
        return -HESTIA_ENOENT;
    if (mfn)
        *mfn = (*pte & PTE_ADDR) >> HAL_PAGE_SHIFT;
    if (perms)
        *perms = pte_perms(*pte);
    return 0;
}

/* Nothing to do: the CR3 switch on every guest exit already emptied the TLB. */
void hal_as_flush(struct hal_as *as, guest_va_t va)
{
    (void)as;
    (void)va;
}

unsigned long hal_as_frames(const struct hal_as *as)
{
    return as->frames;
}
