/* SPDX-License-Identifier: MIT */
/*
 * Guest address spaces: a software page table per space (three levels of
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
 * purges the whole TC first.
 */
#include <core/domain.h>
#include <hal/hal.h>
#include <hestia/arch/ia64.h>
#include <hestia/errno.h>
#include <hestia/mmu.h>

#include "ia64.h"

#define LEVELS 3
#define PTE_VALID 1ull
#define PTE_PERM_SHIFT 1
#define WINDOW_BITS 39

struct hal_as {
    struct domain *d;
    bool user;
    uint32_t rid;
    mfn_t root;
    unsigned long frames;
};

static uint64_t rid_used[HESTIA_MAX_DOMAINS + 1][IA64_RIDS_PER_DOMAIN / 64];

void *hal_frame_to_virt(mfn_t mfn)
{
    return ia64_phys(mfn << HAL_PAGE_SHIFT);
}

mfn_t hal_virt_to_frame(const void *p)
{
    return ((uintptr_t)p & ~IA64_HYP_BASE) >> HAL_PAGE_SHIFT;
}

bool hal_guest_va_ok(guest_va_t va, bool user)
{
    uint64_t region = va >> 61, off = va & ((1ull << 61) - 1);
    if (off >> WINDOW_BITS)
        return false;
    return user ? region == 0 && off >= HESTIA_IA64_USER_VA_START : region == 5;
}

void hal_guest_layout(struct hal_guest_layout *l)
{
    l->virt_base = HESTIA_IA64_GUEST_VIRT_BASE;
    l->shared_info_va = HESTIA_IA64_SHARED_INFO_VA;
}

static uint32_t rid_base(const struct domain *d)
{
    return (uint32_t)(d->id % (HESTIA_MAX_DOMAINS + 1) + 1) * IA64_RIDS_PER_DOMAIN;
}

uint64_t ia64_rid_of(const struct hal_as *as)
{
    return as->rid;
}

uint64_t ia64_dead_rid(const struct hal_as *kernel)
{
    return kernel ? rid_base(kernel->d) : IA64_RID_DEAD;
}

/* No nested paging here: PV kernel and user spaces only. */
struct hal_as *hal_as_create(struct domain *d, enum hal_as_kind kind)
{
    if (kind == HAL_AS_GUEST_PHYS)
        return NULL;
    bool user = kind == HAL_AS_PV_USER;
    unsigned idx = d->id % (HESTIA_MAX_DOMAINS + 1), slot;
    for (slot = 1; slot < IA64_RIDS_PER_DOMAIN; slot++)
        if (!(rid_used[idx][slot / 64] >> (slot % 64) & 1))
            break;
    if (slot == IA64_RIDS_PER_DOMAIN)
        return NULL;
    struct hal_as *as = core_heap_alloc(sizeof(*as));
    if (!as)
        return NULL;
    as->root = core_frame_alloc(d);
    if (as->root == MFN_INVALID) {
        core_heap_free(as);
        return NULL;
    }
    rid_used[idx][slot / 64] |= 1ull << (slot % 64);
    as->d = d;
    as->user = user;
    as->rid = rid_base(d) + slot;
    as->frames = 1;
    return as;
}

static uint64_t *table(uint64_t e)
{
    return hal_frame_to_virt(e >> HAL_PAGE_SHIFT);
}

static void free_level(struct hal_as *as, uint64_t *t, unsigned level, uint64_t va,
                       hal_unmap_fn dropped, void *ctx)
{
    for (unsigned i = 0; i < 512; i++) {
        uint64_t e = t[i];
        if (!(e & PTE_VALID))
            continue;
        uint64_t sub = va | ((uint64_t)i << (12 + 9 * (LEVELS - 1 - level)));
        if (level == LEVELS - 1) {
            if (dropped)
                dropped(ctx, sub, e >> HAL_PAGE_SHIFT);
        } else {
            free_level(as, table(e), level + 1, sub, dropped, ctx);
            core_frame_free(as->d, e >> HAL_PAGE_SHIFT);
        }
    }
}

static void tc_purge_all(void)
{
    __asm__ volatile("ptc.e r0\n\t;;\n\tsrlz.d\n\t;;" ::: "memory");
}

