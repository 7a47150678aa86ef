/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration space on the PC: configuration mechanism #1, an
 * address written to port 0xCF8 and the data at 0xCFC..0xCFF (the PCI
 * Local Bus specification 3.0, 3.2.2.3.2).  The hypervisor drives no PCI
 * function itself on the PC, so dom0 may write to any of them.
 */
#include <hal/physdev.h>
#include <hestia/errno.h>
#include <x86_common/io.h>

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_CONFIG_ENABLE 0x80000000u

static void select_dword(unsigned bus, unsigned devfn, unsigned reg)
{
    outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | bus << 16 | devfn << 8 | (reg & 0xfcu));
}

int hal_pci_cfg_read(unsigned bus, unsigned devfn, unsigned reg, unsigned size,
                     uint32_t *value)
{
    select_dword(bus, devfn, reg);
    *value = port_in((uint16_t)(PCI_CONFIG_DATA + (reg & 3u)), size);
    return 0;
}

int hal_pci_cfg_write(unsigned bus, unsigned devfn, unsigned reg, unsigned size,
                      uint32_t value)
{
    select_dword(bus, devfn, reg);
    port_out((uint16_t)(PCI_CONFIG_DATA + (reg & 3u)), size, value);
    return 0;
}

/* SeaBIOS and OVMF assign every BAR on the PC: no window is offered to dom0. */
int hal_pci_window(unsigned index, struct hal_pci_window *w)
{
    (void)index, (void)w;
    return -HESTIA_ENOENT;
}
