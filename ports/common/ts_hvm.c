/* SPDX-License-Identifier: MIT */
/*
 * dom0's toolstack for HVM guests (docs/hvm.md): `create-hvm <module>
 * [mem=N]`.  The image is a 64-bit ELF executable linked at its physical
 * addresses (a bare-metal test guest); it is started in 64-bit long mode
 * on the layout below, built here in the guest's memory with
 * DOMCTL_write_memory:
 *
 *   0x7000   (boot_params for a Linux guest: the "zero page")
 *   0x8000   GDT: null, null, 0x10 64-bit code, 0x18 data (Linux's __BOOT_CS / __BOOT_DS)
 *   0x9000   PML4, 0xa000 PDPT, 0xb000.. one page directory per GiB:
 *            guest-physical [0, mem) identity-mapped with 2 MiB pages
 *   0x80000  the initial stack top (growing down)
 *
 * Everything in the image is untrusted: a segment outside the guest's
 * memory or over the boot area is refused with a message.
 */
#include <port/elf.h>
#include <port/toolstack.h>
#include <port/tsparse.h>

#define HVM_GDT 0x8000u
#define HVM_PML4 0x9000u
#define HVM_PDPT 0xa000u
#define HVM_PD 0xb000u
#define HVM_STACK_TOP 0x80000u
#define HVM_BOOT_END 0x80000u /* images load above the boot area */
#define HVM_MIN_MEM (2u << 20)
#define HVM_MAX_MEM (4ull << 30)
#define GIB (1ull << 30)

#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_PS 0x80ull

static uint64_t table[512];

/* Identity map [0, mem) with 2 MiB pages; GDT as the 64-bit boot protocol wants it. */
static long write_boot_area(hestia_domid_t dom, uint64_t mem)
{
    static const uint64_t gdt[4] = {0, 0, 0x00af9a000000ffffull, 0x00cf92000000ffffull};
    long r = ts_write_guest(dom, HVM_GDT, gdt, sizeof(gdt));
    unsigned nr_gib = (unsigned)((mem + GIB - 1) / GIB);
    for (unsigned i = 0; i < 512; i++)
        table[i] = 0;
    table[0] = HVM_PDPT | PTE_P | PTE_W;
    if (r >= 0)
        r = ts_write_guest(dom, HVM_PML4, table, sizeof(table));
    for (unsigned g = 0; g < nr_gib; g++)
        table[g] = (HVM_PD + g * 0x1000ull) | PTE_P | PTE_W;
    if (r >= 0)
        r = ts_write_guest(dom, HVM_PDPT, table, sizeof(table));
    for (unsigned g = 0; g < nr_gib && r >= 0; g++) {
        for (unsigned i = 0; i < 512; i++) {
            uint64_t pa = g * GIB + i * (2ull << 20);
            table[i] = pa < mem ? pa | PTE_P | PTE_W | PTE_PS : 0;
        }
        r = ts_write_guest(dom, HVM_PD + g * 0x1000ull, table, sizeof(table));
    }
    return r;
}

static long load_elf(hestia_domid_t dom, const uint8_t *img, uint64_t size, uint64_t mem,
                     uint64_t *entry)
{
    struct elf_info ei;
    if (elf_parse(img, (size_t)size, &ei) < 0 || ei.bits != 64) {
        printk("create-hvm: the module is not a 64-bit ELF executable\n");
        return -HESTIA_EINVAL;
    }
    if (ei.lo < HVM_BOOT_END || ei.hi > mem) {
        printk("create-hvm: the image wants [%llx, %llx): outside [%x, %llx) of the guest\n",
               (unsigned long long)ei.lo, (unsigned long long)ei.hi, HVM_BOOT_END,
               (unsigned long long)mem);
        return -HESTIA_ERANGE;
    }
    for (unsigned i = 0; i < ei.nr_segments; i++) {
        long r = ts_write_guest(dom, ei.seg[i].vaddr, img + ei.seg[i].offset, ei.seg[i].filesz);
        if (r < 0)
            return r;
        /* The rest of memsz is already zero: a new domain's frames are. */
    }
    *entry = ei.entry;
    return 0;
}

long ts_create_hvm(struct ktok *tok, unsigned n)
{
    if (n < 2)
        return -HESTIA_EINVAL;
    long mod = ts_find_module(tok[1].s, tok[1].len);
    if (mod < 0) {
        printk("no module '%.*s' (try: modules)\n", (int)tok[1].len, tok[1].s);
        return mod;
    }
    static struct ts_create_args a;
    if (ts_parse_create(tok + 2, n - 2, &a) < 0)
        return -HESTIA_EINVAL;
    uint64_t mem = a.mem_bytes & ~((2ull << 20) - 1);
    if (mem < HVM_MIN_MEM || mem > HVM_MAX_MEM) {
        printk("create-hvm: mem must be 2 MiB .. 4 GiB\n");
        return -HESTIA_EINVAL;
    }
    struct hestia_domctl d = {0};
    d.u.create.nr_pages = mem / HESTIA_PAGE_SIZE;
    d.u.create.weight = (uint32_t)a.weight;
    d.u.create.cap = (uint32_t)a.cap;
    d.u.create.max_vcpus = 1;
    d.u.create.flags = DOMCTL_CREATE_HVM;
    long r = ts_domctl(DOMCTL_create, 0, &d);
    if (r < 0) {
        printk("create-hvm: %s%s\n", kstrerror(r),
               r == -HESTIA_ENOSYS ? " (no hardware-assisted virtualization here)" : "");
        return r;
    }
    hestia_domid_t dom = d.domid;
    const struct start_module *m = &start_info->modules[mod];
    uint64_t entry = 0;
    r = write_boot_area(dom, mem);
    if (r >= 0)
        r = load_elf(dom, gfn_to_va(m->gfn), m->size, mem, &entry);
    if (r >= 0) {
        struct hestia_domctl s = {0};
        s.u.hvm_start.cs = 0x10;
        s.u.hvm_start.gdt_base = HVM_GDT;
        s.u.hvm_start.gdt_limit = 4 * 8 - 1;
        s.u.hvm_start.cr3 = HVM_PML4;
        s.u.hvm_start.rip = entry;
        s.u.hvm_start.rsp = HVM_STACK_TOP;
        r = ts_domctl(DOMCTL_hvm_start_vcpu, dom, &s);
    }
    if (r >= 0)
        r = ts_unpause(dom);
    if (r < 0) {
        ts_destroy(dom);
        return r;
    }
    printk("created HVM dom%u from module %ld, %llu MiB\n", dom, mod,
           (unsigned long long)(mem >> 20));
    return dom;
}
