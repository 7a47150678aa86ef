/* SPDX-License-Identifier: MIT */
/*
 * Boot: what the arch hands to core_main().
 */
#ifndef HAL_BOOT_H
#define HAL_BOOT_H

#include "types.h"

#define HAL_MAX_RAM_REGIONS 16
#define HAL_MAX_MODULES 8

struct hal_mem_region {
    paddr_t base;
    uint64_t size;
};

struct hal_boot_module {
    paddr_t base; /* physical address of the image (page aligned) */
    uint64_t size;
    const char *cmdline; /* the loader's string for it ("dom0", "domu-ping") */
};

struct hal_boot_info {
    const char *platform; /* "pc", "ppce500", "ia64sim", "host" */
    const char *cmdline;  /* hypervisor command line, "" if none */
    /*
     * RAM free for the frame allocator: the hypervisor image, boot modules,
     * firmware and the arch's own early allocations are already excluded.
     */
    unsigned nr_ram;
    struct hal_mem_region ram[HAL_MAX_RAM_REGIONS];
    /* All RAM the platform reported, for the banner. */
    unsigned nr_ram_total;
    struct hal_mem_region ram_total[HAL_MAX_RAM_REGIONS];
    unsigned nr_modules;
    struct hal_boot_module modules[HAL_MAX_MODULES];
    unsigned nr_cpus;
};

/*
 * Load an ELF image (32- or 64-bit, of this target's machine type) from
 * [image, image+size) into a guest.  Implemented once in hal/lib/elf.c for
 * every arch.  For each PT_LOAD segment calls put(ctx, vaddr, data, filesz,
 * memsz).  Returns 0 and the entry point, or -HESTIA_EINVAL for a malformed
 * image, -HESTIA_ENOEXEC-like -HESTIA_EINVAL for the wrong machine, or the
 * first error put() returned.  Context: any; never trusts the image.
 */
typedef int (*hal_elf_put_fn)(void *ctx, uint64_t vaddr, const void *data, uint64_t filesz,
                              uint64_t memsz);
int hal_elf_load(const void *image, uint64_t size, hal_elf_put_fn put, void *ctx,
                 uint64_t *entry);

/* The ELF e_machine this target loads (EM_X86_64, EM_386, EM_PPC, EM_IA_64). */
unsigned hal_elf_machine(void);

#endif
