/* SPDX-License-Identifier: MIT */
/*
 * The paravirtual MMU: a domain's kernel space, its user spaces and
 * HYPERCALL_mmu_op.
 *
 * Every mapping holds one reference on its frame (frame_get), dropped when
 * the mapping goes (unmap, space destroyed), so a mapped frame can never
 * be released or reused.  The one exception is the domain's shared info
 * page: a hypervisor frame the domain may map, which is freed by the
 * domain code only after every space is gone.
 *
 * Foreign frames (mapped through grant.c) may be removed only through the
 * grant table: mmu_op refuses to unmap or re-protect them, so the grant
 * records and GTF_* flags always describe the real mappings.
 */
#include <core/domain.h>
#include <core/grant.h>
#include <core/lib.h>
#include <core/logdirty.h>
#include <core/mm.h>
#include <core/pvmmu.h>
#include <hal/guest_copy.h>
#include <hal/mmu.h>
#include <hal/vcpu.h>

#include "mm/mm_internal.h"

struct mmu_dom {
    spinlock_t lock;
    struct hal_as *kernel;
    /* handle h is user[h - 1]; allocated on the first as_create (most
     * domains have none: 512 bytes saved each, docs/density.md). */
    struct hal_as **user;
    uint8_t current[HESTIA_MAX_VCPUS]; /* current user handle per vCPU, 0 = none */
    /*
     * What a guest copy through the guest's own mapping (x86_64) could
     * read although the walk refuses it: device mappings now present, and
     * whether a page was ever mapped without MMU_PERM_READ (x86 pages are
     * readable if present).  Either one sends the domain's copies to the
     * walk: direct_copy() tells the HAL.  Changed under m->lock and the
     * hypervisor lock, which every hypercall (so every copy) holds.
     */
    unsigned long device_maps;
    bool unreadable;
    /*
     * A destroyed user space, emptied by hal_as_clear() with its tables
     * kept, for the next as_create (NULL: none).  A process's space is
     * four table frames on x86_64, and allocating, zeroing and freeing
     * them (and copying the hypervisor half into the root) was ~6000
     * instructions of each process (h-proc64b).  Under m->lock.
     */
    struct hal_as *spare;
};

/* Optional HAL call (hal/mmu.h): an arch that keeps no spaces destroys them. */
__attribute__((weak)) bool hal_as_clear(struct hal_as *as, hal_unmap_fn dropped, void *ctx)
{
    (void)as, (void)dropped, (void)ctx;
    return false;
}

/* Tell the HAL whether d's copies may go through its own mapping (m->lock held). */
static void direct_copy(struct mmu_dom *m)
{
    hal_as_set_direct_copy(m->kernel, !m->device_maps && !m->unreadable);
}

/* A mapping with these perms is being made or its perms set (m->lock held). */
static inline void note_perms(struct mmu_dom *m, unsigned perms)
{
    if (!(perms & MMU_PERM_READ) && !m->unreadable) {
        m->unreadable = true;
        direct_copy(m);
    }
}

static struct hal_as *space_locked(struct mmu_dom *m, uint64_t handle)
{
    if (handle == 0)
        return m->kernel;
    if (handle > MMU_MAX_USER_AS)
        return NULL;
    return m->user ? m->user[handle - 1] : NULL;
}

/* A user space under the lock: out of line, so the kernel space's path saves no registers.
 */
static __attribute__((noinline)) struct hal_as *user_space(struct mmu_dom *m,
                                                           uint64_t handle)
{
    unsigned long flags = spin_lock_irqsave(&m->lock);
    struct hal_as *as = space_locked(m, handle);
    spin_unlock_irqrestore(&m->lock, flags);
    return as;
}

struct hal_as *pvmmu_space(struct domain *d, uint64_t handle)
{
    struct mmu_dom *m = d ? d->mmu : NULL;
    if (!m)
        return NULL;
    if (handle == 0) /* set at init, gone only with m: as pvmmu_kernel_space(), no lock */
        return m->kernel;
    return user_space(m, handle);
}