/*
 * Purge one page of one space: ptc.l matches the RID in the region
 * register, so the space's RID is loaded there for the purge (it need not
 * be the running one) and the old value put back.
 */
static void tc_purge_page(const struct hal_as *as, guest_va_t va)
{
    uint64_t old, rr = (uint64_t)as->rid << 8 | 12 << 2, ps = 12 << 2;
    __asm__ volatile("mov %0 = rr[%1]\n\t;;" : "=r"(old) : "r"(va));
    __asm__ volatile("mov rr[%0] = %1\n\t;;\n\tsrlz.d\n\t;;\n\t"
                     "ptc.l %0, %2\n\t;;\n\tsrlz.i\n\t;;\n\t"
                     "mov rr[%0] = %3\n\t;;\n\tsrlz.d\n\t;;" ::"r"(va),
                     "r"(rr), "r"(ps), "r"(old)
                     : "memory");
}

void hal_as_destroy(struct hal_as *as, hal_unmap_fn dropped, void *ctx)
{
    uint64_t base = as->user ? 0 : HESTIA_IA64_GUEST_VIRT_BASE;
    free_level(as, hal_frame_to_virt(as->root), 0, base, dropped, ctx);
    core_frame_free(as->d, as->root);
    unsigned idx = as->d->id % (HESTIA_MAX_DOMAINS + 1),
             slot = as->rid % IA64_RIDS_PER_DOMAIN;
    rid_used[idx][slot / 64] &= ~(1ull << (slot % 64));
    tc_purge_all(); /* the RID may be handed out again */
    core_heap_free(as);
}

/* The leaf entry for va, allocating tables if alloc; NULL if absent or out of memory. */
static uint64_t *walk(struct hal_as *as, guest_va_t va, bool alloc)
{
    uint64_t *t = hal_frame_to_virt(as->root);
    uint64_t off = va & ((1ull << 61) - 1);
    for (unsigned level = 0; level < LEVELS - 1; level++) {
        uint64_t *e = &t[(off >> (12 + 9 * (LEVELS - 1 - level))) & 511];
        if (!(*e & PTE_VALID)) {
            if (!alloc)
                return NULL;
            mfn_t m = core_frame_alloc(as->d);
            if (m == MFN_INVALID)
                return NULL;
            as->frames++;
            *e = (m << HAL_PAGE_SHIFT) | PTE_VALID;
        }
        t = table(*e);
    }
    return &t[(off >> 12) & 511];
}

static bool va_ok(const struct hal_as *as, guest_va_t va)
{
    return !(va & (HAL_PAGE_SIZE - 1)) && hal_guest_va_ok(va, as->user);
}

int hal_as_map(struct hal_as *as, guest_va_t va, mfn_t mfn, unsigned perms)
{
    if (!va_ok(as, va) || (perms & ~MMU_PERM_ALL))
        return -HESTIA_EINVAL;
    uint64_t *e = walk(as, va, false);
    if (e && (*e & PTE_VALID))
        return -HESTIA_EEXIST;
    e = walk(as, va, true);
    if (!e)
        return -HESTIA_ENOMEM;
    *e = (mfn << HAL_PAGE_SHIFT) | ((uint64_t)perms << PTE_PERM_SHIFT) | PTE_VALID;
    return 0; /* nothing was mapped, so nothing is cached */
}

int hal_as_unmap(struct hal_as *as, guest_va_t va, mfn_t *old)
{
    if (!va_ok(as, va))
        return -HESTIA_EINVAL;
    uint64_t *e = walk(as, va, false);
    if (!e || !(*e & PTE_VALID))
        return -HESTIA_ENOENT;
    *old = *e >> HAL_PAGE_SHIFT;
    *e = 0;
    tc_purge_page(as, va);
    return 0;
}

int hal_as_protect(struct hal_as *as, guest_va_t va, unsigned perms)
{
    if (!va_ok(as, va) || (perms & ~MMU_PERM_ALL))
        return -HESTIA_EINVAL;
    uint64_t *e = walk(as, va, false);
    if (!e || !(*e & PTE_VALID))
        return -HESTIA_ENOENT;
    *e = (*e & ~(0xfull << PTE_PERM_SHIFT)) | ((uint64_t)perms << PTE_PERM_SHIFT);
    tc_purge_page(as, va);
    return 0;
}

