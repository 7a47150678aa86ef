/* SPDX-License-Identifier: MIT */
/* PCI configuration space, a bus-0 scan and I/O ports for dom0 (port/pci.h). */
#include <port/kernel.h>
#include <port/pci.h>

static long cfg_op(unsigned op, unsigned bus, unsigned devfn, unsigned reg, unsigned size,
                   uint32_t *value)
{
    struct physdev_pci_cfg c = {.bus = (uint8_t)bus,
                                .devfn = (uint8_t)devfn,
                                .reg = (uint16_t)reg,
                                .size = (uint8_t)size,
                                .value = *value};
    if (bus > 255 || devfn > 255 || reg > 0xffff || size > 255)
        return -HESTIA_EINVAL;
    long r = hc_physdev(op, &c);
    if (r == 0)
        *value = c.value;
    return r;
}

long pci_cfg_read(unsigned bus, unsigned devfn, unsigned reg, unsigned size,
                  uint32_t *value)
{
    *value = 0;
    return cfg_op(PHYSDEVOP_pci_cfg_read, bus, devfn, reg, size, value);
}

long pci_cfg_write(unsigned bus, unsigned devfn, unsigned reg, unsigned size,
                   uint32_t value)
{
    return cfg_op(PHYSDEVOP_pci_cfg_write, bus, devfn, reg, size, &value);
}

long pci_scan_bus0(struct pci_function *out, unsigned max)
{
    long found = 0;
    for (unsigned dev = 0; dev < 32; dev++) {
        for (unsigned fn = 0; fn < 8; fn++) {
            uint32_t id, cls, hdr;
            long r = pci_cfg_read(0, PCI_DEVFN(dev, fn), PCI_REG_ID, 4, &id);
            if (r < 0)
                return r;
            if ((id & 0xffffu) == PCI_VENDOR_NONE) {
                if (fn == 0)
                    break; /* no device: no other functions either */
                continue;
            }
            if ((r = pci_cfg_read(0, PCI_DEVFN(dev, fn), PCI_REG_CLASS, 4, &cls)) < 0 ||
                (r = pci_cfg_read(0, PCI_DEVFN(dev, fn), PCI_REG_HEADER_TYPE, 1, &hdr)) < 0)
                return r;
            if ((unsigned long)found < max)
                out[found] = (struct pci_function){0, (uint8_t)PCI_DEVFN(dev, fn),
                                                   (uint16_t)id, (uint16_t)(id >> 16), cls};
            found++;
            if (fn == 0 && !(hdr & PCI_HEADER_MULTIFUNCTION))
                break;
        }
    }
    return found;
}

static long port_op(unsigned op, unsigned port, unsigned size, uint32_t *value)
{
    if (port > 0xffff || size > 255)
        return -HESTIA_EINVAL;
    struct physdev_port_io p = {
        .port = (uint16_t)port, .size = (uint8_t)size, .value = *value};
    long r = hc_physdev(op, &p);
    if (r == 0)
        *value = p.value;
    return r;
}

long port_read(unsigned port, unsigned size, uint32_t *value)
{
    *value = 0;
    return port_op(PHYSDEVOP_port_read, port, size, value);
}

long port_write(unsigned port, unsigned size, uint32_t value)
{
    return port_op(PHYSDEVOP_port_write, port, size, &value);
}

long mmio_map(uintptr_t va, uint64_t pa)
{
    struct physdev_mmio_map m = {.as = 0,
                                 .va = va,
                                 .mfn = pa >> HESTIA_PAGE_SHIFT,
                                 .perms = MMU_PERM_READ | MMU_PERM_WRITE};
    return hc_physdev(PHYSDEVOP_map_mmio, &m);
}

long dma_translate(uint64_t gfn, uint64_t *mfn)
{
    struct physdev_dma_translate t = {.gfn = gfn};
    long r = hc_physdev(PHYSDEVOP_dma_translate, &t);
    *mfn = r == 0 ? t.mfn : 0;
    return r;
}

long pci_window(unsigned index, struct physdev_pci_window *w)
{
    *w = (struct physdev_pci_window){.index = index};
    return hc_physdev(PHYSDEVOP_pci_window, w);
}

void pci_print(const struct pci_function *f)
{
    printk("pci %02x:%02x.%u %04x:%04x class %06x\n", f->bus, f->devfn >> 3, f->devfn & 7u,
           f->vendor, f->device, f->class_rev >> 8);
}
