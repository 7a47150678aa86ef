/* SPDX-License-Identifier: MIT */
/*
 * Guest address spaces: the engine's software page tables (hal/lib/pt.c,
 * format in pte.c, shared with ppc through hal/pt_soft.h: three levels of
 * 512 entries over a 512 GiB window) that the TLB-miss path refills the
 * TLB from, and region IDs.
 *
 * Region IDs: the hypervisor uses RID 0 (region 7), RID 1 is loaded into
 * regions no guest may use.  Domain d owns RIDs [(d+1)*128, (d+2)*128):
 * slot 0 for its unused regions, one slot per address space.  The kernel
 * space goes into region 5, the current user space into region 0.  A TLB
 * entry matches only its RID, so no domain (and no other space of the same
 * domain) can ever hit another's translations, and switching vCPUs or
 * spaces needs no flush.  A freed RID can be reused: destroying a space
 * purges its RID's entries first.
 *
 * Several CPUs: any CPU may cache any space's translations (TC entries
 * outlive a switch), so every purge is global: ptc.g reaches every CPU's
 * TLB without an IPI (the architecture's broadcast purge), one at a time
 * as the SDM requires (ptcg_lock).  So the format's flush_cpus hook is
 * ia64_pt_flush_local itself: the engine (hal/lib/pt.c) calls it once on
 * the CPU that asks and interrupts no other CPU.  A space's whole purge is one
 * ptc.g over its region with the space's RID; ia64sim accepts that purge
 * size, hardware limits ptc.g to its PAL_VM_PAGE_SIZE purge sizes and
 * would loop.
 */
#include <core/domain.h>
#include <hal/hal.h>
#include <hestia/arch/ia64.h>
#include <hestia/errno.h>
#include <hestia/mmu.h>

#include <ia64/arch.h>

#include <ia64/pte.h>

static uint64_t rid_used[HESTIA_MAX_DOMAINS + 1][IA64_RIDS_PER_DOMAIN / 64];
static unsigned rid_lock, ptcg_lock;

static void lock(unsigned *l)
{
    while (__atomic_exchange_n(l, 1u, __ATOMIC_ACQUIRE))
        ;
}

static void unlock(unsigned *l)
{
    __atomic_store_n(l, 0u, __ATOMIC_RELEASE);
}

void *hal_frame_to_virt(mfn_t mfn)
{
    return ia64_phys(mfn_val(mfn) << HAL_PAGE_SHIFT);
}

mfn_t hal_virt_to_frame(const void *p)
{
    return mfn(((uintptr_t)p & ~IA64_HYP_BASE) >> HAL_PAGE_SHIFT);
}

const struct pt_format *const hal_pt_format = &ia64_pt_format;

void hal_guest_layout(struct hal_guest_layout *l)
{
    l->virt_base = guest_va(HESTIA_IA64_GUEST_VIRT_BASE);
    l->shared_info_va = guest_va(HESTIA_IA64_SHARED_INFO_VA);
}

static uint32_t rid_base(const struct domain *d)
{
    return (uint32_t)(d->id % (HESTIA_MAX_DOMAINS + 1) + 1) * IA64_RIDS_PER_DOMAIN;
}

uint64_t ia64_rid_of(const struct hal_as *as)
{
    return as->rid;
}

PT_SPACE_FIRST(struct hal_as);

/* One RID slot per space (see above); the tables are the engine's. */
struct hal_as *hal_as_create(struct domain *d, enum hal_as_kind kind)
{
    unsigned idx = d->id % (HESTIA_MAX_DOMAINS + 1), slot;
    lock(&rid_lock);
    for (slot = 1; slot < IA64_RIDS_PER_DOMAIN; slot++)
        if (!(rid_used[idx][slot / 64] >> (slot % 64) & 1))
            break;
    if (slot < IA64_RIDS_PER_DOMAIN)
        rid_used[idx][slot / 64] |= 1ull << (slot % 64);
    unlock(&rid_lock);
    if (slot == IA64_RIDS_PER_DOMAIN)
        return NULL;
    struct hal_as *as = pt_space_new(sizeof(*as), &ia64_pt_format, d, kind, 0);
    if (!as) { /* out of memory, or GUEST_PHYS: no nested paging here */
        lock(&rid_lock);
        rid_used[idx][slot / 64] &= ~(1ull << (slot % 64));
        unlock(&rid_lock);
        return NULL;
    }
    as->rid = rid_base(d) + slot;
    return as;
}

