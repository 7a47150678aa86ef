/* SPDX-License-Identifier: MIT */
/*
 * The Multiboot v1 parser (arch/pc/multiboot.c) on the host, with
 * blocks the fuzzer (tests/fuzz/fuzz_multiboot.c) found to be mishandled.
 */
#include "harness.h"

#include <pc/multiboot.h>

TEST_SUITE("multiboot");

#define BASE 0x10000u
static uint8_t mem[4096];

static const void *phys(paddr_t addr, size_t len)
{
    uint64_t pa = paddr_val(addr);
    if (pa < BASE || pa - BASE > sizeof(mem) || len > sizeof(mem) - (pa - BASE))
        return NULL;
    return mem + (pa - BASE);
}

struct __attribute__((packed)) mmap_entry {
    uint32_t size;
    uint64_t base, len;
    uint32_t type;
};

/* An information block at BASE with a memory map of n entries at BASE + 256. */
static void block(const struct mmap_entry *e, unsigned n)
{
    memset(mem, 0, sizeof(mem));
    uint32_t info[13] = {0x40 /* MMAP */};
    info[11] = n * (uint32_t)sizeof(*e);
    info[12] = BASE + 256;
    memcpy(mem, info, sizeof(info));
    memcpy(mem + 256, e, n * sizeof(*e));
}

static uint64_t free_bytes(const struct hal_boot_info *bi)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < bi->nr_ram; i++)
        total += bi->ram[i].size;
    return total;
}

TEST_CASE(overlapping_ram_entries_give_each_frame_once)
{
    /* Two RAM entries that overlap by 4 MiB: 12 MiB of RAM, not 16. */
    struct mmap_entry e[2] = {{20, 0x100000, 0x800000, 1}, {20, 0x500000, 0x800000, 1}};
    block(e, 2);
    static struct hal_boot_info bi;
    REQUIRE(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, paddr(BASE), phys, paddr(0x100000),
                            paddr(0x100000), paddr(0xc0000000ull), &bi) == 0);
    CHECK_EQ(free_bytes(&bi), 0xc00000);
    for (unsigned i = 0; i < bi.nr_ram; i++)
        for (unsigned k = 0; k < i; k++)
            CHECK(paddr_val(bi.ram[i].base) >= paddr_val(bi.ram[k].base) + bi.ram[k].size ||
                  paddr_val(bi.ram[k].base) >= paddr_val(bi.ram[i].base) + bi.ram[i].size);
}

TEST_CASE(huge_entry_size_ends_the_walk)
{
    /* size + 4 wraps a 32-bit offset to where it was: the walk must still end. */
    struct mmap_entry e[1] = {{0xfffffffcu, 0x100000, 0x800000, 1}};
    block(e, 1);
    static struct hal_boot_info bi;
    CHECK_EQ(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, paddr(BASE), phys, paddr(0x100000),
                             paddr(0x100000), paddr(0xc0000000ull), &bi),
             0);
    CHECK_EQ(bi.nr_ram_total, 1);
}

TEST_CASE(entry_at_the_top_of_the_address_space_stays_there)
{
    /* Rounding its base up to a page wrapped to 0: [0, max_phys) became free RAM. */
    struct mmap_entry e[2] = {{20, 0xfffffffffffff001ull, 0xffe, 1},
                              {20, 0x100000, 0x100000, 1}};
    block(e, 2);
    static struct hal_boot_info bi;
    REQUIRE(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, paddr(BASE), phys, paddr(0x100000),
                            paddr(0x100000), paddr(0xc0000000ull), &bi) == 0);
    CHECK_EQ(bi.nr_ram, 1);
    CHECK_EQ(paddr_val(bi.ram[0].base), 0x100000);
    CHECK_EQ(free_bytes(&bi), 0x100000);
}

TEST_CASE(block_outside_memory_is_refused)
{
    static struct hal_boot_info bi;
    CHECK_EQ(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, paddr(BASE + sizeof(mem) - 8),
                             phys, paddr(0), paddr(0), paddr(0xc0000000ull), &bi),
             -1);
    CHECK_EQ(multiboot_parse(0x1badb002u, paddr(BASE), phys, paddr(0), paddr(0),
                             paddr(0xc0000000ull), &bi),
             -1);
}
