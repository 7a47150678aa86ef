/* SPDX-License-Identifier: MIT */
/*
 * dom0's toolstack for HVM guests (docs/hvm.md): `create-hvm <module>
 * [initrd=<module>] [mem=N] [cmdline="..."] [weight=N] [cap=N]`.  The
 * image is a Linux bzImage (the x86 64-bit boot protocol, boot.rst: the
 * protected-mode kernel at its preferred address, boot_params with the
 * e820 map, command line and initrd, entered at its 64-bit entry) or a
 * 64-bit ELF executable linked at its physical addresses (a bare-metal
 * test guest).  Either starts in 64-bit long mode on this layout, built
 * here in the guest's memory with DOMCTL_write_memory:
 *
 *   0x7000   boot_params (the "zero page"; Linux only)
 *   0x8000   GDT: null, null, 0x10 64-bit code, 0x18 data (Linux's __BOOT_CS / __BOOT_DS)
 *   0x9000   PML4, 0xa000 PDPT, 0xb000.. one page directory per GiB:
 *            guest-physical [0, mem) identity-mapped with 2 MiB pages
 *   0x20000  the kernel command line (Linux only)
 *   0x80000  the initial stack top (growing down)
 *   the initrd at the top of memory, page aligned
 *
 * Everything in the image is untrusted: a segment outside the guest's
 * memory or over the boot area is refused with a message.
 */
#include <port/elf.h>
#include <port/toolstack.h>
#include <port/tsparse.h>

#define HVM_BOOT_PARAMS 0x7000u
#define HVM_CMDLINE 0x20000u
#define HVM_CMDLINE_MAX 2048u
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
        printk(
            "create-hvm: the image wants [%llx, %llx): outside [%x, %llx) of the guest\n",
            (unsigned long long)ei.lo, (unsigned long long)ei.hi, HVM_BOOT_END,
            (unsigned long long)mem);
        return -HESTIA_ERANGE;
    }
    for (unsigned i = 0; i < ei.nr_segments; i++) {
        long r =
            ts_write_guest(dom, ei.seg[i].vaddr, img + ei.seg[i].offset, ei.seg[i].filesz);
        if (r < 0)
            return r;
        /* The rest of memsz is already zero: a new domain's frames are. */
    }
    *entry = ei.entry;
    return 0;
}

static long find_module(const char *s, size_t len)
{
    long mod = ts_find_module(s, len);
    if (mod < 0)
        printk("create-hvm: no module '%.*s' (try: modules)\n", (int)len, s);
    return mod;
}

/* The arguments of create-hvm; cmdline="..." may hold spaces (it ends at the next quote).
 */
struct hvm_args {
    long kernel, initrd;
    uint64_t mem, weight, cap;
    const char *cmdline;
    size_t cmdline_len;
};

static long parse_args(const char *line, size_t line_len, struct hvm_args *a)
{
    struct ktok tok[16];
    a->initrd = -1;
    a->mem = 64ull << 20;
    a->weight = a->cap = 0;
    a->cmdline = "";
    a->cmdline_len = 0;
    const char *end = line + line_len;
    const char *p = line;
    unsigned n = ktokenize(p, line_len, tok, 2);
    if (n < 2) {
        printk("create-hvm: which module? (create-hvm <kernel> [initrd=<module>] [mem=N] "
               "[cmdline=\"...\"])\n");
        return -HESTIA_EINVAL;
    }
    if ((a->kernel = find_module(tok[1].s, tok[1].len)) < 0)
        return a->kernel;
    p = tok[1].s + tok[1].len;
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p >= end || !*p)
            return 0;
        if ((size_t)(end - p) >= 9 && kstrneq(p, "cmdline=\"", 9)) {
            const char *q = p + 9;
            while (q < end && *q && *q != '"')
                q++;
            if (q >= end || *q != '"' || q - (p + 9) >= (long)HVM_CMDLINE_MAX - 256) {
                printk("create-hvm: cmdline=\"... has no closing quote or is too long\n");
                return -HESTIA_EINVAL;
            }
            a->cmdline = p + 9;
            a->cmdline_len = (size_t)(q - (p + 9));
            p = q + 1;
            continue;
        }
        struct ktok t, v;
        ktokenize(p, (size_t)(end - p), &t, 1);
        p = t.s + t.len;
        if (ktok_key(&t, "initrd", &v)) {
            if ((a->initrd = find_module(v.s, v.len)) < 0)
                return a->initrd;
        } else if (ktok_key(&t, "mem", &v)) {
            if (kparse_u64(v.s, v.len, &a->mem) || !a->mem)
                return -HESTIA_EINVAL;
            if (a->mem < (1u << 20)) /* a bare number is MiB */
                a->mem <<= 20;
        } else if (ktok_key(&t, "weight", &v)) {
            if (kparse_u64(v.s, v.len, &a->weight))
                return -HESTIA_EINVAL;
        } else if (ktok_key(&t, "cap", &v)) {
            if (kparse_u64(v.s, v.len, &a->cap))
                return -HESTIA_EINVAL;
        } else {
            printk("create-hvm: unknown argument '%.*s'\n", (int)t.len, t.s);
            return -HESTIA_EINVAL;
        }
    }
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static void e820(uint8_t *bp, unsigned i, uint64_t addr, uint64_t size, uint32_t type)
{
    uint8_t *e = bp + 0x2d0 + 20 * i;
    put64(e, addr);
    put64(e + 8, size);
    put32(e + 16, type);
    bp[0x1e8] = (uint8_t)(i + 1);
}

