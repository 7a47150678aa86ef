/* SPDX-License-Identifier: MIT */
/*
 * Typed addresses (Hafnium's inc/hf/addr.h): a machine frame number, a
 * guest frame number (pseudo-physical), a guest virtual address and a
 * machine physical address are four different single-member structs, so
 * passing one where another is expected does not compile (tests/unit/compile_fail/ keeps
 * that true). Each is the size of a uint64_t: x86_64 and ia64 pass and return it in
 * registers like one, 32-bit x86 and ppc return it in registers
 * (-freg-struct-return, -msvr4-struct-return in their meson.build); the
 * ppc32 ABI passes it by reference, a few instructions per call
 * (docs/benchmarks.md).
 *
 * Build one with mfn(x), gfn(x), guest_va(x), paddr(x); read it with
 * mfn_val(), gfn_val(), guest_va_val(), paddr_val().  The constructors are
 * function-like macros, not functions, because core and the HAL have many
 * locals named mfn / gfn: a macro is not shadowed by them.  The readers
 * are functions, so reading the wrong kind does not compile either.
 *
 * The guest ABI (include/public) keeps plain integers: it is a wire
 * format; hypercall handlers convert at the boundary.
 */
#ifndef HAL_ADDR_H
#define HAL_ADDR_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    uint64_t v;
} mfn_t; /* machine frame number */

typedef struct {
    uint64_t v;
} gfn_t; /* guest frame number: an index into a domain's pseudo-physical memory */

typedef struct {
    uint64_t v;
} guest_va_t; /* guest virtual address (64-bit on every arch) */

typedef struct {
    uint64_t v;
} paddr_t; /* machine physical address */

#define mfn(x) ((mfn_t){.v = (x)})
#define gfn(x) ((gfn_t){.v = (x)})
#define guest_va(x) ((guest_va_t){.v = (x)})
#define paddr(x) ((paddr_t){.v = (x)})

static inline uint64_t mfn_val(mfn_t m)
{
    return m.v;
}

static inline uint64_t gfn_val(gfn_t g)
{
    return g.v;
}

static inline uint64_t guest_va_val(guest_va_t va)
{
    return va.v;
}

/* va + off (the caller checks for wrap-around where it matters). */
static inline guest_va_t guest_va_add(guest_va_t va, uint64_t off)
{
    return guest_va(va.v + off);
}

static inline uint64_t paddr_val(paddr_t pa)
{
    return pa.v;
}

static inline bool mfn_eq(mfn_t a, mfn_t b)
{
    return a.v == b.v;
}

static inline bool gfn_eq(gfn_t a, gfn_t b)
{
    return a.v == b.v;
}

#endif
