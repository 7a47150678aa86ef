/* SPDX-License-Identifier: MIT */
/*
 * Building guests.  dom0 is built here from boot module 0 (an ELF image
 * linked inside the virt_base window); domUs are loaded by dom0's
 * toolstack with DOMCTL_write_memory and finished here by
 * DOMCTL_start_vcpu.  Either way the guest starts as start_info.h says:
 * all its memory mapped at virt_base, shared info mapped, events masked,
 * start info address in the first-argument register.
 */
#include <core/domain.h>
#include <core/event.h>
#include <core/mm.h>
#include <core/pvmmu.h>
#include <hal/boot.h>
#include <hal/mmu.h>

#define DOM0_DEFAULT_PAGES 8192u /* 32 MiB besides the modules */
#define DOM0_STACK_PAGES 4

/*
 * "realtime" on the hypervisor command line: guest time follows the host
 * (QEMU without -icount), so guests widen their timing bounds.  Set when
 * dom0 is built, passed to every domain as SIF_REALTIME.
 */
static bool realtime;

static void start_info_fill(struct domain *d, struct hestia_start_info *si,
                            const struct hal_guest_layout *l, uint32_t console_port)
{
    si->magic = HESTIA_START_MAGIC;
    si->abi_version = HESTIA_ABI_VERSION;
    si->nr_pages = p2m_nr_pages(d);
    si->virt_base = guest_va_val(l->virt_base);
    si->shared_info_va = guest_va_val(l->shared_info_va);
    si->console_port = console_port;
    si->flags = (d->privileged ? (SIF_PRIVILEGED | SIF_INITDOMAIN) : 0) |
                (realtime ? SIF_REALTIME : 0);
    si->domid = d->id;
    si->nr_vcpus = (uint16_t)d->nr_vcpus;
    if (si->nr_modules > START_MAX_MODULES)
        si->nr_modules = 0; /* a toolstack that wrote garbage gets no modules */
    si->cmdline[START_CMDLINE_SIZE - 1] = '\0';
}

int domain_build_start(struct domain *d, unsigned vcpu, guest_va_t entry, guest_va_t stack,
                       gfn_t start_info_gfn)
{
    struct hal_guest_layout l;
    hal_guest_layout(&l);
    if (vcpu >= d->nr_vcpus || d->vcpus[vcpu]->started)
        return -HESTIA_EINVAL;
    if (gfn_val(start_info_gfn) >= p2m_gfn_limit(d) ||
        mfn_eq(p2m_lookup(d, start_info_gfn), MFN_INVALID))
        return -HESTIA_EINVAL; /* checked before anything is mapped */
    bool first = true;
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        if (d->vcpus[i]->started)
            first = false;
    }
    if (first) {
        uint64_t span = p2m_gfn_limit(d) * HESTIA_PAGE_SIZE;
        if (!hal_guest_va_ok(guest_va_add(l.virt_base, span - HESTIA_PAGE_SIZE), false))
            return -HESTIA_ENOMEM; /* more memory than the guest window holds */
        int rc = pvmmu_map_initial(d, l.virt_base,
                                   MMU_PERM_READ | MMU_PERM_WRITE | MMU_PERM_EXEC);
        if (rc)
            return rc;
        rc = pvmmu_map_frame(d, 0, l.shared_info_va, d->shared_info_mfn,
                             MMU_PERM_READ | MMU_PERM_WRITE);
        if (rc)
            return rc;
        int port = evtchn_bind_virq_internal(d, VIRQ_CONSOLE, 0);
        struct hestia_start_info si;
        rc = gfn_copy_from(d, &si, start_info_gfn, 0, sizeof(si));
        if (rc)
            return rc;
        start_info_fill(d, &si, &l, port > 0 ? (uint32_t)port : 0);
        rc = gfn_copy_to(d, start_info_gfn, 0, &si, sizeof(si));
        if (rc)
            return rc;
    }
    return domain_start_vcpu(
        d, vcpu, entry, stack,
        guest_va_add(l.virt_base, gfn_val(start_info_gfn) * HESTIA_PAGE_SIZE));
}

struct load_ctx {
    struct domain *d;
    uint64_t virt_base;
    uint64_t nr_pages;
    uint64_t end; /* highest byte loaded, relative to virt_base */
};

