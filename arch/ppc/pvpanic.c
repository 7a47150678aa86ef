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

#define PCI_POW1 0x8c20u /* outbound window 1: POTAR, POTEAR, POWBAR, -, POWAR */
#define PCI_MEM_BUS 0xe0000000u
#define PCI_MEM_PHYS 0xc00000000ull
#define PCI_MEM_VIRT 0xc0000000u
#define PVPANIC_BAR_OFF 0x80000u
#define PVPANIC_PANICKED 1u

bool ppc_pvpanic(void)
{
    unsigned dev = ppc_pvpanic_devfn() >> 3;
    if (dev >= 32)
        return false;
    /* 1 MiB outbound window: 2^(OWS+1) bytes, OWS = 19; enabled, mem read/write. */
    uintptr_t pow = CCSR_VIRT + PCI_POW1;
    ccsr_write32(pow + 0x0, PCI_MEM_BUS >> 12);
    ccsr_write32(pow + 0x4, 0);
    ccsr_write32(pow + 0x8, (uint32_t)(PCI_MEM_PHYS >> 12));
    ccsr_write32(pow + 0x10, 0x80044000u | 19);
    if (!ppc_map_tlb1(PCI_MEM_VIRT, PCI_MEM_PHYS))
        return false;
    ppc_pci_cfg_write32(dev << 3, 0x10, PCI_MEM_BUS + PVPANIC_BAR_OFF); /* BAR0 */
    ppc_pci_cfg_write32(dev << 3, 0x04, 0x2); /* memory space on */
    ccsr_write8(PCI_MEM_VIRT + PVPANIC_BAR_OFF, PVPANIC_PANICKED);
    return true; /* QEMU has exited by now */
}