int hal_as_lookup(struct hal_as *as, guest_va_t va, mfn_t *mfn, unsigned *perms)
{
    if (!as || !hal_guest_va_ok(va & ~(uint64_t)(HAL_PAGE_SIZE - 1), as->user))
        return -HESTIA_ENOENT;
    uint64_t *e = walk(as, va, false);
    if (!e || !(*e & PTE_VALID))
        return -HESTIA_ENOENT;
    if (mfn)
        *mfn = *e >> HAL_PAGE_SHIFT;
    if (perms)
        *perms = (unsigned)(*e >> PTE_PERM_SHIFT) & 0xf;
    return 0;
}

void hal_as_flush(struct hal_as *as, guest_va_t va)
{
    if (va == MMU_FLUSH_ALL ||
        !hal_guest_va_ok(va & ~(uint64_t)(HAL_PAGE_SIZE - 1), as->user))
        tc_purge_all();
    else
        tc_purge_page(as, va);
}

unsigned long hal_as_frames(const struct hal_as *as)
{
    return as->frames;
}

/* The TLB entry for a guest page: pl 2 (kernel space) or 3 (user), access from perms. */
static uint64_t guest_pte(const struct hal_as *as, mfn_t mfn, unsigned perms)
{
    uint64_t ar = ((perms & MMU_PERM_WRITE) ? 2 : 0) | ((perms & MMU_PERM_EXEC) ? 1 : 0);
    uint64_t pl = as->user ? 3 : 2;
    return (mfn << HAL_PAGE_SHIFT) | 1 /* p */ | 0x20 /* a */ | 0x40 /* d */ | pl << 7 |
           ar << 9;
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

/* Insert the translation of the bundle the vCPU resumes at; false if it has none. */
bool ia64_tlb_prefetch_code(struct hal_vcpu *hv)
{
    bool user_mode = ((hv->ipsr >> PSR_CPL_SHIFT) & 3) == 3;
    uint64_t page = hv->iip & ~(uint64_t)(HAL_PAGE_SIZE - 1);
    struct hal_as *as = space_of(hv, page, user_mode);
    mfn_t mfn;
    unsigned perms;
    if (!as || hal_as_lookup(as, page, &mfn, &perms) || !(perms & MMU_PERM_EXEC))
        return false;
    tc_insert(page, guest_pte(as, mfn, perms), true);
    return true;
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
    mfn_t mfn;
    unsigned perms;
    if (!as || hal_as_lookup(as, va, &mfn, &perms))
        return -(int)err - 1;
    unsigned need = exec ? MMU_PERM_EXEC : write ? MMU_PERM_WRITE : MMU_PERM_READ;
    if (!(perms & need))
        return -(int)(err | HESTIA_PF_PRESENT) - 1;
    tc_insert(va & ~(uint64_t)(HAL_PAGE_SIZE - 1), guest_pte(as, mfn, perms), exec);
    return 0;
}

/* Load the vCPU's region registers: kernel space in region 5, user space in region 0. */
void ia64_load_rr(struct hal_vcpu *hv)
{
    uint64_t dead = ia64_dead_rid(hv->kernel);
    uint64_t rr5 = (hv->kernel ? hv->kernel->rid : dead) << 8 | 12 << 2;
    uint64_t rr0 = (hv->user ? hv->user->rid : dead) << 8 | 12 << 2;
    uint64_t other = dead << 8 | 12 << 2;
    __asm__ volatile("mov rr[%0] = %1\n\t"
                     "mov rr[%2] = %3\n\t"
                     ";;" ::"r"(0ull),
                     "r"(rr0), "r"(0xa000000000000000ull), "r"(rr5)
                     : "memory");
    for (uint64_t r = 1; r <= 4; r++)
        __asm__ volatile("mov rr[%0] = %1\n\t;;" ::"r"(r << 61), "r"(other) : "memory");
    ia64_srlz_d();
}
