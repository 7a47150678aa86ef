/* SPDX-License-Identifier: MIT */
/*
 * The platform's physical devices, as core/physdev.c offers them to the
 * privileged domain (HYPERCALL_physdev_op): PCI configuration space and
 * x86 I/O ports.  The arguments are validated there (PCI: bus < 256,
 * devfn < 256, reg < 256 and a multiple of size; size 1, 2 or 4; ports:
 * port + size <= 0x10000) before any of these is called.  The backend
 * refuses what the hypervisor drives itself.
 */
#ifndef HAL_PHYSDEV_H
#define HAL_PHYSDEV_H

#include "types.h"

/*
 * Read size bytes at reg of bus:devfn into *value (zero-extended).  An
 * absent function reads as all ones.  Returns 0, or -HESTIA_ENODEV when
 * the platform has no PCI host bridge.
 * Context: hypervisor, interrupts disabled (the address/data pair of a
 * config cycle must not be split).
 */
int hal_pci_cfg_read(unsigned bus, unsigned devfn, unsigned reg, unsigned size,
                     uint32_t *value);

/*
 * Write the low size bytes of value at reg of bus:devfn.  Returns 0,
 * -HESTIA_ENODEV when the platform has no PCI, or -HESTIA_EPERM for a
 * function the hypervisor drives itself (a guest must not move its BARs).
 * Context: as hal_pci_cfg_read().
 */
int hal_pci_cfg_write(unsigned bus, unsigned devfn, unsigned reg, unsigned size,
                      uint32_t value);

/*
 * Read (write = false: *value gets the zero-extended data) or write
 * (the low size bytes of *value) size bytes at I/O port port.  Returns 0,
 * -HESTIA_ENODEV on a platform without I/O port space, or -HESTIA_EPERM
 * for a port the hypervisor drives (its console UART, interrupt
 * controller, timer, exit port, the PCI configuration ports).
 * Context: hypervisor, interrupts disabled.
 */
int hal_port_io(unsigned port, unsigned size, bool write, uint32_t *value);

/*
 * Whether dom0 may map machine frame mfn as device memory.  core/ has
 * already refused RAM (every region the platform reported); the backend
 * refuses the device memory the hypervisor drives itself.
 * Context: any.
 */
bool hal_mmio_allowed(mfn_t mfn);

/* One window of the PCI host bridge's memory space (PHYSDEVOP_pci_window). */
struct hal_pci_window {
    uint64_t cpu_base; /* where the CPU reaches bus_base */
    uint64_t bus_base; /* the bus address a BAR holds */
    uint64_t size;
    uint32_t flags; /* PHYSDEV_PCI_WINDOW_* (include/public/hestia/physdev.h) */
};

/*
 * The index-th window in which dom0 may place a BAR firmware left
 * unassigned, with the bridge set up so that the CPU reaches the window
 * and devices reach RAM at bus address = machine address (dom0's DMA
 * addresses).  The backend leaves out what the hypervisor uses itself.
 * Returns 0, -HESTIA_ENOENT past the last window (the PC: firmware
 * assigns every BAR, no window is offered), -HESTIA_ENODEV without PCI.
 * Context: hypervisor, interrupts disabled.
 */
int hal_pci_window(unsigned index, struct hal_pci_window *w);

#endif
