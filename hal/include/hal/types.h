/* SPDX-License-Identifier: MIT */
/*
 * Types shared by core/ and the HAL.  Arch state is reached through the
 * incomplete types struct hal_vcpu and struct hal_as: each backend defines
 * them in its own directory, core/ only holds pointers, so core/ is compiled
 * from the same source for every target without including an arch header.
 */
#ifndef HAL_TYPES_H
#define HAL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h" /* mfn_t, gfn_t, guest_va_t, paddr_t */

#define HAL_PAGE_SHIFT 12
#define HAL_PAGE_SIZE ((size_t)1 << HAL_PAGE_SHIFT)
#define MFN_INVALID mfn(~0ull)

#define HAL_MAX_CPUS 8

struct domain;   /* core/: a domain */
struct vcpu;     /* core/: a virtual CPU */
struct hal_vcpu; /* arch: register state of one vCPU */
struct hal_as;   /* arch: one guest address space (page tables / TLB state) */

#if defined(__GNUC__)
#define HAL_NORETURN __attribute__((noreturn))
#else
#define HAL_NORETURN
#endif

#endif
