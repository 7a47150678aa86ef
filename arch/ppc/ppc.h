/* SPDX-License-Identifier: MIT */
/* e500v2 (Book-E) definitions private to arch/ppc. */
#ifndef ARCH_PPC_PPC_H
#define ARCH_PPC_PPC_H

#include <hal/types.h>

/*
 * CCSR, the SoC register block: physical 0xF_E000_0000 on QEMU ppce500
 * (36-bit), mapped at the same effective address U-Boot uses for it, so a
 * duplicate of U-Boot's own entry translates identically.
 */
#define CCSR_PHYS 0xfe0000000ull
#define CCSR_VIRT 0xe0000000u
#define CCSR_SIZE 0x100000u /* 1 MiB: DUART at 0x4500, GUTS at 0xe0000 */
#define CCSR_UART0 0x4500u
#define CCSR_GUTS_RSTCR 0xe00b0u
#define RSTCR_HRESET_REQ 0x2u

/* Book-E MMU assist registers. */
#define SPR_MAS0 624
#define SPR_MAS1 625
#define SPR_MAS2 626
#define SPR_MAS3 627
#define SPR_MAS7 944
#define SPR_TLB1CFG 689
#define MAS0_TLBSEL1 0x10000000u
#define MAS0_ESEL(e) ((uint32_t)(e) << 16)
#define MAS1_VALID 0x80000000u
#define MAS1_IPROT 0x40000000u
#define MAS1_TSIZE(t) ((uint32_t)(t) << 8) /* page size 4^t KiB */
#define MAS2_I 0x8u
#define MAS2_G 0x2u
#define MAS3_SW 0x4u
#define MAS3_SR 0x1u

#define mfspr(n)                                                                           \
    ({                                                                                     \
        uint32_t v_;                                                                       \
        __asm__ volatile("mfspr %0, %1" : "=r"(v_) : "i"(n));                              \
        v_;                                                                                \
    })
#define mtspr(n, v) __asm__ volatile("mtspr %0, %1" : : "i"(n), "r"((uint32_t)(v)))

static inline uint8_t ccsr_read8(uintptr_t addr)
{
    uint8_t v;
    __asm__ volatile("lbz %0, 0(%1); mbar" : "=r"(v) : "b"(addr) : "memory");
    return v;
}

static inline void ccsr_write8(uintptr_t addr, uint8_t v)
{
    __asm__ volatile("stb %0, 0(%1); mbar" : : "r"(v), "b"(addr) : "memory");
}

static inline void ccsr_write32(uintptr_t addr, uint32_t v)
{
    __asm__ volatile("stw %0, 0(%1); mbar" : : "r"(v), "b"(addr) : "memory");
}

/*
 * Map 1 MiB at effective va to physical pa (cache-inhibited, guarded,
 * supervisor read/write) with a free TLB1 entry; false if none is free.
 */
bool ppc_map_tlb1(uint32_t va, uint64_t pa);
/* Map CCSR at CCSR_VIRT. */
bool ppc_map_ccsr(void);
/* Signal failure through pvpanic-pci (QEMU exits 1); false if absent. */
bool ppc_pvpanic(void);
/* Start the DUART console (after ppc_map_ccsr). */
void ppc_console_init(void);
/* Print helpers usable before and without core/. */
void ppc_puts(const char *s);
void ppc_putu64(uint64_t v);

#endif
