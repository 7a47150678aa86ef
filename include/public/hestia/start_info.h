/* SPDX-License-Identifier: MIT */
/*
 * Start info: handed to a guest at entry.  Its virtual address is in
 * esi on x86, rsi on x86_64, r3 on ppc and r28 on ia64.
 *
 * At entry the whole pseudo-physical memory is mapped at virt_base
 * (gfn N at virt_base + N * 4096, kernel read/write/execute), the kernel
 * image is loaded at its link addresses inside that window, events are
 * masked and the stack pointer is valid.
 */
#ifndef HESTIA_PUBLIC_START_INFO_H
#define HESTIA_PUBLIC_START_INFO_H

#include "abi.h"

#define HESTIA_START_MAGIC 0x48535441u /* "HSTA" */
#define START_MAX_MODULES 8
#define START_CMDLINE_SIZE 256

#define SIF_PRIVILEGED 0x1 /* may use domctl (dom0) */
#define SIF_INITDOMAIN 0x2 /* owns the physical console */
/*
 * The hypervisor was booted with "realtime": guest time follows the host's
 * clock (an emulator without instruction counting), so a loaded host can
 * delay timers and steal time; timing tests widen their bounds.
 */
#define SIF_REALTIME 0x4

struct start_module {
    uint64_t gfn;  /* first frame; the module is contiguous in gfn space */
    uint64_t size; /* bytes */
    char name[48]; /* the loader's command line for the module */
};

struct hestia_start_info {
    uint32_t magic;
    uint32_t abi_version;
    uint64_t nr_pages;
    uint64_t virt_base; /* VA of gfn 0 */
    uint64_t shared_info_va;
    uint64_t first_free_gfn; /* frames from here to nr_pages-1 are unused */
    uint32_t console_port;   /* port bound to VIRQ_CONSOLE, or 0 */
    uint32_t flags;          /* SIF_* */
    hestia_domid_t domid;
    uint16_t nr_vcpus; /* vCPUs of the domain (VCPUOP_up starts 1..n-1); 0 = 1 */
    uint32_t nr_modules;
    struct start_module modules[START_MAX_MODULES];
    char cmdline[START_CMDLINE_SIZE];
};

#endif