/* Copy one PT_LOAD segment into the domain, by gfn, and zero its tail. */
static int put_segment(void *ctx, uint64_t vaddr, const void *data, uint64_t filesz,
                       uint64_t memsz)
{
    struct load_ctx *c = ctx;
    uint64_t window = c->nr_pages * HESTIA_PAGE_SIZE;
    if (vaddr < c->virt_base || vaddr - c->virt_base > window ||
        memsz > window - (vaddr - c->virt_base))
        return -HESTIA_EINVAL; /* outside the guest's memory */
    uint64_t off = vaddr - c->virt_base;
    static const unsigned char zeros[256];
    for (uint64_t done = 0; done < memsz;) {
        uint64_t pos = off + done;
        size_t room = HESTIA_PAGE_SIZE - (size_t)(pos % HESTIA_PAGE_SIZE);
        const void *src;
        size_t n;
        if (done < filesz) {
            n = (size_t)MIN((uint64_t)room, filesz - done);
            src = (const unsigned char *)data + done;
        } else {
            n = (size_t)MIN((uint64_t)MIN(room, sizeof(zeros)), memsz - done);
            src = zeros;
        }
        int rc = gfn_copy_to(c->d, gfn(pos / HESTIA_PAGE_SIZE),
                             (size_t)(pos % HESTIA_PAGE_SIZE), src, n);
        if (rc)
            return rc;
        done += n;
    }
    c->end = MAX(c->end, off + memsz);
    return 0;
}

/* Copy boot module m into d starting at gfn, page by page through the direct map. */
static int copy_module(struct domain *d, const struct hal_boot_module *m, gfn_t first)
{
    for (uint64_t done = 0; done < m->size; done += HESTIA_PAGE_SIZE) {
        size_t n = (size_t)MIN((uint64_t)HESTIA_PAGE_SIZE, m->size - done);
        const void *src =
            hal_frame_to_virt(mfn((paddr_val(m->base) + done) >> HAL_PAGE_SHIFT));
        int rc = gfn_copy_to(d, gfn(gfn_val(first) + done / HESTIA_PAGE_SIZE), 0, src, n);
        if (rc)
            return rc;
    }
    return 0;
}

static uint64_t pages_of(uint64_t bytes)
{
    return (bytes + HESTIA_PAGE_SIZE - 1) / HESTIA_PAGE_SIZE;
}

int domain_build_dom0(const struct hal_boot_info *bi, struct domain **out)
{
    realtime = cmdline_has_word(bi->cmdline, "realtime");
    if (!bi->nr_modules || bi->modules[0].size == 0)
        return -HESTIA_EINVAL;
    struct hal_guest_layout l;
    hal_guest_layout(&l);
    uint64_t nr_pages = DOM0_DEFAULT_PAGES;
    for (unsigned i = 0; i < bi->nr_modules && i < HAL_MAX_MODULES; i++)
        nr_pages += 2 * pages_of(bi->modules[i].size); /* image + copy room */
    uint64_t avail = mm_free_frames();
    if (nr_pages > avail / 2)
        nr_pages = avail / 2;
    struct domain *d;
    int rc = domain_create(nr_pages, 1, true, &d);
    if (rc)
        return rc;

    const struct hal_boot_module *img = &bi->modules[0];
    struct load_ctx c = {d, guest_va_val(l.virt_base), nr_pages, 0};
    uint64_t entry;
    /* The direct map is linear over a boot module, so the image is contiguous. */
    rc = hal_elf_load(hal_frame_to_virt(mfn(paddr_val(img->base) >> HAL_PAGE_SHIFT)),
                      img->size, put_segment, &c, &entry);
    if (rc)
        goto fail;

    struct hestia_start_info si;
    memset(&si, 0, sizeof(si));
    uint64_t next_gfn = pages_of(c.end);
    for (unsigned i = 1; i < bi->nr_modules && i < HAL_MAX_MODULES; i++) {
        const struct hal_boot_module *m = &bi->modules[i];
        if (si.nr_modules >= START_MAX_MODULES)
            break;
        if (next_gfn + pages_of(m->size) > nr_pages) {
            rc = -HESTIA_ENOMEM;
            goto fail;
        }
        if ((rc = copy_module(d, m, gfn(next_gfn))) != 0)
            goto fail;
        struct start_module *sm = &si.modules[si.nr_modules++];
        sm->gfn = next_gfn;
        sm->size = m->size;
        strlcpy(sm->name, m->cmdline ? m->cmdline : "", sizeof(sm->name));
        next_gfn += pages_of(m->size);
    }
    uint64_t si_gfn = next_gfn;
    uint64_t stack_top = si_gfn + 1 + DOM0_STACK_PAGES;
    if (stack_top >= nr_pages) {
        rc = -HESTIA_ENOMEM;
        goto fail;
    }
    si.first_free_gfn = stack_top;
    strlcpy(si.cmdline, img->cmdline ? img->cmdline : "", sizeof(si.cmdline));
    if ((rc = gfn_copy_to(d, gfn(si_gfn), 0, &si, sizeof(si))) != 0)
        goto fail;
    rc = domain_build_start(d, 0, guest_va(entry),
                            guest_va_add(l.virt_base, stack_top * HESTIA_PAGE_SIZE),
                            gfn(si_gfn));
    if (rc)
        goto fail;
    *out = d;
    return 0;

fail:
    domain_destroy(d);
    return rc;
}
