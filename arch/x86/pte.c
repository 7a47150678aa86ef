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

/* The bits a leaf with MMU_PERM_* p carries besides its frame, memory type and NX. */
#define LEAF_BITS(p)                                                                       \
    (PTE_P | ((p)&MMU_PERM_READ ? PTE_SW_READ : 0) | ((p)&MMU_PERM_WRITE ? PTE_W : 0) |    \
     ((p)&MMU_PERM_USER ? PTE_U : 0) | ((p)&MMU_PERM_EXEC ? PTE_SW_EXEC : 0))
/* With NX on, a leaf without MMU_PERM_EXEC is no-execute. */
#define LEAF_BITS_NX(p) (LEAF_BITS(p) | ((p)&MMU_PERM_EXEC ? 0 : PTE_NX))
#define LEAF_ROW(B)                                                                        \
    {                                                                                      \
        B(0), B(1), B(2), B(3), B(4), B(5), B(6), B(7), B(8), B(9), B(10), B(11), B(12),   \
            B(13), B(14), B(15)                                                            \
    }

/*
 * Per MMU_PERM_* combination, without and with NX: a load instead of a
 * test and a branch per bit, and no call (every map; 24 instructions and
 * the call's argument stores were each x86 map's share before).
 */
static const pte_t leaf_bits[2][MMU_PERM_ALL + 1] = {LEAF_ROW(LEAF_BITS),
                                                     LEAF_ROW(LEAF_BITS_NX)};
_Static_assert(MMU_PERM_ALL == 15, "leaf_bits has one entry per MMU_PERM_* combination");

static inline __attribute__((always_inline)) pte_t leaf(enum hal_as_kind kind, mfn_t mfn,
                                                        unsigned perms)
{
    (void)kind;
    pte_t pte = (mfn_val(mfn) << HAL_PAGE_SHIFT) | leaf_bits[x86_nx][perms & MMU_PERM_ALL];
    if (perms &
        HAL_MAP_UNCACHED) /* device memory: strong uncacheable with the default PAT */
        pte |= PTE_PCD | PTE_PWT;
    return pte;
}

/*
 * MMU_PERM_* of a leaf: the four bits that hold them (W, U, and the
 * software READ and EXEC) gathered into an index.
 */
#define PERMS_OF(i)                                                                        \
    (((i)&1 ? MMU_PERM_WRITE : 0) | ((i)&2 ? MMU_PERM_USER : 0) |                          \
     ((i)&4 ? MMU_PERM_READ : 0) | ((i)&8 ? MMU_PERM_EXEC : 0))
static const unsigned char perms_of[16] = LEAF_ROW(PERMS_OF);
_Static_assert(PTE_W == 2 && PTE_U == 4 && PTE_SW_READ == 1u << 9 &&
                   PTE_SW_EXEC == 1u << 10,
               "perms() gathers bits 1-2 and 9-10");

static inline __attribute__((always_inline)) unsigned perms(pte_t pte)
{
    uint32_t lo = (uint32_t)pte;
    return perms_of[((lo >> 1) & 3) | ((lo >> 7) & 12)] |
           (lo & PTE_PCD ? HAL_MAP_UNCACHED : 0);
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
