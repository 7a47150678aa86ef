/* SPDX-License-Identifier: MIT */
/*
 * Inside the native ppc (e500v2) platform: what boot.S, platform.c and
 * pt.c share.  Plain numbers for C and assembler alike; the structures are
 * for C only.
 */
#ifndef NATIVE_PPC_H
#define NATIVE_PPC_H

/* Where the kernel maps physical 0 with TLB1 and is linked (PV: virt_base too). */
#define NATIVE_VIRT_BASE 0x20000000
/* CCSR (1 MiB: DUART 0 at 0x4500, PCI controller at 0x8000, GUTS at 0xe0000). */
#define NAT_CCSR_VIRT 0xe0000000
#define NAT_PCI_MEM_VIRT 0xe0100000 /* 1 MiB of PCI memory: pvpanic, the failure exit */

#define SPR_DEC 22
#define SPR_SRR0 26
#define SPR_SRR1 27
#define SPR_PID0 48
#define SPR_DEAR 61
#define SPR_ESR 62
#define SPR_IVPR 63
#define SPR_SPRG0 272
#define SPR_SPRG1 273
#define SPR_TSR 336
#define SPR_TCR 340
#define SPR_MAS0 624
#define SPR_MAS1 625
#define SPR_MAS2 626
#define SPR_MAS3 627
#define SPR_MAS4 628
#define SPR_TLB0CFG 688
#define SPR_TLB1CFG 689
#define SPR_MAS7 944
#define SPR_HID0 1008

#define MSR_WE 0x00040000
#define MSR_EE 0x00008000
#define MSR_PR 0x00004000
#define MSR_ME 0x00001000
#define HID0_DOZE 0x00800000
#define TSR_DIS 0x08000000
#define TCR_DIE 0x04000000
#define ESR_PIL 0x08000000
#define ESR_PPR 0x04000000
#define ESR_PTR 0x02000000
#define ESR_ST 0x00800000

#define MAS0_TLBSEL1 0x10000000
#define MAS1_VALID 0x80000000
#define MAS1_IPROT 0x40000000
#define MAS2_I 0x8
#define MAS2_M 0x4
#define MAS2_G 0x2
#define MAS3_UX 0x20
#define MAS3_SX 0x10
#define MAS3_UW 0x08
#define MAS3_SW 0x04
#define MAS3_UR 0x02
#define MAS3_SR 0x01
/*
 * A page-table entry is the TLB0 entry's MAS3 (frame and permission bits)
 * plus PTE_VALID, MAS3's user attribute bit U0, which the refill clears.
 */
#define PTE_VALID 0x200

/* struct nat_frame offsets (checked in platform.c). */
#define FR_GPR(n) ((n)*4)
#define FR_CR 128
#define FR_LR 132
#define FR_CTR 136
#define FR_XER 140
#define FR_PC 144
#define FR_MSR 148
#define FR_VEC 152
#define FR_DEAR 156
#define FR_ESR 160
#define FR_SIZE 164

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The registers an interrupt saves (boot.S, into nat_frame). */
struct nat_frame {
    uint32_t gpr[32];
    uint32_t cr, lr, ctr, xer;
    uint32_t pc, msr; /* SRR0, SRR1 */
    uint32_t vector;  /* the IVOR number */
    uint32_t dear, esr;
};

#define mfspr(n)                                                                           \
    ({                                                                                     \
        uint32_t v_;                                                                       \
        __asm__ volatile("mfspr %0, %1" : "=r"(v_) : "i"(n));                              \
        v_;                                                                                \
    })
#define mtspr(n, v) __asm__ volatile("mtspr %0, %1" : : "i"(n), "r"((uint32_t)(v)))

/* Write one TLB entry from its MAS values. */
void nat_tlbwe(uint32_t mas0, uint32_t mas1, uint32_t mas2, uint32_t mas3, uint32_t mas7);
/*
 * The page tables for a machine with mem_bytes of RAM (the direct map's
 * TLB1 entries cover it): the pool of page-table frames at the top of RAM,
 * the kernel's table.  Returns the frames left to the kernel.
 */
uint64_t nat_pt_init(uint64_t mem_bytes);
#endif

#endif