/*
 * The counter rate dom0's own time record gives (ns = (ticks << shift) *
 * mul >> 32).  On x86_64 the counter is the TSC, which HVM guests read too.
 */
static uint64_t tsc_khz(void)
{
    const struct vcpu_time_info *t = &shared->vcpu_info[0].time;
    uint64_t mul = t->counter_to_ns_mul;
    int shift = t->counter_shift;
    if (!mul)
        return 0;
    /* ns per tick = mul * 2^shift / 2^32; kHz = 10^6 / that. */
    uint64_t khz = (1000000ull << 32) / mul;
    return shift >= 0 ? khz >> shift : khz << -shift;
}

static long load_bzimage(hestia_domid_t dom, const uint8_t *img, uint64_t size,
                         const struct hvm_args *a, uint64_t mem, uint64_t *entry)
{
    static uint8_t bp[HESTIA_PAGE_SIZE];
    static char cmdline[HVM_CMDLINE_MAX];
    unsigned version = img[0x206] | img[0x207] << 8;
    unsigned setup_sects = img[0x1f1] ? img[0x1f1] : 4;
    uint64_t pm_off = (setup_sects + 1ull) * 512;
    uint64_t pref = get32(img + 0x258) | (uint64_t)get32(img + 0x25c) << 32;
    uint32_t init_size = get32(img + 0x260);
    unsigned hdr_end = 0x202u + img[0x201];
    if (version < 0x20c || !(img[0x236] & 1) || pm_off >= size || hdr_end > 0x300 ||
        (pref & 0xfff) || pref < HVM_BOOT_END) {
        printk(
            "create-hvm: not a 64-bit bootable bzImage (boot protocol %x, xloadflags %x, "
            "setup %llu of %llu bytes)\n",
            version, img[0x236], (unsigned long long)pm_off, (unsigned long long)size);
        return -HESTIA_EINVAL;
    }
    uint64_t kernel_end = pref + MAX((uint64_t)init_size, size - pm_off);
    const struct start_module *rd = a->initrd >= 0 ? &start_info->modules[a->initrd] : NULL;
    uint64_t rd_size = rd ? rd->size : 0;
    uint64_t rd_max = MIN(mem, (uint64_t)get32(img + 0x22c) + 1);
    uint64_t rd_addr = (rd_max - rd_size) & ~(uint64_t)(HESTIA_PAGE_SIZE - 1);
    if (kernel_end + (8u << 20) > mem ||
        (rd && (rd_size > rd_max || rd_addr < kernel_end))) {
        printk(
            "create-hvm: %llu MiB is too little for this kernel (%llu MiB from %llx) and "
            "initrd (%llu bytes)\n",
            (unsigned long long)(mem >> 20),
            (unsigned long long)((kernel_end - pref) >> 20), (unsigned long long)pref,
            (unsigned long long)rd_size);
        return -HESTIA_ENOMEM;
    }
    long r = ts_write_guest(dom, pref, img + pm_off, size - pm_off);
    if (r >= 0 && rd)
        r = ts_write_guest(dom, rd_addr, gfn_to_va(rd->gfn), rd_size);
    if (r < 0)
        return r;
    for (size_t i = 0; i < sizeof(bp); i++)
        bp[i] = 0;
    for (unsigned i = 0x1f1; i < hdr_end; i++)
        bp[i] = img[i];
    bp[0x210] = 0xff;         /* type_of_loader: undefined */
    bp[0x211] |= 0x01 | 0x80; /* LOADED_HIGH, CAN_USE_HEAP */
    bp[0x224] = 0x00;         /* heap_end_ptr 0xfe00 */
    bp[0x225] = 0xfe;
    put32(bp + 0x228, HVM_CMDLINE);
    if (rd) {
        put32(bp + 0x218, (uint32_t)rd_addr);
        put32(bp + 0x21c, (uint32_t)rd_size);
    }
    e820(bp, 0, 0, 0x9fc00, 1);
    e820(bp, 1, 0x9fc00, 0x400, 2);
    e820(bp, 2, 0xf0000, 0x10000, 2);
    e820(bp, 3, 0x100000, mem - 0x100000, 1);
    /*
     * No firmware tables (acpi=off: Linux runs on the i8259 PIC and the
     * PIT, docs/hvm.md); the TSC rate is given so that no calibration
     * against the PIT is needed; no port 0x80 delays.
     */
    int len = ksnprintf(cmdline, sizeof(cmdline),
                        "console=ttyS0 acpi=off pci=off io_delay=none tsc=reliable "
                        "tsc_early_khz=%llu %.*s",
                        (unsigned long long)tsc_khz(), (int)a->cmdline_len, a->cmdline);
    uint32_t max_cmdline = version >= 0x206 ? get32(img + 0x238) : 255;
    if (len < 0 || (uint32_t)len > max_cmdline) {
        printk("create-hvm: the command line is longer than the kernel takes\n");
        return -HESTIA_EINVAL;
    }
    r = ts_write_guest(dom, HVM_CMDLINE, cmdline, (uint64_t)len + 1);
    if (r >= 0)
        r = ts_write_guest(dom, HVM_BOOT_PARAMS, bp, sizeof(bp));
    *entry = pref + 0x200;
    return r;
}