struct hal_as *pvmmu_kernel_space(struct domain *d)
{
    return d && d->mmu ? d->mmu->kernel : NULL;
}

struct hal_as *pvmmu_current_user_space(struct vcpu *v)
{
    struct mmu_dom *m = v->domain->mmu;
    if (!m || v->id >= HESTIA_MAX_VCPUS || m->current[v->id] == 0)
        return NULL;
    return pvmmu_space(v->domain, m->current[v->id]);
}

/* The shared info page is a hypervisor frame the domain may map. */
static bool is_shared_info(const struct domain *d, mfn_t mfn)
{
    return d->shared_info && mfn_eq(mfn, d->shared_info_mfn) &&
           frame_owner(mfn) == FRAME_OWNER_HYP;
}

/*
 * Device memory dom0 mapped with PHYSDEVOP_map_mmio: not a frame the
 * allocator manages (core/physdev.c refused RAM), so its mappings hold no
 * reference.  Only the privileged domain can have one.
 */
static bool is_device_frame(const struct domain *d, mfn_t mfn)
{
    return d->privileged && !frame_valid(mfn);
}

/* A device mapping holds no reference but is counted (direct_copy). */
static int take_ref(struct domain *d, mfn_t mfn)
{
    if (is_shared_info(d, mfn))
        return 0;
    if (is_device_frame(d, mfn)) {
        d->mmu->device_maps++;
        direct_copy(d->mmu);
        return 0;
    }
    return frame_get(mfn);
}

static void drop_ref(struct domain *d, mfn_t mfn)
{
    if (is_shared_info(d, mfn))
        return;
    if (is_device_frame(d, mfn)) {
        d->mmu->device_maps--;
        direct_copy(d->mmu);
    } else {
        frame_put(mfn);
    }
}

static void dropped(void *ctx, guest_va_t va, mfn_t mfn)
{
    (void)va;
    drop_ref(ctx, mfn);
}

int pvmmu_domain_init(struct domain *d)
{
    struct mmu_dom *m = core_heap_alloc(sizeof(*m));
    if (!m)
        return -HESTIA_ENOMEM;
    /* d->mmu is set first: page-table frames are charged through d. */
    d->mmu = m;
    m->kernel = hal_as_create(d, HAL_AS_PV_KERNEL);
    if (!m->kernel) {
        d->mmu = NULL;
        core_heap_free(m);
        return -HESTIA_ENOMEM;
    }
    return 0;
}

void pvmmu_domain_destroy(struct domain *d)
{
    struct mmu_dom *m = d->mmu;
    if (!m)
        return;
    for (unsigned i = 0; i < HESTIA_MAX_VCPUS; i++) {
        m->current[i] = 0;
        if (d->vcpus[i] && d->vcpus[i]->hal)
            hal_vcpu_set_spaces(d->vcpus[i]->hal, m->kernel, NULL);
    }
    for (uint64_t h = 0; h <= MMU_MAX_USER_AS; h++)
        if (space_locked(m, h))
            grant_unmap_space(d, h);
    for (unsigned i = 0; m->user && i < MMU_MAX_USER_AS; i++) {
        if (m->user[i])
            hal_as_destroy(m->user[i], dropped, d);
        m->user[i] = NULL;
    }
    core_heap_free(m->user);
    m->user = NULL;
    if (m->spare)
        hal_as_destroy(m->spare, dropped, d);
    m->spare = NULL;
    hal_as_destroy(m->kernel, dropped, d);
    m->kernel = NULL;
    d->mmu = NULL;
    core_heap_free(m);
}

static bool perms_valid(unsigned perms, uint64_t handle)
{
    if (perms & ~(unsigned)MMU_PERM_ALL)
        return false;
    if (!(perms & (MMU_PERM_READ | MMU_PERM_WRITE | MMU_PERM_EXEC)))
        return false;
    return !!(perms & MMU_PERM_USER) == (handle != 0);
}

static bool va_valid(guest_va_t va, uint64_t handle)
{
    return IS_ALIGNED(guest_va_val(va), (uint64_t)HAL_PAGE_SIZE) &&
           hal_guest_va_ok(va, handle != 0);
}

