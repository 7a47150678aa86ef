/* SPDX-License-Identifier: MIT */
/*
 * The host HAL's interrupt controller (hal/pirq.h): level-triggered lines
 * held in memory, raised by the unit tests (host/host.h).
 */
#include <hal/entry.h>
#include <hal/pirq.h>
#include <hestia/errno.h>
#include <hestia/physdev.h>
#include <host/host.h>

static bool enabled[HOST_PIRQ_COUNT], masked[HOST_PIRQ_COUNT], level[HOST_PIRQ_COUNT];

void host_pirq_reset(void)
{
    for (unsigned i = 0; i < HOST_PIRQ_COUNT; i++)
        enabled[i] = false, masked[i] = true, level[i] = false;
}

void host_pirq_set_level(unsigned pirq, bool asserted)
{
    if (pirq < HOST_PIRQ_COUNT)
        level[pirq] = asserted;
}

unsigned host_pirq_poll(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < HOST_PIRQ_COUNT; i++) {
        if (level[i] && enabled[i] && !masked[i]) {
            core_pirq_interrupt(i);
            n++;
        }
    }
    return n;
}

bool host_pirq_enabled(unsigned pirq)
{
    return pirq < HOST_PIRQ_COUNT && enabled[pirq];
}

bool host_pirq_masked(unsigned pirq)
{
    return pirq >= HOST_PIRQ_COUNT || masked[pirq];
}

unsigned hal_pirq_count(void)
{
    return HOST_PIRQ_COUNT;
}

bool hal_pirq_valid(unsigned pirq)
{
    return pirq < HOST_PIRQ_COUNT && pirq != HOST_PIRQ_ABSENT;
}

bool hal_pirq_owned_by_hypervisor(unsigned pirq)
{
    return pirq == HOST_PIRQ_HYP;
}

void hal_pirq_enable(unsigned pirq)
{
    enabled[pirq] = true;
    masked[pirq] = false;
}

void hal_pirq_mask(unsigned pirq)
{
    masked[pirq] = true;
}

void hal_pirq_unmask(unsigned pirq)
{
    masked[pirq] = false;
}

int hal_pci_irq(unsigned bus, unsigned devfn, unsigned pin, unsigned *pirq)
{
    if (bus != 0)
        return -HESTIA_ENOENT;
    *pirq = HOST_PCI_IRQ_PIRQ + ((devfn >> 3) + pin - 1) % 4;
    return 0;
}

int hal_platform_device(unsigned index, struct hal_platform_device *out)
{
    if (index != 0)
        return -HESTIA_ENOENT;
    *out = (struct hal_platform_device){.type = PHYSDEV_DEVICE_VIRTIO_MMIO,
                                        .base = HOST_PLATDEV_BASE,
                                        .size = 0x1000,
                                        .pirq = HOST_PLATDEV_PIRQ};
    return 0;
}
