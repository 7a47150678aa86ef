/* SPDX-License-Identifier: MIT */
/*
 * Devices for dom0's drivers through HYPERCALL_physdev_op
 * (include/public/hestia/physdev.h): PCI configuration space, a scan of
 * bus 0, x86 I/O ports.  Every call returns 0 or a negative HESTIA_E* code.
 */
#ifndef PORT_PCI_H
#define PORT_PCI_H

#include <port/kernel.h>
#include <stdint.h>

#include <hestia/hestia.h>

#define PCI_DEVFN(dev, fn) ((unsigned)(dev) << 3 | (unsigned)(fn))
#define PCI_REG_ID 0x00
#define PCI_REG_COMMAND 0x04
#define PCI_REG_CLASS 0x08 /* revision, prog-if, subclass, class */
#define PCI_REG_HEADER_TYPE 0x0e
#define PCI_REG_INTERRUPT_LINE 0x3c /* read/write scratch for software */
#define PCI_HEADER_MULTIFUNCTION 0x80
#define PCI_VENDOR_NONE 0xffffu

long pci_cfg_read(unsigned bus, unsigned devfn, unsigned reg, unsigned size,
                  uint32_t *value);
long pci_cfg_write(unsigned bus, unsigned devfn, unsigned reg, unsigned size,
                   uint32_t value);

struct pci_function {
    uint8_t bus, devfn;
    uint16_t vendor, device;
    uint32_t class_rev; /* class << 24 | subclass << 16 | prog-if << 8 | revision */
};

/* x86 I/O ports through PHYSDEVOP_port_read/write (dom0; -HESTIA_ENODEV off the PC). */
long port_read(unsigned port, unsigned size, uint32_t *value);
long port_write(unsigned port, unsigned size, uint32_t value);

/*
 * Map one frame of device memory at machine address pa (page aligned)
 * into the kernel space at va, read/write (PHYSDEVOP_map_mmio; unmap with
 * mmu_unmap(0, va)); and the machine frame behind gfn, for DMA.
 */
long mmio_map(uintptr_t va, uint64_t pa);
long dma_translate(uint64_t gfn, uint64_t *mfn);

#define PCI_REG_BAR0 0x10

/* The host bridge's index-th PCI memory window (PHYSDEVOP_pci_window). */
long pci_window(unsigned index, struct physdev_pci_window *w);

/*
 * The functions present on bus 0, in devfn order: fills at most max of
 * out and returns how many exist (may exceed max), or a negative error.
 */
long pci_scan_bus0(struct pci_function *out, unsigned max);

/* One line for f: "pci 00:01.0 8086:7000 class 060100". */
void pci_print(const struct pci_function *f);

/*
 * Device interrupts (ports/common/pirq.c; EVTCHNOP_bind_pirq and
 * PHYSDEVOP_pci_irq / pirq_eoi / platform_device, dom0 only).
 * pirq_bind: bind physical line pirq to a new event channel whose events
 * call h(port, arg), unmasked; returns the port.  The line is masked
 * each time it fires: after handling the device, pirq_eoi(pirq) unmasks
 * it.  Closing the port (evtchn_close) releases the line.
 * pci_irq: the pirq of interrupt pin 1..4 (INTA..INTD, PCI_REG_INTERRUPT_PIN)
 * of bus:devfn.  platform_device: the index'th device that is not on PCI
 * (-HESTIA_ENOENT past the last).
 */
#define PCI_REG_INTERRUPT_PIN 0x3d
long pirq_bind(unsigned pirq, evtchn_handler_t h, void *arg);
long pirq_eoi(unsigned pirq);
long pci_irq(unsigned bus, unsigned devfn, unsigned pin, unsigned *pirq);

struct platform_device {
    unsigned type; /* PHYSDEV_DEVICE_VIRTIO_MMIO */
    uint64_t base; /* machine address of the register window (for mmio_map) */
    uint64_t size;
    unsigned pirq;
};
long platform_device(unsigned index, struct platform_device *out);

#endif