/* pvmmu_map_frame once va and perms are known valid for handle (op_map checks first). */
static int map_checked(struct domain *d, struct mmu_dom *m, uint64_t handle, guest_va_t va,
                       mfn_t mfn, unsigned perms)
{
    unsigned long flags = spin_lock_irqsave(&m->lock);
    struct hal_as *as = space_locked(m, handle);
    int rc = as ? take_ref(d, mfn) : -HESTIA_EBADF;
    note_perms(m, perms);
    if (rc == 0) {
        if (logdirty_on(d)) /* h-migmap: the address spaces are sent during pre-copy */
            logdirty_mappings_changed(d);
        rc = hal_as_map(as, va, mfn, perms);
        if (rc)
            drop_ref(d, mfn);
    }
    spin_unlock_irqrestore(&m->lock, flags);
    return rc;
}

int pvmmu_map_frame(struct domain *d, uint64_t handle, guest_va_t va, mfn_t mfn,
                    unsigned perms)
{
    struct mmu_dom *m = d->mmu;
    if (!m)
        return -HESTIA_EBADF;
    if (!va_valid(va, handle) || !perms_valid(perms, handle))
        return -HESTIA_EINVAL;
    return map_checked(d, m, handle, va, mfn, perms);
}

/* Unmap va of handle (m->lock held); the mapping's reference stays to be dropped. */
static int unmap_locked(struct domain *d, struct mmu_dom *m, uint64_t handle, guest_va_t va,
                        mfn_t *mfn)
{
    struct hal_as *as = space_locked(m, handle);
    if (logdirty_on(d)) /* before the bit goes */
        logdirty_harvest(d, as, va, guest_va_add(va, HAL_PAGE_SIZE));
    return as ? hal_as_unmap(as, va, mfn) : -HESTIA_EBADF;
}

int pvmmu_unmap_frame(struct domain *d, uint64_t handle, guest_va_t va, mfn_t *old)
{
    struct mmu_dom *m = d->mmu;
    if (!m)
        return -HESTIA_EBADF;
    if (!va_valid(va, handle))
        return -HESTIA_EINVAL;
    unsigned long flags = spin_lock_irqsave(&m->lock);
    mfn_t mfn = MFN_INVALID;
    int rc = unmap_locked(d, m, handle, va, &mfn);
    if (rc == 0)
        drop_ref(d, mfn);
    spin_unlock_irqrestore(&m->lock, flags);
    if (rc == 0 && old)
        *old = mfn;
    return rc;
}

/* pvmmu_map_referenced, inline in op_map (the pvmmu bench's path). */
static inline __attribute__((always_inline)) int
map_referenced(struct domain *d, uint64_t handle, guest_va_t va, mfn_t mfn, unsigned perms)
{
    struct mmu_dom *m = d->mmu;
    if (!m)
        return -HESTIA_EBADF;
    unsigned long flags = spin_lock_irqsave(&m->lock);
    struct hal_as *as = space_locked(m, handle);
    note_perms(m, perms);
    int rc = as ? hal_as_map(as, va, mfn, perms) : -HESTIA_EBADF;
    spin_unlock_irqrestore(&m->lock, flags);
    return rc;
}

int pvmmu_map_referenced(struct domain *d, uint64_t handle, guest_va_t va, mfn_t mfn,
                         unsigned perms)
{
    return map_referenced(d, handle, va, mfn, perms);
}

int pvmmu_unmap_referenced(struct domain *d, uint64_t handle, guest_va_t va, mfn_t *old)
{
    struct mmu_dom *m = d->mmu;
    if (!m)
        return -HESTIA_EBADF;
    unsigned long flags = spin_lock_irqsave(&m->lock);
    int rc = unmap_locked(d, m, handle, va, old);
    spin_unlock_irqrestore(&m->lock, flags);
    return rc;
}

