/* SPDX-License-Identifier: MIT */
/* Multiboot v1 information block -> struct hal_boot_info. */
#include <pc/multiboot.h>

#define MB_INFO_MEMORY 0x001
#define MB_INFO_CMDLINE 0x004
#define MB_INFO_MODS 0x008
#define MB_INFO_MMAP 0x040
#define MB_MMAP_RAM 1

struct mb_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_module {
    uint32_t mod_start, mod_end, string, reserved;
} __attribute__((packed));

struct mb_mmap {
    uint32_t size;
    uint64_t base, len;
    uint32_t type;
} __attribute__((packed));

#define LOW_MEM_END 0x100000u
#define PAGE_MASK ((uint64_t)HAL_PAGE_SIZE - 1)

/* Command lines live in the loader's memory, which becomes free RAM: keep copies. */
static char strings[1024];
static size_t strings_used;

/* A copy of the NUL-terminated string at physical pa, read byte by byte through p2v. */
static const char *keep_string(multiboot_phys_fn p2v, uint32_t pa)
{
    if (!pa)
        return "";
    char *d = &strings[strings_used];
    size_t room = sizeof(strings) - strings_used;
    if (room < 2)
        return "";
    size_t n = 0;
    while (n + 1 < room) {
        const char *c = p2v(paddr((uint64_t)pa + n), 1);
        if (!c || !*c)
            break;
        d[n++] = *c;
    }
    d[n] = 0;
    strings_used += n + 1;
    return d;
}

static void add_region(struct hal_mem_region *r, unsigned *nr, uint64_t base, uint64_t end)
{
    if (end <= base || *nr >= HAL_MAX_RAM_REGIONS)
        return;
    r[*nr].base = paddr(base);
    r[*nr].size = end - base;
    (*nr)++;
}

/* Remove [base, end) from the free list, splitting a region if needed. */
static void exclude(struct hal_boot_info *bi, uint64_t base, uint64_t end)
{
    base &= ~PAGE_MASK;
    end = (end + PAGE_MASK) & ~PAGE_MASK;
    for (unsigned i = 0; i < bi->nr_ram; i++) {
        uint64_t rb = paddr_val(bi->ram[i].base), re = rb + bi->ram[i].size;
        if (end <= rb || base >= re)
            continue;
        /* Replace region i by its part below base and its part above end. */
        bi->ram[i] = bi->ram[--bi->nr_ram];
        add_region(bi->ram, &bi->nr_ram, rb, base);
        add_region(bi->ram, &bi->nr_ram, end, re);
        i = (unsigned)-1; /* rescan: the list was reordered */
    }
}

int multiboot_parse(uint32_t magic, paddr_t mbi_pa, multiboot_phys_fn p2v,
                    paddr_t image_start_pa, paddr_t image_end_pa, paddr_t max_phys_pa,
                    struct hal_boot_info *bi)
{
    /* The parser's arithmetic is on plain numbers; typed at the interface. */
    uint64_t image_start = paddr_val(image_start_pa), image_end = paddr_val(image_end_pa),
             max_phys = paddr_val(max_phys_pa);
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
        return -1;
    const struct mb_info *mbi = p2v(mbi_pa, sizeof(*mbi));
    if (!mbi)
        return -1;
    strings_used = 0; /* one parse per boot */
    bi->platform = "pc";
    bi->nr_cpus = 1;
    bi->cmdline = (mbi->flags & MB_INFO_CMDLINE) ? keep_string(p2v, mbi->cmdline) : "";

    bi->nr_ram_total = 0;
    if (mbi->flags & MB_INFO_MMAP) {
        uint64_t off = 0; /* 64-bit: a huge entry size must end the walk, not wrap it */
        while (off + sizeof(struct mb_mmap) <= mbi->mmap_length) {
            const struct mb_mmap *e =
                p2v(paddr((uint64_t)mbi->mmap_addr + off), sizeof(*e));
            if (!e)
                return -1;
            if (e->type == MB_MMAP_RAM)
                add_region(bi->ram_total, &bi->nr_ram_total, e->base, e->base + e->len);
            off += (uint64_t)e->size + 4;
        }
    } else if (mbi->flags & MB_INFO_MEMORY) {
        add_region(bi->ram_total, &bi->nr_ram_total, 0, (uint64_t)mbi->mem_lower * 1024);
        add_region(bi->ram_total, &bi->nr_ram_total, LOW_MEM_END,
                   LOW_MEM_END + (uint64_t)mbi->mem_upper * 1024);
    } else {
        return -1;
    }

    /* Free RAM: whole pages above 1 MiB and below the direct map's end. */
    bi->nr_ram = 0;
    for (unsigned i = 0; i < bi->nr_ram_total; i++) {
        uint64_t b = paddr_val(bi->ram_total[i].base), e = b + bi->ram_total[i].size;
        if (b < LOW_MEM_END)
            b = LOW_MEM_END;
        if (e > max_phys)
            e = max_phys;
        if (b >= e)
            continue; /* before rounding up: b near 2^64 would wrap to 0 */
        b = (b + PAGE_MASK) & ~PAGE_MASK;
        e &= ~PAGE_MASK;
        if (e <= b)
            continue;
        /* Firmware maps may overlap: a frame must enter the free list once. */
        exclude(bi, b, e);
        add_region(bi->ram, &bi->nr_ram, b, e);
    }
    exclude(bi, image_start, image_end);

    bi->nr_modules = 0;
    if (mbi->flags & MB_INFO_MODS) {
        for (uint32_t i = 0; i < mbi->mods_count && i < HAL_MAX_MODULES; i++) {
            const struct mb_module *m =
                p2v(paddr((uint64_t)mbi->mods_addr + (uint64_t)i * sizeof(*m)), sizeof(*m));
            if (!m)
                return -1;
            if (m->mod_end < m->mod_start || (m->mod_start & PAGE_MASK))
                continue; /* we ask for page alignment (header flag 0) */
            struct hal_boot_module *bm = &bi->modules[bi->nr_modules++];
            bm->base = paddr(m->mod_start);
            bm->size = m->mod_end - m->mod_start;
            bm->cmdline = keep_string(p2v, m->string);
            exclude(bi, m->mod_start, m->mod_end);
        }
    }
    return 0;
}