/*
 * Purge the 2^ps bytes at va of one space on every CPU: ptc.g matches the
 * RID in the region register, so the space's RID is loaded there for the
 * purge (it need not be the running one) and the old value put back.
 */
static void tc_purge(const struct hal_as *as, pt_va_t va, unsigned ps)
{
    uint64_t old, rr = (uint64_t)as->rid << 8 | 12 << 2, psf = (uint64_t)ps << 2;
    unsigned long flags = hal_irq_save();
    lock(&ptcg_lock);
    __asm__ volatile("mov %0 = rr[%1]\n\t;;" : "=r"(old) : "r"(va));
    __asm__ volatile("mov rr[%0] = %1\n\t;;\n\tsrlz.d\n\t;;\n\t"
                     "ptc.g %0, %2\n\t;;\n\tsrlz.i\n\t;;\n\t"
                     "mov rr[%0] = %3\n\t;;\n\tsrlz.d\n\t;;" ::"r"(va),
                     "r"(rr), "r"(psf), "r"(old)
                     : "memory");
    unlock(&ptcg_lock);
    hal_irq_restore(flags);
}

static void tc_purge_page(const struct hal_as *as, pt_va_t va)
{
    tc_purge(as, va, 12);
}

/* Every translation of the space, on every CPU: its whole region's offsets. */
static void tc_purge_space(const struct hal_as *as)
{
    tc_purge(as, 0, IA64_REGION_SHIFT);
}

void hal_as_destroy(struct hal_as *as, hal_unmap_fn dropped, void *ctx)
{
    pt_destroy(&as->pt, dropped, ctx);
    unsigned idx = as->pt.dom->id % (HESTIA_MAX_DOMAINS + 1),
             slot = as->rid % IA64_RIDS_PER_DOMAIN;
    tc_purge_space(as); /* the RID may be handed out again */
    lock(&rid_lock);
    rid_used[idx][slot / 64] &= ~(1ull << (slot % 64));
    unlock(&rid_lock);
    core_heap_free(as);
}

/* The TC caches every RID's translations: purge va's in this space (or all). */
void ia64_pt_flush_local(struct pt_space *s, pt_va_t va)
{
    if (va == MMU_FLUSH_ALL)
        tc_purge_space((const struct hal_as *)((char *)s - offsetof(struct hal_as, pt)));
    else
        tc_purge_page((const struct hal_as *)((char *)s - offsetof(struct hal_as, pt)), va);
}

/* The TLB entry for a guest page: pl 2 (kernel space) or 3 (user), access from perms. */
static uint64_t guest_pte(const struct hal_as *as, mfn_t mfn, unsigned perms)
{
    uint64_t ar = ((perms & MMU_PERM_WRITE) ? 2 : 0) | ((perms & MMU_PERM_EXEC) ? 1 : 0);
    uint64_t pl = as->pt.kind == HAL_AS_PV_USER ? 3 : 2;
    /* Device memory (PHYSDEVOP_map_mmio): memory attribute UC. */
    uint64_t ma = perms & HAL_MAP_UNCACHED ? IA64_PTE_MA_UC : IA64_PTE_MA_WB;
    return (mfn_val(mfn) << HAL_PAGE_SHIFT) | 1 /* p */ | ma | 0x20 /* a */ | 0x40 /* d */ |
           pl << 7 | ar << 9;
}

static void tc_insert(uint64_t va, uint64_t pte, bool exec)
{
    uint64_t itir = 12 << 2;
    __asm__ volatile("rsm psr.ic\n\t;;\n\tsrlz.d\n\t;;\n\t"
                     "mov cr.ifa = %0\n\tmov cr.itir = %1\n\t;;" ::"r"(va),
                     "r"(itir)
                     : "memory");
    if (exec)
        __asm__ volatile("itc.i %0\n\t;;\n\tsrlz.i\n\t;;" ::"r"(pte) : "memory");
    else
        __asm__ volatile("itc.d %0\n\t;;\n\tsrlz.d\n\t;;" ::"r"(pte) : "memory");
    __asm__ volatile("ssm psr.ic\n\t;;\n\tsrlz.d\n\t;;" ::: "memory");
}

