/* SPDX-License-Identifier: MIT */
/*
 * 32-bit x86 (PAE) PTE hooks for the page-table engine.  MMU_PERM_READ and
 * EXEC live in the software bits 9/10, WRITE and USER are the W and U bits
 * themselves.  No nested paging on this backend.
 *
 * Flushing: every guest exit and entry reloads CR3 and nothing
 * guest-visible is global, so a CPU holds no guest translation while it
 * runs the hypervisor.  This CPU therefore has nothing to drop, and
 * another CPU running a guest of the space drops everything when the
 * shootdown's interrupt makes it exit: flush_local is empty, but it is
 * there so that the engine interrupts every other CPU in loaded_cpus.
 */
#include <hestia/mmu.h>

#include <x86/pte.h>

/*
 * PAE reaches 36-bit physical addresses (qemu32's MAXPHYADDR).  RAM frames
 * all lie in the hypervisor's 3 GiB direct map (setup.c gives core no other
 * RAM); frames beyond it are device memory dom0 maps (PHYSDEVOP_map_mmio),
 * which the hypervisor never dereferences (guest copies refuse non-RAM).
 */
#define X86_PAE_FRAMES (1ull << (36 - HAL_PAGE_SHIFT))

static pte_t leaf(enum hal_as_kind kind, mfn_t mfn, unsigned perms)
{
    (void)kind;
    pte_t pte = (mfn_val(mfn) << HAL_PAGE_SHIFT) | PTE_P;
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
    if (perms &
        HAL_MAP_UNCACHED) /* device memory: strong uncacheable with the default PAT */
        pte |= PTE_PCD | PTE_PWT;
    return pte;
}

static unsigned perms(pte_t pte)
{
    return (pte & PTE_SW_READ ? MMU_PERM_READ : 0) | (pte & PTE_W ? MMU_PERM_WRITE : 0) |
           (pte & PTE_U ? MMU_PERM_USER : 0) | (pte & PTE_SW_EXEC ? MMU_PERM_EXEC : 0) |
           (pte & PTE_PCD ? HAL_MAP_UNCACHED : 0);
}

static void flush_local(struct pt_space *s, pt_va_t va)
{
    (void)s;
    (void)va;
}

const struct pt_format x86_pae_pt_format = {
    .name = "x86-pae",
    .levels = 3,
    .index_bits = {9, 9, 2},
    .root_guest_entries = 4,
    .max_mfn = X86_PAE_FRAMES,
    .windows =
        {
            [HAL_AS_PV_KERNEL] = {{HESTIA_X86_KERNEL_VA_START, HESTIA_X86_KERNEL_VA_END}},
            [HAL_AS_PV_USER] = {{HESTIA_X86_USER_VA_START, HESTIA_X86_USER_VA_END}},
        },
    X86_PT_HOOKS(leaf, perms),
    .flush_local = flush_local,
};
