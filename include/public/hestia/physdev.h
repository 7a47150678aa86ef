/* SPDX-License-Identifier: MIT */
/*
 * HYPERCALL_physdev_op(cmd, ptr): the platform's physical devices, for the
 * privileged domain only (every other domain gets -HESTIA_EPERM).  dom0
 * runs the device drivers, as in Xen; the hypervisor only gives it the
 * access a driver needs.  There is no IOMMU here: dom0 is trusted with
 * DMA (docs/devices.md).
 */
#ifndef HESTIA_PUBLIC_PHYSDEV_H
#define HESTIA_PUBLIC_PHYSDEV_H

#include "abi.h"

/*
 * PCI configuration space (conventional, 256 bytes per function) through
 * the platform's host bridge.  ptr -> struct physdev_pci_cfg.
 * -HESTIA_ENODEV: the platform has no PCI (ia64sim: devices are
 * virtio-mmio).  -HESTIA_EINVAL: bus, devfn, reg or size out of range or
 * reg not aligned to size.  -HESTIA_EPERM: a write to a function the
 * hypervisor itself drives (ppc: the pvpanic device, its failure exit).
 * A read of an absent function returns all ones, as on hardware.
 */
#define PHYSDEVOP_pci_cfg_read 0
#define PHYSDEVOP_pci_cfg_write 1

struct physdev_pci_cfg {
    uint16_t segment; /* must be 0 */
    uint8_t bus;
    uint8_t devfn;  /* device << 3 | function */
    uint16_t reg;   /* byte offset, < 256, a multiple of size */
    uint8_t size;   /* 1, 2 or 4 */
    uint8_t pad;    /* must be 0 */
    uint32_t value; /* IN for write, OUT for read */
    uint32_t pad2;  /* must be 0 */
};
_Static_assert(sizeof(struct physdev_pci_cfg) == 16, "physdev_pci_cfg layout");

#define PHYSDEV_PCI_CFG_SIZE 256u

/*
 * x86 I/O ports (the PC platform).  ptr -> struct physdev_port_io.
 * -HESTIA_ENODEV: no I/O port space (ppc, ia64).  -HESTIA_EINVAL: size not
 * 1, 2 or 4, port + size beyond 0x10000, padding not zero.
 * -HESTIA_EPERM: a port the hypervisor drives (its console UART, the
 * interrupt controllers, the timer, its exit port, the PCI configuration
 * ports: use PHYSDEVOP_pci_cfg_*); docs/devices.md lists them.
 */
#define PHYSDEVOP_port_read 2
#define PHYSDEVOP_port_write 3

struct physdev_port_io {
    uint16_t port;
    uint8_t size;   /* 1, 2 or 4 */
    uint8_t pad;    /* must be 0 */
    uint32_t value; /* IN for write, OUT for read */
};
_Static_assert(sizeof(struct physdev_port_io) == 8, "physdev_port_io layout");

#define PHYSDEV_PORT_SPACE 0x10000u

/*
 * Map one frame of device memory (a BAR) into one of dom0's address
 * spaces: ptr -> struct physdev_mmio_map.  The frame must not be RAM (any
 * RAM the platform reported, the hypervisor's own included: map RAM by
 * gfn with HYPERCALL_mmu_op) and must not be a device the hypervisor
 * drives (the PC's local APIC and IOAPIC, e500 CCSR): -HESTIA_EINVAL for
 * RAM, -HESTIA_EPERM for the hypervisor's.  perms must include READ and
 * not EXEC.  The mapping holds no frame reference; HYPERCALL_mmu_op unmaps
 * and re-protects it like any other.  The mapping is uncached and
 * guarded whatever perms say (x86 PCD|PWT, e500 WIMG I|G, ia64 ma=UC), and
 * a re-protect keeps it so (docs/devices.md).
 */
#define PHYSDEVOP_map_mmio 4

struct physdev_mmio_map {
    uint64_t as;    /* address-space handle, 0 = the kernel space (mmu.h) */
    uint64_t va;    /* page aligned */
    uint64_t mfn;   /* machine frame of the device memory */
    uint32_t perms; /* MMU_PERM_* */
    uint32_t pad;   /* must be 0 */
};
_Static_assert(sizeof(struct physdev_mmio_map) == 32, "physdev_mmio_map layout");

/*
 * The machine frame behind one of dom0's gfns, for DMA: a device is told
 * machine addresses.  ptr -> struct physdev_dma_translate.  -HESTIA_EINVAL:
 * gfn beyond the domain's limit; -HESTIA_ENOENT: no frame there.  The
 * answer stays true while dom0 keeps the gfn populated.
 */
