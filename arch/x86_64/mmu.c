/* SPDX-License-Identifier: MIT */
/*
 * Direct map and guest address spaces (4-level page tables).  The rules of
 * map / unmap / protect / lookup are the engine's (hal/lib/pt.c), the PTE
 * format is pte.c; this file keeps what only x86_64 has.
 *
 * The hypervisor half (PML4 slots 256..511, copied into every PV top
 * level) has U=0.  Kernel and user windows are disjoint
 * (hestia/arch/x86_64.h): a kernel space only uses PDPT entries 1..511 of
 * PML4 slot 0, a user space PDPT entry 0 of slot 0 and slots 1..255.  The
 * kernel-mode view of a vCPU (vcpu.c) is built from both by copying those
 * top-level entries; `gen` tells it when they changed.
 */
#include <hestia/errno.h>
#include <hestia/mmu.h>
#include <x86_64/arch.h>
#include <x86_common/io.h>

extern uint64_t boot_pml4[512];

#define GIB (1ull << 30)

void *hal_frame_to_virt(mfn_t mfn)
{
    return (void *)(DIRECTMAP_BASE + (mfn_val(mfn) << HAL_PAGE_SHIFT));
}

mfn_t hal_virt_to_frame(const void *p)
{
    return mfn(virt_to_phys(p) >> HAL_PAGE_SHIFT);
}

uint64_t *x86_64_table(uint64_t entry)
{
    return hal_frame_to_virt(mfn((entry & PTE_ADDR) >> HAL_PAGE_SHIFT));
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
    if ((read_cr3() & PTE_ADDR) >> HAL_PAGE_SHIFT == mfn_val(table))
        x86_64_load_hyp_cr3();
}

/* The hypervisor's own tables (no guest space): nothing of any domain stays reachable. */
void x86_64_load_hyp_cr3(void)
{
    struct hal_cpu *c = x86_64_this_cpu();
    write_cr3(virt_to_phys(boot_pml4));
    if (c->loaded_k)
        pt_cpu_unloaded(&c->loaded_k->pt, c->id);
    if (c->loaded_u)
        pt_cpu_unloaded(&c->loaded_u->pt, c->id);
    c->loaded_k = c->loaded_u = NULL;
    c->entered = NULL; /* CR3 is no vCPU's view now */
}

/* On each CPU: leave as if CR3 reaches it (a kernel view may hold its tables). */
static void forget_space(void *arg)
{
    struct hal_as *as = arg;
    struct hal_cpu *c = x86_64_this_cpu();
    if (c->loaded_k == as || c->loaded_u == as ||
        (read_cr3() & PTE_ADDR) >> HAL_PAGE_SHIFT == mfn_val(as->pml4_mfn))
        x86_64_load_hyp_cr3();
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
const struct pt_format *const hal_pt_format = &x86_64_pt_format;

/* Fixed for every domain, so guest ports can rely on it (hestia/arch/x86_64.h). */
void hal_guest_layout(struct hal_guest_layout *layout)
{
    layout->virt_base = guest_va(HESTIA_X86_64_GUEST_VIRT_BASE);
    layout->shared_info_va = guest_va(HESTIA_X86_64_SHARED_INFO_VA);
}

static struct hal_as *as_of(struct pt_space *s)
{
    return (struct hal_as *)((char *)s - offsetof(struct hal_as, pt));
}

PT_SPACE_FIRST(struct hal_as);

/* Top-level entries are what the kernel-mode view (vcpu.c) copies. */
void x86_64_pt_table_added(struct pt_space *s, unsigned level, pt_va_t va)
{
    struct hal_as *as = as_of(s);
    if (level == 3 && (va >> 39) + 1 > as->top_slots)
        as->top_slots = (unsigned)(va >> 39) + 1; /* the kernel view copies no more */
    if (level == 3 || (level == 2 && (va >> 39) == 0))
        as->gen++;
}

/*
 * Only the running vCPU's view can be cached (every switch reloads CR3),
 * so flushing this CPU by address or all non-global entries is enough.
 */
void x86_64_pt_flush_local(struct pt_space *s, pt_va_t va)
{
    (void)s;
    if (va == MMU_FLUSH_ALL)
        write_cr3(read_cr3());
    else
        invlpg(va);
}

/* A PV space shares the hypervisor half; a guest-physical one (NPT) holds only the guest's.
 */
struct hal_as *hal_as_create(struct domain *d, enum hal_as_kind kind)
{
    struct hal_as *as = pt_space_new(sizeof(*as), &x86_64_pt_format, d, kind, 0);
    if (!as)
        return NULL;
    as->pml4 = as->pt.root;
    as->pml4_mfn = as->pt.root_mfn;
    as->gen = 1;
    as->top_slots = 0;
    if (kind != HAL_AS_GUEST_PHYS) {
        for (unsigned i = PML4_HYP_FIRST; i < 512; i++)
            as->pml4[i] = boot_pml4[i];
        as->pt.loaded_cpus = 0; /* vcpu.c reports every CPU that loads it */
    }
    return as;
}

void hal_as_destroy(struct hal_as *as, hal_unmap_fn dropped, void *ctx)
{
    if (!as)
        return;
    forget_space(as);
    x86_64_on_other_cpus(forget_space, as);
    pt_destroy(&as->pt, dropped, ctx);
    core_heap_free(as);
}

/*
 * As hal_as_destroy up to the freeing: every CPU leaves the space first
 * (forget_space reloads CR3 where it or a kernel view built from it is
 * loaded, which also flushes its translations), then the leaves go.  The
 * tables, the root's hypervisor half, top_slots and gen stay: a kernel
 * view rebuilt from the reused space copies the same top-level entries.
 */
bool hal_as_clear(struct hal_as *as, hal_unmap_fn dropped, void *ctx)
{
    if (!pt_keepable(&as->pt))
        return false;
    forget_space(as);
    x86_64_on_other_cpus(forget_space, as);
    pt_clear(&as->pt, dropped, ctx);
    return true;
}