int pvmmu_map_initial(struct domain *d, guest_va_t virt_base, unsigned perms)
{
    if (!d->mm || !IS_ALIGNED(guest_va_val(virt_base), (uint64_t)HAL_PAGE_SIZE))
        return -HESTIA_EINVAL;
    uint64_t limit = p2m_gfn_limit(d);
    for (uint64_t g = 0; g < limit; g++) {
        mfn_t mfn = p2m_lookup(d, gfn(g));
        if (mfn_eq(mfn, MFN_INVALID))
            continue;
        guest_va_t va = guest_va_add(virt_base, g << HAL_PAGE_SHIFT);
        if (guest_va_val(va) < guest_va_val(virt_base))
            return -HESTIA_EINVAL;
        int rc = pvmmu_map_frame(d, 0, va, mfn, perms);
        if (rc)
            return rc;
    }
    return 0;
}

/* A frame the domain may not unmap or re-protect through mmu_op. */
static bool foreign(struct domain *d, mfn_t mfn)
{
    return frame_owner(mfn) != d->id && !is_shared_info(d, mfn) && !is_device_frame(d, mfn);
}

int pvmmu_map_device(struct domain *d, uint64_t handle, guest_va_t va, mfn_t mfn,
                     unsigned perms)
{
    if (!d->privileged || frame_valid(mfn))
        return -HESTIA_EPERM;
    struct mmu_dom *m = d->mmu;
    if (!m)
        return -HESTIA_EBADF;
    if (!va_valid(va, handle) || !perms_valid(perms, handle))
        return -HESTIA_EINVAL;
    return map_checked(d, m, handle, va, mfn, perms | HAL_MAP_UNCACHED);
}

/*
 * The va is the engine's to check (hal_as_map: -HESTIA_EINVAL, as va_valid
 * would say, after the reference is taken and given back): a bad va with a
 * bad gfn now gets the gfn's error.
 */
static inline __attribute__((always_inline)) long op_map(struct domain *d,
                                                         const struct mmu_op *op)
{
    if (op->as > MMU_MAX_USER_AS)
        return -HESTIA_EBADF;
    if (!perms_valid(op->perms, op->as))
        return -HESTIA_EINVAL;
    mfn_t mfn = p2m_lookup(d, gfn(op->gfn));
    if (mfn_eq(mfn, MFN_INVALID)) /* beyond the p2m (asked only now), or a hole */
        return op->gfn >= p2m_gfn_limit(d) ? -HESTIA_EINVAL : -HESTIA_ENOENT;
    /*
     * The mapping's reference, taken only if the frame is still ours (a
     * concurrent release could otherwise hand it to someone else in
     * between).  A frame d owns is RAM and never the shared info page (a
     * hypervisor frame): take_ref() would take exactly this reference, so
     * it is taken once here instead of a pin plus take_ref().
     */
    if (frame_get_owned(mfn, d->id))
        return -HESTIA_ENOENT;
    long rc = map_referenced(d, op->as, guest_va(op->va), mfn, op->perms);
    if (rc)
        frame_put(mfn);
    else if (logdirty_on(d)) /* h-migmap: the address spaces are sent during pre-copy */
        logdirty_mappings_changed(d);
    return rc;
}

/* What op_unmap's check sees (hal_as_unmap_if's ctx). */
struct unmap_check {
    struct domain *d;
    struct hal_as *as;
    guest_va_t va;
    bool own; /* the frame is d's: the mapping holds a plain reference */
};

/*
 * Whether d may unmap the frame at c->va (called with the mapping still
 * there, m->lock held): whose frame is asked once, d's own (the common
 * case) holds a reference; the mapping's dirty bit is collected before
 * it goes.
 */
static bool may_unmap(void *ctx, mfn_t mfn)
{
    struct unmap_check *c = ctx;
    c->own = frame_owner(mfn) == c->d->id;
    if (!c->own && foreign(c->d, mfn))
        return false;
    if (logdirty_on(c->d))
        logdirty_harvest(c->d, c->as, c->va, guest_va_add(c->va, HAL_PAGE_SIZE));
    return true;
}

