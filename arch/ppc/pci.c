/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration space on QEMU's ppce500: the e500 host bridge's
 * CFG_ADDR / CFG_DATA registers at CCSR+0x8000 (the standard
 * enable | bus | devfn | dword address, then the data register, which is
 * little-endian: hence the byte-reversed loads and stores).  The
 * hypervisor drives one function itself, the pvpanic device that is its
 * failure exit (pvpanic.c); dom0 may read it but not write to it.
 */
#include <hal/physdev.h>
#include <hestia/errno.h>
#include <hestia/physdev.h>
#include <ppc/arch.h>

#define PCI_CFG_ADDR 0x8000u
#define PCI_CFG_DATA 0x8004u
#define PCI_CFG_ENABLE 0x80000000u
#define PVPANIC_ID 0x00111b36u /* device 0x0011, vendor 0x1b36 (Red Hat) */

static uintptr_t select_reg(unsigned bus, unsigned devfn, unsigned reg)
{
    ccsr_write32(CCSR_VIRT + PCI_CFG_ADDR,
                 PCI_CFG_ENABLE | bus << 16 | devfn << 8 | (reg & 0xfcu));
    return CCSR_VIRT + PCI_CFG_DATA + (reg & 3u);
}

static uint32_t cfg_read(unsigned bus, unsigned devfn, unsigned reg, unsigned size)
{
    uintptr_t data = select_reg(bus, devfn, reg);
    uint32_t v;
    if (size == 4)
        __asm__ volatile("lwbrx %0, 0, %1; mbar" : "=r"(v) : "r"(data) : "memory");
    else if (size == 2)
        __asm__ volatile("lhbrx %0, 0, %1; mbar" : "=r"(v) : "r"(data) : "memory");
    else
        __asm__ volatile("lbz %0, 0(%1); mbar" : "=r"(v) : "b"(data) : "memory");
    return v;
}

static void cfg_write(unsigned bus, unsigned devfn, unsigned reg, unsigned size, uint32_t v)
{
    uintptr_t data = select_reg(bus, devfn, reg);
    if (size == 4)
        __asm__ volatile("stwbrx %0, 0, %1; mbar" : : "r"(v), "r"(data) : "memory");
    else if (size == 2)
        __asm__ volatile("sthbrx %0, 0, %1; mbar" : : "r"(v), "r"(data) : "memory");
    else
        __asm__ volatile("stb %0, 0(%1); mbar" : : "r"(v), "b"(data) : "memory");
}

void ppc_pci_cfg_write32(unsigned devfn, unsigned reg, uint32_t v)
{
    cfg_write(0, devfn, reg, 4, v);
}

unsigned ppc_pvpanic_devfn(void)
{
    static unsigned found; /* devfn + 1 once scanned; 257: absent */
    for (unsigned dev = 0; !found && dev < 32; dev++)
        if (cfg_read(0, dev << 3, 0, 4) == PVPANIC_ID)
            found = (dev << 3) + 1;
    if (!found)
        found = 257;
    return found - 1;
}

int hal_pci_cfg_read(unsigned bus, unsigned devfn, unsigned reg, unsigned size,
                     uint32_t *value)
{
    *value = cfg_read(bus, devfn, reg, size);
    return 0;
}

int hal_pci_cfg_write(unsigned bus, unsigned devfn, unsigned reg, unsigned size,
                      uint32_t value)
{
    if (bus == 0 && devfn == ppc_pvpanic_devfn())
        return -HESTIA_EPERM;
    cfg_write(bus, devfn, reg, size, value);
    return 0;
}

/*
 * PCI memory as QEMU's ppce500 device tree describes it (/pci ranges, and
 * U-Boot's own set-up): bus 0xE000_0000..0xFFFF_FFFF at physical
 * 0xC_0000_0000.  The first MiB is the hypervisor's: pvpanic.c puts its
 * failure exit's BAR there.
 */
#define PCI_MEM_BUS 0xe0000000ull
#define PCI_MEM_PHYS 0xc00000000ull
#define PCI_MEM_SIZE 0x20000000ull
#define PCI_MEM_HV 0x100000ull
#define PCI_POW1 0x8c20u /* outbound window 1: POTAR, POTEAR, POWBAR, -, POWAR */
#define PCI_PIW1 0x8de0u /* inbound window 1: PITAR, -, PIWBAR, PIWBEAR, PIWAR */
#define POWAR_EN_MEM_RW 0x80044000u
#define PIWAR_EN_LOCAL_SNOOP 0xa0f55000u /* enable, prefetch, local memory, snooped */
#define PIWAR_2GIB 30u                   /* 2^(30 + 1) bytes: all of ppce500's RAM */

/*
 * Open the bridge both ways, as U-Boot would: the CPU reaches PCI memory
 * through outbound window 1 (all 512 MiB), and devices reach RAM through
 * inbound window 1 at bus address = physical address (what
 * PHYSDEVOP_dma_translate gives dom0).  Booted through U-Boot, this
 * rewrites the windows with the same translation.  (QEMU 7.2 shows RAM to
 * devices even without the inbound window; the hardware does not.)
 */
static void open_windows(void)
{
    uintptr_t pow = CCSR_VIRT + PCI_POW1, piw = CCSR_VIRT + PCI_PIW1;
    ccsr_write32(pow + 0x0, (uint32_t)(PCI_MEM_BUS >> 12));
    ccsr_write32(pow + 0x4, 0);
    ccsr_write32(pow + 0x8, (uint32_t)(PCI_MEM_PHYS >> 12));
    ccsr_write32(pow + 0x10, POWAR_EN_MEM_RW | 28u); /* 2^(28 + 1) = 512 MiB */
    ccsr_write32(piw + 0x0, 0);
    ccsr_write32(piw + 0x8, 0);
    ccsr_write32(piw + 0xc, 0);
    ccsr_write32(piw + 0x10, PIWAR_EN_LOCAL_SNOOP | PIWAR_2GIB);
}

int hal_pci_window(unsigned index, struct hal_pci_window *w)
{
    static bool opened;
    if (index > 0)
        return -HESTIA_ENOENT;
    if (!opened) {
        open_windows();
        opened = true;
    }
    *w = (struct hal_pci_window){.cpu_base = PCI_MEM_PHYS + PCI_MEM_HV,
                                 .bus_base = PCI_MEM_BUS + PCI_MEM_HV,
                                 .size = PCI_MEM_SIZE - PCI_MEM_HV,
                                 .flags = PHYSDEV_PCI_WINDOW_MEM};
    return 0;
}

/* No I/O port space on this platform: devices are memory-mapped. */
int hal_port_io(unsigned port, unsigned size, bool write, uint32_t *value)
{
    (void)port, (void)size, (void)write, (void)value;
    return -HESTIA_ENODEV;
}

/* CCSR (the SoC's registers: interrupt controller, UART, GUTS) is the hypervisor's. */
bool hal_mmio_allowed(mfn_t mfn)
{
    uint64_t pa = mfn_val(mfn) << HAL_PAGE_SHIFT;
    return pa - ppc_ccsr_phys >= CCSR_SIZE || ppc_ccsr_page_is_dom0s(pa);
}