long ts_create_hvm(const char *line, size_t line_len)
{
    static struct hvm_args a;
    long r = parse_args(line, line_len, &a);
    if (r < 0)
        return r;
    long mod = a.kernel;
    uint64_t mem = a.mem & ~((2ull << 20) - 1);
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
    r = ts_domctl(DOMCTL_create, 0, &d);
    if (r < 0) {
        printk("create-hvm: %s%s\n", kstrerror(r),
               r == -HESTIA_ENOSYS ? " (no hardware-assisted virtualization here)" : "");
        return r;
    }
    hestia_domid_t dom = d.domid;
    const struct start_module *m = &start_info->modules[mod];
    uint64_t entry = 0, rsi = 0;
    const uint8_t *img = gfn_to_va(m->gfn);
    r = write_boot_area(dom, mem);
    if (r >= 0 && m->size >= 0x300 && kstrneq((const char *)img + 0x202, "HdrS", 4)) {
        r = load_bzimage(dom, img, m->size, &a, mem, &entry);
        rsi = HVM_BOOT_PARAMS;
    } else if (r >= 0) {
        r = a.initrd >= 0 || a.cmdline_len ? -HESTIA_EINVAL : 0;
        if (r < 0)
            printk("create-hvm: initrd= and cmdline= are for a Linux bzImage\n");
        else
            r = load_elf(dom, img, m->size, mem, &entry);
    }
    if (r >= 0) {
        struct hestia_domctl s = {0};
        s.u.hvm_start.cs = 0x10;
        s.u.hvm_start.gdt_base = HVM_GDT;
        s.u.hvm_start.gdt_limit = 4 * 8 - 1;
        s.u.hvm_start.cr3 = HVM_PML4;
        s.u.hvm_start.rip = entry;
        s.u.hvm_start.rsp = HVM_STACK_TOP;
        s.u.hvm_start.rsi = rsi;
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
