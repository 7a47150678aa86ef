/* SPDX-License-Identifier: MIT */
/*
 * Device interrupts for dom0 (hal/pirq.h): not wired on this backend yet
 * (docs/devices.md), so the platform offers no lines and no devices.
 */
#include <hal/pirq.h>
#include <hestia/errno.h>

unsigned hal_pirq_count(void)
{
    return 0;
}

bool hal_pirq_valid(unsigned pirq)
{
    (void)pirq;
    return false;
}

bool hal_pirq_owned_by_hypervisor(unsigned pirq)
{
    (void)pirq;
    return true;
}

void hal_pirq_enable(unsigned pirq)
{
    (void)pirq;
}

void hal_pirq_mask(unsigned pirq)
{
    (void)pirq;
}

void hal_pirq_unmask(unsigned pirq)
{
    (void)pirq;
}

int hal_pci_irq(unsigned bus, unsigned devfn, unsigned pin, unsigned *pirq)
{
    (void)bus, (void)devfn, (void)pin, (void)pirq;
    return -HESTIA_ENODEV;
}

int hal_platform_device(unsigned index, struct hal_platform_device *out)
{
    (void)index, (void)out;
    return -HESTIA_ENOENT;
}