/*
 * One walk: the owner is checked on the entry that is removed.  The va is
 * the engine's to check (-HESTIA_EINVAL, as va_valid would say: the
 * space of handle h has the windows of hal_guest_va_ok(va, h != 0)).
 */
static inline __attribute__((always_inline)) long op_unmap(struct domain *d,
                                                           const struct mmu_op *op)
{
    struct mmu_dom *m = d->mmu;
    if (op->as > MMU_MAX_USER_AS)
        return -HESTIA_EBADF;
    struct unmap_check c = {.d = d, .va = guest_va(op->va)};
    unsigned long flags = spin_lock_irqsave(&m->lock);
    c.as = space_locked(m, op->as);
    mfn_t mfn;
    long rc = c.as ? hal_as_unmap_if(c.as, c.va, &mfn, may_unmap, &c) : -HESTIA_EBADF;
    if (rc == 0 && c.own)
        frame_put(mfn);
    else if (rc == 0)
        drop_ref(d, mfn);
    spin_unlock_irqrestore(&m->lock, flags);
    return rc;
}

static long op_protect(struct domain *d, const struct mmu_op *op)
{
    struct mmu_dom *m = d->mmu;
    if (op->as > MMU_MAX_USER_AS)
        return -HESTIA_EBADF;
    if (!va_valid(guest_va(op->va), op->as) || !perms_valid(op->perms, op->as))
        return -HESTIA_EINVAL;
    unsigned long flags = spin_lock_irqsave(&m->lock);
    struct hal_as *as = space_locked(m, op->as);
    mfn_t mfn;
    long rc = as ? hal_as_lookup(as, guest_va(op->va), &mfn, NULL) : -HESTIA_EBADF;
    if (rc == 0 && foreign(d, mfn))
        rc = -HESTIA_EPERM;
    /* The mapping's dirty bit may go with the write permission: keep it. */
    if (rc == 0 && logdirty_on(d))
        logdirty_harvest(d, as, guest_va(op->va), guest_va(op->va + HAL_PAGE_SIZE));
    if (rc == 0) {
        note_perms(m, op->perms);
        rc = hal_as_protect(as, guest_va(op->va), op->perms);
    }
    spin_unlock_irqrestore(&m->lock, flags);
    return rc;
}

/* The table of user spaces, allocated by the first user space (density: most domains have
 * none). */
static int ensure_user_table(struct mmu_dom *m)
{
    if (__atomic_load_n(&m->user, __ATOMIC_ACQUIRE))
        return 0;
    struct hal_as **table = core_heap_alloc(MMU_MAX_USER_AS * sizeof(*table));
    if (!table)
        return -HESTIA_ENOMEM;
    unsigned long flags = spin_lock_irqsave(&m->lock);
    if (!m->user) {
        __atomic_store_n(&m->user, table, __ATOMIC_RELEASE);
        table = NULL;
    }
    spin_unlock_irqrestore(&m->lock, flags);
    core_heap_free(table); /* another vCPU installed one first */
    return 0;
}

/*
 * A space as_create no longer needs (it failed) or as_destroy took out of
 * the table: kept as the spare if there is none and the arch can empty it
 * (hal_as_clear), else destroyed.
 */
static void retire_space(struct domain *d, struct mmu_dom *m, struct hal_as *as)
{
    if (!__atomic_load_n(&m->spare, __ATOMIC_RELAXED) && hal_as_clear(as, dropped, d)) {
        unsigned long flags = spin_lock_irqsave(&m->lock);
        bool kept = !m->spare;
        if (kept)
            __atomic_store_n(&m->spare, as, __ATOMIC_RELAXED);
        spin_unlock_irqrestore(&m->lock, flags);
        if (kept)
            return;
    }
    hal_as_destroy(as, dropped, d); /* an emptied one has nothing left to drop */
}

/* A free handle's slot for as (m->lock held); MMU_MAX_USER_AS when the table is full. */
static inline unsigned install_space(struct mmu_dom *m, struct hal_as *as)
{
    unsigned i;
    for (i = 0; i < MMU_MAX_USER_AS; i++)
        if (!m->user[i])
            break;
    if (i < MMU_MAX_USER_AS)
        m->user[i] = as;
    return i;
}