#define PHYSDEVOP_dma_translate 5

struct physdev_dma_translate {
    uint64_t gfn;
    uint64_t mfn; /* OUT */
};

/*
 * Physical interrupts (bound to event channels with EVTCHNOP_bind_pirq,
 * event_channel.h; docs/devices.md has the numbers per platform).
 *
 * PHYSDEVOP_pci_irq: the pirq a PCI function's interrupt pin (1 = INTA
 * .. 4 = INTD) reaches through the platform's INTx routing.
 * ptr -> struct physdev_pci_irq.  -HESTIA_ENODEV: no PCI (ia64sim);
 * -HESTIA_EINVAL: pin not 1..4, padding not 0; -HESTIA_ENOENT: the pin is
 * not routed to any line (a bus behind a bridge, a PIRQ link the firmware
 * left disabled).
 */
#define PHYSDEVOP_pci_irq 6

struct physdev_pci_irq {
    uint8_t bus;
    uint8_t devfn;
    uint8_t pin;   /* 1..4 (the Interrupt Pin register's value) */
    uint8_t pad;   /* must be 0 */
    uint32_t pirq; /* OUT */
};
_Static_assert(sizeof(struct physdev_pci_irq) == 8, "physdev_pci_irq layout");

/*
 * PHYSDEVOP_pirq_eoi: dom0 has handled the device behind a bound pirq;
 * the hypervisor unmasks the line.  ptr -> struct physdev_pirq_eoi.
 * -HESTIA_EINVAL: the pirq is not bound to one of the caller's ports.
 */
#define PHYSDEVOP_pirq_eoi 7

struct physdev_pirq_eoi {
    uint32_t pirq;
    uint32_t pad; /* must be 0 */
};

/*
 * PHYSDEVOP_platform_device: the index'th device of the platform that is
 * not on PCI (ia64sim's virtio-mmio block and network devices, ppce500's
 * I2C controller page), with its type (check it: more types may come),
 * register window (machine address, for PHYSDEVOP_map_mmio) and pirq.
 * ptr -> struct physdev_platform_device.  -HESTIA_ENOENT past the last
 * one (at index 0 on a platform without such devices).
 */
#define PHYSDEVOP_platform_device 8

#define PHYSDEV_DEVICE_VIRTIO_MMIO 1
#define PHYSDEV_DEVICE_FSL_I2C 2 /* Freescale I2C controller (ppce500: the RTC's bus) */

struct physdev_platform_device {
    uint32_t index; /* IN */
    uint32_t type;  /* OUT: PHYSDEV_DEVICE_* */
    uint64_t base;  /* OUT: machine address of the register window */
    uint64_t size;  /* OUT: bytes */
    uint32_t pirq;  /* OUT */
    uint32_t pad;
};
_Static_assert(sizeof(struct physdev_platform_device) == 32,
               "physdev_platform_device layout");

/*
 * The host bridge's windows for PCI memory: where dom0 may place a BAR
 * that firmware left unassigned (ppce500 booted with -kernel has no
 * firmware to do it).  ptr -> struct physdev_pci_window with index IN;
 * index 0, 1, ... until -HESTIA_ENOENT.  A BAR holds a bus address in
 * [bus_base, bus_base + size); the CPU reaches it at
 * cpu_base + (bar - bus_base) (PHYSDEVOP_map_mmio takes that machine
 * address).  -HESTIA_ENODEV: no PCI.  -HESTIA_ENOENT at index 0: the
 * platform offers no window (the PC: firmware assigned every BAR).
 * The hypervisor keeps what it uses
 * itself out of the window (ppc: its pvpanic BAR) and has opened the
 * bridge's inbound window so devices reach RAM at bus address = machine
 * address, as PHYSDEVOP_dma_translate names it.
 */
#define PHYSDEVOP_pci_window 9

#define PHYSDEV_PCI_WINDOW_MEM 1u   /* memory space (no I/O windows yet) */
#define PHYSDEV_PCI_WINDOW_64BIT 2u /* may hold a 64-bit BAR above 4 GiB */

struct physdev_pci_window {
    uint32_t index; /* IN */
    uint32_t flags; /* OUT: PHYSDEV_PCI_WINDOW_* */
    uint64_t cpu_base;
    uint64_t bus_base;
    uint64_t size;
};
_Static_assert(sizeof(struct physdev_pci_window) == 32, "physdev_pci_window layout");

#endif
