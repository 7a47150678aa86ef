/* SPDX-License-Identifier: MIT */
/*
 * The failure exit channel on QEMU ppce500: a pvpanic-pci device (run with
 * `-device pvpanic-pci -action panic=exit-failure`, QEMU exits 1).  Finding
 * it takes a small slice of PCI: config cycles through the e500 host bridge
 * at CCSR+0x8000, one outbound window for PCI memory and one TLB1 entry.
 * Bus and CPU addresses follow the device tree QEMU generates (and U-Boot's
 * own set-up): PCI memory at bus 0xE000_0000 appears at physical
 * 0xC_0000_0000, which U-Boot maps at effective 0xC000_0000, so reusing
 * that translation cannot conflict with a firmware entry.
 */
#include <ppc/arch.h>

#define PCI_CFG_ADDR 0x8000u
#define PCI_CFG_DATA 0x8004u
#define PCI_POW1 0x8c20u /* outbound window 1: POTAR, POTEAR, POWBAR, -, POWAR */
#define PCI_MEM_BUS 0xe0000000u
#define PCI_MEM_PHYS 0xc00000000ull
#define PCI_MEM_VIRT 0xc0000000u
#define PVPANIC_BAR_OFF 0x80000u
#define PVPANIC_ID 0x00111b36u /* device 0x0011, vendor 0x1b36 (Red Hat) */
#define PVPANIC_PANICKED 1u

static uint32_t cfg_read(unsigned dev, unsigned reg)
{
    uint32_t v;
    ccsr_write32(CCSR_VIRT + PCI_CFG_ADDR, 0x80000000u | dev << 11 | reg);
    /* The data port is little-endian. */
    __asm__ volatile("lwbrx %0, 0, %1; mbar"
                     : "=r"(v)
                     : "r"(CCSR_VIRT + PCI_CFG_DATA)
                     : "memory");
    return v;
}

static void cfg_write(unsigned dev, unsigned reg, uint32_t v)
{
    ccsr_write32(CCSR_VIRT + PCI_CFG_ADDR, 0x80000000u | dev << 11 | reg);
    __asm__ volatile("stwbrx %0, 0, %1; mbar"
                     :
                     : "r"(v), "r"(CCSR_VIRT + PCI_CFG_DATA)
                     : "memory");
}

bool ppc_pvpanic(void)
{
    unsigned dev;
    for (dev = 0; dev < 32; dev++)
        if (cfg_read(dev, 0) == PVPANIC_ID)
            break;
    if (dev == 32)
        return false;
    /* 1 MiB outbound window: 2^(OWS+1) bytes, OWS = 19; enabled, mem read/write. */
    uintptr_t pow = CCSR_VIRT + PCI_POW1;
    ccsr_write32(pow + 0x0, PCI_MEM_BUS >> 12);
    ccsr_write32(pow + 0x4, 0);
    ccsr_write32(pow + 0x8, (uint32_t)(PCI_MEM_PHYS >> 12));
    ccsr_write32(pow + 0x10, 0x80044000u | 19);
    if (!ppc_map_tlb1(PCI_MEM_VIRT, PCI_MEM_PHYS))
        return false;
    cfg_write(dev, 0x10, PCI_MEM_BUS + PVPANIC_BAR_OFF); /* BAR0 */
    cfg_write(dev, 0x04, 0x2);                           /* memory space on */
    ccsr_write8(PCI_MEM_VIRT + PVPANIC_BAR_OFF, PVPANIC_PANICKED);
    return true; /* QEMU has exited by now */
}