/*
 * The new handle goes to the op's as field at op_addr in the guest, or,
 * for an op passed in registers (HYPERCALL_mmu_one, regs), is the result.
 */
static long op_as_create(struct vcpu *v, uint64_t op_addr, bool regs)
{
    struct domain *d = v->domain;
    struct mmu_dom *m = d->mmu;
    if (ensure_user_table(m))
        return -HESTIA_ENOMEM;
    /*
     * The spare first: its tables are made and empty.  Looked at without
     * the lock first, so an arch that keeps none (hal_as_clear) takes the
     * lock once, as before; taken under it.
     */
    unsigned long flags;
    struct hal_as *as = NULL, *fresh = NULL;
    unsigned i = MMU_MAX_USER_AS;
    if (__atomic_load_n(&m->spare, __ATOMIC_RELAXED)) {
        flags = spin_lock_irqsave(&m->lock);
        as = m->spare;
        if (as) {
            i = install_space(m, as);
            if (i < MMU_MAX_USER_AS)
                __atomic_store_n(&m->spare, NULL, __ATOMIC_RELAXED);
        }
        spin_unlock_irqrestore(&m->lock, flags);
    }
    if (!as) {
        as = fresh = hal_as_create(d, HAL_AS_PV_USER);
        if (!as)
            return -HESTIA_ENOMEM;
        flags = spin_lock_irqsave(&m->lock);
        i = install_space(m, as);
        spin_unlock_irqrestore(&m->lock, flags);
    }
    if (i == MMU_MAX_USER_AS) {
        if (fresh)
            hal_as_destroy(fresh, dropped, d);
        return -HESTIA_ENOSPC; /* the spare, if it was one, stayed the spare */
    }
    uint64_t handle = i + 1;
    if (regs)
        return (long)handle;
    if (hal_copy_to_guest(v, guest_va(op_addr + offsetof(struct mmu_op, as)), &handle,
                          sizeof(handle))) {
        flags = spin_lock_irqsave(&m->lock);
        m->user[i] = NULL;
        spin_unlock_irqrestore(&m->lock, flags);
        /* Nothing mapped in it yet: a fresh one goes (its frames back), a spare stays. */
        if (fresh)
            hal_as_destroy(as, dropped, d);
        else
            retire_space(d, m, as);
        return -HESTIA_EFAULT;
    }
    return 0;
}

static long op_as_switch(struct vcpu *v, uint64_t handle)
{
    struct mmu_dom *m = v->domain->mmu;
    if (handle > MMU_MAX_USER_AS || v->id >= HESTIA_MAX_VCPUS)
        return -HESTIA_EBADF;
    unsigned long flags = spin_lock_irqsave(&m->lock);
    struct hal_as *as = handle ? space_locked(m, handle) : NULL;
    long rc = 0;
    if (handle && !as) {
        rc = -HESTIA_EBADF;
    } else {
        m->current[v->id] = (uint8_t)handle;
        if (v->hal)
            hal_vcpu_set_spaces(v->hal, m->kernel, as);
    }
    spin_unlock_irqrestore(&m->lock, flags);
    return rc;
}

static long op_as_destroy(struct domain *d, uint64_t handle)
{
    struct mmu_dom *m = d->mmu;
    if (handle == 0)
        return -HESTIA_EINVAL; /* the kernel space lives as long as the domain */
    if (handle > MMU_MAX_USER_AS || !pvmmu_space(d, handle))
        return -HESTIA_EBADF;
    /* Grant mappings in it go through the grant records (no lock held). */
    grant_unmap_space(d, handle);
    unsigned long flags = spin_lock_irqsave(&m->lock);
    struct hal_as *as = space_locked(m, handle);
    if (as)
        m->user[handle - 1] = NULL;
    /* A vCPU must never run on a destroyed space: switch it away first. */
    for (unsigned i = 0; i < HESTIA_MAX_VCPUS; i++) {
        if (m->current[i] != handle)
            continue;
        m->current[i] = 0;
        if (d->vcpus[i] && d->vcpus[i]->hal)
            hal_vcpu_set_spaces(d->vcpus[i]->hal, m->kernel, NULL);
    }
    spin_unlock_irqrestore(&m->lock, flags);
    if (!as)
        return -HESTIA_EBADF;
    logdirty_harvest(d, as, guest_va(0), guest_va(~(uint64_t)0));
    retire_space(d, m, as);
    return 0;
}

