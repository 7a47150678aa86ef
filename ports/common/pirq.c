/* SPDX-License-Identifier: MIT */
/* Device interrupts as event channels, for dom0's drivers (port/pci.h). */
#include <port/kernel.h>
#include <port/pci.h>

long pirq_bind(unsigned pirq, evtchn_handler_t h, void *arg)
{
    struct evtchn_bind_pirq b = {.pirq = pirq};
    long r = hc_evtchn(EVTCHNOP_bind_pirq, &b);
    if (r < 0)
        return r;
    if (b.port == 0 || b.port >= EVTCHN_MAX_PORTS)
        return -HESTIA_EINVAL;
    evtchn_set_handler(b.port, h, arg);
    if (h)
        evtchn_unmask(b.port);
    return b.port;
}

long pirq_eoi(unsigned pirq)
{
    struct physdev_pirq_eoi e = {.pirq = pirq};
    return hc_physdev(PHYSDEVOP_pirq_eoi, &e);
}

long pci_irq(unsigned bus, unsigned devfn, unsigned pin, unsigned *pirq)
{
    *pirq = 0;
    if (bus > 255 || devfn > 255 || pin > 255)
        return -HESTIA_EINVAL;
    struct physdev_pci_irq p = {
        .bus = (uint8_t)bus, .devfn = (uint8_t)devfn, .pin = (uint8_t)pin};
    long r = hc_physdev(PHYSDEVOP_pci_irq, &p);
    if (r == 0)
        *pirq = p.pirq;
    return r;
}

long platform_device(unsigned index, struct platform_device *out)
{
    struct physdev_platform_device p = {.index = index};
    long r = hc_physdev(PHYSDEVOP_platform_device, &p);
    *out = (struct platform_device){0, 0, 0, 0};
    if (r == 0)
        *out = (struct platform_device){p.type, p.base, p.size, p.pirq};
    return r;
}
