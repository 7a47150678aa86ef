/* SPDX-License-Identifier: MIT */
/* Early MMU setup: TLB1 entries for device registers (CCSR, PCI memory). */
#include <ppc/arch.h>

static void tlb1_read(unsigned esel)
{
    mtspr(SPR_MAS0, MAS0_TLBSEL1 | MAS0_ESEL(esel));
    __asm__ volatile("isync; tlbre; isync" ::: "memory");
}

bool ppc_map_tlb1(uint32_t va, uint64_t pa)
{
    unsigned entries = mfspr(SPR_TLB1CFG) & 0xfff;
    /*
     * U-Boot already maps CCSR (and PCI) at these addresses: a second entry
     * for the same page would be a multiple hit, undefined on real cores.
     */
    for (unsigned esel = 0; esel < entries; esel++) {
        tlb1_read(esel);
        uint32_t mas1 = mfspr(SPR_MAS1);
        if ((mas1 & MAS1_VALID) && !(mas1 & MAS1_TS) &&
            (mfspr(SPR_MAS2) & 0xfffff000u) == va &&
            (mfspr(SPR_MAS3) & 0xfffff000u) == (uint32_t)pa &&
            (mfspr(SPR_MAS7) & 0xf) == (uint32_t)(pa >> 32) && ((mas1 >> 8) & 0xf) >= 5) {
            /* Ours now: the secondary CPUs load it too. */
            ppc_tlb1_record(MAS0_TLBSEL1 | MAS0_ESEL(esel), mas1, mfspr(SPR_MAS2),
                            mfspr(SPR_MAS3), mfspr(SPR_MAS7));
            return true;
        }
    }
    /*
     * Entry 0 holds the boot mapping (QEMU's or U-Boot's); take the highest
     * invalid entry so nothing the firmware still relies on is replaced.
     */
    for (unsigned esel = entries - 1; esel > 0; esel--) {
        tlb1_read(esel);
        if (mfspr(SPR_MAS1) & MAS1_VALID)
            continue;
        uint32_t mas0 = MAS0_TLBSEL1 | MAS0_ESEL(esel);
        uint32_t mas1 = MAS1_VALID | MAS1_IPROT | MAS1_TSIZE(5); /* 1 MiB */
        uint32_t mas2 = va | MAS2_I | MAS2_G;
        uint32_t mas3 = (uint32_t)pa | MAS3_SW | MAS3_SR;
        uint32_t mas7 = (uint32_t)(pa >> 32); /* e500v2: 36-bit physical */
        mtspr(SPR_MAS0, mas0);
        mtspr(SPR_MAS1, mas1);
        mtspr(SPR_MAS2, mas2);
        mtspr(SPR_MAS3, mas3);
        mtspr(SPR_MAS7, mas7);
        __asm__ volatile("isync; tlbwe; isync; msync" ::: "memory");
        ppc_tlb1_record(mas0, mas1, mas2, mas3, mas7);
        return true;
    }
    return false;
}

bool ppc_map_ccsr(uint64_t phys)
{
    return ppc_map_tlb1(CCSR_VIRT, phys);
}
