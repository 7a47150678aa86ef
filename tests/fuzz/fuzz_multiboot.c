/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 information blocks against arch/pc/multiboot.c (the
 * x86 and x86_64 boot input).  The input is a small physical memory image
 * placed at PHYS_BASE in a buffer of exactly its size; the parser reaches
 * it only through a bounded p2v, so any read past it is an ASan report or
 * a NULL the parser must handle.  A header in the input picks the magic,
 * the block's address, the hypervisor image range and max_phys.
 * Checked on success: region and module counts within their arrays, free
 * RAM page aligned, at or above 1 MiB, below max_phys, clear of the image,
 * the modules and each other, and every command line terminated.
 */
#include <pc/multiboot.h>
#include <string.h>

#include "fuzz_common.h"

#define PHYS_BASE 0x10000u
#define PAGE 4096u

static const uint8_t *mem;
static size_t mem_len;

static const void *phys(paddr_t addr, size_t len)
{
    uint64_t pa = paddr_val(addr);
    if (pa < PHYS_BASE || pa - PHYS_BASE > mem_len || len > mem_len - (pa - PHYS_BASE))
        return NULL;
    return mem + (pa - PHYS_BASE);
}

static int overlap(uint64_t b1, uint64_t e1, uint64_t b2, uint64_t e2)
{
    return b1 < e2 && b2 < e1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = {data, size};
    uint8_t how = fz_u8(&f);
    uint32_t magic = (how & 0xf) ? MULTIBOOT_BOOTLOADER_MAGIC : fz_u32(&f);
    uint64_t mbi = PHYS_BASE + fz_u16(&f) % 512;
    uint64_t image_start = 0x100000 + (uint64_t)fz_u16(&f) * PAGE;
    uint64_t image_end = image_start + (uint64_t)fz_u16(&f) * 16;
    uint64_t max_phys = (how & 0x10) ? 0xc0000000ull : ((uint64_t)fz_u32(&f) << 12);

    uint8_t *copy =
        malloc(f.n ? f.n : 1); /* exactly the rest: overreads are ASan reports */
    if (!copy)
        return 0;
    memcpy(copy, f.p, f.n);
    mem = copy;
    mem_len = f.n;

    static struct hal_boot_info bi;
    memset(&bi, 0x5a, sizeof(bi));
    if (multiboot_parse(magic, paddr(mbi), phys, paddr(image_start), paddr(image_end),
                        paddr(max_phys), &bi) == 0) {
        FUZZ_ASSERT(bi.nr_ram <= HAL_MAX_RAM_REGIONS, "nr_ram %u", bi.nr_ram);
        FUZZ_ASSERT(bi.nr_ram_total <= HAL_MAX_RAM_REGIONS, "nr_ram_total %u",
                    bi.nr_ram_total);
        FUZZ_ASSERT(bi.nr_modules <= HAL_MAX_MODULES, "nr_modules %u", bi.nr_modules);
        (void)strlen(bi.cmdline);
        for (unsigned i = 0; i < bi.nr_modules; i++)
            (void)strlen(bi.modules[i].cmdline);
        uint64_t img_b = image_start & ~(uint64_t)(PAGE - 1);
        uint64_t img_e = (image_end + PAGE - 1) & ~(uint64_t)(PAGE - 1);
        for (unsigned i = 0; i < bi.nr_ram; i++) {
            uint64_t b = paddr_val(bi.ram[i].base), e = b + bi.ram[i].size;
            FUZZ_ASSERT(bi.ram[i].size && e > b, "region %u empty or wrapping", i);
            FUZZ_ASSERT(!(b % PAGE) && !(e % PAGE), "region %u not page aligned", i);
            FUZZ_ASSERT(b >= 0x100000 && e <= max_phys,
                        "region %u [%llx, %llx) out of range", i, (unsigned long long)b,
                        (unsigned long long)e);
            FUZZ_ASSERT(!overlap(b, e, img_b, img_e), "region %u overlaps the image", i);
            for (unsigned m = 0; m < bi.nr_modules; m++)
                FUZZ_ASSERT(!overlap(b, e, paddr_val(bi.modules[m].base),
                                     paddr_val(bi.modules[m].base) + bi.modules[m].size),
                            "region %u overlaps module %u", i, m);
            for (unsigned k = 0; k < i; k++)
                FUZZ_ASSERT(!overlap(b, e, paddr_val(bi.ram[k].base),
                                     paddr_val(bi.ram[k].base) + bi.ram[k].size),
                            "regions %u and %u overlap: frames would be handed out twice",
                            k, i);
        }
    }
    free(copy);
    return 0;
}