/* The space a guest address belongs to, as the running mode sees it. */
static struct hal_as *space_of(struct hal_vcpu *hv, uint64_t va, bool user_mode)
{
    uint64_t region = va >> 61;
    if (region == 5 && !user_mode)
        return hv->kernel;
    if (region == 0)
        return hv->user;
    return NULL;
}

/*
 * A TLB miss of the running vCPU at va: insert the translation from the
 * space's table and return 0, or return the HESTIA_PF_* bits of the page
 * fault to deliver (negative).
 */
int ia64_tlb_miss(struct hal_vcpu *hv, uint64_t va, bool exec, bool write)
{
    bool user_mode = ((hv->ipsr >> PSR_CPL_SHIFT) & 3) == 3;
    unsigned err = (write ? HESTIA_PF_WRITE : 0) | (exec ? HESTIA_PF_EXEC : 0) |
                   (user_mode ? HESTIA_PF_USER : 0);
    struct hal_as *as = space_of(hv, va, user_mode);
    pt_va_t page = va & ~(uint64_t)(HAL_PAGE_SIZE - 1);
    pte_t *pte = as ? pt_find_leaf(&as->pt, page) : NULL;
    if (!pte)
        return -(int)err - 1;
    unsigned need = exec ? MMU_PERM_EXEC : write ? MMU_PERM_WRITE : MMU_PERM_READ;
    if (!(pt_soft_perms(*pte) & need))
        return -(int)(err | HESTIA_PF_PRESENT) - 1;
    /* A write to a page write-protected for dirty tracking: record it, then insert. */
    if (write && !(pt_soft_refill_perms(*pte) & MMU_PERM_WRITE))
        pt_write_fault(&as->pt, page);
    tc_insert(page, guest_pte(as, pt_soft_frame(*pte), pt_soft_refill_perms(*pte)), exec);
    return 0;
}

bool ia64_dirty_write_fault(struct hal_vcpu *hv, uint64_t va)
{
    bool user_mode = ((hv->ipsr >> PSR_CPL_SHIFT) & 3) == 3;
    struct hal_as *as = space_of(hv, va, user_mode);
    pt_va_t page = va & ~(uint64_t)(HAL_PAGE_SIZE - 1);
    /* pt_write_fault purges the read-only entry; the miss path inserts it writable. */
    if (!as || pt_write_fault(&as->pt, page) != 0)
        return false;
    return ia64_tlb_miss(hv, va, false, true) == 0;
}

/*
 * Load the vCPU's region registers: kernel space in region 5, user space in
 * region 0, IA64_RID_DEAD in 1-4 (vcpu.c, hal_vcpu_set_spaces).  Nothing but this writes
 * rr0-rr5 for long (tc_purge puts back what it found), so the values this CPU last loaded
 * are kept and equal ones are not written again.
 */
void ia64_load_rr(struct hal_vcpu *hv)
{
    struct hal_cpu *c = ia64_this_cpu();
    uint64_t rr0 = hv->rr0, rr5 = hv->rr5, other = hv->rr_other;
    if (c->rr0 == rr0 && c->rr5 == rr5 && c->rr_other == other)
        return;
    /* Each region only if it changed: a domain switch changes rr0 and rr5 alone. */
    if (c->rr0 != rr0)
        __asm__ volatile("mov rr[%0] = %1\n\t;;" ::"r"(0ull), "r"(rr0) : "memory");
    if (c->rr5 != rr5)
        __asm__ volatile("mov rr[%0] = %1\n\t;;" ::"r"(0xa000000000000000ull), "r"(rr5)
                         : "memory");
    if (c->rr_other != other)
        for (uint64_t r = 1; r <= 4; r++)
            __asm__ volatile("mov rr[%0] = %1\n\t;;" ::"r"(r << 61), "r"(other) : "memory");
    c->rr0 = rr0;
    c->rr5 = rr5;
    c->rr_other = other;
    ia64_srlz_d();
}
