/* SPDX-License-Identifier: MIT */
/* Definitions private to arch/ia64. */
#ifndef ARCH_IA64_IA64_H
#define ARCH_IA64_IA64_H

#include <hal/types.h>

/* Ski simulator system calls (break 0x80001, number in r15). */
#define SSC_GETCHAR 21
#define SSC_PUTCHAR 31
#define SSC_GET_RTC 65
#define SSC_EXIT 66

/* The boot table tools/ia64sim leaves at r28 (see its --help). */
#define IA64SIM_BOOT_MAGIC 0x314d495334364149ull /* "IA64SIM1" */
struct ia64sim_boot_table {
    uint64_t magic;
    uint64_t version;
    uint64_t ram_size;
    uint64_t nr_modules;
    uint64_t cmdline; /* physical address of a C string, 0 if none */
    uint64_t first_free;
    uint64_t reserved[2];
    struct {
        uint64_t base;
        uint64_t size;
        char name[48];
    } modules[];
};

long ia64_ssc(long a0, long a1, long a2, long a3, long nr);
void ia64_puts(const char *s);
void ia64_putu64(uint64_t v);

#endif
