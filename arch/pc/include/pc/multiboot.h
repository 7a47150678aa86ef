/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 information block -> struct hal_boot_info (pc/multiboot.c).
 * Pure code with no PC dependency, so the host fuzzer (tests/fuzz) runs the
 * same file against hostile blocks.
 */
#ifndef PC_MULTIBOOT_H
#define PC_MULTIBOOT_H

#include <hal/boot.h>
#include <hal/types.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002u

/*
 * A pointer to the len bytes at physical address pa, or NULL when
 * [pa, pa + len) is not all readable (outside the direct map).
 */
typedef const void *(*multiboot_phys_fn)(paddr_t pa, size_t len);

/*
 * Fill bi from the loader's information block at physical mbi.  Every read
 * of the block, its memory map, module list and strings goes through p2v
 * with its exact length, so nothing in the block is trusted.  The free RAM
 * excludes [0, 1 MiB), [image_start, image_end) and the modules, and stops
 * at max_phys (the end of the direct map); command lines are copied into
 * static storage so the block itself may be reused.  Returns 0, or -1 if
 * the magic, the flags or the block itself are unusable.
 */
int multiboot_parse(uint32_t magic, paddr_t mbi, multiboot_phys_fn p2v, paddr_t image_start,
                    paddr_t image_end, paddr_t max_phys, struct hal_boot_info *bi);

#endif