static long op_flush(struct domain *d, const struct mmu_op *op)
{
    if (op->as > MMU_MAX_USER_AS)
        return -HESTIA_EBADF;
    if (op->va != MMU_FLUSH_ALL && !va_valid(guest_va(op->va), op->as))
        return -HESTIA_EINVAL;
    struct mmu_dom *m = d->mmu;
    unsigned long flags = spin_lock_irqsave(&m->lock);
    struct hal_as *as = space_locked(m, op->as);
    if (as)
        hal_as_flush(as, guest_va(op->va));
    spin_unlock_irqrestore(&m->lock, flags);
    return as ? 0 : -HESTIA_EBADF;
}

/* Inlined into its callers (do_mmu_op's single op, run_batch, mmu_one_other): a call
 * cost the map bench 16. */
static inline __attribute__((always_inline)) long
one_op(struct vcpu *v, const struct mmu_op *op, uint64_t op_addr, bool regs)
{
    struct domain *d = v->domain;
    switch (op->cmd) {
    case MMUOP_map:
        return op_map(d, op);
    case MMUOP_unmap:
        return op_unmap(d, op);
    case MMUOP_protect:
        return op_protect(d, op);
    case MMUOP_as_create:
        return op_as_create(v, op_addr, regs);
    case MMUOP_as_switch:
        return op_as_switch(v, op->as);
    case MMUOP_as_destroy:
        return op_as_destroy(d, op->as);
    case MMUOP_flush:
        return op_flush(d, op);
    default:
        return -HESTIA_ENOSYS;
    }
}

/* How many ops a batch copies in at once (512 bytes of the stack). */
#define MMU_COPY_OPS 16

/*
 * The ops of a batch (count > 1), MMU_COPY_OPS at a time: one guest copy
 * (one page walk) for each chunk instead of one per op, which was ~200
 * instructions of each op of a 32-page batch (h-proc64).  Each op is
 * still read once, before it runs, into hypervisor memory.  A chunk that
 * cannot be copied whole (it reaches an unmapped page) comes one op at a
 * time, so the ops before the bad one run and *n counts them, as for
 * single ops.  Out of line: a single op keeps do_mmu_op's short path.
 */
static __attribute__((noinline)) long run_batch(struct vcpu *v, uint64_t ops,
                                                uint64_t count, uint64_t *np)
{
    struct mmu_op chunk[MMU_COPY_OPS];
    uint64_t n = 0;
    long rc = 0;
    while (n < count && rc == 0) {
        uint64_t k = MIN(count - n, (uint64_t)MMU_COPY_OPS);
        uint64_t addr = ops + n * sizeof(chunk[0]);
        bool whole = addr >= ops && hal_copy_from_guest(v, chunk, guest_va(addr),
                                                        k * sizeof(chunk[0])) == 0;
        for (uint64_t i = 0; i < k; i++, n++, addr += sizeof(chunk[0])) {
            if (!whole && (addr < ops || hal_copy_from_guest(v, &chunk[i], guest_va(addr),
                                                             sizeof(chunk[i])))) {
                rc = -HESTIA_EFAULT;
                break;
            }
            rc = one_op(v, &chunk[i], addr, false);
            if (rc)
                break;
        }
    }
    *np = n;
    return rc;
}

