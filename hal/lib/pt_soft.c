/* SPDX-License-Identifier: MIT */
/* The software page-table format's hooks (hal/pt_soft.h). */
#include <hal/pt_soft.h>
#include <hestia/mmu.h>

pte_t pt_soft_leaf(enum hal_as_kind kind, mfn_t mfn, unsigned perms)
{
    (void)kind;
    pte_t pte =
        (mfn << HAL_PAGE_SHIFT) | PT_SOFT_VALID | ((pte_t)perms << PT_SOFT_PERM_SHIFT);
    return perms & MMU_PERM_WRITE ? pte | PT_SOFT_HW_WRITE : pte;
}

pte_t pt_soft_table(enum hal_as_kind kind, mfn_t mfn)
{
    (void)kind;
    return (mfn << HAL_PAGE_SHIFT) | PT_SOFT_VALID;
}

mfn_t pt_soft_frame(pte_t pte)
{
    return pte >> HAL_PAGE_SHIFT;
}

unsigned pt_soft_perms(pte_t pte)
{
    return (unsigned)(pte >> PT_SOFT_PERM_SHIFT) & MMU_PERM_ALL;
}

unsigned pt_soft_refill_perms(pte_t pte)
{
    unsigned perms = pt_soft_perms(pte);
    return pte & PT_SOFT_HW_WRITE ? perms : perms & ~(unsigned)MMU_PERM_WRITE;
}
