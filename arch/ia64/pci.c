/* SPDX-License-Identifier: MIT */
/*
 * ia64sim has no PCI host bridge: its devices are virtio-mmio
 * (docs/devices.md), so configuration space does not exist here.
 */
#include <hal/physdev.h>
#include <hestia/errno.h>

int hal_pci_cfg_read(unsigned bus, unsigned devfn, unsigned reg, unsigned size,
                     uint32_t *value)
{
    (void)bus, (void)devfn, (void)reg, (void)size;
    *value = ~0u;
    return -HESTIA_ENODEV;
}

int hal_pci_cfg_write(unsigned bus, unsigned devfn, unsigned reg, unsigned size,
                      uint32_t value)
{
    (void)bus, (void)devfn, (void)reg, (void)size, (void)value;
    return -HESTIA_ENODEV;
}

int hal_pci_window(unsigned index, struct hal_pci_window *w)
{
    (void)index, (void)w;
    return -HESTIA_ENODEV;
}

/* No I/O port space on this platform: devices are memory-mapped. */
int hal_port_io(unsigned port, unsigned size, bool write, uint32_t *value)
{
    (void)port, (void)size, (void)write, (void)value;
    return -HESTIA_ENODEV;
}

/* ia64sim's devices are all dom0's: the hypervisor talks to the simulator by SSC calls. */
bool hal_mmio_allowed(mfn_t mfn)
{
    (void)mfn;
    return true;
}