long do_mmu_op(struct vcpu *v, uint64_t ops, uint64_t count, uint64_t done)
{
    if (!v->domain->mmu)
        return -HESTIA_EINVAL;
    if (count > MMU_MAX_BATCH)
        return -HESTIA_E2BIG;
    long rc = 0;
    uint64_t n = 0;
    if (count > 1) {
        rc = run_batch(v, ops, count, &n);
    } else if (count == 1) {
        /* One op: read once into hypervisor memory (the guest may change it meanwhile). */
        struct mmu_op op;
        if (hal_copy_from_guest(v, &op, guest_va(ops), sizeof(op)))
            rc = -HESTIA_EFAULT;
        else if ((rc = one_op(v, &op, ops, false)) == 0)
            n = 1;
    }
    /* *done is a uint64_t in the guest; 0 means the guest did not ask. */
    if (done && hal_copy_to_guest(v, guest_va(done), &n, sizeof(n)) && rc == 0)
        rc = -HESTIA_EFAULT;
    return rc;
}

/*
 * mmu_one's other ops: out of line, and the op is made in memory only
 * here, so map and unmap keep it in registers.
 */
static __attribute__((noinline)) long
mmu_one_other(struct vcpu *v, uint64_t as, uint64_t va, unsigned perms, unsigned cmd)
{
    struct mmu_op op = {.cmd = cmd, .perms = perms, .as = as, .va = va};
    return one_op(v, &op, 0, true);
}

/*
 * One op in the arguments (Xen's update_va_mapping is the same idea): no
 * guest memory is read, so the copy of the op (~50 instructions on
 * x86_64) and *done are gone, and the op cannot change under the call.
 * The checks are one_op's, the same as for a one-op mmu_op.  cmd and
 * perms are 32-bit fields of struct mmu_op: wider values are refused, not
 * truncated (-ENOSYS: no such op; -EINVAL: unknown perms).  as_create
 * returns the new handle.
 */
long do_mmu_one(struct vcpu *v, uint64_t as, uint64_t va, uint64_t gfn, uint64_t perms,
                uint64_t cmd)
{
    struct domain *d = v->domain;
    if (!d->mmu)
        return -HESTIA_EINVAL;
    if (cmd > 0xffffffffull)
        return -HESTIA_ENOSYS;
    if (perms > 0xffffffffull)
        return -HESTIA_EINVAL;
    struct mmu_op op = {
        .cmd = (uint32_t)cmd, .perms = (uint32_t)perms, .as = as, .va = va, .gfn = gfn};
    if (cmd == MMUOP_map)
        return op_map(d, &op);
    if (cmd == MMUOP_unmap)
        return op_unmap(d, &op);
    return mmu_one_other(v, as, va, (unsigned)perms,
                         (unsigned)cmd); /* no other op reads gfn */
}

/* ---- restore (core/domctl_restore.c) ---- */

bool pvmmu_mapping_ok(uint64_t handle, guest_va_t va, unsigned perms)
{
    return handle <= MMU_MAX_USER_AS && va_valid(va, handle) && perms_valid(perms, handle);
}

int pvmmu_ensure_space(struct domain *d, uint64_t handle)
{
    struct mmu_dom *m = d->mmu;
    if (!m || handle > MMU_MAX_USER_AS)
        return -HESTIA_EBADF;
    if (handle == 0 || pvmmu_space(d, handle))
        return 0;
    if (ensure_user_table(m))
        return -HESTIA_ENOMEM;
    struct hal_as *as = hal_as_create(d, HAL_AS_PV_USER);
    if (!as)
        return -HESTIA_ENOMEM;
    unsigned long flags = spin_lock_irqsave(&m->lock);
    bool raced = m->user[handle - 1] != NULL;
    if (!raced)
        m->user[handle - 1] = as;
    spin_unlock_irqrestore(&m->lock, flags);
    if (raced)
        hal_as_destroy(as, dropped, d);
    return 0;
}

unsigned pvmmu_current_handle(struct domain *d, unsigned vcpu)
{
    return d->mmu && vcpu < HESTIA_MAX_VCPUS ? d->mmu->current[vcpu] : 0;
}

int pvmmu_set_current(struct domain *d, unsigned vcpu, uint64_t handle)
{
    if (vcpu >= d->nr_vcpus || !d->vcpus[vcpu])
        return -HESTIA_EBADF;
    return (int)op_as_switch(d->vcpus[vcpu], handle);
}
