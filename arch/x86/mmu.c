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
 * The map / unmap / protect / lookup rules are the engine's (hal/lib/pt.c)
 * over the PAE format in pte.c; this file keeps the hypervisor's and the
 * trampoline's mappings (one trampoline directory per CPU) and the view
 * composition.
 */
#include <pc/pc.h>
#include <x86_common/io.h>

#include <x86/arch.h>

extern uint64_t x86_hyp_pdpt[4];
/* Per CPU: the trampoline directory (PDPT[3] of its guest views) and its one table. */
static uint64_t tramp_pd[HAL_MAX_CPUS][512] __attribute__((aligned(4096)));
static uint64_t tramp_pt[HAL_MAX_CPUS][512] __attribute__((aligned(4096)));
static uint64_t empty_pd[512] __attribute__((aligned(4096)));

void *hal_frame_to_virt(mfn_t mfn)
{
    return (void *)(uintptr_t)(mfn_val(mfn) << HAL_PAGE_SHIFT);
}

mfn_t hal_virt_to_frame(const void *p)
{
    return mfn(virt_to_phys(p) >> HAL_PAGE_SHIFT);
}

void x86_mmu_init(void)
{
    x86_hyp_cr3 = (uint32_t)virt_to_phys(x86_hyp_pdpt);
    x86_empty_pdpte = virt_to_phys(empty_pd) | PTE_P;
}

static void tramp_map(unsigned cpu, const void *p, size_t len, uint64_t flags)
{
    for (uint32_t va = (uint32_t)(uintptr_t)p; va < (uint32_t)(uintptr_t)p + len;
         va += HAL_PAGE_SIZE)
        tramp_pt[cpu][(va >> 12) & 511] =
            virt_to_phys((void *)(uintptr_t)va) | PTE_P | flags;
}

/*
 * CPU cpu's view of the hypervisor's gigabyte while a guest runs: the
 * shared trampoline pages read-only, its own IDT/TSS page read-only, its
 * own entry stack read-write, nothing else -- no other CPU's pages.
 */
void x86_mmu_cpu_init(unsigned cpu)
{
    uint32_t first = (uint32_t)(uintptr_t)__tramp_start;
    uint32_t end = (uint32_t)(uintptr_t)(x86_cpu_pages + HAL_MAX_CPUS);
    if ((first >> 21) != ((end - 1) >> 21))
        core_panic("x86: the trampoline crosses a 2 MiB boundary");
    const struct x86_cpu_pages *p = &x86_cpu_pages[cpu];
    __builtin_memset(tramp_pt[cpu], 0, sizeof(tramp_pt[cpu]));
    tramp_map(cpu, __tramp_start, (size_t)(__tramp_end - __tramp_start), 0);
    tramp_map(cpu, p->idt, HAL_PAGE_SIZE, 0);
    tramp_map(cpu, p->entry_stack, ENTRY_STACK_SIZE, PTE_W | (x86_nx ? PTE_NX : 0));
    tramp_pd[cpu][(first >> 21) & 511] = virt_to_phys(tramp_pt[cpu]) | PTE_P | PTE_W;
}

uint64_t x86_tramp_pdpte(unsigned cpu)
{
    return virt_to_phys(tramp_pd[cpu]) | PTE_P;
}

uint64_t x86_empty_pdpte;

/* Guest windows (hal_guest_va_ok in hal/lib/pt_hal.c): the format's; see hestia/arch/x86.h.
 */
const struct pt_format *const hal_pt_format = &x86_pae_pt_format;

void hal_guest_layout(struct hal_guest_layout *layout)
{
    layout->virt_base = guest_va(HESTIA_X86_GUEST_VIRT_BASE);
    layout->shared_info_va = guest_va(HESTIA_X86_SHARED_INFO_VA);
}

PT_SPACE_FIRST(struct hal_as);

/* A space owns the page directories of its window's PDPT slots from its creation. */
struct hal_as *hal_as_create(struct domain *d, enum hal_as_kind kind)
{
    struct hal_as *as = pt_space_new(sizeof(*as), &x86_pae_pt_format, d, kind,
                                     offsetof(struct hal_as, pdpt));
    if (!as)
        return NULL; /* out of memory, or GUEST_PHYS: no nested paging here */
    unsigned first = kind == HAL_AS_PV_USER ? 0 : 1, last = kind == HAL_AS_PV_USER ? 0 : 2;
    for (unsigned slot = first; slot <= last; slot++) {
        if (pt_prealloc(&as->pt, (pt_va_t)slot << 30, 1)) {
            pt_destroy(&as->pt, NULL, NULL);
            core_heap_free(as);
            return NULL;
        }
    }
    as->pt.loaded_cpus = 0; /* vcpu.c reports every CPU that loads it */
    return as;
}

/*
 * On each CPU: forget as.  A new space may get this address: its domain
 * must not inherit an entry stack, and no CPU may clear a loaded bit in it.
 */
static void forget_space(void *arg)
{
    const struct hal_as *as = arg;
    struct hal_cpu *c = x86_this_cpu();
    if (c->entry_stack_owner == as)
        c->entry_stack_owner = NULL;
    if (c->loaded_k == as)
        c->loaded_k = NULL;
    if (c->loaded_u == as)
        c->loaded_u = NULL;
}

void hal_as_destroy(struct hal_as *as, hal_unmap_fn dropped, void *ctx)
{
    if (!as)
        return;
    forget_space(as);
    pc_smp_on_other_cpus(forget_space, as);
    pt_destroy(&as->pt, dropped, ctx);
    core_heap_free(as);
}

/*
 * As hal_as_destroy up to the freeing: every CPU forgets the space first
 * (the IPI takes a CPU running a view with its directory out of the
 * guest; its next entry composes the view again, without it), then the
 * leaves go.  The page directories stay, so the reused space's view is
 * the same four PDPT entries, and as_create zeroes no directory.
 */
bool hal_as_clear(struct hal_as *as, hal_unmap_fn dropped, void *ctx)
{
    if (!pt_keepable(&as->pt))
        return false;
    forget_space(as);
    pc_smp_on_other_cpus(forget_space, as);
    /*
     * No CPU holds a translation of it now (each left the guest, which
     * reloads the hypervisor's CR3, and forgot it as loaded): its next
     * loads report themselves again (note_loaded).  Without this the bits
     * forget_space leaves would flush CPUs for nothing.
     */
    __atomic_store_n(&as->pt.loaded_cpus, 0u, __ATOMIC_SEQ_CST);
    pt_clear(&as->pt, dropped, ctx);
    return true;
}
