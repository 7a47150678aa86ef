/* SPDX-License-Identifier: MIT */
/*
 * Host HAL address spaces: a two-level table kept in real frames so that
 * page-table accounting behaves like a hardware backend.  The root frame
 * is a directory of up to 256 leaf tables; each leaf frame holds 512
 * entries (mfn << 12 | perms | PRESENT) covering 2 MiB of guest VA.
 */
#include <host/host.h>

#define LEAF_SPAN_SHIFT 21
#define LEAF_ENTRIES 512
#define DIR_ENTRIES 256
#define PTE_PRESENT 0x800ull
#define PTE_PERMS 0xfull

struct dir_entry {
    uint64_t base; /* VA of the 2 MiB span | 1 when in use */
    uint64_t mfn;  /* leaf frame */
};

struct hal_as {
    struct domain *d;
    bool user;
    mfn_t root;
    unsigned long frames;
};

bool hal_guest_va_ok(guest_va_t va, bool user)
{
    (void)user; /* kernel and user spaces share one window on the host */
    return va < HOST_GUEST_VA_LIMIT;
}

static struct dir_entry *dir(const struct hal_as *as)
{
    return hal_frame_to_virt(as->root);
}

/* The leaf entry for va, allocating the leaf table if create is set. */
static uint64_t *pte(struct hal_as *as, guest_va_t va, bool create, int *err)
{
    struct dir_entry *de = dir(as);
    uint64_t base = (va >> LEAF_SPAN_SHIFT) << LEAF_SPAN_SHIFT;
    struct dir_entry *free_slot = NULL;
    for (unsigned i = 0; i < DIR_ENTRIES; i++) {
        if (de[i].base == (base | 1)) {
            uint64_t *leaf = hal_frame_to_virt(de[i].mfn);
            return &leaf[(va >> HAL_PAGE_SHIFT) % LEAF_ENTRIES];
        }
        if (!(de[i].base & 1) && !free_slot)
            free_slot = &de[i];
    }
    if (err)
        *err = -HESTIA_ENOENT;
    if (!create)
        return NULL;
    if (!free_slot) {
        *err = -HESTIA_ENOMEM;
        return NULL;
    }
    mfn_t m = core_frame_alloc(as->d);
    if (m == MFN_INVALID) {
        *err = -HESTIA_ENOMEM;
        return NULL;
    }
    as->frames++;
    free_slot->base = base | 1;
    free_slot->mfn = m;
    uint64_t *leaf = hal_frame_to_virt(m);
    return &leaf[(va >> HAL_PAGE_SHIFT) % LEAF_ENTRIES];
}

/* No nested paging here: PV kernel and user spaces only. */
struct hal_as *hal_as_create(struct domain *d, enum hal_as_kind kind)
{
    if (kind == HAL_AS_GUEST_PHYS)
        return NULL;
    bool user = kind == HAL_AS_PV_USER;
    struct hal_as *as = core_heap_alloc(sizeof(*as));
    if (!as)
        return NULL;
    as->d = d;
    as->user = user;
    as->root = core_frame_alloc(d);
    if (as->root == MFN_INVALID) {
        core_heap_free(as);
        return NULL;
    }
    as->frames = 1;
    return as;
}

void hal_as_destroy(struct hal_as *as, hal_unmap_fn dropped, void *ctx)
{
    if (!as)
        return;
    struct dir_entry *de = dir(as);
    for (unsigned i = 0; i < DIR_ENTRIES; i++) {
        if (!(de[i].base & 1))
            continue;
        uint64_t *leaf = hal_frame_to_virt(de[i].mfn);
        for (unsigned j = 0; j < LEAF_ENTRIES; j++) {
            if (leaf[j] & PTE_PRESENT) {
                guest_va_t va = (de[i].base & ~1ull) + ((guest_va_t)j << HAL_PAGE_SHIFT);
                mfn_t m = leaf[j] >> HAL_PAGE_SHIFT;
                leaf[j] = 0;
                if (dropped)
                    dropped(ctx, va, m);
            }
        }
        core_frame_free(as->d, de[i].mfn);
        de[i].base = 0;
    }
    core_frame_free(as->d, as->root);
    core_heap_free(as);
}

static bool perms_ok(const struct hal_as *as, unsigned perms)
{
    if (perms & ~(unsigned)MMU_PERM_ALL)
        return false;
    if (!(perms & (MMU_PERM_READ | MMU_PERM_WRITE | MMU_PERM_EXEC)))
        return false;
    return !!(perms & MMU_PERM_USER) == as->user;
}

static bool va_ok(const struct hal_as *as, guest_va_t va)
{
    return (va & (HAL_PAGE_SIZE - 1)) == 0 && hal_guest_va_ok(va, as->user);
}

int hal_as_map(struct hal_as *as, guest_va_t va, mfn_t mfn, unsigned perms)
{
    if (!va_ok(as, va) || !perms_ok(as, perms))
        return -HESTIA_EINVAL;
    if (mfn < HOST_RAM_BASE_MFN || mfn >= HOST_RAM_BASE_MFN + HOST_RAM_FRAMES)
        return -HESTIA_EINVAL;
    int err = 0;
    uint64_t *p = pte(as, va, false, NULL);
    if (p && (*p & PTE_PRESENT))
        return -HESTIA_EEXIST;
    if (!p) {
        p = pte(as, va, true, &err);
        if (!p)
            return err;
    }
    *p = (mfn << HAL_PAGE_SHIFT) | PTE_PRESENT | perms;
    return 0;
}

int hal_as_unmap(struct hal_as *as, guest_va_t va, mfn_t *old)
{
    if (!va_ok(as, va))
        return -HESTIA_EINVAL;
    uint64_t *p = pte(as, va, false, NULL);
    if (!p || !(*p & PTE_PRESENT))
        return -HESTIA_ENOENT;
    if (old)
        *old = *p >> HAL_PAGE_SHIFT;
    *p = 0;
    return 0;
}

int hal_as_protect(struct hal_as *as, guest_va_t va, unsigned perms)
{
    if (!va_ok(as, va))
        return -HESTIA_EINVAL;
    uint64_t *p = pte(as, va, false, NULL);
    if (!p || !(*p & PTE_PRESENT))
        return -HESTIA_ENOENT;
    if (!perms_ok(as, perms))
        return -HESTIA_EINVAL;
    *p = (*p & ~PTE_PERMS) | perms;
    return 0;
}

int hal_as_lookup(struct hal_as *as, guest_va_t va, mfn_t *mfn, unsigned *perms)
{
    if (!as || !hal_guest_va_ok(va, as->user))
        return -HESTIA_ENOENT;
    uint64_t *p = pte(as, va & ~(guest_va_t)(HAL_PAGE_SIZE - 1), false, NULL);
    if (!p || !(*p & PTE_PRESENT))
        return -HESTIA_ENOENT;
    if (mfn)
        *mfn = *p >> HAL_PAGE_SHIFT;
    if (perms)
        *perms = (unsigned)(*p & PTE_PERMS);
    return 0;
}

void hal_as_flush(struct hal_as *as, guest_va_t va)
{
    (void)as; /* no TLB on the host */
    (void)va;
}

unsigned long hal_as_frames(const struct hal_as *as)
{
    return as ? as->frames : 0;
}

void hal_guest_layout(struct hal_guest_layout *layout)
{
    layout->virt_base = 0x40000000ull;      /* 1 GiB, as the x86_64 port */
    layout->shared_info_va = 0x3ffff000ull; /* the page just below */
}
